"""Real photos that ship inside installed packages, so no download is needed."""

import numpy as np

from utils.core.paths import DATASETS_DIR

# Photos bundled in the scikit-image wheel (others in skimage.data download).
SKIMAGE_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "coins", "moon", "rocket")
# Darknet's sample photos, copied small from Debian's darknet package (datasets/photos/darknet/README.md).
DARKNET_PHOTOS_DIR = DATASETS_DIR / "photos" / "darknet"


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
        height, width = (size, size) if isinstance(size, int) else size
        image = skimage.transform.resize(image, (height, width), anti_aliasing=True)
    return np.clip(image, 0.0, 1.0)


def photo_batch(names, size):
    """Photos stretched to ``size`` x ``size`` (bicubic) as one uint8 array (n, size, size, 3).

    Each name is a colour photo of scikit-image (``chelsea``, ``coffee``, ...) or one of Darknet's sample
    photos in ``datasets/photos/darknet/`` (``dog``, ``eagle``, ...).
    """
    from PIL import Image

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
            photo = Image.open(path)
        photos.append(np.asarray(photo.convert("RGB").resize((size, size), Image.Resampling.BICUBIC)))
    return np.stack(photos)
