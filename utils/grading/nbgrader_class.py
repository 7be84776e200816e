"""The course as an nbgrader class: its source notebooks, written from the course notebooks, and the
preprocessors that nbgrader_config.py (at the repository root) gives nbgrader.

    python -m utils.grading.nbgrader_class            # every notebook, into class/source/weekN/
    python -m utils.grading.nbgrader_class week1      # one week (or a notebook: any part of its path)

An nbgrader assignment is a week, week1 ... week4; its notebooks are the week's course notebooks with one
change: after each public test cell, which becomes a read-only cell worth nothing, comes a grade cell worth the
function's points (the course notebook's, which utils.grading.autograde gives too) whose hidden tests grade
the function on the hidden cases of tests/hidden/ (utils.grading.nbgrader_hidden). The class folder, class/, is
nbgrader's course root: source/ (written here; rewritten, never edited), release/, submitted/, autograded/,
feedback/ and gradebook.db.

nbgrader_config.py plugs in two preprocessors. ``nbgrader generate_assignment`` clears the outputs of
nbgrader's cells only, so that the students' version keeps the lesson's outputs (as ``python -m
utils.grading.release`` does). ``nbgrader autograde`` runs only what grading needs, as the autograder does: the
first code cell (the imports), the graded cells and the hidden tests. The lesson's cells (training, figures) and
the public tests earn nothing: run, they would cost grading time, and one that crashed the kernel or ran out of
time would cost the points of every function graded after it.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import ClearOutput, Execute

from utils.core.errors import CourseError
from utils.core.kernels import AsyncCurrentEnvironmentKernelManager, current_environment_kernel_spec
from utils.core.mode import MODE_VARIABLE
from utils.core.paths import REPO_ROOT, resolve_notebooks
from utils.grading import notebook_cells

CLASS_DIR = REPO_ROOT / "class"
HIDDEN_TESTS_SUFFIX = "_hidden_tests"  # the grade_id of a function's grade cell: <function><suffix>
# Seconds nbgrader allows a cell (its default is 30): a notebook's first hidden tests also compute the expected
# results of all its functions (the autograder allows 300 s for that, and 60 s a function).
CELL_TIMEOUT = 600
HIDDEN_TESTS_CELL = """# {name}: {points} point(s), from hidden test cases run when your notebook is graded
### BEGIN HIDDEN TESTS
from utils.grading.nbgrader_hidden import check_hidden_cases

check_hidden_cases({course_notebook!r}, {name!r})
### END HIDDEN TESTS"""


def hidden_tests_cell(course_notebook: str, name: str, points: int) -> NotebookNode:
    """The grade cell of function ``name``: nbgrader gives it ``points`` if its hidden tests pass."""
    grade_id = f"{name}{HIDDEN_TESTS_SUFFIX}"
    cell = nbformat.v4.new_code_cell(
        HIDDEN_TESTS_CELL.format(name=name, points=points, course_notebook=course_notebook), id=grade_id
    )
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}  # fmt: skip
    return cell


def source_version(course_notebook: str) -> NotebookNode:
    """The nbgrader source notebook of ``course_notebook``, a course notebook's path (week1/...ipynb)."""
    notebook = notebook_cells.read_notebook(REPO_ROOT / course_notebook)
    points = notebook_cells.points(notebook)
    hidden_after = {}  # id() of a public test cell: the grade cell to insert after it
    for name, _, test_cell in notebook_cells.graded_and_test_cells(notebook):
        metadata = test_cell.metadata.get("nbgrader", {}) if test_cell else {}
        test_id = f"{name}{notebook_cells.TEST_SUFFIX}"
        if metadata.get("grade_id") != test_id:
            raise CourseError(f"{course_notebook}: the code cell after '{notebook_cells.GRADED_MARKER} {name}' "
                              f"must be its public test, with grade_id {test_id} (see CONTRIBUTING.md)")  # fmt: skip
        # Read-only: nbgrader puts it back as it was, and it earns nothing; the hidden tests earn the points.
        metadata["grade"] = False
        del metadata["points"]
        hidden_after[id(test_cell)] = hidden_tests_cell(course_notebook, name, points[name])
    notebook.cells = [new for cell in notebook.cells for new in (cell, hidden_after.get(id(cell))) if new is not None]
    return notebook


def write_source(course_notebook: str, class_dir: Path = CLASS_DIR, log: Callable[[str], None] = print) -> Path:
    """Write the source notebook of ``course_notebook`` into ``class_dir``/source/weekN/; return its path.

    A folder that cannot be written raises CourseError naming it.
    """
    target = Path(class_dir) / "source" / course_notebook
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_version(course_notebook), target)
    except OSError as error:
        raise CourseError(f"could not write {target}: {error.strerror or error}. Free some space, or choose "
                          "a folder you can write with --to.") from None  # fmt: skip
    log(f"written  {target}")
    return target


class ClearGradingOutput(ClearOutput):
    """nbgrader's ClearOutput for nbgrader's cells only (graded, public test and hidden tests cells)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if "nbgrader" not in cell.metadata:
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


class QuickModeKernelManager(AsyncCurrentEnvironmentKernelManager):
    """A kernel of this Python in the course's quick mode, as the autograder's kernels are."""

    @property
    def kernel_spec(self):
        spec = current_environment_kernel_spec()
        spec.env = {MODE_VARIABLE: "quick"}
        return spec


class GradedCellsExecute(Execute):
    """nbgrader's Execute for the first code cell, the graded cells and the hidden tests only, in a kernel of
    this Python (whatever kernels Jupyter knows about) in quick mode."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", QuickModeKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self.first_code_cell = next((cell for cell in nb.cells if cell.cell_type == "code"), None)
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell is self.first_code_cell or notebook_cells.is_graded_or_test(cell):
            return super().preprocess_cell(cell, resources, index)
        return cell, resources


def _replaced(preprocessors: list[type], old: type, new: type) -> list[type]:
    return [new if preprocessor is old else preprocessor for preprocessor in preprocessors]


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's own for ``generate_assignment``, with ClearGradingOutput for ClearOutput."""
    return _replaced(GenerateAssignment.class_traits()["preprocessors"].default(), ClearOutput, ClearGradingOutput)


def autograde_preprocessors() -> list[type]:
    """nbgrader's own for ``autograde``, with GradedCellsExecute for Execute."""
    return _replaced(Autograde.class_traits()["autograde_preprocessors"].default(), Execute, GradedCellsExecute)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.grading.nbgrader_class", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", help="notebook paths or parts of their names (default: all)")
    parser.add_argument("--to", type=Path, default=CLASS_DIR, help=f"nbgrader's course root (default: {CLASS_DIR})")
    args = parser.parse_args(argv)
    try:
        for course_notebook in resolve_notebooks(args.notebooks):
            write_source(course_notebook, args.to)
    except CourseError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
