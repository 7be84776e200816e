"""Public tests for week4/Neural_Style_Transfer.ipynb.

The references are written independently of the notebook's solutions, in
NumPy float64: the Gram matrix as sums of products over the positions, the
costs from the formulas of Gatys et al. as the course normalises them:

- content: 1/(4 n_H n_W n_C) sum (a_C - a_G)^2 on the last activation of the lists;
- one style layer: 1/(4 n_C^2 (n_H n_W)^2) sum (G_S - G_G)^2, with G = A A^T and A of shape (n_C, n_H n_W);
- style: sum over the style layers (every activation but the last) of weight x layer cost;
- total: alpha J_content + beta J_style.

``train_step_test`` runs the learner's ``train_step`` on a tiny two-layer
network it builds, by setting the notebook names ``train_step`` reads
(``feature_extractor``, ``a_C``, ``a_S``, ``optimizer``, ``ALPHA``, ``BETA``)
for the duration of the test and restoring them afterwards.
"""

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.checks import CheckFailed, call_function, check_array, check_type

tf = import_tensorflow_quietly()


def _passed():
    print("All tests passed.")


def _activations(seed, shapes, scale=1.0):
    """Non-negative random activations (as after a ReLU), one float32 tensor (1, n_H, n_W, n_C) per shape."""
    rng = np.random.default_rng(seed)
    return [tf.constant(np.maximum(rng.normal(0, scale, (1,) + shape), 0), tf.float32) for shape in shapes]


def _scalar(value, *, name, case):
    """A learner's scalar result as a float (a 0-d tensor or array, or a number)."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value) if isinstance(value, (np.ndarray, np.generic, float, int)) else None
    if array is None or array.shape != () or array.dtype.kind != "f":
        raise CheckFailed(
            f"{name}, case {case!r}: should return a scalar float (a 0-d tensor), "
            f"got {type(value).__name__} {getattr(value, 'shape', '')}"
        )
    return float(array)


def _check_scalar(value, expected, *, name, case, rtol=1e-4):
    actual = _scalar(value, name=name, case=case)
    check_array(np.float64(actual), np.float64(expected), name=name, case=case, rtol=rtol, atol=1e-12)


# --- references ------------------------------------------------------------------------------------------


def _content_cost(content_output, generated_output):
    a_C, a_G = (np.asarray(output[-1], np.float64)[0] for output in (content_output, generated_output))
    n_H, n_W, n_C = a_G.shape
    return np.sum((a_C - a_G) ** 2) / (4 * n_H * n_W * n_C)


def _gram(A):
    """G[i, j] = sum over positions p of A[i, p] A[j, p]."""
    A = np.asarray(A, np.float64)
    return np.einsum("ip,jp->ij", A, A)


def _layer_style_cost(a_S, a_G):
    a_S, a_G = (np.asarray(a, np.float64)[0] for a in (a_S, a_G))
    n_H, n_W, n_C = a_G.shape
    # Channel c's row is its activation at every position, in any fixed order of the positions.
    S, G = (a.reshape(n_H * n_W, n_C).T for a in (a_S, a_G))
    return np.sum((_gram(S) - _gram(G)) ** 2) / (4 * n_C**2 * (n_H * n_W) ** 2)


def _style_cost(style_output, generated_output, style_layers):
    return sum(
        weight * _layer_style_cost(a_S, a_G)
        for (_, weight), a_S, a_G in zip(style_layers, style_output[:-1], generated_output[:-1])
    )


# --- compute_content_cost ----------------------------------------------------------------------------------


def compute_content_cost_test(target):
    # Each list ends with the content activation; the others differ in shape so that using one of them fails.
    cases = [
        ("a 4x4x3 content activation after a 6x6x2 one", [(6, 6, 2), (4, 4, 3)]),
        ("a non-square 3x5x8 content activation", [(8, 8, 4), (5, 5, 6), (3, 5, 8)]),
        ("a single 1x1x16 activation", [(1, 1, 16)]),
        ("a 7x2x5 content activation after a 2x7x5 one", [(2, 7, 5), (7, 2, 5)]),
    ]
    for seed, (case, shapes) in enumerate(cases):
        content_output = _activations(seed, shapes)
        generated_output = _activations(seed + 100, shapes, scale=2.0)
        value = call_function(target, content_output, generated_output, name="compute_content_cost", case=case)
        _check_scalar(value, _content_cost(content_output, generated_output), name="compute_content_cost", case=case)
    same = _activations(7, [(3, 3, 4)])
    value = call_function(target, same, same, name="compute_content_cost", case="identical activations")
    _check_scalar(value, 0.0, name="compute_content_cost", case="identical activations")
    _passed()


# --- gram_matrix ---------------------------------------------------------------------------------------------


def gram_matrix_test(target):
    rng = np.random.default_rng(3)
    cases = [
        ("A of shape (3, 2*1) from the original's example", rng.normal(0, 1, (3, 2))),
        ("A of shape (4, 9)", rng.normal(0, 1, (4, 9))),
        ("A of shape (6, 3): more channels than positions", rng.uniform(0, 1, (6, 3))),
        ("A of shape (1, 5): one channel", rng.normal(0, 1, (1, 5))),
        ("A of shape (5, 5): square, not symmetric", rng.normal(0, 1, (5, 5))),
    ]
    for case, A in cases:
        A = tf.constant(A, tf.float32)
        value = call_function(target, A, name="gram_matrix", case=case)
        check_array(
            value,
            _gram(A.numpy()).astype(np.float32),
            name="gram_matrix",
            case=case,
            accept_tensors=True,
            rtol=1e-5,
            atol=1e-5,
        )
    _passed()


# --- compute_layer_style_cost ----------------------------------------------------------------------------


def compute_layer_style_cost_test(target):
    cases = [
        ("1x4x4x3 activations", (4, 4, 3)),
        ("non-square 1x3x5x4 activations", (3, 5, 4)),
        ("1x2x6x8 activations: more channels than rows", (2, 6, 8)),
        ("1x1x1x5 activations: one position", (1, 1, 5)),
    ]
    for seed, (case, shape) in enumerate(cases):
        (a_S,), (a_G,) = _activations(seed, [shape]), _activations(seed + 50, [shape], scale=1.5)
        value = call_function(target, a_S, a_G, name="compute_layer_style_cost", case=case)
        _check_scalar(value, _layer_style_cost(a_S, a_G), name="compute_layer_style_cost", case=case)
    # The same activations at other positions have the same Gram matrix: a style cost of 0.
    (a_S,) = _activations(11, [(3, 4, 2)])
    shuffled = tf.constant(np.flip(a_S.numpy(), axis=(1, 2)))
    case = "the generated activations are the style's, flipped in space"
    value = call_function(target, a_S, shuffled, name="compute_layer_style_cost", case=case)
    _check_scalar(value, 0.0, name="compute_layer_style_cost", case=case)
    _passed()


# --- compute_style_cost ------------------------------------------------------------------------------------


def compute_style_cost_test(target):
    cases = [
        (
            "three style layers weighted 0.2, 0.3 and 0.5, then the content layer",
            [(6, 6, 2), (4, 4, 3), (2, 2, 4), (2, 2, 4)],
            [("a", 0.2), ("b", 0.3), ("c", 0.5)],
        ),
        ("one style layer weighted 1.0", [(3, 5, 4), (2, 2, 6)], [("a", 1.0)]),
        ("two style layers weighted 0.9 and 0.1", [(5, 5, 3), (3, 3, 6), (1, 1, 6)], [("a", 0.9), ("b", 0.1)]),
        (
            "five layers weighted 0.2 each, as in the original",
            [(8, 8, 2), (6, 6, 3), (4, 4, 4), (3, 3, 5), (2, 2, 6), (2, 2, 6)],
            [(f"l{i}", 0.2) for i in range(5)],
        ),
    ]
    for seed, (case, shapes, style_layers) in enumerate(cases):
        style_output = _activations(seed, shapes)
        generated_output = _activations(seed + 30, shapes, scale=1.5)
        value = call_function(
            target, style_output, generated_output, style_layers, name="compute_style_cost", case=case
        )
        _check_scalar(
            value, _style_cost(style_output, generated_output, style_layers), name="compute_style_cost", case=case
        )
    _passed()


# --- total_cost ------------------------------------------------------------------------------------------------


def total_cost_test(target):
    cases = [
        ("J_content=0.5, J_style=2.0, default alpha and beta (10, 40)", (0.5, 2.0), {}, 10 * 0.5 + 40 * 2.0),
        ("J_content=3.0, J_style=0.25, alpha=1, beta=100", (3.0, 0.25), {"alpha": 1, "beta": 100}, 3.0 + 25.0),
        ("J_content=1.5, J_style=0.0, alpha=7", (1.5, 0.0), {"alpha": 7}, 10.5),
        ("J_content=0.0, J_style=1.5, beta=3", (0.0, 1.5), {"beta": 3}, 4.5),
        (
            "J_content=0.2, J_style=0.7, alpha=40, beta=10 (swapped values)",
            (0.2, 0.7),
            {"alpha": 40, "beta": 10},
            8.0 + 7.0,
        ),
    ]
    for case, (j_content, j_style), options, expected in cases:
        value = call_function(
            target, tf.constant(j_content), tf.constant(j_style), name="total_cost", case=case, **options
        )
        _check_scalar(value, expected, name="total_cost", case=case, rtol=1e-6)
    _passed()


# --- train_step ------------------------------------------------------------------------------------------------


def _tiny_extractor(size):
    """Two seeded convolutions: [first ReLU map (a style layer), second (style), second again (content)]."""
    images = tf.keras.Input((size, size, 3))
    first = tf.keras.layers.Conv2D(
        4, 3, padding="same", activation="relu", kernel_initializer=tf.keras.initializers.RandomNormal(0, 0.5, seed=1)
    )(images)
    second = tf.keras.layers.Conv2D(
        6,
        3,
        strides=2,
        padding="same",
        activation="relu",
        kernel_initializer=tf.keras.initializers.RandomNormal(0, 0.5, seed=2),
    )(first)
    model = tf.keras.Model(images, [first, second, second])
    model.trainable = False
    return model


def _reference_cost(model, image, a_C, a_S, alpha, beta, style_layers):
    outputs = [output.numpy() for output in model(image)]
    return alpha * _content_cost(a_C, outputs) + beta * _style_cost(a_S, outputs, style_layers)


class _NotebookNames:
    """Set some of a function's global names for a while, then restore them (or remove the new ones)."""

    def __init__(self, namespace, values):
        self.namespace, self.values, self.saved = namespace, values, {}

    def __enter__(self):
        self.saved = {name: self.namespace[name] for name in self.values if name in self.namespace}
        self.namespace.update(self.values)

    def __exit__(self, *exc):
        for name in self.values:
            if name in self.saved:
                self.namespace[name] = self.saved[name]
            else:
                self.namespace.pop(name, None)


def train_step_test(target):
    """Each step returns the cost before its update and keeps the pixels in [0, 1]; 8 steps lower the cost."""
    # A tf.function keeps its Python function: run that eagerly with the test's names in its globals.
    function = getattr(target, "python_function", target)
    if "STYLE_LAYERS" not in function.__globals__:
        raise CheckFailed("train_step: the notebook's STYLE_LAYERS is not defined: run the first code cell.")
    # compute_style_cost zips the weights with the tiny network's two style layers: the first two count.
    style_layers = list(function.__globals__["STYLE_LAYERS"])[:2]
    # Not total_cost's defaults (10, 40): train_step must pass the notebook's ALPHA and BETA.
    size, alpha, beta, learning_rate = 16, 7.0, 30.0, 0.01
    rng = np.random.default_rng(5)
    model = _tiny_extractor(size)
    content = rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32)
    style = rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32) ** 3
    # Half the pixels start at exactly 0 or 1: Adam's first step moves them outside, clipping brings them back.
    start = np.where(rng.uniform(0, 1, content.shape) < 0.5, np.round(content), content).astype(np.float32)
    a_C, a_S = model(content), model(style)
    names = {
        "feature_extractor": model,
        "a_C": a_C,
        "a_S": a_S,
        "ALPHA": alpha,
        "BETA": beta,
        "optimizer": tf.keras.optimizers.Adam(learning_rate),
    }
    generated = tf.Variable(start)
    with _NotebookNames(function.__globals__, names):
        costs = []
        for step in range(1, 9):
            case = f"step {step} on a 16x16 image with a two-layer network"
            before = generated.numpy()
            value = call_function(function, generated, name="train_step", case=case)
            cost = _scalar(value, name="train_step", case=case)
            expected = _reference_cost(model, before, a_C, a_S, alpha, beta, style_layers)
            check_array(
                np.float64(cost),
                np.float64(expected),
                name="train_step",
                case=case,
                what="the cost it returns (alpha J_content + beta J_style before the update)",
                rtol=1e-4,
            )
            after = generated.numpy()
            if step == 1 and np.allclose(after, before):
                raise CheckFailed(
                    f"train_step, case {case!r}: the generated image did not change: apply the "
                    "optimizer's update to it with optimizer.apply_gradients([(grad, generated_image)])."
                )
            if after.min() < 0 or after.max() > 1:
                raise CheckFailed(
                    f"train_step, case {case!r}: the generated image has values in "
                    f"[{after.min():.4f}, {after.max():.4f}]: clip it to [0, 1] after the update "
                    "(generated_image.assign(clip_0_1(generated_image)))."
                )
            costs.append(cost)
    if not costs[-1] < 0.9 * costs[0]:
        raise CheckFailed(
            f"train_step: 8 steps should lower the cost by more than 10%, got {costs[0]:.5g} at "
            f"the first step and {costs[-1]:.5g} at the last: does it descend the gradient of J?"
        )
    check_type(generated, tf.Variable, name="train_step", case="after 8 steps")
    _passed()
