"""Every course notebook follows the conventions of CONTRIBUTING.md."""

import importlib
import io
import json
import re
from pathlib import Path

import nbformat
import pytest

from utils.core.paths import REPO_ROOT, existing_notebooks
from utils.grading.notebook_cells import graded_and_test_cells
from utils.runner import run

MAX_BYTES = 2_000_000
NOTEBOOKS = [pytest.param(path, id=Path(path).stem) for path in existing_notebooks()]


def code_cells(path):
    notebook = nbformat.read(REPO_ROOT / path, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_all_week1_notebooks_exist():
    assert "week1/Convolution_model_Step_by_Step.ipynb" in existing_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_valid_small_and_uses_the_python3_kernel(path):
    notebook = nbformat.read(REPO_ROOT / path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert (REPO_ROOT / path).stat().st_size < MAX_BYTES


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_tensorflow_is_started_quietly_first(path):
    first = code_cells(path)[0].source
    assert first.splitlines()[0].startswith("import utils.quiet_tensorflow"), (
        "import utils.quiet_tensorflow first: TensorFlow's start-up log would show in the first cell"
    )


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_no_path_tweaks_and_no_mode_variable_in_notebooks(path):
    for cell in code_cells(path):
        assert "sys.path" not in cell.source
        assert "os.environ" not in cell.source and "CNN_COURSE_MODE" not in cell.source, (
            "ask utils.pick() for mode-dependent settings"
        )


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_stored_executed(path):
    cells = code_cells(path)
    assert all(cell.execution_count for cell in cells), (
        "run the notebook (python -m utils.runner --write) before committing"
    )
    assert not [output for cell in cells for output in cell.outputs if output.output_type == "error"]


# A file path into the course or its environment: machine-specific, so an output showing one cannot repeat.
LOCAL_PATH = re.compile(r"(?:/[\w.-]+)+/(?:site-packages|utils|datasets|week[1-4])/")


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_no_stored_output_names_a_folder_of_the_machine_that_ran_it(path):
    notebook = nbformat.read(REPO_ROOT / path, as_version=4)
    for number, cell in enumerate((cell for cell in notebook.cells if cell.cell_type == "code"), 1):
        for output in cell.outputs:
            found = LOCAL_PATH.search(json.dumps(output))
            assert not found, f"code cell {number} shows {found.group(0)}: run the notebook again and store that"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_graded_cells_carry_nbgrader_metadata_and_solution_markers(path):
    graded_functions = graded_and_test_cells(REPO_ROOT / path)
    assert graded_functions, "a course notebook has graded functions"
    for name, graded, _ in graded_functions:
        assert re.search(rf"^def {name}\(", graded.source, re.MULTILINE), f"the cell defines {name}()"
        assert graded.metadata.nbgrader == {
            "grade": False,
            "grade_id": name,
            "locked": False,
            "schema_version": 3,
            "solution": True,
            "task": False,
        }
        assert graded.source.count("### BEGIN SOLUTION") == graded.source.count("### END SOLUTION") >= 1
        assert not graded.outputs


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_each_graded_function_is_followed_by_its_public_test(path):
    module = importlib.import_module(f"utils.grading.public_tests.{Path(path).stem.lower()}")
    tested = set()
    for name, _, test in graded_and_test_cells(REPO_ROOT / path):
        assert test is not None and test.source.startswith(f"public_tests.{name}_test("), (
            f"the cell after {name} runs its public test"
        )
        assert callable(getattr(module, f"{name}_test"))
        assert test.metadata.nbgrader["grade"] is True and test.metadata.nbgrader["grade_id"] == f"{name}_test"
        assert test.metadata.nbgrader["points"] > 0
        assert "nbval-ignore-output" not in test.metadata.get("tags", []), "test results must be compared"
        assert [output.text for output in test.outputs] == ["All tests passed.\n"]
        tested.add(f"{name}_test")
    public = {name for name in dir(module) if name.endswith("_test") and callable(getattr(module, name))}
    assert public == tested, "every public test is run by its notebook"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_stored_in_normal_form(path):
    """As nbformat writes it (what the course runner stores), with only the metadata the course uses."""
    text = (REPO_ROOT / path).read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    normal = io.StringIO()
    nbformat.write(notebook, normal)
    assert text == normal.getvalue(), "rewrite it in normal form: nbformat.write(nbformat.read(path, 4), path)"
    assert set(notebook.metadata) <= {"kernelspec", "language_info", run.RESULT_METADATA}
    extra = {key for cell in notebook.cells for key in cell.metadata} - {"nbgrader", "tags"}
    assert not extra, f"cell metadata the course does not use (editor state?): {sorted(extra)}"


# Three-decimal numbers in the text are results: each must be printed by a code cell of the notebook (or
# be one of its settings). These are shown elsewhere, and the text says where.
QUOTED_ELSEWHERE = {
    "Residual_Networks": {"0.001"},  # the original's learning rate, Adam's default
    "Transfer_learning_with_MobileNet": {"0.999"},  # Keras' default BatchNormalization momentum
    "Face_Recognition": {"0.031"},  # the encoder's conversion, measured in datasets/face_encoder/README.md
}
RESULT_NUMBER = re.compile(r"(?<![\d.])\d*\.\d{3}(?!\d|\.\d)")


def numbers_quoted_but_not_shown(notebook):
    """The three-decimal numbers of the markdown cells that no code cell's source or output contains."""
    shown = ""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            shown += cell.source
            for output in cell.outputs:
                shown += output.get("text", "") + output.get("data", {}).get("text/plain", "")
    quoted = (
        number
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for number in RESULT_NUMBER.findall(cell.source)
    )
    return sorted({number for number in quoted if number not in shown})


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_results_quoted_in_the_text_are_shown_by_an_output(path):
    notebook = nbformat.read(REPO_ROOT / path, as_version=4)
    unshown = set(numbers_quoted_but_not_shown(notebook)) - QUOTED_ELSEWHERE.get(Path(path).stem, set())
    assert not unshown, f"{path}: the text quotes {sorted(unshown)}, which no output shows: a result that moved?"


def test_a_quoted_result_that_no_output_shows_is_found():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("print(accuracy)", outputs=[nbformat.v4.new_output("stream", text="0.960\n")]),
        nbformat.v4.new_markdown_cell("It reaches 0.960, against the baseline's 0.870, at a rate of 0.001."),
    ]
    assert numbers_quoted_but_not_shown(notebook) == ["0.001", "0.870"]
