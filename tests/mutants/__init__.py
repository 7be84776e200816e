"""Plausible wrong implementations of the graded functions, one module per notebook.

Each mutant is ``(description, old, new)``: the notebook's solution cell with
the text ``old`` replaced by ``new``. A public test must fail on every one.
"""

import importlib
from pathlib import Path

from utils.core.paths import REPO_ROOT
from utils.grading.notebook_cells import graded_cells


def module_name(notebook):
    return Path(notebook).stem.lower()


def mutants_of(notebook):
    """``{function name: [(description, old, new), ...]}`` for a course notebook."""
    return importlib.import_module(f"{__name__}.{module_name(notebook)}").MUTANTS


def mutant_source(notebook, name, old, new):
    """The solution cell of ``name`` with ``old`` replaced by ``new``, which must occur exactly once."""
    source = graded_cells(REPO_ROOT / notebook)[name]
    assert source.count(old) == 1, f"the mutant's text {old!r} no longer occurs once in {name}'s cell"
    return source.replace(old, new)
