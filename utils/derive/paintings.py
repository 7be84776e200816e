"""Derive datasets/paintings/starry_night.jpg from Debian's opencv-doc package (run once, by a maintainer).

    apt-get download opencv-doc && dpkg-deb -x opencv-doc_4.6.0+dfsg-12_all.deb /tmp/opencv-doc
    python -m utils.derive.paintings /tmp/opencv-doc

crops the scan's frame, scales the painting to a longer side of 400 pixels, writes it and records its sha256
in datasets/SHA256SUMS (see datasets/paintings/README.md).
"""

import argparse
from pathlib import Path

from utils.derive.outputs import record_and_report
from utils.derive.photos import write_jpeg
from utils.models.style_transfer import PAINTINGS_DIR

# Where the Debian package opencv-doc keeps the painting, and the longest side we commit.
OPENCV_DOC_STARRY_NIGHT = Path("usr/share/doc/opencv-doc/examples/data/starry_night.jpg")
PAINTING_MAX_SIDE = 400
# opencv-doc's scan (752x600) has a black frame about 8 pixels wide with a light edge inside it: they
# are not the painting's style, so this many pixels go from every side.
PAINTING_FRAME = 14


def write_starry_night(opencv_doc_dir: str | Path, out_dir: str | Path = PAINTINGS_DIR) -> Path:
    """Crop opencv-doc's starry_night.jpg's frame and scale it to a longer side of PAINTING_MAX_SIDE; JPEG 90."""
    from PIL import Image

    source = Path(opencv_doc_dir) / OPENCV_DOC_STARRY_NIGHT
    if not source.is_file():
        raise FileNotFoundError(
            f"{source} is missing: unpack the package first "
            "(`apt-get download opencv-doc && dpkg-deb -x opencv-doc_*.deb DIR`)"
        )
    with Image.open(source) as image:
        painting = image.convert("RGB").crop(
            (PAINTING_FRAME, PAINTING_FRAME, image.width - PAINTING_FRAME, image.height - PAINTING_FRAME)
        )
    return write_jpeg(painting, Path(out_dir) / "starry_night.jpg", long_side=PAINTING_MAX_SIDE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m utils.derive.paintings", description=__doc__.split("\n")[0])
    parser.add_argument("opencv_doc_dir", help="where opencv-doc_*.deb was unpacked with dpkg-deb -x")
    args = parser.parse_args(argv)
    record_and_report([write_starry_night(args.opencv_doc_dir)])


if __name__ == "__main__":
    main()
