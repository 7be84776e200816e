import shutil

import numpy as np
import pytest
from PIL import Image

from utils.data import footwear
from utils.data.fashion_mnist import load_fashion_mnist
from utils.derive.footwear import derive_footwear


def photos_by_index(folder):
    """``{test-split index: (class folder, pixels)}`` of every photo in ``folder``."""
    photos = {}
    for class_name in footwear.CLASS_LABELS:
        for path in sorted((folder / class_name).glob("*.png")):
            index = int(path.stem.rsplit("_", 1)[1])
            photos[index] = (class_name, np.asarray(Image.open(path)))
    return photos


@pytest.fixture
def folder_copy(tmp_path):
    copy = tmp_path / "footwear"
    shutil.copytree(footwear.FOOTWEAR_DIR, copy)
    return copy


def test_the_committed_photos_are_the_first_250_of_each_class_of_fashion_mnist():
    images, labels = load_fashion_mnist()
    photos = photos_by_index(footwear.footwear_directory())
    for class_name, label in footwear.CLASS_LABELS.items():
        expected = np.flatnonzero(labels == label)[: footwear.PER_CLASS].tolist()
        assert sorted(index for index, (name, _) in photos.items() if name == class_name) == expected
    for index, (_, pixels) in photos.items():
        assert pixels.shape == (28, 28) and pixels.dtype == np.uint8
        np.testing.assert_array_equal(pixels, images[index])


def test_deriving_again_gives_the_same_photos_as_recorded(tmp_path):
    written = derive_footwear(tmp_path)
    derived, committed = photos_by_index(tmp_path), photos_by_index(footwear.FOOTWEAR_DIR)
    assert derived.keys() == committed.keys()
    for index in committed:
        assert derived[index][0] == committed[index][0]
        np.testing.assert_array_equal(derived[index][1], committed[index][1])
    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == sorted(footwear.recorded_photos())
    assert len(written) == 2 * footwear.PER_CLASS


def test_a_missing_photo_is_named_with_the_fix(folder_copy):
    photo = next((folder_copy / "sandal").glob("*.png"))
    photo.unlink()
    with pytest.raises(FileNotFoundError, match=f"{photo.name} is missing.*git checkout -- datasets/footwear"):
        footwear.footwear_directory(folder_copy)


def test_a_changed_photo_is_named_with_the_fix(folder_copy):
    photo = next((folder_copy / "ankle_boot").glob("*.png"))
    photo.write_bytes(photo.read_bytes()[:-10])
    with pytest.raises(
        ValueError, match=f"{photo.name} is not the expected file.*datasets/footwear/README.md describes"
    ):
        footwear.footwear_directory(folder_copy)


def test_a_foreign_file_is_refused(folder_copy):
    shutil.copy(next((folder_copy / "ankle_boot").glob("*.png")), folder_copy / "sandal" / "boot.png")
    with pytest.raises(ValueError, match="boot.png is not one of the dataset's photos"):
        footwear.footwear_directory(folder_copy)
