"""Neural style transfer: the notebook's costs on real VGG19 features, the extractors, the loop, the paintings."""

import numpy as np
import pytest

from tests.data_file_checks import assert_loader_checks
from utils.core.environment import import_tensorflow_quietly
from utils.core.paths import REPO_ROOT
from utils.data.images import skimage_photo
from utils.grading.notebook_cells import load_graded_functions
from utils.models import style_transfer

tf = import_tensorflow_quietly()

NOTEBOOK = REPO_ROOT / "week4" / "Neural_Style_Transfer.ipynb"
SIZE = (64, 96)


@pytest.fixture(scope="module")
def costs():
    """The notebook's graded functions (its solution)."""
    return load_graded_functions(NOTEBOOK)


@pytest.fixture(scope="module")
def network():
    return style_transfer.load_feature_extractor(SIZE + (3,))


@pytest.fixture(scope="module")
def images():
    content = skimage_photo("chelsea", SIZE).astype(np.float32)[None]
    style = style_transfer.load_painting("starry_night", SIZE)[None]
    noise = np.random.default_rng(0).uniform(-0.03, 0.03, content.shape).astype(np.float32)
    return {
        "content": content,
        "style": style,
        "noisy content": np.clip(content + noise, 0, 1),
        "noisy style": np.clip(style + noise, 0, 1),
    }


def test_the_extractor_returns_the_style_layers_then_the_content_layer(network):
    assert network.backbone == "vgg19"
    assert network.style_layers == style_transfer.VGG19_STYLE_LAYERS == style_transfer.default_style_layers()
    assert sum(weight for _, weight in network.style_layers) == pytest.approx(1.0)
    shapes = [tuple(output.shape[1:]) for output in network.model.outputs]
    # 1, 1/2, 1/4, 1/8 and 1/16 of 64x96; the content layer (block5_conv4) is the 1/16 one.
    assert shapes == [(64, 96, 64), (32, 48, 128), (16, 24, 256), (8, 12, 512), (4, 6, 512), (4, 6, 512)]
    assert not network.model.trainable_weights


def test_the_mobilenet_extractor_has_layers_in_the_same_roles():
    network = style_transfer.load_feature_extractor(SIZE + (3,), backbone="mobilenet_v2")
    assert network.style_layers == style_transfer.MOBILENET_STYLE_LAYERS
    shapes = [tuple(output.shape[1:]) for output in network.model.outputs]
    assert shapes == [(32, 48, 32), (32, 48, 96), (16, 24, 144), (8, 12, 192), (4, 6, 576), (4, 6, 576)]
    with pytest.raises(ValueError, match="unknown backbone 'resnet50'"):
        style_transfer.load_feature_extractor(SIZE + (3,), backbone="resnet50")


def test_the_costs_on_real_features_tell_photo_from_painting(costs, network, images):
    """A little noise costs far less than the other image, for content and style alike; identical costs 0."""
    outputs = {name: network.model(image) for name, image in images.items()}
    content_cost, style_cost = costs["compute_content_cost"], costs["compute_style_cost"]
    assert float(content_cost(outputs["content"], outputs["content"])) == 0.0
    assert float(style_cost(outputs["style"], outputs["style"], network.style_layers)) == 0.0
    near = float(content_cost(outputs["content"], outputs["noisy content"]))
    far = float(content_cost(outputs["content"], outputs["style"]))
    assert 0 < near < 0.2 * far
    near = float(style_cost(outputs["style"], outputs["noisy style"], network.style_layers))
    far = float(style_cost(outputs["style"], outputs["content"], network.style_layers))
    assert 0 < near < 0.2 * far


def test_run_transfer_lowers_the_cost_it_is_given(costs, network, images):
    def cost(a_C, a_S, a_G):
        style = costs["compute_style_cost"](a_S, a_G, network.style_layers)
        return costs["total_cost"](costs["compute_content_cost"](a_C, a_G), style, alpha=10, beta=400)

    def total(image):
        return float(cost(network.model(images["content"]), network.model(images["style"]), network.model(image)))

    generated, seconds = style_transfer.run_transfer(
        network.model, images["content"], images["style"], cost, steps=4, learning_rate=0.02, noise=0.0
    )
    assert generated.shape == images["content"].shape and generated.min() >= 0 and generated.max() <= 1
    assert seconds > 0
    assert total(generated) < total(images["content"])


def test_the_paintings_load_checked_and_resized():
    for name in style_transfer.PAINTINGS:
        painting = style_transfer.load_painting(name, (30, 40))
        assert painting.shape == (30, 40, 3) and painting.dtype == np.float32
        assert 0 <= painting.min() < painting.max() <= 1
    with pytest.raises(ValueError, match="unknown painting"):
        style_transfer.load_painting("mona_lisa", (30, 40))
    assert style_transfer.load_painting("scream", 24).shape == (24, 24, 3)  # an int is a square
    with pytest.raises(ValueError, match=r"size must be positive whole numbers of pixels, got \(0, 40\)"):
        style_transfer.load_painting("scream", (0, 40))


def test_a_changed_or_missing_painting_is_named_with_the_fix(monkeypatch):
    def point_at(path):
        monkeypatch.setitem(style_transfer.PAINTINGS, "starry_night", path)

    assert_loader_checks(monkeypatch, lambda: style_transfer.load_painting("starry_night", (30, 40)),
                         "paintings/starry_night.jpg", point_at)  # fmt: skip


def test_gram_matrix_figure_draws_the_learners_gram_matrix(monkeypatch):
    figures = []
    monkeypatch.setattr(style_transfer, "show_figure_as_jpeg", figures.append)
    activations = np.random.default_rng(0).random((1, 4, 5, 6)).astype(np.float32)
    activations[..., 3] = activations[..., 1] = 5 * activations[..., 1]  # the two most active channels, alike
    style_transfer.show_gram_matrix(activations, lambda A: tf.matmul(A, tf.transpose(A)), title="a test layer")
    [figure] = figures
    assert figure.texts[0].get_text().startswith("Gram matrix of a test layer;")
    assert figure.texts[0].get_text().endswith("channels 1 and 3 (right)")
    gram_axes = figure.axes[2]  # after A and its colour bar
    assert gram_axes.get_title() == "G = A A^T: 6 x 6"
    unrolled = activations[0].reshape(20, 6).T
    np.testing.assert_allclose(gram_axes.images[0].get_array(), unrolled @ unrolled.T, rtol=1e-5)
    style_transfer.plt.close("all")


def test_gram_matrix_figure_rejects_wrong_shapes():
    activations = np.ones((1, 4, 5, 6), np.float32)
    with pytest.raises(ValueError, match=r"activations must have shape \(1, n_H, n_W, n_C\) with n_C >= 2"):
        style_transfer.show_gram_matrix(activations[0], lambda A: A @ A.T)
    with pytest.raises(ValueError, match=r"gram_matrix returned shape \(20, 20\) for A of shape \(6, 20\)"):
        style_transfer.show_gram_matrix(activations, lambda A: A.T @ A)
