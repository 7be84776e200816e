"""Grading one graded function on hidden test cases; runs inside the autograder's kernel.

A learner's graded cells run in a namespace made by the course notebook's own
first code cell (the learner's copy of that cell is not used). Each function is
graded apart: the definitions of the graded cells before it (a later function
may call an earlier one, as in the notebook), its own cell, then the hidden cases in
tests/hidden/<notebook>.py, whose expected results come from the course's own
solution. A function fails, with a one-line reason, if its cell raises, deletes
or redefines a name the first cell provides, changes the function's signature,
prints more than PRINT_LIMIT characters, raises on a case or returns a wrong
result. The autograder (utils/grading/autograde.py) adds the time limit.
"""

import ast
import contextlib
import copy
import importlib.util
import inspect
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from utils.core.environment import seed_everything
from utils.core.paths import REPO_ROOT
from utils.grading.checks import CheckFailed, check_array, describe
from utils.grading.model_summary import compare_model, summarize
from utils.grading.notebook_cells import first_code_cell, graded_cells, load_graded_functions

HIDDEN_TESTS_DIR = REPO_ROOT / "tests" / "hidden"
PRINT_LIMIT = 1_000_000
SEED = 7
_MISSING = object()


class Case:
    """The arguments of one hidden test case; each call gets fresh copies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def arguments(self) -> tuple[tuple, dict]:
        return copy.deepcopy((self.args, self.kwargs))


class LazyCase(Case):
    """A case whose arguments are built by ``factory()`` (tensors, models, files) on each call."""

    def __init__(self, factory: Callable[[], tuple[tuple, dict]]) -> None:
        self.factory = factory

    def arguments(self) -> tuple[tuple, dict]:
        return self.factory()


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
    elif expected is None or isinstance(expected, (str, bool)):
        if actual != expected:
            raise CheckFailed(f"{where}: expected {expected!r}, got {describe(actual)}.")
    else:
        expected = np.asarray(expected.numpy() if hasattr(expected, "numpy") else expected)
        check_array(actual, expected, name=where, rtol=1e-4, atol=1e-5, check_dtype=False, accept_tensors=True)


class _CappedWriter(io.TextIOBase):
    """Counts what is written and keeps nothing: a learner's prints cannot flood the grader."""

    def __init__(self):
        self.characters = 0

    def write(self, text):
        self.characters += len(text)
        return len(text)


@contextlib.contextmanager
def _captured_prints():
    writer = _CappedWriter()
    with contextlib.redirect_stdout(writer), contextlib.redirect_stderr(writer):
        yield writer


def _signature(function):
    """``(X, pad=2, model=...)``: names, kinds and plain defaults (a default object shows as ``...``)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "(?)"
    plain = (int, float, str, bool, type(None), tuple)
    parameters = [
        parameter.replace(
            annotation=inspect.Parameter.empty,
            default=(
                parameter.default
                if parameter.default is inspect.Parameter.empty or isinstance(parameter.default, plain)
                else ...
            ),
        )
        for parameter in signature.parameters.values()
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def _define(source, namespace):
    """Only the imports, functions and classes of an earlier graded cell: what a later function may call.

    Its other statements (prints, loops, exits) concern that cell's own grade, not this one.
    """
    try:
        tree = ast.parse(source or "")
    except SyntaxError:
        return
    tree.body = [
        node
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    try:
        with _captured_prints():
            exec(compile(tree, "<earlier graded cell>", "exec"), namespace)
    except Exception:  # that cell's own grade reports it
        pass


def _one_line(text, limit=240):
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class Grader:
    """Grades the functions of one course notebook, one at a time."""

    def __init__(self, notebook_path: str | Path) -> None:
        self.notebook_path = Path(notebook_path)
        self.order = list(graded_cells(self.notebook_path))
        self.base = {"__name__": "__learner__"}
        with _captured_prints():
            exec(compile(first_code_cell(self.notebook_path), "<first cell>", "exec"), self.base)
            self.reference = load_graded_functions(self.notebook_path)
        self.hidden = hidden_tests(self.notebook_path)
        self._expected_results = {}

    def grade(self, name: str, sources: dict[str, str | None]) -> tuple[bool, str]:
        """``(passed, reason)`` for graded function ``name``; ``sources`` maps names to the learner's cells."""
        namespace = dict(self.base)
        for earlier in self.order[: self.order.index(name)]:
            _define(sources.get(earlier), namespace)
        problem = self._run_cell(name, sources.get(name), namespace)
        if problem:
            return False, problem
        function = namespace.get(name)
        if not callable(function):
            return False, f"its cell does not define a function {name}()"
        expected_signature = _signature(self.reference[name])
        if _signature(function) != expected_signature:
            return False, (
                f"its signature changed: expected {name}{expected_signature}, found {name}{_signature(function)}"
            )
        return self._run_cases(name, function)

    def _run_cell(self, name, source, namespace):
        """Run the learner's cell of ``name``; return what went wrong, if anything."""
        if source is None:
            return f"no cell starting '# GRADED FUNCTION: {name}' was found"
        problem = None
        try:
            with _captured_prints() as prints:
                exec(compile(source, f"<cell of {name}>", "exec"), namespace)
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            return f"running its cell raised {type(error).__name__}: {error}"
        if prints.characters > PRINT_LIMIT:
            problem = f"running its cell printed {prints.characters:,} characters (limit {PRINT_LIMIT:,})"
        changed = sorted(
            key
            for key, value in self.base.items()
            if not key.startswith("__") and namespace.get(key, _MISSING) is not value
        )
        if changed:
            problem = (
                f"its cell deletes or redefines {', '.join(changed)}, which the notebook's first cell "
                "provides; leave those names alone"
            )
            namespace.update({key: self.base[key] for key in changed})
        return problem

    def _run_cases(self, name, function):
        cases = self.hidden.CASES.get(name)
        if not cases:
            raise LookupError(f"tests/hidden has no cases for {name}")
        outcome = getattr(self.hidden, "OUTCOMES", {}).get(name, lambda f, args, kwargs: f(*args, **kwargs))
        compare = getattr(self.hidden, "COMPARE", {}).get(name, same_result)
        for number, case in enumerate(cases, 1):
            where = f"hidden case {number} of {len(cases)}"
            expected = self._expected(name, number, case, outcome)
            seed_everything(SEED)
            try:
                with _captured_prints() as prints:
                    actual = outcome(function, *case.arguments())
            except KeyboardInterrupt:
                raise
            except NotImplementedError:
                return False, "raises NotImplementedError: replace the placeholder with your code"
            except BaseException as error:
                return False, f"{where} raised {type(error).__name__}: {error}"
            if prints.characters > PRINT_LIMIT:
                return False, f"{where} printed {prints.characters:,} characters (limit {PRINT_LIMIT:,})"
            try:
                compare(actual, expected, where)
            except CheckFailed as failure:
                return False, str(failure)
        return True, ""

    def _expected(self, name, number, case, outcome):
        """The reference solution's result on a case, computed once: it is seeded, so it cannot change."""
        key = (name, number)
        if key not in self._expected_results:
            seed_everything(SEED)
            self._expected_results[key] = outcome(self.reference[name], *case.arguments())
        return self._expected_results[key]

    def report(self, name: str, sources_file: str | Path, result_file: str | Path) -> None:
        """Grade ``name`` with the learner's cells from ``sources_file``; write the result as JSON."""
        sources = json.loads(Path(sources_file).read_text())
        try:
            passed, reason = self.grade(name, sources)
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            passed, reason = False, f"grading raised {type(error).__name__}: {error}"
        Path(result_file).write_text(json.dumps({"passed": passed, "reason": _one_line(reason)}))
        sys.stdout.flush()
