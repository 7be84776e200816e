"""The week-1 image datasets: Happy House faces and SIGNS hand signs.

Loaders return what the original course's loaders return:
``X_train, Y_train, X_test, Y_test, classes`` with uint8 images of shape
(m, 64, 64, 3), labels of shape (1, m) and the list of class values.

Where a learner has put the original course files into datasets/
(train_happy.h5 and test_happy.h5, train_signs.h5 and test_signs.h5), those
are read. Otherwise the images come from this course's deterministic
generators (utils.generators.happy_faces, utils.generators.hand_signs): generated on
first use and cached in datasets/cache/ (utils.data.generated_cache), checked
against the sha256 recorded when they were written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from utils.core.errors import DatasetError
from utils.core.paths import DATASETS_DIR
from utils.data.generated_cache import CACHE_DIR, GeneratedCache
from utils.generators import hand_signs, happy_faces


@dataclass(frozen=True)
class GeneratedDataset:
    name: str
    generate: Callable  # generate(count, seed) -> (images, labels)
    version: int  # the generator's GENERATOR_VERSION: caches of another version are generated again
    seed: int
    train_count: int
    test_count: int
    class_count: int

    def original_files(self, folder):
        return folder / f"train_{self.name}.h5", folder / f"test_{self.name}.h5"

    def cache(self, folder):
        return GeneratedCache(
            f"generated_{self.name}",
            ("images", "labels"),
            folder=folder,
            parameters={
                "generator_version": self.version,
                "seed": self.seed,
                "train_count": self.train_count,
                "test_count": self.test_count,
            },
        )


HAPPY = GeneratedDataset(
    "happy", happy_faces.generate, happy_faces.GENERATOR_VERSION, seed=1, train_count=600, test_count=150, class_count=2
)
SIGNS = GeneratedDataset(
    "signs", hand_signs.generate, hand_signs.GENERATOR_VERSION, seed=1, train_count=1080, test_count=120, class_count=6
)


def load_happy_dataset(folder=DATASETS_DIR):
    """Happy House: 600 training and 150 test images, label 1 = smiling."""
    return load_dataset(HAPPY, folder)


def load_signs_dataset(folder=DATASETS_DIR):
    """SIGNS: 1080 training and 120 test images of a hand showing 0 to 5 fingers."""
    return load_dataset(SIGNS, folder)


def convert_to_one_hot(Y, C):
    """One-hot encode labels ``Y`` (any shape, values 0..C-1) as an array of shape (C, m)."""
    Y = np.asarray(Y).reshape(-1)
    if Y.dtype.kind not in "iu":
        if Y.size:
            raise TypeError(f"labels must be integers (class numbers), got {Y.dtype}: convert them with .astype(int)")
        Y = Y.astype(np.int64)
    if Y.size and (Y.min() < 0 or Y.max() >= C):
        raise ValueError(f"labels must lie in 0..{C - 1}, got values from {Y.min()} to {Y.max()}")
    return np.eye(C)[Y].T


def load_dataset(spec, folder=DATASETS_DIR):
    """``X_train, Y_train, X_test, Y_test, classes`` of ``spec``: the original files in ``folder`` if there,
    else the generated images, from the cache in ``folder``/cache (generated and cached on first use)."""
    folder = Path(folder)
    originals = spec.original_files(folder)
    present = [path for path in originals if path.exists()]
    if present:
        if len(present) != len(originals):
            missing = [path.name for path in originals if not path.exists()]
            raise DatasetError(
                f"found {present[0]} but not {', '.join(missing)} in {folder}: the original "
                f"course files come as a pair. Add the missing file, or remove {present[0].name} "
                "to use the generated dataset."
            )
        return _read_pair(
            *originals,
            spec,
            hint="Replace it with the original course file, or remove both "
            "original files to use the generated dataset.",
        )
    cache = spec.cache(folder / CACHE_DIR.name)
    arrays = cache.load()
    if arrays is None:
        images, labels = spec.generate(spec.train_count + spec.test_count, spec.seed)
        arrays = {"images": images, "labels": labels.astype(np.int64)}
        cache.save(arrays)
    split = spec.train_count
    images, labels = arrays["images"], arrays["labels"]
    classes = np.arange(spec.class_count, dtype=np.int64)
    return images[:split], labels[:split].reshape(1, -1), images[split:], labels[split:].reshape(1, -1), classes


def _read_pair(train_path, test_path, spec, hint):
    X_train, Y_train, _ = _read_split(train_path, "train", spec, hint)
    X_test, Y_test, classes = _read_split(test_path, "test", spec, hint)
    return X_train, Y_train.reshape(1, -1), X_test, Y_test.reshape(1, -1), classes


def _read_split(path, part, spec, hint):
    try:
        with h5py.File(path, "r") as file:
            missing = [key for key in (f"{part}_set_x", f"{part}_set_y", "list_classes") if key not in file]
            if missing:
                raise DatasetError(
                    f"{path} has no {', '.join(missing)}: it is not a {spec.name} {part} file in "
                    f"the course layout ({part}_set_x, {part}_set_y, list_classes). {hint}"
                )
            x = np.array(file[f"{part}_set_x"])
            y = np.array(file[f"{part}_set_y"])
            classes = np.array(file["list_classes"])
    except OSError as error:
        raise DatasetError(f"{path} is not a readable HDF5 file ({error}). {hint}") from None
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != (64, 64, 3):
        raise DatasetError(
            f"{path}: {part}_set_x should hold uint8 images of shape (m, 64, 64, 3), got {x.dtype} {x.shape}. {hint}"
        )
    if y.shape != (x.shape[0],):
        raise DatasetError(f"{path}: {part}_set_y should hold {x.shape[0]} labels, got shape {y.shape}. {hint}")
    if classes.shape != (spec.class_count,) or (y.size and (y.min() < 0 or y.max() >= spec.class_count)):
        raise DatasetError(f"{path}: a {spec.name} file holds {spec.class_count} classes (labels 0 to "
                           f"{spec.class_count - 1}), this one {len(classes.reshape(-1))} classes and labels from "
                           f"{y.min()} to {y.max()}: is it another dataset's file? {hint}")  # fmt: skip
    return x, y.astype(np.int64), classes
