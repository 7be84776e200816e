"""Hidden cases for week4/Neural_Style_Transfer.ipynb: other shapes, seeds and weights than the public tests.

``train_step`` reads the notebook's names ``feature_extractor``, ``a_C``,
``a_S``, ``optimizer``, ``ALPHA`` and ``BETA``: its outcome sets them in the
function's globals, runs a few steps on a tiny seeded network and returns
the costs it returned and whether the pixels stayed in [0, 1].
"""

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.cases import Case, LazyCase

tf = import_tensorflow_quietly()


def _activations(seed, shapes, scale=1.0):
    rng = np.random.default_rng(2000 + seed)
    return [tf.constant(np.maximum(rng.normal(0, scale, (1,) + shape), 0), tf.float32) for shape in shapes]


def _two_lists(seed, shapes, *extra):
    return LazyCase(lambda: ((_activations(seed, shapes), _activations(seed + 1, shapes, 1.7), *extra), {}))


def _pair(seed, shape):
    return LazyCase(lambda: ((*_activations(seed, [shape]), *_activations(seed + 1, [shape], 0.6)), {}))


def _matrix(seed, shape):
    return LazyCase(lambda: ((tf.constant(np.random.default_rng(3000 + seed).normal(0, 1, shape), tf.float32),), {}))


def _train_setting(seed, size, alpha, beta, learning_rate, steps):
    """The names train_step reads, a tiny network's targets and the generated image, built afresh."""

    def factory():
        rng = np.random.default_rng(4000 + seed)
        images = tf.keras.Input((size, size, 3))
        init = tf.keras.initializers.RandomNormal
        first = tf.keras.layers.Conv2D(
            3, 3, padding="same", activation="relu", kernel_initializer=init(0, 0.5, seed=seed)
        )(images)
        second = tf.keras.layers.Conv2D(
            5, 3, strides=2, padding="same", activation="relu", kernel_initializer=init(0, 0.5, seed=seed + 1)
        )(first)
        third = tf.keras.layers.Conv2D(
            4, 3, padding="same", activation="relu", kernel_initializer=init(0, 0.5, seed=seed + 2)
        )(second)
        model = tf.keras.Model(images, [first, second, third])
        model.trainable = False
        content = rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32)
        style = rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32) ** 2
        names = {
            "feature_extractor": model,
            "a_C": model(content),
            "a_S": model(style),
            "ALPHA": alpha,
            "BETA": beta,
            "optimizer": tf.keras.optimizers.Adam(learning_rate),
        }
        return (names, tf.Variable(content), steps), {}

    return LazyCase(factory)


def _train_steps(train_step, args, kwargs):
    """(costs returned by ``steps`` calls, whether every pixel stayed in [0, 1]), the names set meanwhile."""
    names, generated_image, steps = args
    function = getattr(train_step, "python_function", train_step)  # run a tf.function's Python eagerly
    namespace = function.__globals__
    saved = {name: namespace[name] for name in names if name in namespace}
    namespace.update(names)
    try:
        costs = [float(function(generated_image)) for _ in range(steps)]
    finally:
        for name in names:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)
    pixels = generated_image.numpy()
    return np.array(costs), bool(pixels.min() >= 0 and pixels.max() <= 1)


CASES = {
    "compute_content_cost": [
        _two_lists(1, [(5, 5, 3), (3, 4, 6)]),
        _two_lists(2, [(2, 9, 7)]),
        _two_lists(3, [(6, 4, 2), (4, 4, 2), (2, 3, 5)]),
    ],
    "gram_matrix": [_matrix(1, (7, 4)), _matrix(2, (2, 11)), _matrix(3, (3, 3))],
    "compute_layer_style_cost": [_pair(1, (5, 3, 6)), _pair(2, (2, 2, 9)), _pair(3, (6, 7, 1))],
    "compute_style_cost": [
        _two_lists(10, [(4, 6, 3), (3, 3, 5), (2, 2, 5)], [("x", 0.6), ("y", 0.4)]),
        _two_lists(
            11,
            [(7, 5, 2), (5, 5, 4), (3, 3, 3), (2, 2, 8), (2, 2, 8)],
            [("a", 0.1), ("b", 0.2), ("c", 0.3), ("d", 0.4)],
        ),
        _two_lists(12, [(3, 3, 4), (1, 1, 4)], [("only", 0.75)]),
    ],
    "total_cost": [
        Case(0.8, 0.3),
        Case(2.0, 5.0, alpha=0.5),
        Case(1.25, 0.4, alpha=3, beta=1000),
        Case(0.0, 2.5, beta=0.1),
    ],
    "train_step": [_train_setting(1, 12, 6.0, 50.0, 0.02, 4), _train_setting(2, 20, 1.0, 400.0, 0.005, 3)],
}
OUTCOMES = {"train_step": _train_steps}
