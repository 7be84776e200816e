import gzip

import numpy as np
import pytest

from tests.data_file_checks import assert_loader_checks
from utils.data import fashion_mnist


def test_loads_ten_balanced_classes_of_28x28_photos():
    images, labels = fashion_mnist.load_fashion_mnist()
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1000] * 10
    assert 60 < images.mean() < 90  # real photos on a black background, not blank or noise


def test_read_idx_round_trips_and_rejects_damaged_files(tmp_path):
    good = tmp_path / "good.gz"
    values = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + np.array(values.shape, ">u4").tobytes()
    good.write_bytes(gzip.compress(header + values.tobytes()))
    np.testing.assert_array_equal(fashion_mnist.read_idx(good), values)

    short = tmp_path / "short.gz"
    short.write_bytes(gzip.compress(header + values.tobytes()[:-1]))
    with pytest.raises(ValueError, match="short.gz holds 23 values"):
        fashion_mnist.read_idx(short)
    foreign = tmp_path / "foreign.gz"
    foreign.write_bytes(gzip.compress(b"PK\3\4 not an idx file"))
    with pytest.raises(ValueError, match="not an unsigned-byte IDX file"):
        fashion_mnist.read_idx(foreign)


def test_a_changed_or_missing_file_is_named_with_the_fix(monkeypatch):
    assert_loader_checks(monkeypatch, fashion_mnist.load_fashion_mnist, "fashion_mnist/t10k-labels-idx1-ubyte.gz",
                         lambda path: monkeypatch.setattr(fashion_mnist, "IMAGES_FILE", path))  # fmt: skip


def test_a_class_pair_splits_each_class_into_training_then_validation_photos():
    (train_images, train_labels), (validation_images, validation_labels) = fashion_mnist.load_class_pair(
        "Pullover", "Coat", train_per_class=3, validation_per_class=2, image_size=32
    )
    assert train_images.shape == (6, 32, 32, 3) and validation_images.shape == (4, 32, 32, 3)
    assert train_labels.tolist() == [0, 0, 0, 1, 1, 1] and validation_labels.tolist() == [0, 0, 1, 1]
    images, labels = fashion_mnist.load_fashion_mnist()
    coats = np.flatnonzero(labels == fashion_mnist.CLASS_NAMES.index("Coat"))
    # Greyscale in three equal channels; at 28x28 the first coat comes back unchanged.
    (same_size, _), (next_ones, _) = fashion_mnist.load_class_pair("Pullover", "Coat", 1, 1, image_size=28)
    np.testing.assert_array_equal(same_size[1, ..., 0], images[coats[0]])
    np.testing.assert_array_equal(next_ones[1, ..., 2], images[coats[1]])


def test_a_class_pair_names_bad_classes_and_counts():
    with pytest.raises(ValueError, match="'Jumper' is not a Fashion-MNIST class"):
        fashion_mnist.load_class_pair("Jumper", "Coat")
    with pytest.raises(ValueError, match="must differ"):
        fashion_mnist.load_class_pair("Coat", "Coat")
    with pytest.raises(ValueError, match="Pullover has 1000 photos, fewer than the 900 \\+ 200"):
        fashion_mnist.load_class_pair("Pullover", "Coat", train_per_class=900, validation_per_class=200)
