"""Real photos: those that ship inside installed packages, the committed ones, and any photo file, read safely."""

from pathlib import Path

import numpy as np

from utils.core.checksums import committed_name, verify_data_file
from utils.core.errors import DatasetError, MissingDataFile
from utils.core.paths import DATASETS_DIR

# Photos bundled in the scikit-image wheel (others in skimage.data download).
SKIMAGE_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "coins", "moon", "rocket")
# Darknet's sample photos, copied small from Debian's darknet package (datasets/photos/darknet/README.md).
DARKNET_PHOTOS_DIR = DATASETS_DIR / "photos" / "darknet"


def height_and_width(size, what="size"):
    """``(height, width)`` from an int (a square) or a pair of positive ints; ValueError naming ``what`` else."""
    pair = (size, size) if isinstance(size, (int, np.integer)) else size
    try:
        height, width = pair
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or (height, width), got {size!r}") from None
    for value in (height, width):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{what} must be positive whole numbers of pixels, got {size!r}")
    return int(height), int(width)


def skimage_photo(name, size=None, gray=False):
    """A photo from scikit-image as float64 values in [0, 1].

    ``size`` is an int (square) or ``(height, width)``; ``gray`` converts
    colour photos to one channel. The result has shape (H, W) for gray and
    (H, W, 3) for colour photos.
    """
    if name not in SKIMAGE_PHOTOS:
        raise ValueError(f"unknown photo {name!r}: choose one of {', '.join(SKIMAGE_PHOTOS)}")
    import skimage.color
    import skimage.data
    import skimage.transform
    import skimage.util

    image = skimage.util.img_as_float(getattr(skimage.data, name)())
    if gray and image.ndim == 3:
        image = skimage.color.rgb2gray(image)
    if size is not None:
        image = skimage.transform.resize(image, height_and_width(size), anti_aliasing=True)
    return np.clip(image, 0.0, 1.0)


def read_rgb(path):
    """An image file as an (H, W, 3) uint8 RGB array (grey and RGBA images are converted).

    A committed photo (one that datasets/SHA256SUMS lists) is checked against its sum first; a learner's own
    photo is read as it is. A missing, changed or unreadable file raises a DatasetError that names it.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    name = committed_name(path)
    if name is not None:
        verify_data_file(path, name)
    elif not path.is_file():
        raise MissingDataFile(f"{path}: no such image file")
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, SyntaxError) as error:  # Pillow's kinds for broken files
        raise DatasetError(f"{path} is not a readable image ({error}); replace it with a JPEG or PNG photo.") from None


def photo_batch(names, size):
    """Photos stretched to ``size`` x ``size`` (bicubic) as one uint8 array (n, size, size, 3).

    Each name is a colour photo of scikit-image (``chelsea``, ``coffee``, ...) or one of Darknet's sample
    photos in ``datasets/photos/darknet/`` (``dog``, ``eagle``, ...).
    """
    from PIL import Image

    size, _ = height_and_width((size, size))
    photos = []
    for name in names:
        if name in SKIMAGE_PHOTOS:
            photo = Image.fromarray((skimage_photo(name) * 255).round().astype(np.uint8))
        else:
            path = DARKNET_PHOTOS_DIR / f"{name}.jpg"
            if not path.is_file():
                darknet = sorted(p.stem for p in DARKNET_PHOTOS_DIR.glob("*.jpg"))
                raise ValueError(
                    f"unknown photo {name!r}: no {path}; choose one of {', '.join(SKIMAGE_PHOTOS + tuple(darknet))}"
                )
            photo = Image.fromarray(read_rgb(path))
        photos.append(np.asarray(photo.convert("RGB").resize((size, size), Image.Resampling.BICUBIC)))
    return np.stack(photos)
