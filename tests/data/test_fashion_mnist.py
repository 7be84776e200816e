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
