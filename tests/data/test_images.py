"""Photos read safely: committed ones checked against datasets/SHA256SUMS, any file's damage named."""

import numpy as np
import pytest

from tests.data_file_checks import assert_loader_checks
from utils.core.errors import DatasetError
from utils.data.images import DARKNET_PHOTOS_DIR, photo_batch, read_rgb
from utils.models import yolo
from utils.models.face_detection import FACE_PHOTOS_DIR


def test_committed_photos_are_checked_before_they_are_read(monkeypatch):
    assert_loader_checks(monkeypatch, lambda: photo_batch(["dog"], 32), "photos/darknet/dog.jpg")
    assert_loader_checks(monkeypatch, lambda: read_rgb(FACE_PHOTOS_DIR / "grace_hopper.jpg"),
                         "photos/faces/grace_hopper.jpg")  # fmt: skip
    assert_loader_checks(monkeypatch, lambda: yolo.preprocess_image(DARKNET_PHOTOS_DIR / "kite.jpg"),
                         "photos/darknet/kite.jpg")  # fmt: skip


def test_a_learners_own_photo_is_read_and_a_broken_one_named(tmp_path):
    from PIL import Image

    own = tmp_path / "me.png"
    Image.new("L", (5, 4), 200).save(own)
    photo = read_rgb(own)
    assert photo.shape == (4, 5, 3) and photo.dtype == np.uint8 and (photo == 200).all()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((DARKNET_PHOTOS_DIR / "dog.jpg").read_bytes()[:2000])
    with pytest.raises(DatasetError, match=r"broken.jpg is not a readable image .*replace it"):
        read_rgb(broken)
    broken.write_bytes(b"not an image at all")
    with pytest.raises(DatasetError, match="broken.jpg is not a readable image"):
        read_rgb(broken)
    with pytest.raises(FileNotFoundError, match="gone.jpg: no such image file"):
        read_rgb(tmp_path / "gone.jpg")


@pytest.mark.parametrize(
    "image, message",
    [
        (np.full((4, 4, 3), 300), r"integer image must hold values in 0-255, got 300 to 300"),
        (np.full((4, 4, 3), -1), r"0-255, got -1 to -1"),
        (np.full((4, 4, 3), np.nan), r"finite values in \[0, 1\]"),
        (np.full((4, 4, 3), 1.5), r"finite values in \[0, 1\]"),
        (np.ones((4, 4, 3), bool), r"integers in 0-255 or floats in \[0, 1\], got dtype bool"),
        (np.ones((4, 4)), r"expected an \(H, W, 3\) RGB array"),
    ],
)
def test_yolo_input_refuses_values_it_would_wrap_or_zero(image, message):
    with pytest.raises(ValueError, match=message):
        yolo.preprocess_image(image, size=32)
