"""What a derivation command does with the files it wrote: record their checksums and say what it wrote."""

from collections.abc import Iterable
from pathlib import Path

from utils.core.checksums import record_checksums, sha256_of
from utils.core.paths import DATASETS_DIR


def record_and_report(paths: Iterable[str | Path]) -> None:
    """Record the sha256 of each written file under datasets/ in datasets/SHA256SUMS; print every file's
    sha256, path and size (files written elsewhere are printed only)."""
    paths = [Path(path).resolve() for path in paths]
    committed = [path for path in paths if path.is_relative_to(DATASETS_DIR.resolve())]
    if committed:
        record_checksums(committed)
    for path in paths:
        shown = path.relative_to(DATASETS_DIR.parent) if path in committed else path
        print(f"{sha256_of(path)}  {shown}  ({path.stat().st_size:,} bytes)")
    if committed:
        print(f"recorded in datasets/SHA256SUMS: {len(committed)} files")
