"""The graded functions of a notebook, loaded without running the whole notebook.

A graded cell starts with ``# GRADED FUNCTION: name`` and carries nbgrader
metadata with ``solution: true``. Its code may use what the notebook's first
code cell imports, and the graded functions defined before it.
"""
from pathlib import Path

import nbformat

GRADED_MARKER = "# GRADED FUNCTION:"


def graded_cells(notebook_path):
    """``{function name: cell source}`` for every graded cell, in notebook order.

    ``notebook_path`` may also be a notebook already read with nbformat.
    """
    if isinstance(notebook_path, nbformat.NotebookNode):
        notebook, notebook_path = notebook_path, "the notebook"
    else:
        notebook = nbformat.read(Path(notebook_path), as_version=4)
    cells = {}
    for index, cell in enumerate(notebook.cells):
        first_line = cell.source.split("\n", 1)[0].strip()
        if cell.cell_type != "code" or not first_line.startswith(GRADED_MARKER):
            continue
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            raise ValueError(f"{notebook_path}, cell {index}: a graded cell needs nbgrader metadata "
                             "with solution: true (see CONTRIBUTING.md)")
        cells[first_line[len(GRADED_MARKER):].strip()] = cell.source
    return cells


def first_code_cell(notebook_path):
    notebook = nbformat.read(Path(notebook_path), as_version=4)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


def load_graded_functions(notebook_path, replace=None):
    """Run the first code cell and every graded cell; return ``{name: function}``.

    ``replace`` maps function names to source code used instead of the
    notebook's cell (a mutant, or a learner's version), so that later graded
    functions call the replacement as they would in the notebook.
    """
    replace = replace or {}
    namespace = {"__name__": "__graded__"}
    exec(compile(first_code_cell(notebook_path), f"{notebook_path}:imports", "exec"), namespace)
    cells = graded_cells(notebook_path)
    unknown = set(replace) - set(cells)
    if unknown:
        raise ValueError(f"{notebook_path} has no graded function {sorted(unknown)}")
    for name, source in cells.items():
        exec(compile(replace.get(name, source), f"{notebook_path}:{name}", "exec"), namespace)
        if not callable(namespace.get(name)):
            raise ValueError(f"{notebook_path}: the cell '{GRADED_MARKER} {name}' does not define {name}()")
    return {name: namespace[name] for name in cells}
