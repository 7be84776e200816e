"""The graded-cell convention of the course notebooks, read in one place.

A graded cell starts with ``# GRADED FUNCTION: name`` and carries nbgrader's metadata of a solution cell
(``solution: true``, ``grade_id: name``); the code cell after it runs the public test and carries the
metadata of a grade cell (``grade: true``, ``grade_id: name_test`` and its ``points``). nbgrader's own
``is_solution`` and ``is_grade`` read that metadata here. A graded cell may use what the notebook's first
code cell imports, and the graded functions defined before it.
"""

from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_solution

from utils.core.errors import CourseError

GRADED_MARKER = "# GRADED FUNCTION:"
TEST_SUFFIX = "_test"

Notebook = str | Path | NotebookNode


def read_notebook(notebook: Notebook) -> NotebookNode:
    """``notebook`` itself if already read with nbformat; else the notebook at that path.

    A missing or unreadable file raises CourseError naming it and the fix.
    """
    if isinstance(notebook, NotebookNode):
        return notebook
    try:
        return nbformat.read(Path(notebook), as_version=4)
    except FileNotFoundError:
        raise CourseError(f"{notebook} does not exist.") from None
    except Exception as error:  # nbformat raises several kinds on broken JSON
        raise CourseError(
            f"{notebook} is not a readable notebook ({type(error).__name__}: {error}). "
            "Restore it from a checkpoint (File > Revert) or a fresh student copy."
        ) from None


def _label(notebook: Notebook) -> str:
    """How messages name ``notebook``: its path, or "the notebook" for one already read."""
    return "the notebook" if isinstance(notebook, NotebookNode) else str(notebook)


def marked_name(cell: NotebookNode) -> str | None:
    """The function name of a code cell that starts ``# GRADED FUNCTION: name``; None for any other cell."""
    first_line = cell.source.split("\n", 1)[0].strip()
    if cell.cell_type != "code" or not first_line.startswith(GRADED_MARKER):
        return None
    return first_line[len(GRADED_MARKER) :].strip()


def is_graded_or_test(cell: NotebookNode) -> bool:
    """Whether nbgrader treats ``cell`` as a solution (graded) cell or a grade (test) cell."""
    return bool(is_solution(cell) or is_grade(cell))


def graded_and_test_cells(notebook: Notebook) -> list[tuple[str, NotebookNode, NotebookNode | None]]:
    """``(name, graded cell, the code cell after it)`` for every graded cell of a course notebook, in order.

    A cell marked ``# GRADED FUNCTION`` without nbgrader's solution metadata raises ValueError.
    """
    label, notebook = _label(notebook), read_notebook(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    found = []
    for index, cell in enumerate(code):
        name = marked_name(cell)
        if name is None:
            continue
        if not is_solution(cell):
            raise ValueError(
                f"{label}, code cell {index} ({GRADED_MARKER} {name}): a graded cell needs nbgrader metadata "
                "with solution: true (see CONTRIBUTING.md)"
            )
        found.append((name, cell, code[index + 1] if index + 1 < len(code) else None))
    return found


def graded_cells(notebook: Notebook) -> dict[str, str]:
    """``{function name: cell source}`` for every graded cell of a course notebook, in notebook order."""
    return {name: cell.source for name, cell, _ in graded_and_test_cells(notebook)}


def points(notebook: Notebook) -> dict[str, int]:
    """``{function name: points}`` from the grade (test) cells of a course notebook."""
    found = {}
    for cell in read_notebook(notebook).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if is_grade(cell) and grade_id.endswith(TEST_SUFFIX):
            found[grade_id[: -len(TEST_SUFFIX)]] = cell.metadata["nbgrader"].get("points", 0)
    return found


def learner_cells(notebook: Notebook, names: list[str]) -> dict[str, str]:
    """``{name: source}`` of a learner's graded cells for the functions ``names``.

    A cell counts by its nbgrader ``grade_id`` or, where a copy lost its metadata, by its
    ``# GRADED FUNCTION: name`` first line; the first cell found for a name wins.
    """
    sources = {}
    for cell in read_notebook(notebook).cells:
        if cell.cell_type != "code":
            continue
        for name in (cell.metadata.get("nbgrader", {}).get("grade_id"), marked_name(cell)):
            if name in names and name not in sources:
                sources[name] = cell.source
    return sources


def first_code_cell(notebook: Notebook) -> str:
    """The source of the notebook's first code cell: its imports and settings."""
    return next(cell.source for cell in read_notebook(notebook).cells if cell.cell_type == "code")


def load_graded_functions(notebook: Notebook, replace: dict[str, str] | None = None) -> dict[str, Callable]:
    """Run the first code cell and every graded cell; return ``{name: function}``.

    ``replace`` maps function names to source code used instead of the
    notebook's cell (a mutant, or a learner's version), so that later graded
    functions call the replacement as they would in the notebook.
    """
    replace = replace or {}
    label, notebook = _label(notebook), read_notebook(notebook)
    namespace = {"__name__": "__graded__"}
    exec(compile(first_code_cell(notebook), f"{label}:imports", "exec"), namespace)
    cells = graded_cells(notebook)
    unknown = set(replace) - set(cells)
    if unknown:
        raise ValueError(f"{label} has no graded function {sorted(unknown)}")
    for name, source in cells.items():
        exec(compile(replace.get(name, source), f"{label}:{name}", "exec"), namespace)
        if not callable(namespace.get(name)):
            raise ValueError(f"{label}: the cell '{GRADED_MARKER} {name}' does not define {name}()")
    return {name: namespace[name] for name in cells}
