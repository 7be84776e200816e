"""The plain and residual nets of the vanishing-gradient figure."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.lessons import gradient_flow  # noqa: E402


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    x = rng.random((16, 8, 8, 3)).astype("float32")
    y = np.eye(4, dtype="float32")[rng.integers(0, 4, 16)]
    return x, y


@pytest.fixture(scope="module")
def nets():
    return gradient_flow.plain_and_residual_nets((8, 8, 3), 4, blocks=12, width=32, seed=3)


def test_the_nets_differ_only_in_their_skips(nets, batch):
    plain, residual = nets
    assert plain.count_params() == residual.count_params() == 8 * 8 * 3 * 32 + 32 + 24 * (32 * 32 + 32) + 32 * 4 + 4
    for plain_weights, residual_weights in zip(plain.get_weights(), residual.get_weights()):
        np.testing.assert_array_equal(plain_weights, residual_weights)
    assert sum(type(layer).__name__ == "Add" for layer in residual.layers) == 12
    assert not any(type(layer).__name__ == "Add" for layer in plain.layers)
    for net in nets:
        probabilities = net.predict(batch[0], verbose=0)
        assert probabilities.shape == (16, 4)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_gradients_vanish_towards_the_input_without_skips_only(nets, batch):
    plain, residual = [gradient_flow.block_gradient_norms(net, *batch) for net in nets]
    assert plain.shape == residual.shape == (13,)
    assert np.all(plain > 0) and np.all(residual > 0)
    # Without skips, each block passes back about half of the gradient it receives.
    assert plain[0] < 1e-2 * plain[-1]
    assert residual[0] > 0.5 * residual[-1]


def test_the_last_blocks_gradient_matches_the_softmax_formula(batch):
    _, net = gradient_flow.plain_and_residual_nets((8, 8, 3), 4, blocks=2, width=8, seed=1)
    x, y = batch
    norms = gradient_flow.block_gradient_norms(net, x, y)
    # Cross-entropy after softmax: d loss / d logits = (p - y) / m, and logits = h W + b.
    head = net.layers[-1]
    probabilities = net.predict(x, verbose=0)
    expected = ((probabilities - y) @ head.kernel.numpy().T) / len(x)
    np.testing.assert_allclose(norms[-1], np.linalg.norm(expected), rtol=1e-4)


def test_errors_and_figure(nets, batch):
    import keras

    with pytest.raises(ValueError, match="blocks and width must be at least 1"):
        gradient_flow.plain_and_residual_nets((8, 8, 3), 4, blocks=0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(ValueError, match="has no layer named block_0"):
        gradient_flow.block_gradient_norms(model, np.zeros((1, 3)), np.eye(2)[:1])
    with pytest.raises(ValueError, match="at least one net"):
        gradient_flow.plot_gradient_norms({})
    gradient_flow.plot_gradient_norms({"plain": [1e-4, 1e-2, 1.0], "residual": [1.0, 1.0, 1.0]})
