import errno
from pathlib import Path

import nbformat
import pytest

from utils.core.errors import CourseError
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


def test_a_failed_write_leaves_nothing_to_keep(tmp_path, monkeypatch):
    """A full disk: the partly written copy is removed, so a later release writes it again."""

    def full_disk(notebook, path):
        Path(path).write_text('{"cells": [')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(release.nbformat, "write", full_disk)
    notebook = existing_notebooks()[0]
    with pytest.raises(CourseError, match=r"could not write .* No space left on device\. Free some space"):
        release.release(notebook, tmp_path)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    monkeypatch.undo()
    assert release.release(notebook, tmp_path, log=lambda line: None).is_file()


def test_one_unwritable_notebook_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    real_write = release.nbformat.write

    def read_only_week1(notebook, path):
        if "week1" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied")
        real_write(notebook, path)

    monkeypatch.setattr(release.nbformat, "write", read_only_week1)
    assert release.main(["Step_by_Step", "Residual", "--to", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert (
        "could not write" in captured.err and "Convolution_model_Step_by_Step.ipynb: Permission denied" in captured.err
    )
    assert (tmp_path / "week2" / "Residual_Networks.ipynb").is_file()
    assert "Traceback" not in captured.err


def test_a_student_copy_is_not_released_again(tmp_path, capsys):
    copy = release.release(existing_notebooks()[0], tmp_path / "student", log=lambda line: None)
    assert release.main([str(copy), "--to", str(tmp_path / "student")]) == 2
    assert "is not a course notebook" in capsys.readouterr().err
    assert not (tmp_path / "student" / "student").exists()
