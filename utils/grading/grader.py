"""Grading a notebook's functions on hidden test cases: the trusted side.

A ``Grader`` holds the course notebook's reference solutions and the hidden cases of tests/hidden/<notebook>.py,
and computes every expected result when it is made, before any learner's code runs. For each graded function
it writes a ``Job`` (utils.grading.learner_kernel) for the learner's kernel, which runs the learner's cell and
function there and writes back only plain data (utils.grading.results); ``judge`` then compares that data with
the expected results here. The learner's code never shares a process with this one in the autograder
(utils.grading.autograde); ``grade`` runs both sides in one process, for the test suite.
"""

import importlib.util
import json
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from utils.core.environment import seed_everything
from utils.core.paths import REPO_ROOT
from utils.grading.cases import call
from utils.grading.checks import CheckFailed, check_array, describe
from utils.grading.learner_kernel import REPORT_NAME, Job, captured_prints, run, signature_of
from utils.grading.model_summary import compare_model, summarize
from utils.grading.notebook_cells import first_code_cell, graded_cells, load_graded_functions, read_notebook
from utils.grading.results import decode

HIDDEN_TESTS_DIR = REPO_ROOT / "tests" / "hidden"
SEED = 7


def hidden_tests(notebook_path: str | Path) -> ModuleType:
    """The module tests/hidden/<notebook stem, lower case>.py of a course notebook."""
    path = HIDDEN_TESTS_DIR / f"{Path(notebook_path).stem.lower()}.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: every course notebook needs hidden test cases there.")
    spec = importlib.util.spec_from_file_location(f"hidden_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_result(actual: Any, expected: Any, where: str) -> None:
    """Fail with CheckFailed unless ``actual`` matches the reference result ``expected``."""
    import keras

    if isinstance(expected, keras.Model):
        compare_model(actual, summarize(expected), name=where)
    elif isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            raise CheckFailed(
                f"{where}: expected a {type(expected).__name__} of length {len(expected)}, got {describe(actual)}."
            )
        for index, (part, expected_part) in enumerate(zip(actual, expected)):
            same_result(part, expected_part, f"{where}, item {index}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            raise CheckFailed(f"{where}: expected {describe(expected)}, got {describe(actual)}.")
        for key in expected:
            same_result(actual[key], expected[key], f"{where}, key {key!r}")
    elif isinstance(expected, bool):
        value = np.asarray(actual) if isinstance(actual, (bool, np.ndarray, np.generic)) else None
        if value is None or value.shape != () or value.dtype != bool or bool(value) != expected:
            raise CheckFailed(f"{where}: expected {expected!r}, got {describe(actual)}.")
    elif expected is None or isinstance(expected, str):
        if type(actual) is not type(expected) or actual != expected:
            raise CheckFailed(f"{where}: expected {expected!r}, got {describe(actual)}.")
    else:
        expected = np.asarray(expected.numpy() if hasattr(expected, "numpy") else expected)
        check_array(actual, expected, name=where, rtol=1e-4, atol=1e-5, check_dtype=False, accept_tensors=True)


def _one_line(text, limit=240):
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class Grader:
    """Grades the functions of one course notebook, one at a time."""

    def __init__(self, notebook_path: str | Path) -> None:
        self.notebook_path = Path(notebook_path)
        notebook = read_notebook(self.notebook_path)
        self.first_cell = first_code_cell(notebook)
        self.order = list(graded_cells(notebook))
        with captured_prints():
            self.reference = load_graded_functions(notebook)
        self.hidden = hidden_tests(self.notebook_path)
        missing = [name for name in self.order if not self.hidden.CASES.get(name)]
        if missing:
            raise LookupError(f"tests/hidden has no cases for {', '.join(missing)}")
        # Computed now, before any learner's code runs: nothing it does can change them.
        self.expected = {name: [self._expected(name, case) for case in self.hidden.CASES[name]] for name in self.order}

    def _outcome(self, name):
        return getattr(self.hidden, "OUTCOMES", {}).get(name, call)

    def _expected(self, name, case):
        seed_everything(SEED)
        with captured_prints():
            return self._outcome(name)(self.reference[name], *case.arguments())

    def job(self, name: str) -> Job:
        """What the learner's kernel needs to run ``name``: the reference versions of the functions before it,
        never its own, and no expected result."""
        earlier = self.order[: self.order.index(name)]
        return Job(name, self.first_cell, {other: self.reference[other] for other in earlier},
                   signature_of(self.reference[name]), self.hidden.CASES[name], self._outcome(name), SEED)  # fmt: skip

    def write_job(self, name: str, job_file: str | Path) -> None:
        import cloudpickle

        Path(job_file).write_bytes(cloudpickle.dumps(self.job(name)))

    def judge(self, name: str, results_dir: str | Path) -> tuple[bool, str]:
        """``(passed, reason)`` for ``name`` from what the learner's kernel wrote in ``results_dir``."""
        results_dir = Path(results_dir)
        try:
            problem = json.loads((results_dir / REPORT_NAME).read_text()).get("problem")
        except (OSError, ValueError, AttributeError):
            return False, "its grading ended without a report (the learner's kernel stopped?)"
        if problem:
            return False, _one_line(problem)
        for number in range(1, len(self.expected[name]) + 1):
            failure = self._judge_case(name, number, results_dir)
            if failure:
                return False, failure
        return True, ""

    def _judge_case(self, name, number, results_dir):
        """Why case ``number`` of ``name`` fails, or None if it passes."""
        expected_results = self.expected[name]
        where = f"hidden case {number} of {len(expected_results)}"
        try:
            actual = decode(results_dir, f"case_{number}")
        except (OSError, ValueError, KeyError, TypeError) as error:
            return f"{where}: its result could not be read back ({type(error).__name__})"
        try:
            getattr(self.hidden, "COMPARE", {}).get(name, same_result)(actual, expected_results[number - 1], where)
        except CheckFailed as failure:
            return str(failure)
        return None

    def judge_to_file(self, name: str, results_dir: str | Path, verdict_file: str | Path) -> None:
        """``judge`` for the autograder: the verdict as JSON in ``verdict_file``."""
        try:
            passed, reason = self.judge(name, results_dir)
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            passed, reason = False, f"grading raised {type(error).__name__}: {error}"
        Path(verdict_file).write_text(json.dumps({"passed": passed, "reason": _one_line(reason)}))

    def grade(self, name: str, sources: dict[str, str | None]) -> tuple[bool, str]:
        """``(passed, reason)`` for ``name`` with the learner's cells ``sources``, both sides in this process
        (the job goes through pickle as it does to the learner's kernel)."""
        import cloudpickle

        job = cloudpickle.loads(cloudpickle.dumps(self.job(name)))
        with tempfile.TemporaryDirectory() as results_dir:
            problem = run(job, sources.get(name), results_dir,
                          keep_going=lambda number: self._judge_case(name, number, results_dir) is None)  # fmt: skip
            Path(results_dir, REPORT_NAME).write_text(json.dumps({"problem": problem}))
            return self.judge(name, results_dir)
