"""Fashion-MNIST's 10,000 test photos, read from the committed original IDX files.

Real 28x28 greyscale product photos from Zalando's catalogue (MIT), as Debian's
``dataset-fashion-mnist`` package ships them; datasets/fashion_mnist/README.md
gives the provenance, datasets/SHA256SUMS their checksums.
"""

import gzip

import numpy as np

from utils.core.checksums import verify_data_file
from utils.core.paths import DATASETS_DIR

FOLDER = DATASETS_DIR / "fashion_mnist"
IMAGES_FILE = FOLDER / "t10k-images-idx3-ubyte.gz"
LABELS_FILE = FOLDER / "t10k-labels-idx1-ubyte.gz"
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_DTYPES = {0x08: np.uint8}


def read_idx(path):
    """The array stored in a gzipped IDX file (the MNIST format: magic, dimensions, then the data)."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _DTYPES:
        raise ValueError(f"{path} is not an unsigned-byte IDX file.")
    rank = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=rank, offset=4))
    values = np.frombuffer(data, _DTYPES[data[2]], offset=4 + 4 * rank)
    if values.size != np.prod(shape):
        raise ValueError(f"{path} holds {values.size} values, but its header announces shape {shape}.")
    return values.reshape(shape)


def load_fashion_mnist():
    """``images`` (10000, 28, 28) uint8 and ``labels`` (10000,) uint8 in 0-9 (see ``CLASS_NAMES``)."""
    images = read_idx(verify_data_file(IMAGES_FILE))
    labels = read_idx(verify_data_file(LABELS_FILE))
    return images, labels
