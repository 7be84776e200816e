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


def load_class_pair(first, second, train_per_class=200, validation_per_class=100, image_size=160):
    """Two classes' photos as ``(train_images, train_labels), (validation_images, validation_labels)``.

    ``first`` and ``second`` are names of ``CLASS_NAMES``; their labels are 0 and 1. Each class's first
    ``train_per_class`` photos of the file are for training, its next ``validation_per_class`` for
    validation. Images are float32 RGB values in [0, 255] of shape (n, image_size, image_size, 3), scaled
    up bilinearly, as ``image_dataset_from_directory`` reads a folder of the photos.
    """
    import tensorflow as tf  # only here: the rest of the module needs numpy alone

    images, labels = load_fashion_mnist()
    for name in (first, second):
        if name not in CLASS_NAMES:
            raise ValueError(f"{name!r} is not a Fashion-MNIST class; the classes are {', '.join(CLASS_NAMES)}.")
    if first == second:
        raise ValueError(f"the two classes must differ, got {first!r} twice")
    splits = ([], [])
    for label, name in enumerate((first, second)):
        members = np.flatnonzero(labels == CLASS_NAMES.index(name))
        if train_per_class + validation_per_class > members.size:
            raise ValueError(
                f"{name} has {members.size} photos, fewer than the {train_per_class} + {validation_per_class} asked for"
            )
        splits[0].append((members[:train_per_class], label))
        splits[1].append((members[train_per_class : train_per_class + validation_per_class], label))

    def as_rgb(split):
        chosen = np.concatenate([indices for indices, _ in split])
        rgb = np.repeat(images[chosen][..., None], 3, axis=-1).astype("float32")
        scaled = np.asarray(tf.image.resize(rgb, (image_size, image_size)), "float32")
        return scaled, np.concatenate([np.full(indices.size, label, "int32") for indices, label in split])

    return as_rgb(splits[0]), as_rgb(splits[1])
