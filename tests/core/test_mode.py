import json

import pytest

import utils
from utils.core.mode import MODE_VARIABLE, current_mode, pick
from utils.runner.record import METRICS_FILE_VARIABLE, read_metrics, record_metric


def test_full_mode_is_the_default(monkeypatch):
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    assert current_mode() == "full"
    assert pick(full=10, quick=1) == 10


def test_quick_mode(monkeypatch):
    monkeypatch.setenv(MODE_VARIABLE, " Quick ")
    assert current_mode() == "quick"
    assert pick(full=10, quick=1) == 1


def test_unknown_mode_names_the_variable_and_the_fix(monkeypatch):
    monkeypatch.setenv(MODE_VARIABLE, "fast")
    with pytest.raises(ValueError, match=r"CNN_COURSE_MODE='fast' is not a course mode.*'full'.*'quick'"):
        current_mode()


def test_pick_needs_both_values_by_name():
    with pytest.raises(TypeError):
        pick(10, 1)


def test_record_metric_writes_nothing_outside_the_runner(monkeypatch, tmp_path):
    monkeypatch.delenv(METRICS_FILE_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert record_metric("accuracy", 0.9) is None
    assert list(tmp_path.iterdir()) == []


def test_record_metric_collects_metrics_for_the_runner(monkeypatch, tmp_path):
    path = tmp_path / "metrics.json"
    monkeypatch.setenv(METRICS_FILE_VARIABLE, str(path))
    utils.record_metric("accuracy", 0.5)
    utils.record_metric("accuracy", 0.75)  # the last value wins
    utils.record_metric("seconds", 12)
    assert json.loads(path.read_text()) == {"accuracy": 0.75, "seconds": 12.0}
    assert read_metrics(path) == {"accuracy": 0.75, "seconds": 12.0}


@pytest.mark.parametrize(
    "name, value, error",
    [
        ("test accuracy", 0.9, ValueError),
        ("", 0.9, ValueError),
        (3, 0.9, ValueError),
        ("accuracy", "high", TypeError),
        ("accuracy", None, TypeError),
        ("accuracy", float("nan"), ValueError),
    ],
)
def test_record_metric_rejects_bad_input(name, value, error):
    with pytest.raises(error):
        record_metric(name, value)
