"""The week-1 image datasets: Happy House faces and SIGNS hand signs.

Loaders return what the original course's loaders return:
``X_train, Y_train, X_test, Y_test, classes`` with uint8 images of shape
(m, 64, 64, 3), labels of shape (1, m) and the list of class values.

Where a learner has put the original course files into datasets/
(train_happy.h5 and test_happy.h5, train_signs.h5 and test_signs.h5), those
are read. Otherwise the images come from this course's deterministic
generators (utils.generators.happy_faces, utils.generators.hand_signs): generated on first use,
cached in datasets/cache/ in the original HDF5 layout, and verified against
the sha256 recorded when they were written.
"""
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from utils.generators import hand_signs, happy_faces
from utils.core.paths import DATASETS_DIR
from utils.core.checksums import sha256_of

CACHE_DIR = DATASETS_DIR / "cache"
# Bump when a generator's output changes: caches written by another version are rebuilt.
GENERATOR_VERSION = 1


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, corrupt or not in the expected layout."""


@dataclass(frozen=True)
class GeneratedDataset:
    name: str
    generate: object  # generate(count, seed) -> (images, labels)
    seed: int
    train_count: int
    test_count: int
    class_count: int

    def original_files(self, folder):
        return folder / f"train_{self.name}.h5", folder / f"test_{self.name}.h5"

    def cache_files(self, folder):
        return folder / f"generated_{self.name}_train.h5", folder / f"generated_{self.name}_test.h5"


HAPPY = GeneratedDataset("happy", happy_faces.generate, seed=1, train_count=600, test_count=150, class_count=2)
SIGNS = GeneratedDataset("signs", hand_signs.generate, seed=1, train_count=1080, test_count=120, class_count=6)


def load_happy_dataset(folder=DATASETS_DIR):
    """Happy House: 600 training and 150 test images, label 1 = smiling."""
    return load_dataset(HAPPY, folder)


def load_signs_dataset(folder=DATASETS_DIR):
    """SIGNS: 1080 training and 120 test images of a hand showing 0 to 5 fingers."""
    return load_dataset(SIGNS, folder)


def convert_to_one_hot(Y, C):
    """One-hot encode labels ``Y`` (any shape, values 0..C-1) as an array of shape (C, m)."""
    Y = np.asarray(Y).reshape(-1)
    if Y.size and (Y.min() < 0 or Y.max() >= C):
        raise ValueError(f"labels must lie in 0..{C - 1}, got values from {Y.min()} to {Y.max()}")
    return np.eye(C)[Y].T


def load_dataset(spec, folder=DATASETS_DIR):
    folder = Path(folder)
    originals = spec.original_files(folder)
    present = [path for path in originals if path.exists()]
    if present:
        if len(present) != len(originals):
            missing = [path.name for path in originals if not path.exists()]
            raise DatasetError(f"found {present[0]} but not {', '.join(missing)} in {folder}: the original "
                               f"course files come as a pair. Add the missing file, or remove {present[0].name} "
                               "to use the generated dataset.")
        return _read_pair(*originals, spec, hint="Replace it with the original course file, or remove both "
                                                 "original files to use the generated dataset.")
    cache = folder / CACHE_DIR.name
    train_path, test_path = spec.cache_files(cache)
    manifest_path = cache / f"generated_{spec.name}.json"
    if not _cache_is_current(spec, manifest_path, train_path, test_path):
        _generate_cache(spec, cache, manifest_path, train_path, test_path)
    _verify_cache(manifest_path, train_path, test_path)
    return _read_pair(train_path, test_path, spec, hint=f"Delete {train_path.name}, {test_path.name} and "
                                                        f"{manifest_path.name} to generate them again.")


def _cache_is_current(spec, manifest_path, train_path, test_path):
    if not manifest_path.exists():
        if train_path.exists() or test_path.exists():
            raise DatasetError(f"{train_path.parent} holds generated {spec.name} files but not their checksums "
                               f"({manifest_path.name}); delete {train_path.name} and {test_path.name} to "
                               "generate them again.")
        return False
    manifest = read_manifest(manifest_path)
    if manifest.get("generator_version") == GENERATOR_VERSION and manifest.get("seed") == spec.seed:
        return True
    warnings.warn(f"{manifest_path.parent}: the cached {spec.name} images come from another version of the "
                  "generator; generating them again.", stacklevel=3)
    return False


def read_manifest(manifest_path, files="the generated .h5 files"):
    """The JSON record (generator version, seed, sha256 sums) of a generated cache; ``files`` names its data."""
    try:
        return json.loads(manifest_path.read_text())
    except (OSError, ValueError) as error:
        raise DatasetError(f"{manifest_path} is unreadable ({error}); delete it and {files} next to it to "
                           "generate them again.") from None


def _generate_cache(spec, cache, manifest_path, train_path, test_path):
    images, labels = spec.generate(spec.train_count + spec.test_count, spec.seed)
    cache.mkdir(parents=True, exist_ok=True)
    split = spec.train_count
    classes = np.arange(spec.class_count, dtype=np.int64)
    checksums = {}
    for path, part, x, y in ((train_path, "train", images[:split], labels[:split]),
                             (test_path, "test", images[split:], labels[split:])):
        partial = path.with_suffix(".partial")
        with h5py.File(partial, "w") as file:
            file.create_dataset(f"{part}_set_x", data=x)
            file.create_dataset(f"{part}_set_y", data=y)
            file.create_dataset("list_classes", data=classes)
        os.replace(partial, path)  # never leave a half-written file under the real name
        checksums[path.name] = sha256_of(path)
    manifest_path.write_text(json.dumps({"generator_version": GENERATOR_VERSION, "seed": spec.seed,
                                         "sha256": checksums}, indent=1) + "\n")


def _verify_cache(manifest_path, train_path, test_path):
    recorded = read_manifest(manifest_path).get("sha256", {})
    for path in (train_path, test_path):
        if not path.exists():
            raise DatasetError(f"{path} is missing; delete {manifest_path.name} next to it to generate the "
                               "dataset again.")
        if sha256_of(path) != recorded.get(path.name):
            raise DatasetError(f"{path} does not match the sha256 recorded when it was generated (truncated or "
                               f"changed?). Nothing was overwritten. Delete it, its partner and {manifest_path.name} "
                               "to generate them again.")


def _read_pair(train_path, test_path, spec, hint):
    X_train, Y_train, _ = _read_split(train_path, "train", spec, hint)
    X_test, Y_test, classes = _read_split(test_path, "test", spec, hint)
    return X_train, Y_train.reshape(1, -1), X_test, Y_test.reshape(1, -1), classes


def _read_split(path, part, spec, hint):
    try:
        with h5py.File(path, "r") as file:
            missing = [key for key in (f"{part}_set_x", f"{part}_set_y", "list_classes") if key not in file]
            if missing:
                raise DatasetError(f"{path} has no {', '.join(missing)}: it is not a {spec.name} {part} file in "
                                   f"the course layout ({part}_set_x, {part}_set_y, list_classes). {hint}")
            x = np.array(file[f"{part}_set_x"])
            y = np.array(file[f"{part}_set_y"])
            classes = np.array(file["list_classes"])
    except OSError as error:
        raise DatasetError(f"{path} is not a readable HDF5 file ({error}). {hint}") from None
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != (64, 64, 3):
        raise DatasetError(f"{path}: {part}_set_x should hold uint8 images of shape (m, 64, 64, 3), got "
                           f"{x.dtype} {x.shape}. {hint}")
    if y.shape != (x.shape[0],):
        raise DatasetError(f"{path}: {part}_set_y should hold {x.shape[0]} labels, got shape {y.shape}. {hint}")
    return x, y.astype(np.int64), classes

