"""Grading a class with nbgrader: the source notebooks follow the course's, and the real nbgrader commands,
run offline on planted submissions of week1's Step_by_Step notebook, give each function the points that
utils.grading.autograde gives it, in nbgrader's gradebook."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import is_grade, is_locked

from tests.mutants import mutant_source, mutants_of
from utils.core.mode import MODE_VARIABLE
from utils.core.paths import REPO_ROOT, existing_notebooks
from utils.grading import autograde, nbgrader_class, notebook_cells

STEP_BY_STEP = "week1/Convolution_model_Step_by_Step.ipynb"
ASSIGNMENT, NOTEBOOK_ID = Path(STEP_BY_STEP).parent.name, Path(STEP_BY_STEP).stem
_, MUTANT_OLD, MUTANT_NEW = mutants_of(STEP_BY_STEP)["pool_forward"][0]
RELEASED = None  # a graded cell handed in as released: its placeholder raises NotImplementedError
# learner: {function: the graded cell the learner hands in}; every other graded cell is the solution
SUBMISSIONS = {
    "full": {},
    "partial": {  # wrong, blank, raising and not Python: conv_forward and pool_backward, right, call them
        "pool_forward": mutant_source(STEP_BY_STEP, "pool_forward", MUTANT_OLD, MUTANT_NEW),
        "conv_single_step": RELEASED,
        "zero_pad": "# GRADED FUNCTION: zero_pad\ndef zero_pad(X, pad):\n    raise ValueError('not padded')\n",
        "distribute_value": "# GRADED FUNCTION: distribute_value\ndef distribute_value(dz, shape)\n    return dz\n",
    },
}
# A cell of the learner's own, after the first: run, it would end the kernel and cost every point after it.
CRASHING_CELL = "import os\n\nos._exit(1)  # as a training run out of memory does"


@pytest.mark.parametrize("notebook", existing_notebooks())
def test_source_notebooks_grade_every_function_with_the_autograders_points(notebook):
    points = notebook_cells.points(REPO_ROOT / notebook)
    source = nbgrader_class.source_version(notebook)
    grade_cells = {cell.metadata.nbgrader["grade_id"]: cell for cell in source.cells if is_grade(cell)}
    assert {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in grade_cells.items()} == {
        f"{name}{nbgrader_class.HIDDEN_TESTS_SUFFIX}": value for name, value in points.items()
    }
    for name, cell in grade_cells.items():
        assert "### BEGIN HIDDEN TESTS" in cell.source and f"check_hidden_cases({notebook!r}" in cell.source, name
    read_only = [cell.metadata.nbgrader["grade_id"] for cell in source.cells if is_locked(cell) and not is_grade(cell)]
    assert read_only == [f"{name}{notebook_cells.TEST_SUFFIX}" for name in points], "the public tests earn nothing"
    assert notebook_cells.graded_cells(source) == notebook_cells.graded_cells(REPO_ROOT / notebook)
    assert len(source.cells) == len(notebook_cells.read_notebook(REPO_ROOT / notebook).cells) + len(points)


def test_the_command_names_a_notebook_it_does_not_know(capsys):
    assert nbgrader_class.main(["week9"]) == 2
    assert "python -m utils.grading.nbgrader_class: 'week9' matches no course notebook" in capsys.readouterr().err


def nbgrader(*arguments, course_root, wait=True):
    """``nbgrader ARGUMENTS`` on the class in ``course_root``, run from the repository root, where it reads
    nbgrader_config.py, in an instructor's shell: full mode, the environment's commands on the PATH."""
    environment = {key: value for key, value in os.environ.items() if key != MODE_VARIABLE}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"  # alembic
    process = subprocess.Popen([sys.executable, "-m", "nbgrader", *arguments, f"--CourseDirectory.root={course_root}"],
                               cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)  # fmt: skip
    return finish(process) if wait else process


def finish(process):
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0 and "| ERROR]" not in output, output
    return output


def plant_submissions(course_root):
    """Each learner's copy of the released notebook, with their graded cells, in nbgrader's submitted/."""
    solution = notebook_cells.graded_cells(REPO_ROOT / STEP_BY_STEP)
    paths = {}
    for learner, cells in SUBMISSIONS.items():
        notebook = nbformat.read(course_root / "release" / STEP_BY_STEP, as_version=4)
        for cell in notebook.cells:
            name = cell.metadata.get("nbgrader", {}).get("grade_id")
            if name in solution:
                handed_in = cells.get(name, solution[name])
                cell.source = cell.source if handed_in is RELEASED else handed_in
        first = next(index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code")
        notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(CRASHING_CELL))
        paths[learner] = course_root / "submitted" / learner / STEP_BY_STEP
        paths[learner].parent.mkdir(parents=True)
        nbformat.write(notebook, paths[learner])
    return paths


def gradebook_scores(course_root, learner):
    """``{function: (score, max_score)}`` of a learner's notebook in nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{course_root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK_ID, ASSIGNMENT, learner)
        return {grade.name.removesuffix(nbgrader_class.HIDDEN_TESTS_SUFFIX): (grade.score, grade.max_score)
                for grade in notebook.grades}  # fmt: skip


def test_nbgrader_grades_planted_submissions_as_the_autograder_does(tmp_path):
    course = REPO_ROOT / STEP_BY_STEP
    points = notebook_cells.points(course)
    nbgrader_class.write_source(STEP_BY_STEP, tmp_path, log=lambda line: None)
    nbgrader("generate_assignment", ASSIGNMENT, course_root=tmp_path)

    released = nbformat.read(tmp_path / "release" / STEP_BY_STEP, as_version=4)
    released_text = nbformat.writes(released)
    assert "HIDDEN TESTS" not in released_text and "check_hidden_cases" not in released_text
    assert "BEGIN SOLUTION" not in released_text
    lesson_outputs = [cell.outputs for cell in nbformat.read(course, as_version=4).cells
                      if cell.cell_type == "code" and "nbgrader" not in cell.metadata]  # fmt: skip
    assert [cell.outputs for cell in released.cells if cell.cell_type == "code" and "nbgrader" not in cell.metadata
            ] == lesson_outputs, "the students' version keeps the lesson's outputs"  # fmt: skip
    assert all(cell.outputs == [] for cell in released.cells if "nbgrader" in cell.metadata)

    submitted = plant_submissions(tmp_path)
    grading = nbgrader("autograde", ASSIGNMENT, course_root=tmp_path, wait=False)
    try:  # the autograder grades the same notebooks meanwhile
        autograded = {learner: autograde.autograde(path, course, log=lambda line: None)
                      for learner, path in submitted.items()}  # fmt: skip
    finally:
        finish(grading)

    for learner, cells in SUBMISSIONS.items():
        expected = {name: 0 if name in cells else value for name, value in points.items()}
        in_gradebook = gradebook_scores(tmp_path, learner)
        by_autograder = {row["name"]: row["scored"] for row in autograded[learner]}
        assert {name: score for name, (score, _) in in_gradebook.items()} == by_autograder == expected, learner
        assert {name: maximum for name, (_, maximum) in in_gradebook.items()} == points
    graded = nbformat.read(tmp_path / "autograded" / "full" / STEP_BY_STEP, as_version=4)
    assert not any(cell.get("outputs") for cell in graded.cells if "nbgrader" not in cell.metadata), "lesson not run"
    assert all(cell.outputs for cell in graded.cells if is_grade(cell)), "every hidden test ran"

    nbgrader("generate_feedback", ASSIGNMENT, course_root=tmp_path)
    feedback = (tmp_path / "feedback" / "partial" / ASSIGNMENT / f"{NOTEBOOK_ID}.html").read_text()
    assert "pool_forward: hidden case" in feedback and "replace the placeholder with your code" in feedback
