"""Public tests for week1/Convolution_model_Step_by_Step.ipynb.

References are TensorFlow's own ops (tf.pad, tf.nn.conv2d, tf.nn.pool) and, for the
backward passes, tf.GradientTape gradients.
"""

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.checks import call_function, check_array, check_same_object, check_tuple

tf = import_tensorflow_quietly()

# (case, A_prev shape, W shape, stride, pad): non-square inputs, stride > 1,
# pad > 0, several channels, and a 1x1 convolution.
CONV_CASES = [
    ("stride 2, pad 1, 4 channels in, 8 out", (2, 5, 7, 4), (3, 3, 4, 8), 2, 1),
    ("stride 1, no padding, non-square 6x4", (3, 6, 4, 3), (2, 2, 3, 5), 1, 0),
    ("stride 3, pad 2, one image", (1, 7, 5, 2), (3, 3, 2, 4), 3, 2),
    ("1x1 filter", (2, 4, 4, 6), (1, 1, 6, 3), 1, 0),
]

# (case, A_prev shape, f, stride): overlapping and non-overlapping windows.
POOL_CASES = [
    ("f=3, stride 1 (overlapping windows)", (2, 5, 5, 3), 3, 1),
    ("f=2, stride 2, non-square 6x8", (3, 6, 8, 2), 2, 2),
    ("f=3, stride 2, non-square 7x5", (2, 7, 5, 4), 3, 2),
]


def _passed():
    print("All tests passed.")


def _random(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def _paddings(pad):
    return [[0, 0], [pad, pad], [pad, pad], [0, 0]]


def _conv(A_prev, W, b, stride, pad):
    return tf.nn.conv2d(tf.pad(A_prev, _paddings(pad)), W, stride, "VALID") + b


def _pool(A_prev, f, stride, mode):
    # tf.nn.pool, not tf.nn.max_pool2d: in TensorFlow 2.21 the latter returns
    # float32 for a float64 NumPy input when windows overlap.
    pooling_type = {"max": "MAX", "average": "AVG"}[mode]
    return tf.nn.pool(A_prev, (f, f), pooling_type, strides=(stride, stride), padding="VALID")


def zero_pad_test(target):
    cases = [
        ("4 images 3x3, 2 channels, pad 3", (4, 3, 3, 2), 3),
        ("non-square 5x7, 1 channel, pad 1", (2, 5, 7, 1), 1),
        ("pad 0 leaves the images unchanged", (1, 4, 6, 3), 0),
    ]
    for seed, (case, shape, pad) in enumerate(cases):
        (X,) = _random(seed, shape)
        X_before = X.copy()
        X_pad = call_function(target, X, pad, case=case)
        expected = tf.pad(X, _paddings(pad)).numpy()
        check_array(X_pad, expected, name="zero_pad", case=case, what="X_pad", exact=True)
        check_array(X, X_before, name="zero_pad", case=case, what="the input X (it must not change)", exact=True)
    _passed()


def conv_single_step_test(target):
    cases = [
        ("4x4 slice, 3 channels", (4, 4, 3)),
        ("2x2 slice, 1 channel", (2, 2, 1)),
        ("3x3 slice, 5 channels", (3, 3, 5)),
    ]
    for seed, (case, shape) in enumerate(cases):
        a_slice_prev, W, b = _random(seed, shape, shape, (1, 1, 1))
        Z = call_function(target, a_slice_prev, W, b, case=case)
        # One output of a convolution: the filter over one window, plus the bias.
        expected = _conv(a_slice_prev[None], W[..., None], b[..., None], 1, 0).numpy().reshape(())
        check_array(Z, expected, name="conv_single_step", case=case, what="Z (a single number)")
    _passed()


def conv_forward_test(target):
    for seed, (case, a_shape, w_shape, stride, pad) in enumerate(CONV_CASES):
        A_prev, W, b = _random(seed, a_shape, w_shape, (1, 1, 1, w_shape[3]))
        hparameters = {"stride": stride, "pad": pad}
        result = call_function(target, A_prev, W, b, hparameters, case=case)
        Z, cache = check_tuple(result, ("Z", "cache"), name="conv_forward", case=case)
        check_array(Z, _conv(A_prev, W, b, stride, pad).numpy(), name="conv_forward", case=case, what="Z")
        check_tuple(cache, ("A_prev", "W", "b", "hparameters"), name="conv_forward's cache", case=case)
        for part, value, given in zip(("A_prev", "W", "b", "hparameters"), cache, (A_prev, W, b, hparameters)):
            check_same_object(value, given, name="conv_forward", case=case, what=f"cache's {part}")
    _passed()


def pool_forward_test(target):
    for seed, (case, shape, f, stride) in enumerate(POOL_CASES):
        (A_prev,) = _random(seed, shape)
        hparameters = {"stride": stride, "f": f}
        for mode in ("max", "average"):
            mode_case = f"mode={mode!r}, {case}"
            result = call_function(target, A_prev, hparameters, mode=mode, case=mode_case)
            A, cache = check_tuple(result, ("A", "cache"), name="pool_forward", case=mode_case)
            check_array(A, _pool(A_prev, f, stride, mode).numpy(), name="pool_forward", case=mode_case, what="A")
            check_tuple(cache, ("A_prev", "hparameters"), name="pool_forward's cache", case=mode_case)
            check_same_object(cache[0], A_prev, name="pool_forward", case=mode_case, what="cache's A_prev")
            check_same_object(cache[1], hparameters, name="pool_forward", case=mode_case, what="cache's hparameters")
        default_case = f"no mode given (max pooling is the default), {case}"
        result = call_function(target, A_prev, hparameters, case=default_case)
        A, _ = check_tuple(result, ("A", "cache"), name="pool_forward", case=default_case)
        check_array(A, _pool(A_prev, f, stride, "max").numpy(), name="pool_forward", case=default_case, what="A")
    _passed()


def conv_backward_test(target):
    for seed, (case, a_shape, w_shape, stride, pad) in enumerate(CONV_CASES):
        A_prev, W, b = _random(seed, a_shape, w_shape, (1, 1, 1, w_shape[3]))
        hparameters = {"stride": stride, "pad": pad}
        variables = [tf.Variable(value) for value in (A_prev, W, b)]
        with tf.GradientTape() as tape:
            Z = _conv(*variables, stride, pad)
            (dZ,) = _random(100 + seed, Z.shape)
            loss = tf.reduce_sum(Z * dZ)  # so that dLoss/dZ = dZ
        expected = [gradient.numpy() for gradient in tape.gradient(loss, variables)]
        result = call_function(target, dZ, (A_prev, W, b, hparameters), case=case)
        gradients = check_tuple(result, ("dA_prev", "dW", "db"), name="conv_backward", case=case)
        for part, gradient, want in zip(("dA_prev", "dW", "db"), gradients, expected):
            check_array(gradient, want, name="conv_backward", case=case, what=part)
    _passed()


def create_mask_from_window_test(target):
    cases = [
        ("2x2 window", np.array([[1.0, 3.0], [4.0, 2.0]])),
        ("2x3 window of negative numbers", np.array([[-1.0, -5.0, -2.0], [-3.0, -0.5, -4.0]])),
        ("random 3x3 window", _random(0, (3, 3))[0]),
    ]
    for case, x in cases:
        x_before = x.copy()
        mask = call_function(target, x, case=case)
        expected = np.zeros(x.shape, dtype=bool)
        expected[np.unravel_index(np.argmax(x_before), x.shape)] = True
        check_array(mask, expected, name="create_mask_from_window", case=case, what="mask", check_dtype=False)
        check_array(
            x, x_before, name="create_mask_from_window", case=case, what="the input x (it must not change)", exact=True
        )
    _passed()


def distribute_value_test(target):
    cases = [
        ("dz=2 over a 2x2 window", 2.0, (2, 2), 0.5),
        ("dz=-3 over a 2x3 window", -3.0, (2, 3), -0.5),
        ("dz=1 over a 3x3 window", 1.0, (3, 3), 1 / 9),
    ]
    for case, dz, shape, each in cases:
        a = call_function(target, dz, shape, case=case)
        check_array(a, np.full(shape, each), name="distribute_value", case=case, what="a", check_dtype=False)
    _passed()


def pool_backward_test(target):
    for seed, (case, shape, f, stride) in enumerate(POOL_CASES):
        (A_prev,) = _random(seed, shape)
        hparameters = {"stride": stride, "f": f}
        for mode in ("max", "average"):
            mode_case = f"mode={mode!r}, {case}"
            variable = tf.Variable(A_prev)
            with tf.GradientTape() as tape:
                A = _pool(variable, f, stride, mode)
                (dA,) = _random(100 + seed, A.shape)
                loss = tf.reduce_sum(A * dA)  # so that dLoss/dA = dA
            expected = tape.gradient(loss, variable).numpy()
            dA_prev = call_function(target, dA, (A_prev, hparameters), mode=mode, case=mode_case)
            check_array(dA_prev, expected, name="pool_backward", case=mode_case, what="dA_prev")
    _passed()
