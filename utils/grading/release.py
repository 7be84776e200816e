"""Student versions of the course notebooks, made with nbgrader's own preprocessors.

    python -m utils.grading.release                   # every notebook, into student/
    python -m utils.grading.release Step_by_Step      # one (or a part of its path: week1, Unet, ...)

In each graded cell, nbgrader's ClearSolutions replaces the code between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` with ``raise NotImplementedError()``;
ClearOutput empties the outputs of the graded and test cells. Every other cell
keeps its source and its teaching outputs. A student notebook that already
exists is never overwritten: it may hold a learner's work.
"""

import argparse
import copy
import os
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearOutput, ClearSolutions

from utils.core.errors import CourseError
from utils.core.paths import REPO_ROOT, resolve_notebooks
from utils.grading.notebook_cells import Notebook, graded_cells, is_graded_or_test, read_notebook

STUDENT_DIR = REPO_ROOT / "student"


def student_version(notebook: NotebookNode) -> NotebookNode:
    """A copy of ``notebook`` (an nbformat notebook) with solutions and graded outputs cleared."""
    notebook = copy.deepcopy(notebook)
    notebook, resources = ClearSolutions().preprocess(notebook, {})
    clear_output = ClearOutput()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and is_graded_or_test(cell):
            clear_output.preprocess_cell(cell, resources, index)
    return notebook


def student_cells(notebook: Notebook) -> dict[str, str]:
    """``{function name: source}`` of the graded cells as the student version has them."""
    return graded_cells(student_version(read_notebook(notebook)))


def release(relative_path: str, student_dir: Path = STUDENT_DIR, log: Callable[[str], None] = print) -> Path | None:
    """Write the student version of one course notebook; return its path, or None if it already exists.

    The copy is written under a temporary name and renamed into place, so that a failed write (a full disk)
    never leaves a truncated notebook that a later release would keep. A folder that cannot be written
    raises CourseError naming it.
    """
    target = Path(student_dir) / relative_path
    if target.exists():
        log(f"kept     {target} (it exists and may hold your work; delete or rename it to get a fresh copy)")
        return None
    notebook = student_version(read_notebook(REPO_ROOT / relative_path))
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, partial)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CourseError(f"could not write {target}: {error.strerror or error}. Free some space, or choose "
                          "a folder you can write with --to.") from None  # fmt: skip
    log(f"written  {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.grading.release", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook paths or parts of their names (default: all)")
    parser.add_argument("--to", type=Path, default=STUDENT_DIR, help=f"target folder (default: {STUDENT_DIR})")
    args = parser.parse_args(argv)
    try:
        notebooks = resolve_notebooks(args.notebooks)
    except CourseError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    failed = 0
    for relative in notebooks:  # a notebook that cannot be written does not stop the others
        try:
            release(relative, args.to)
        except CourseError as error:
            print(f"{parser.prog}: {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
