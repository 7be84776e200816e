"""Checksums of the files the course reads: committed weights and data, generated caches."""
import hashlib
from pathlib import Path


def sha256_of(path, chunk=1 << 20):
    """The sha256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path, expected, fix):
    """Return ``path`` if it exists with the ``expected`` sha256; otherwise raise an error ending in ``fix``.

    A missing file raises FileNotFoundError; a truncated or changed one (or a
    Git LFS pointer in its place) raises ValueError.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing. {fix}")
    actual = sha256_of(path)
    if actual != expected:
        raise ValueError(f"{path} is not the expected file (truncated, changed, or a Git LFS pointer): "
                         f"its sha256 is {actual}, expected {expected}. {fix}")
    return path
