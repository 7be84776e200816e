import nbformat
import pytest

from utils.core.paths import REPO_ROOT, existing_notebooks
from utils.grading import release


@pytest.mark.parametrize("notebook", existing_notebooks())
def test_student_version_clears_solutions_and_graded_outputs_only(notebook):
    original = nbformat.read(REPO_ROOT / notebook, as_version=4)
    student = release.student_version(original)
    assert len(student.cells) == len(original.cells)
    for before, after in zip(original.cells, student.cells):
        if before.cell_type != "code":
            assert after.source == before.source
        elif before.metadata.get("nbgrader", {}).get("solution"):
            assert "### BEGIN SOLUTION" in before.source and "BEGIN SOLUTION" not in after.source
            assert "raise NotImplementedError()" in after.source and after.outputs == []
        elif before.metadata.get("nbgrader", {}).get("grade"):
            assert after.source == before.source and after.outputs == []
        else:
            assert after.source == before.source and after.outputs == before.outputs


def test_release_writes_once_and_never_overwrites(tmp_path):
    messages = []
    written = release.release(existing_notebooks()[0], tmp_path, log=messages.append)
    assert written.is_file() and "written" in messages[-1]
    written.write_text("a learner's work")
    assert release.release(existing_notebooks()[0], tmp_path, log=messages.append) is None
    assert written.read_text() == "a learner's work" and "kept" in messages[-1]
