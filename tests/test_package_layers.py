"""The sub-packages of utils import one way only: each from those below it, never up or sideways.

From the bottom up: core; the notebooks' runtime (generators, data, lessons, models); on top, the
grading tools and the maintainers' derivation commands; the course runner beside them, on core alone.
The package's own top level (utils/__init__.py, utils/quiet_tensorflow.py) is what notebooks import:
it may use any sub-package, and no sub-package may import it.
"""

import ast

import pytest

from utils.core.paths import REPO_ROOT

UTILS = REPO_ROOT / "utils"
# sub-package: the sub-packages it may import (besides itself)
ALLOWED = {
    "core": set(),
    "generators": {"core"},
    "data": {"core", "generators"},
    "lessons": {"core", "generators", "data"},
    "models": {"core", "generators", "data", "lessons"},
    "grading": {"core", "generators", "data", "lessons", "models"},
    "derive": {"core", "generators", "data", "lessons", "models"},
    "runner": {"core"},
}


def imported_modules(path):
    """Every module ``path`` imports, at its top or inside functions, as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # ``from utils import x`` may name a sub-package or a name of the package's top level
            yield from (
                [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "utils" else [node.module]
            )


def sub_package(module):
    """``core`` for utils.core.paths; "" for the package's top level (utils, utils.quiet_tensorflow)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else ""


def modules_by_sub_package():
    return {
        path: sub_package(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
        for path in sorted(UTILS.rglob("*.py"))
    }


def test_every_module_belongs_to_a_known_sub_package():
    top_level = sorted(path.name for path, package in modules_by_sub_package().items() if not package)
    assert top_level == ["__init__.py", "quiet_tensorflow.py"]
    assert {path.name for path in UTILS.iterdir() if path.is_dir() and path.name != "__pycache__"} == set(ALLOWED)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, id=path.relative_to(UTILS).as_posix())
        for path, package in modules_by_sub_package().items()
        if package
    ],
)
def test_imports_flow_one_way(path):
    package = sub_package(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
    wrong = []
    for module in imported_modules(path):
        if module != "utils" and not module.startswith("utils."):
            continue
        target = sub_package(module)
        if target != package and target not in ALLOWED[package]:
            wrong.append(f"{module} ({target or 'the package top level'})")
    assert not wrong, f"utils.{package} may import only {sorted(ALLOWED[package]) or 'itself'}, not {wrong}"
