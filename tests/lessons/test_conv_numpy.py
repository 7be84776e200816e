import numpy as np
import pytest

from utils.core.environment import import_tensorflow_quietly
from utils.lessons.conv_numpy import conv_forward_im2col, im2col

tf = import_tensorflow_quietly()


@pytest.mark.parametrize(
    "a_shape, w_shape, stride, pad",
    [
        ((2, 5, 7, 4), (3, 3, 4, 8), 2, 1),
        ((3, 6, 4, 3), (2, 2, 3, 5), 1, 0),
        ((1, 7, 5, 2), (3, 3, 2, 4), 3, 2),
        ((2, 4, 4, 6), (1, 1, 6, 3), 1, 0),
    ],
)
def test_matches_tensorflow(a_shape, w_shape, stride, pad):
    rng = np.random.default_rng(0)
    A_prev, W = rng.standard_normal(a_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal((1, 1, 1, w_shape[3]))
    hparameters = {"stride": stride, "pad": pad}
    Z, cache = conv_forward_im2col(A_prev, W, b, hparameters)
    paddings = [[0, 0], [pad, pad], [pad, pad], [0, 0]]
    expected = tf.nn.conv2d(tf.pad(A_prev, paddings), W, stride, "VALID").numpy() + b
    np.testing.assert_allclose(Z, expected, rtol=1e-10, atol=1e-10)
    assert cache[3] is hparameters


def test_im2col_rows_are_flattened_windows():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    rows = im2col(x, f=2, stride=2)
    assert rows.shape == (1, 2, 2, 4)
    np.testing.assert_array_equal(rows[0, 1, 0], [8, 9, 12, 13])


@pytest.mark.parametrize(
    "a_shape, w_shape, b_shape, hparameters, says",
    [
        ((5, 5, 3), (3, 3, 3, 2), (1, 1, 1, 2), {"stride": 1, "pad": 0}, "A_prev must have shape"),
        (
            (1, 5, 5, 3),
            (3, 3, 2, 2),
            (1, 1, 1, 2),
            {"stride": 1, "pad": 0},
            "W expects 2 input channels but A_prev has 3",
        ),
        ((1, 5, 5, 3), (3, 2, 3, 2), (1, 1, 1, 2), {"stride": 1, "pad": 0}, r"W must have shape \(f, f"),
        ((1, 5, 5, 3), (3, 3, 3, 2), (2,), {"stride": 1, "pad": 0}, r"b must have shape \(1, 1, 1, 2\)"),
        ((1, 5, 5, 3), (3, 3, 3, 2), (1, 1, 1, 2), {"stride": 1}, "hparameters lacks \\['pad'\\]"),
        ((1, 5, 5, 3), (3, 3, 3, 2), (1, 1, 1, 2), {"stride": 0, "pad": 0}, "stride must be an int >= 1"),
        ((1, 2, 2, 3), (3, 3, 3, 2), (1, 1, 1, 2), {"stride": 1, "pad": 0}, "does not fit"),
    ],
)
def test_bad_input_gets_a_clear_message(a_shape, w_shape, b_shape, hparameters, says):
    with pytest.raises(ValueError, match=says):
        conv_forward_im2col(np.zeros(a_shape), np.zeros(w_shape), np.zeros(b_shape), hparameters)
