"""A check that a loader verifies a committed data file against datasets/SHA256SUMS before reading it."""

import re
from pathlib import PurePosixPath

import pytest

from utils.core.checksums import recorded_checksums
from utils.core.errors import ChangedDataFile, MissingDataFile
from utils.core.paths import DATASETS_DIR


def assert_loader_checks(monkeypatch, load, name, point_at=None):
    """``load()`` refuses the committed file ``name`` (its path under datasets/) once its recorded sum differs
    from its bytes, naming the file and the fix; with ``point_at(path)``, which points the loader at another
    path under datasets/, it also refuses a missing file."""
    records = recorded_checksums()
    folder = PurePosixPath(name).parent
    with monkeypatch.context() as patch:
        patch.setitem(records, name, "0" * 64)
        with pytest.raises(
            ChangedDataFile,
            match=rf"{re.escape(PurePosixPath(name).name)} is not the expected file"
            rf".*git checkout -- datasets/{re.escape(name)}.*datasets/{folder}/README.md describes",
        ):
            load()
    if point_at is not None:
        monkeypatch.setitem(records, f"{folder}/gone.bin", "0" * 64)
        point_at(DATASETS_DIR / folder / "gone.bin")
        with pytest.raises(
            MissingDataFile,
            match=rf"gone.bin is missing\. Restore it with `git checkout -- "
            rf"datasets/{folder}/gone.bin`",
        ):
            load()
