"""Full mode (the default, what a learner runs) versus quick mode (CI).

This module is the only place that reads the mode variable; notebooks ask
``pick`` for their epochs, steps and sizes.
"""

import os

MODE_VARIABLE = "CNN_COURSE_MODE"
MODES = ("full", "quick")


def current_mode():
    """The course mode: "full" unless CNN_COURSE_MODE says "quick"."""
    value = os.environ.get(MODE_VARIABLE, "").strip().lower() or "full"
    if value not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE}={os.environ[MODE_VARIABLE]!r} is not a course mode: "
            f"set it to 'full' (the default) or 'quick', or unset it."
        )
    return value


def pick(*, full, quick):
    """Return ``full`` in full mode and ``quick`` in quick mode."""
    return quick if current_mode() == "quick" else full
