"""The photo-derivation helper, and the painting derived with it as committed."""

import pytest
from PIL import Image

from utils.derive import paintings
from utils.derive.photos import write_jpeg


def test_photos_are_scaled_down_never_up(tmp_path):
    wide = Image.new("RGB", (800, 600), (200, 30, 40))
    assert Image.open(write_jpeg(wide, tmp_path / "a.jpg", short_side=416)).size == (555, 416)
    assert Image.open(write_jpeg(wide, tmp_path / "b.jpg", long_side=400)).size == (400, 300)
    small = Image.new("L", (352, 448), 128)
    written = Image.open(write_jpeg(small, tmp_path / "c" / "d.jpg", short_side=416))
    assert written.size == (352, 448) and written.mode == "RGB"
    with pytest.raises(ValueError, match="short_side or long_side"):
        write_jpeg(wide, tmp_path / "e.jpg", short_side=416, long_side=400)


def test_the_painting_is_derived_from_opencv_doc_as_committed(tmp_path):
    """write_starry_night crops the frame of a painting laid out as in opencv-doc and scales it to 400 pixels wide."""
    source = tmp_path / "pkg" / paintings.OPENCV_DOC_STARRY_NIGHT
    source.parent.mkdir(parents=True)
    Image.new("RGB", (752, 600), (30, 60, 120)).save(source)
    out = paintings.write_starry_night(tmp_path / "pkg", out_dir=tmp_path / "out")
    with Image.open(out) as image:
        assert image.size == (400, 316)
    with pytest.raises(FileNotFoundError, match="dpkg-deb -x"):
        paintings.write_starry_night(tmp_path / "empty", out_dir=tmp_path / "out")
