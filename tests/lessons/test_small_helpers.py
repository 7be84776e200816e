"""Numerical gradients, photos, timing and figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.data.images import SKIMAGE_PHOTOS, photo_batch, skimage_photo  # noqa: E402
from utils.lessons import plotting  # noqa: E402
from utils.lessons.gradient_check import numerical_gradient  # noqa: E402
from utils.lessons.timing import best_time  # noqa: E402


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    gradient = numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_allclose(gradient, 3 * x**2, rtol=1e-6)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_numerical_gradient_needs_floats():
    with pytest.raises(TypeError, match="float array"):
        numerical_gradient(np.sum, np.arange(3))


@pytest.mark.parametrize("name", SKIMAGE_PHOTOS)
def test_bundled_photos_load_offline(name):
    photo = skimage_photo(name, size=(24, 32))
    assert photo.shape[:2] == (24, 32) and photo.dtype == np.float64
    assert photo.min() >= 0.0 and photo.max() <= 1.0


def test_photo_options_and_errors():
    assert skimage_photo("astronaut", size=16, gray=True).shape == (16, 16)
    assert skimage_photo("astronaut", size=16).shape == (16, 16, 3)
    with pytest.raises(ValueError, match="unknown photo 'lena': choose one of"):
        skimage_photo("lena")
    for size in (0, (16, 0), (16,), "16", (16.5, 8)):
        with pytest.raises(ValueError, match="size must be"):
            skimage_photo("astronaut", size=size)


def test_photo_batch_mixes_package_and_darknet_photos():
    import skimage.data

    batch = photo_batch(("coffee", "camera", "dog"), 32)
    assert batch.shape == (3, 32, 32, 3) and batch.dtype == np.uint8
    np.testing.assert_array_equal(batch[1, ..., 0], batch[1, ..., 2])  # a grey photo, in three equal channels
    full_size = photo_batch(("coffee",), 400)[0]
    assert full_size.shape == (400, 400, 3)
    assert abs(full_size.mean() - skimage.data.coffee().mean()) < 2  # the photo, not a blank
    with pytest.raises(ValueError, match=r"unknown photo 'lena': no .*lena\.jpg; choose one of .*dog"):
        photo_batch(("lena",), 32)


def test_best_time_is_the_minimum_of_positive_times():
    assert 0 < best_time(lambda: sum(range(1000)), repeat=3) < 1
    with pytest.raises(ValueError):
        best_time(lambda: None, repeat=0)


def test_figures_draw_and_reject_bad_images():
    plotting.show_images([np.zeros((4, 4)), np.zeros((4, 4, 3)), np.zeros((4, 4, 1))], titles=["a", "b", "c"])
    plotting.show_conv_windows(5, 7, 3, 2, 1)
    plotting.show_timings({"slow": 1.0, "fast": 0.001})
    with pytest.raises(ValueError, match=r"image 0 has shape \(2, 4, 4, 3\)"):
        plotting.show_images([np.zeros((2, 4, 4, 3))])
    with pytest.raises(ValueError, match="got 1 titles for 2 images"):
        plotting.show_images([np.zeros((4, 4))] * 2, titles=["a"])
    with pytest.raises(ValueError, match="at least one image"):
        plotting.show_images([])
