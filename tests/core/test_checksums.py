"""One manifest, datasets/SHA256SUMS, for every committed data file; one verification for them and the caches."""

import subprocess

import pytest

from utils.core import checksums
from utils.core.checksums import (
    data_file_name,
    record_checksums,
    recorded_checksums,
    restore_hint,
    sha256_of,
    verify_data_file,
    verify_sha256,
)
from utils.core.errors import ChangedDataFile, DatasetError, MissingDataFile
from utils.core.paths import DATASETS_DIR, REPO_ROOT


def committed_data_files():
    """Every file git tracks under datasets/ but the READMEs and the manifest itself."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "datasets"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return sorted(
        data_file_name(REPO_ROOT / path)
        for path in listed
        if not path.endswith("README.md") and path != f"datasets/{checksums.MANIFEST_NAME}"
    )


def test_the_manifest_lists_every_committed_data_file_and_nothing_else():
    assert sorted(recorded_checksums()) == committed_data_files()


def test_every_committed_data_file_has_its_recorded_sum():
    for name, digest in recorded_checksums().items():
        assert sha256_of(DATASETS_DIR / name) == digest, name


def test_a_changed_file_names_itself_its_sums_and_the_fix(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"not the weights")
    with pytest.raises(
        ChangedDataFile,
        match=r"weights.bin is not the expected file \(truncated or changed\): its sha256 is "
        rf"{sha256_of(path)}, expected {'0' * 64}\. Do this\.",
    ):
        verify_sha256(path, "0" * 64, "Do this.")
    with pytest.raises(ChangedDataFile, match=r"not the expected file \(a reason\)"):
        verify_sha256(path, "0" * 64, "Do this.", "a reason")
    with pytest.raises(MissingDataFile, match=r"gone.bin is missing\. Do this\."):
        verify_sha256(tmp_path / "gone.bin", "0" * 64, "Do this.")
    assert verify_sha256(path, sha256_of(path), "Do this.") == path
    # the errors are DatasetErrors, and the built-in kinds a caller may expect
    assert issubclass(ChangedDataFile, ValueError) and issubclass(MissingDataFile, FileNotFoundError)
    assert issubclass(ChangedDataFile, DatasetError) and issubclass(MissingDataFile, DatasetError)


def test_the_fix_points_to_git_and_to_the_folder_readme():
    assert restore_hint("yolo/coco.names") == (
        "Restore it with `git checkout -- datasets/yolo/coco.names`, or derive it again as datasets/yolo/README.md "
        "describes."
    )
    assert "datasets/photos/darknet/README.md" in restore_hint("photos/darknet/dog.jpg")
    assert "datasets/README.md" in restore_hint("imagenet_classes.txt")


def test_files_outside_the_manifest_are_refused(tmp_path):
    with pytest.raises(ValueError, match="is not under"):
        verify_data_file(tmp_path / "mine.h5")
    with pytest.raises(MissingDataFile, match="datasets/yolo/other.h5 is not a committed data file"):
        verify_data_file(DATASETS_DIR / "yolo" / "other.h5")


def test_a_copy_elsewhere_is_checked_under_the_original_name(tmp_path):
    copy = tmp_path / "coco.names"
    copy.write_bytes((DATASETS_DIR / "yolo" / "coco.names").read_bytes())
    assert verify_data_file(copy, "yolo/coco.names") == copy
    copy.write_text("cat\n")
    with pytest.raises(ChangedDataFile, match="git checkout -- datasets/yolo/coco.names"):
        verify_data_file(copy, "yolo/coco.names")


@pytest.fixture
def datasets_copy(tmp_path, monkeypatch):
    """A scratch datasets/ with one data file and its manifest, in place of the real one."""
    root = tmp_path / "datasets"
    (root / "things").mkdir(parents=True)
    (root / "things" / "a.txt").write_text("a\n")
    (root / checksums.MANIFEST_NAME).write_text(f"{sha256_of(root / 'things' / 'a.txt')}  things/a.txt\n")
    monkeypatch.setattr(checksums, "DATASETS_DIR", root)
    recorded_checksums.cache_clear()
    yield root
    recorded_checksums.cache_clear()


def test_recording_updates_the_manifest_sorted_and_keeps_other_entries(datasets_copy):
    (datasets_copy / "b.txt").write_text("b\n")
    (datasets_copy / "things" / "a.txt").write_text("changed\n")
    record_checksums([datasets_copy / "b.txt"])
    lines = (datasets_copy / checksums.MANIFEST_NAME).read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["b.txt", "things/a.txt"]
    assert verify_data_file(datasets_copy / "b.txt")
    with pytest.raises(ChangedDataFile):  # a.txt changed, and was not recorded again
        verify_data_file(datasets_copy / "things" / "a.txt")
    record_checksums([datasets_copy / "things" / "a.txt"])
    assert verify_data_file(datasets_copy / "things" / "a.txt")


def test_a_missing_or_damaged_manifest_is_named(datasets_copy):
    manifest = datasets_copy / checksums.MANIFEST_NAME
    manifest.write_text("not a checksum line\n")
    with pytest.raises(ChangedDataFile, match=r"SHA256SUMS, line 1 is not 'sha256  path'.*git checkout"):
        recorded_checksums()
    manifest.unlink()
    with pytest.raises(MissingDataFile, match="SHA256SUMS is missing"):
        recorded_checksums()
