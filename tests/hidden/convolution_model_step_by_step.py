"""Hidden cases for week1/Convolution_model_Step_by_Step.ipynb: other shapes and seeds than the public tests."""

import numpy as np

from utils.grading.cases import Case


def _random(seed, *shapes):
    rng = np.random.default_rng(1000 + seed)
    return [rng.standard_normal(shape) for shape in shapes]


def _conv_cache(seed, a_shape, w_shape, stride, pad):
    A_prev, W, b = _random(seed, a_shape, w_shape, (1, 1, 1, w_shape[3]))
    return A_prev, W, b, {"stride": stride, "pad": pad}


def _conv_output_shape(a_shape, w_shape, stride, pad):
    m, n_H, n_W, _ = a_shape
    f = w_shape[0]
    return (m, (n_H + 2 * pad - f) // stride + 1, (n_W + 2 * pad - f) // stride + 1, w_shape[3])


CONV = [((1, 7, 5, 2), (3, 3, 2, 4), 2, 1), ((3, 4, 6, 1), (2, 2, 1, 3), 1, 0), ((2, 5, 5, 3), (5, 5, 3, 2), 1, 2)]
POOL = [
    ((2, 6, 5, 3), {"f": 2, "stride": 2}),
    ((1, 5, 7, 2), {"f": 3, "stride": 1}),
    ((3, 4, 4, 1), {"f": 4, "stride": 4}),
]


def _pool_output_shape(a_shape, hparameters):
    m, n_H, n_W, n_C = a_shape
    f, stride = hparameters["f"], hparameters["stride"]
    return (m, (n_H - f) // stride + 1, (n_W - f) // stride + 1, n_C)


CASES = {
    "zero_pad": [
        Case(*_random(1, (2, 3, 4, 2)), 1),
        Case(*_random(2, (1, 2, 5, 3)), 3),
        Case(*_random(3, (1, 2, 2, 1)), 0),
    ],
    "conv_single_step": [
        Case(*_random(4, (2, 2, 3), (2, 2, 3), (1, 1, 1))),
        Case(*_random(5, (5, 5, 1), (5, 5, 1), (1, 1, 1))),
    ],
    "conv_forward": [Case(*_conv_cache(6 + i, *spec)) for i, spec in enumerate(CONV)],
    "pool_forward": [
        Case(*_random(10 + i, a_shape), dict(hparameters), mode)
        for i, (a_shape, hparameters) in enumerate(POOL)
        for mode in ("max", "average")
    ],
    "conv_backward": [
        Case(*_random(20 + i, _conv_output_shape(*spec)), _conv_cache(20 + i, *spec)) for i, spec in enumerate(CONV)
    ],
    "create_mask_from_window": [
        Case(*_random(30, (3, 2))),
        Case(np.array([[1.0, 4.0], [4.0, -2.0]])),
        Case(*_random(31, (1, 1))),
    ],
    "distribute_value": [Case(2.5, (2, 3)), Case(-1.0, (4, 4)), Case(0.75, (1, 1))],
    "pool_backward": [
        Case(
            *_random(40 + i, _pool_output_shape(a_shape, hparameters)),
            (*_random(50 + i, a_shape), dict(hparameters)),
            mode,
        )
        for i, (a_shape, hparameters) in enumerate(POOL)
        for mode in ("max", "average")
    ],
}
