"""Checksums of the files the course reads: one manifest for every committed data file, one verification.

``datasets/SHA256SUMS`` lists the sha256 of every committed data file (weights, photos, data, references) by
its path under ``datasets/``, in sha256sum's format: ``cd datasets && sha256sum -c SHA256SUMS`` checks them
all. Loaders call ``verify_data_file`` before they read a file; the commands in utils.derive that write a
file record its sum with ``record_checksums``. Generated caches keep their sums beside them
(utils.data.generated_cache); both go through ``verify_sha256``.
"""

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from utils.core.errors import ChangedDataFile, MissingDataFile
from utils.core.paths import DATASETS_DIR

MANIFEST_NAME = "SHA256SUMS"


def sha256_of(path: str | Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: str | Path, expected: str, fix: str, causes: str = "truncated or changed") -> Path:
    """Return ``path`` if it exists with the ``expected`` sha256; otherwise raise an error ending in ``fix``.

    A missing file raises MissingDataFile (a FileNotFoundError), another file ChangedDataFile (a ValueError)
    whose message gives its likely ``causes``; both are DatasetErrors.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingDataFile(f"{path} is missing. {fix}")
    actual = sha256_of(path)
    if actual != expected:
        raise ChangedDataFile(
            f"{path} is not the expected file ({causes}): its sha256 is {actual}, expected {expected}. {fix}"
        )
    return path


def manifest_path() -> Path:
    return DATASETS_DIR / MANIFEST_NAME


@functools.cache
def recorded_checksums() -> dict[str, str]:
    """``{path under datasets/: sha256}`` as datasets/SHA256SUMS records them (read once)."""
    manifest = manifest_path()
    fix = f"Restore it with `git checkout -- datasets/{MANIFEST_NAME}`."
    if not manifest.is_file():
        raise MissingDataFile(f"{manifest} is missing: it holds the checksums of every data file. {fix}")
    records = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64 or not name:
            raise ChangedDataFile(f"{manifest}, line {number} is not 'sha256  path' (sha256sum's format). {fix}")
        records[name] = digest
    return records


def data_file_name(path: str | Path) -> str:
    """A file's name in the manifest: its path under datasets/, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(DATASETS_DIR.resolve()).as_posix()
    except ValueError:
        raise ValueError(
            f"{path} is not under {DATASETS_DIR}: only committed data files have recorded checksums"
        ) from None


def committed_name(path: str | Path) -> str | None:
    """The manifest's name of ``path`` if it is a committed data file; None for any other file."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(DATASETS_DIR.resolve()):
        return None
    name = data_file_name(resolved)
    return name if name in recorded_checksums() else None


def restore_hint(name: str) -> str:
    """How to get a committed data file back: from git, or derived again as its folder's README says."""
    folder = (DATASETS_DIR / name).parent
    while folder != DATASETS_DIR and not (folder / "README.md").is_file():
        folder = folder.parent
    readme = (folder / "README.md").relative_to(DATASETS_DIR.parent).as_posix()
    return f"Restore it with `git checkout -- datasets/{name}`, or derive it again as {readme} describes."


def verify_data_file(path: str | Path, name: str | None = None) -> Path:
    """Return ``path`` if its bytes are those datasets/SHA256SUMS records for it; otherwise a DatasetError
    that names the file and how to restore it.

    ``name`` is the file's entry in the manifest, by default its path under datasets/ (a copy of a committed
    folder elsewhere passes the names of the originals).
    """
    name = name or data_file_name(path)
    expected = recorded_checksums().get(name)
    if expected is None:
        raise MissingDataFile(
            f"datasets/{name} is not a committed data file: {manifest_path()} has no checksum "
            "for it. A maintainer records one with utils.core.checksums.record_checksums."
        )
    return verify_sha256(path, expected, restore_hint(name), "truncated, changed, or a Git LFS pointer")


def record_checksums(paths: Iterable[str | Path]) -> Path:
    """Write the current sha256 of each of ``paths`` (files under datasets/) into SHA256SUMS; return its path.

    The other entries stay; the lines stay sorted by path.
    """
    records = dict(recorded_checksums()) if manifest_path().is_file() else {}
    records.update({data_file_name(path): sha256_of(path) for path in paths})
    manifest = manifest_path()
    manifest.write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(records.items())), encoding="utf-8")
    recorded_checksums.cache_clear()
    return manifest
