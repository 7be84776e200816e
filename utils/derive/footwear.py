"""Derive datasets/footwear/ from the committed Fashion-MNIST test split (run once, by a maintainer).

    python -m utils.derive.footwear                 # write the photos, record their sums in datasets/SHA256SUMS
    python -m utils.derive.footwear --out FOLDER    # or write them elsewhere, to compare

Each photo is saved by Pillow as a PNG file without metadata, so the same pixels give the same bytes with the
Pillow and zlib versions of requirements.txt (see datasets/footwear/README.md).
"""

import argparse
import io
from pathlib import Path

import numpy as np

from utils.data.fashion_mnist import load_fashion_mnist
from utils.data.footwear import CLASS_LABELS, FOOTWEAR_DIR, PER_CLASS, photo_name
from utils.derive.outputs import record_and_report


def png_bytes(image) -> bytes:
    """A 28x28 uint8 greyscale image as PNG bytes (Pillow, no metadata: the same pixels give the same bytes)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, np.uint8)).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def derive_footwear(folder: str | Path = FOOTWEAR_DIR) -> list[Path]:
    """Write the first PER_CLASS photos of each class into ``folder``'s class sub-folders; return their paths."""
    folder = Path(folder)
    images, labels = load_fashion_mnist()
    written = []
    for class_name, label in sorted(CLASS_LABELS.items()):
        class_folder = folder / class_name
        class_folder.mkdir(parents=True, exist_ok=True)
        for stale in class_folder.glob("*.png"):
            stale.unlink()
        for index in np.flatnonzero(labels == label)[:PER_CLASS]:
            path = class_folder / photo_name(index)
            path.write_bytes(png_bytes(images[index]))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m utils.derive.footwear", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=FOOTWEAR_DIR, help="folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    record_and_report(derive_footwear(args.out))


if __name__ == "__main__":
    main()
