"""Every public test passes on the notebook's solution and fails on a blank or wrong implementation.

Blank: the graded cell of the student version, made by nbgrader's ClearSolutions
(utils/grading/release.py). Wrong: the mutants in tests/mutants/<notebook>.py.
"""

import importlib

import pytest

from tests.mutants import module_name, mutant_source, mutants_of
from utils.core.paths import REPO_ROOT, existing_notebooks
from utils.grading.checks import CheckFailed
from utils.grading.notebook_cells import graded_cells, load_graded_functions
from utils.grading.release import student_cells


def graded_functions():
    return [
        pytest.param(notebook, name, id=f"{module_name(notebook)}.{name}")
        for notebook in existing_notebooks()
        for name in graded_cells(REPO_ROOT / notebook)
    ]


def mutants():
    params = []
    for notebook in existing_notebooks():
        for name, variants in mutants_of(notebook).items():
            params += [
                pytest.param(notebook, name, old, new, id=f"{name}: {description}")
                for description, old, new in variants
            ]
    return params


def public_test(notebook, name):
    module = importlib.import_module(f"utils.grading.public_tests.{module_name(notebook)}")
    return getattr(module, f"{name}_test")


@pytest.mark.parametrize("notebook, name", graded_functions())
def test_passes_on_the_solution(notebook, name, capsys):
    functions = load_graded_functions(REPO_ROOT / notebook)
    public_test(notebook, name)(functions[name])
    assert capsys.readouterr().out.strip().endswith("All tests passed.")


@pytest.mark.parametrize("notebook, name", graded_functions())
def test_fails_on_the_placeholder(notebook, name):
    placeholder = student_cells(REPO_ROOT / notebook)[name]
    assert "### BEGIN SOLUTION" not in placeholder and "raise NotImplementedError()" in placeholder
    functions = load_graded_functions(REPO_ROOT / notebook, replace={name: placeholder})
    with pytest.raises(CheckFailed, match="NotImplementedError"):
        public_test(notebook, name)(functions[name])


@pytest.mark.parametrize("notebook, name, old, new", mutants())
def test_fails_on_a_mutant(notebook, name, old, new):
    functions = load_graded_functions(REPO_ROOT / notebook, replace={name: mutant_source(notebook, name, old, new)})
    with pytest.raises(CheckFailed):
        public_test(notebook, name)(functions[name])


@pytest.mark.parametrize("notebook, name", graded_functions())
def test_every_graded_function_has_two_mutants(notebook, name):
    assert len(mutants_of(notebook).get(name, [])) >= 2
