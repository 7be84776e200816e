"""The autograder: hidden cases pass on the solutions, fail on the student version and on the mutants,
and a misbehaving learner notebook costs only the functions that misbehave."""

import functools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from tests.mutants import mutant_source, mutants_of
from tests.processes import communicate_or_dump, default_sigint, processes_with
from utils.core.errors import CourseError
from utils.core.paths import REPO_ROOT, existing_notebooks
from utils.grading import autograde, notebook_cells, sandbox
from utils.grading.grader import Grader, hidden_tests
from utils.grading.notebook_cells import graded_cells
from utils.grading.release import student_cells, student_version

STEP_BY_STEP = "week1/Convolution_model_Step_by_Step.ipynb"


@functools.cache
def grader(notebook):
    return Grader(REPO_ROOT / notebook)


def graded_functions():
    return [
        pytest.param(notebook, name, id=f"{name}")
        for notebook in existing_notebooks()
        for name in graded_cells(REPO_ROOT / notebook)
    ]


@pytest.mark.parametrize("notebook", existing_notebooks())
def test_every_graded_function_has_hidden_cases_and_points(notebook):
    names = set(graded_cells(REPO_ROOT / notebook))
    assert set(hidden_tests(notebook).CASES) == names
    points = notebook_cells.points(REPO_ROOT / notebook)
    assert set(points) == names and all(points[name] > 0 for name in names)


@pytest.mark.parametrize("notebook, name", graded_functions())
def test_hidden_cases_pass_on_the_solution_and_fail_on_the_student_version(notebook, name):
    solution = graded_cells(REPO_ROOT / notebook)
    assert grader(notebook).grade(name, solution) == (True, "")
    passed, reason = grader(notebook).grade(name, {**solution, name: student_cells(REPO_ROOT / notebook)[name]})
    assert not passed and "NotImplementedError" in reason


def mutants():
    return [
        pytest.param(notebook, name, old, new, id=f"{name}: {description}")
        for notebook in existing_notebooks()
        for name, variants in mutants_of(notebook).items()
        for description, old, new in variants
    ]


@pytest.mark.parametrize("notebook, name, old, new", mutants())
def test_hidden_cases_fail_on_the_mutants(notebook, name, old, new):
    cells = {**graded_cells(REPO_ROOT / notebook), name: mutant_source(notebook, name, old, new)}
    passed, reason = grader(notebook).grade(name, cells)
    assert not passed and reason


MISBEHAVIOURS = {
    # function: (what the learner's cell does, the reason the autograder must give)
    "conv_single_step": (None, "NotImplementedError"),
    "conv_forward": ("del np\n", "deletes or redefines np"),
    "pool_forward": ("def pool_forward(A_prev, hparameters):\n    return A_prev\n", "signature changed"),
    "conv_backward": (  # ignores interrupts, and starts a process that leaves the kernel's process group
        "def conv_backward(dZ, cache):\n    import os, signal, time\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    if os.fork() == 0:\n        os.setsid()\n        while True:\n            time.sleep(0.1)\n"
        "    while True:\n        pass\n",
        "did not finish within",
    ),
    "create_mask_from_window": (
        'def create_mask_from_window(x):\n    print("x" * 3_000_000)\n    return x == x.max()\n',
        "printed 3,000,001 characters",
    ),
    "distribute_value": ("import os\nos._exit(3)\n", "kernel died"),
    "pool_backward": ("numerical_gradient = None\n", "deletes or redefines numerical_gradient"),
}


def test_autograder_survives_a_misbehaving_notebook(tmp_path, monkeypatch):
    notebook = student_version(nbformat.read(REPO_ROOT / STEP_BY_STEP, as_version=4))
    solution = graded_cells(REPO_ROOT / STEP_BY_STEP)
    for cell in notebook.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name == "zero_pad":
            cell.source = solution[name]
        elif name in MISBEHAVIOURS and MISBEHAVIOURS[name][0]:
            cell.source = f"# GRADED FUNCTION: {name}\n" + (
                MISBEHAVIOURS[name][0] if name != "conv_forward" else MISBEHAVIOURS[name][0] + solution[name]
            )
    learner = tmp_path / "Convolution_model_Step_by_Step.ipynb"
    nbformat.write(notebook, learner)

    monkeypatch.chdir(REPO_ROOT)  # the course notebook given relative to here, as on the command line
    mark = f"{tmp_path.name}-{os.getpid()}"
    monkeypatch.setenv("TEST_AUTOGRADE_MARK", mark)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    rows = {
        row["name"]: row for row in autograde.autograde(learner, Path(STEP_BY_STEP), timeout=10, log=lambda line: None)
    }
    assert list(scratch.iterdir()) == [], "the learner's sources are not left behind"
    assert processes_with("TEST_AUTOGRADE_MARK", mark) == [], "no process of the learner's code is left running"

    assert rows["zero_pad"]["scored"] == rows["zero_pad"]["points"] == 1
    for name, (_, reason) in MISBEHAVIOURS.items():
        assert rows[name]["scored"] == 0 and reason in rows[name]["reason"], (name, rows[name])
    table = autograde.score_table(list(rows.values()), 1.0)
    assert "score 1/12" in table and "FAIL" in table


def test_autograder_names_a_broken_or_foreign_notebook(tmp_path):
    broken = tmp_path / "Convolution_model_Step_by_Step.ipynb"
    broken.write_text('{"cells": [')
    with pytest.raises(CourseError, match="not a readable notebook"):
        notebook_cells.learner_cells(broken, ["zero_pad"])
    with pytest.raises(CourseError, match="not a course notebook name"):
        autograde.course_notebook_for(tmp_path / "my_notes.ipynb")
    with pytest.raises(CourseError, match="week9.ipynb does not exist: pass --course-notebook"):
        autograde.autograde(broken, tmp_path / "week9.ipynb")
    with pytest.raises(CourseError, match="my_notes.ipynb does not exist"):
        notebook_cells.learner_cells(tmp_path / "my_notes.ipynb", ["zero_pad"])


def test_command_line_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert autograde.main([str(tmp_path / "my_notes.ipynb")]) == 2
    assert "python -m utils.grading.autograde: " in capsys.readouterr().err


CHEATS = {
    # function: the cell a cheating learner writes (each function body is wrong or blank)
    "zero_pad": (  # the comparisons, replaced in the learner's process
        "import utils.grading.checks, utils.grading.grader\n"
        "utils.grading.grader.same_result = utils.grading.checks.check_array = lambda *args, **kwargs: None\n"
        "def zero_pad(X, pad):\n    return X\n"
    ),
    "conv_single_step": (  # the grader's own verdict, replaced
        "import __main__\n__main__._grader.grade = lambda *args: (True, '')\n"
        "def conv_single_step(a_slice_prev, W, b):\n    return 0.0\n"
    ),
    "pool_forward": (  # the course notebook's solution, found next to the installed utils package
        "import json, pathlib, utils\n"
        "course = pathlib.Path(utils.__file__).parents[1] / 'week1' / 'Convolution_model_Step_by_Step.ipynb'\n"
        "for cell in json.loads(course.read_text())['cells']:\n"
        "    if ''.join(cell['source']).startswith('# GRADED FUNCTION: pool_forward'):\n"
        "        exec(''.join(cell['source']))\n"
    ),
    "conv_backward": (  # the hidden cases, and the grader's reference solutions
        "import pathlib, utils\n"
        "HIDDEN = (pathlib.Path(utils.__file__).parents[1] / 'tests' / 'hidden').iterdir()\n"
        "def conv_backward(dZ, cache):\n    import __main__\n"
        "    return __main__._grader.reference['conv_backward'](dZ, cache)\n"
    ),
    "create_mask_from_window": (  # numpy, patched before the expected results are computed
        "np.sum = lambda *args, **kwargs: 0\ndef create_mask_from_window(x):\n    return x == x.min()\n"
    ),
    "distribute_value": (  # the grader, signalled to stop before it prints the table
        "import os, signal\n"
        "def distribute_value(dz, shape):\n    os.kill(os.getppid(), signal.SIGTERM)\n    return np.zeros(shape)\n"
    ),
}


@pytest.mark.skipif(not sandbox.available(), reason="Linux namespaces (unshare) are not available here")
def test_every_cheat_scores_nothing_and_costs_no_other_function_its_points(tmp_path, monkeypatch):
    """conv_forward and pool_backward, right, call the cheating zero_pad, conv_single_step,
    create_mask_from_window and distribute_value: they are graded with the reference versions instead."""
    notebook = student_version(nbformat.read(REPO_ROOT / STEP_BY_STEP, as_version=4))
    solution = graded_cells(REPO_ROOT / STEP_BY_STEP)
    for cell in notebook.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name in CHEATS:
            cell.source = f"# GRADED FUNCTION: {name}\n{CHEATS[name]}"
        elif name in ("conv_forward", "pool_backward"):
            cell.source = solution[name]
    learner = tmp_path / "Convolution_model_Step_by_Step.ipynb"
    nbformat.write(notebook, learner)
    rows = {row["name"]: row for row in autograde.autograde(learner, timeout=60, log=lambda line: None)}
    for name in CHEATS:
        assert rows[name]["scored"] == 0 and rows[name]["reason"], (name, rows[name])
    assert rows["conv_forward"]["scored"] == rows["conv_forward"]["points"] == 2
    assert rows["pool_backward"]["scored"] == rows["pool_backward"]["points"] == 2
    assert "FileNotFoundError" in rows["pool_forward"]["reason"] or "does not define" in rows["pool_forward"]["reason"]
    assert "_grader" in rows["conv_single_step"]["reason"]


def test_ctrl_c_stops_the_autograder_and_its_kernels_without_a_traceback(tmp_path):
    notebook = student_version(nbformat.read(REPO_ROOT / STEP_BY_STEP, as_version=4))
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "zero_pad":
            cell.source = "# GRADED FUNCTION: zero_pad\nimport time\ntime.sleep(600)\n"
    learner = tmp_path / "Convolution_model_Step_by_Step.ipynb"
    nbformat.write(notebook, learner)
    mark = f"{tmp_path.name}-{os.getpid()}-autograde"
    grader = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "utils.grading.autograde", str(learner),
                               "--timeout", "600"],
                              env=dict(os.environ, TEST_AUTOGRADE_MARK=mark), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)  # fmt: skip
    assert grader.stdout.readline() == "grading zero_pad ...\n"
    time.sleep(3)  # the learner's kernel sleeps in zero_pad's cell
    grader.send_signal(signal.SIGINT)
    out, err = communicate_or_dump(grader, timeout=120)
    assert grader.returncode == 130, err
    assert "stopped (Ctrl-C)" in err and "Traceback" not in err
    assert processes_with("TEST_AUTOGRADE_MARK", mark) == []
