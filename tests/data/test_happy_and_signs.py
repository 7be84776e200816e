"""Generators (determinism, balance, ranges) and loaders (layout, cache, original files, errors)."""

import hashlib
import warnings

import h5py
import numpy as np
import pytest

from utils.core.errors import DatasetError
from utils.data import happy_and_signs
from utils.data.happy_and_signs import GeneratedDataset, convert_to_one_hot, load_dataset
from utils.generators import hand_signs, happy_faces

# sha256 of the images and labels of generate(12, seed=5). A change here means the
# generator's output changed: bump its GENERATOR_VERSION and update the checksum.
PINNED = {
    happy_faces: "f29f9bd1fcc3d88e86ee2cb70b739f4557e763bf5aa3ed20df45caeca7272ae5",
    hand_signs: "7bede6dc3948d1540f97b1f8ceb5c95db31ae2a81000682b6e98b7be49e63cce",
}
GENERATORS = [pytest.param(module, id=module.__name__.split(".")[-1]) for module in PINNED]


def checksum(images, labels):
    return hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()


@pytest.mark.parametrize("generator", GENERATORS)
def test_same_seed_gives_byte_identical_images(generator):
    first, second = generator.generate(12, seed=5), generator.generate(12, seed=5)
    assert checksum(*first) == checksum(*second) == PINNED[generator]
    assert checksum(*generator.generate(12, seed=6)) != PINNED[generator]


@pytest.mark.parametrize("generator", GENERATORS)
def test_classes_are_balanced_and_values_in_range(generator):
    classes = len(generator.CLASS_NAMES)
    images, labels = generator.generate(6 * classes, seed=0)
    assert images.shape == (6 * classes, 64, 64, 3) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert np.bincount(labels, minlength=classes).tolist() == [6] * classes
    assert images.std(axis=(1, 2, 3)).min() > 10  # real content, not blank frames
    assert images.min() < 40 and images.max() > 215  # darks and lights, but no saturated blow-out everywhere
    assert np.mean(images == 255) < 0.05


def small(name="happy", generator=happy_faces.generate, classes=2):
    return GeneratedDataset(name, generator, version=1, seed=3, train_count=8, test_count=4, class_count=classes)


def test_loader_returns_the_original_layout(tmp_path):
    X_train, Y_train, X_test, Y_test, classes = load_dataset(small("signs", hand_signs.generate, 6), tmp_path)
    assert X_train.shape == (8, 64, 64, 3) and X_train.dtype == np.uint8
    assert Y_train.shape == (1, 8) and Y_train.dtype == np.int64
    assert X_test.shape == (4, 64, 64, 3) and Y_test.shape == (1, 4)
    assert classes.tolist() == [0, 1, 2, 3, 4, 5] and classes.dtype == np.int64
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == [
        "generated_signs.json",
        "generated_signs_images.npy",
        "generated_signs_labels.npy",
    ]


def test_full_datasets_have_the_course_sizes():
    assert (happy_and_signs.HAPPY.train_count, happy_and_signs.HAPPY.test_count, happy_and_signs.HAPPY.class_count) == (
        600,
        150,
        2,
    )
    assert (happy_and_signs.SIGNS.train_count, happy_and_signs.SIGNS.test_count, happy_and_signs.SIGNS.class_count) == (
        1080,
        120,
        6,
    )


def test_second_load_reads_the_verified_cache(tmp_path):
    first = load_dataset(small(), tmp_path)

    def must_not_run(count, seed):
        raise AssertionError("the cache should have been used")

    second = load_dataset(small(generator=must_not_run), tmp_path)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def write_original(path, part, count, classes=(0, 1), keys=None):
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as file:
        contents = {
            f"{part}_set_x": rng.integers(0, 256, (count, 64, 64, 3), dtype=np.uint8),
            f"{part}_set_y": np.arange(count) % len(classes),
            "list_classes": np.array(classes),
        }
        for key in keys or contents:
            file.create_dataset(key, data=contents[key])


def test_original_course_files_are_read_instead(tmp_path):
    write_original(tmp_path / "train_happy.h5", "train", 10)
    write_original(tmp_path / "test_happy.h5", "test", 5)

    def must_not_run(count, seed):
        raise AssertionError("the original files should have been read")

    X_train, Y_train, X_test, Y_test, classes = load_dataset(small(generator=must_not_run), tmp_path)
    assert X_train.shape == (10, 64, 64, 3) and Y_train.shape == (1, 10) and Y_test.shape == (1, 5)
    assert not (tmp_path / "cache").exists()


def test_half_a_pair_of_original_files_is_refused(tmp_path):
    write_original(tmp_path / "train_happy.h5", "train", 10)
    with pytest.raises(DatasetError, match=r"found .*train_happy.h5 but not test_happy.h5.*come as a pair"):
        load_dataset(small(), tmp_path)


def test_truncated_original_file_names_the_file_and_the_fix(tmp_path):
    write_original(tmp_path / "train_happy.h5", "train", 10)
    write_original(tmp_path / "test_happy.h5", "test", 5)
    path = tmp_path / "test_happy.h5"
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(DatasetError, match=r"test_happy.h5 is not a readable HDF5 file.*Replace it with the original"):
        load_dataset(small(), tmp_path)


def test_foreign_hdf5_file_names_the_missing_datasets(tmp_path):
    write_original(tmp_path / "train_happy.h5", "train", 10, keys=["train_set_x"])
    write_original(tmp_path / "test_happy.h5", "test", 5)
    with pytest.raises(DatasetError, match="train_happy.h5 has no train_set_y, list_classes"):
        load_dataset(small(), tmp_path)


def test_wrong_image_shape_in_an_original_file(tmp_path):
    with h5py.File(tmp_path / "train_happy.h5", "w") as file:
        file["train_set_x"] = np.zeros((3, 32, 32, 3), np.uint8)
        file["train_set_y"] = np.zeros(3, np.int64)
        file["list_classes"] = np.array([0, 1])
    write_original(tmp_path / "test_happy.h5", "test", 5)
    with pytest.raises(DatasetError, match=r"uint8 images of shape \(m, 64, 64, 3\), got uint8 \(3, 32, 32, 3\)"):
        load_dataset(small(), tmp_path)


def test_convert_to_one_hot():
    np.testing.assert_array_equal(convert_to_one_hot(np.array([[0, 2, 1]]), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match=r"labels must lie in 0..2, got values from 0 to 3"):
        convert_to_one_hot(np.array([0, 3]), 3)
    with pytest.raises(TypeError, match=r"labels must be integers \(class numbers\), got float64"):
        convert_to_one_hot(np.array([0.0, 2.0]), 3)
    assert convert_to_one_hot(np.array([], np.int64), 3).shape == (3, 0)


def test_another_datasets_file_under_the_right_name_is_refused(tmp_path):
    """SIGNS files (6 classes) saved as train_happy.h5 and test_happy.h5."""
    write_original(tmp_path / "train_happy.h5", "train", 12, classes=tuple(range(6)))
    write_original(tmp_path / "test_happy.h5", "test", 6, classes=tuple(range(6)))
    with pytest.raises(
        DatasetError,
        match=r"train_happy.h5: a happy file holds 2 classes .* this one 6 classes and "
        r"labels from 0 to 5: is it another dataset's file\?",
    ):
        load_dataset(small(), tmp_path)


def test_no_warnings_on_a_clean_load(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_dataset(small(), tmp_path)
