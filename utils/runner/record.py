"""Headline results a notebook reports to the course runner (python -m utils.runner)."""

import json
import math
import os
from pathlib import Path

METRICS_FILE_VARIABLE = "CNN_COURSE_METRICS_FILE"
# A metric with one of these words in its name (between underscores) measures the machine's speed, e.g.
# ``training_seconds``: the runner does not expect it to repeat from one run to the next.
SPEED_WORDS = {"seconds", "speedup", "time", "gflops"}


def measures_speed(name: str) -> bool:
    return not SPEED_WORDS.isdisjoint(name.split("_"))


def record_metric(name: str, value: float) -> None:
    """Record a headline result, e.g. ``record_metric("test_accuracy", acc)``.

    The course runner collects these into its table. Outside the runner (a
    learner's session, nbval) nothing is written. Returns None so that a call
    as the last line of a cell displays nothing.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"metric name must be an identifier-like string, got {name!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"metric {name!r} must be a number, got {type(value).__name__}") from None
    if not math.isfinite(number):
        raise ValueError(f"metric {name!r} must be finite, got {number}")
    path = os.environ.get(METRICS_FILE_VARIABLE)
    if not path:
        return None
    metrics = read_metrics(path)
    metrics[name] = number
    Path(path).write_text(json.dumps(metrics, indent=1, sort_keys=True))
    return None


def read_metrics(path: str | Path) -> dict[str, float]:
    """The metrics recorded so far in ``path`` ({} if there are none yet)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return {}
    return json.loads(path.read_text())
