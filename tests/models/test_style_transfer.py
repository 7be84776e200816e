"""Neural style transfer: the notebook's costs on real MobileNetV2 features, the extractor, the paintings."""

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
    return style_transfer.load_feature_extractor(SIZE + (3,), backbone="mobilenet_v2")


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
    assert network.backbone == "mobilenet_v2"
    assert network.style_layers == style_transfer.MOBILENET_STYLE_LAYERS
    assert sum(weight for _, weight in network.style_layers) == pytest.approx(1.0)
    shapes = [tuple(output.shape[1:]) for output in network.model.outputs]
    # 1/2, 1/2, 1/4, 1/8 and 1/16 of 64x96; the content layer is the 1/16 one.
    assert shapes == [(32, 48, 32), (32, 48, 96), (16, 24, 144), (8, 12, 192), (4, 6, 576), (4, 6, 576)]
    assert not network.model.trainable_weights


def test_only_the_deeper_layers_are_smoothed(network, images):
    """The 1/2-resolution layers are MobileNetV2's own activations; the others are softmaxed to a mean of 1."""
    assert network.smoothed_layers == style_transfer.MOBILENET_SMOOTHED_LAYERS
    plain = style_transfer.load_feature_extractor(SIZE + (3,), backbone="mobilenet_v2", smoothing=False)
    assert plain.smoothed_layers == ()
    names = [name for name, _ in network.style_layers] + [network.content_layer]
    for name, smoothed, raw in zip(names, network.model(images["style"]), plain.model(images["style"])):
        if name in network.smoothed_layers:
            assert np.mean(smoothed) == pytest.approx(1.0, rel=1e-4) and np.max(smoothed) > 1
            np.testing.assert_allclose(smoothed, style_transfer.softmax_smoothing(raw), rtol=1e-4)
        else:
            np.testing.assert_array_equal(smoothed, raw)
    with pytest.raises(ValueError, match="cannot smooth.*block_16_project"):
        style_transfer.load_feature_extractor(SIZE + (3,), backbone="mobilenet_v2", smoothing=["block_16_project"])


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


def test_the_total_cost_has_a_useful_gradient_through_the_softmax(costs, network, images):
    """The softmax must not flatten the gradient: it is finite, and one Adam step lowers the style cost."""
    a_C, a_S = network.model(images["content"]), network.model(images["style"])
    generated = tf.Variable(images["content"])
    optimizer = tf.keras.optimizers.Adam(0.02)
    values = []
    for _ in range(3):
        with tf.GradientTape() as tape:
            a_G = network.model(generated)
            style = costs["compute_style_cost"](a_S, a_G, network.style_layers)
            total = costs["total_cost"](costs["compute_content_cost"](a_C, a_G), style, alpha=10, beta=400)
        gradient = tape.gradient(total, generated)
        assert np.all(np.isfinite(gradient.numpy())) and np.abs(gradient.numpy()).max() > 0
        optimizer.apply_gradients([(gradient, generated)])
        generated.assign(style_transfer.clip_0_1(generated))
        values.append(float(style))
    assert values[-1] < values[0]


def test_softmax_smoothing_keeps_the_order_and_averages_one_per_image():
    activations = tf.constant(np.random.default_rng(1).uniform(0, 6, (2, 3, 4, 5)), tf.float32)
    smoothed = style_transfer.softmax_smoothing(activations).numpy()
    assert smoothed.shape == (2, 3, 4, 5) and np.all(smoothed > 0)
    np.testing.assert_allclose(smoothed.reshape(2, -1).mean(axis=1), [1.0, 1.0], rtol=1e-5)
    for original, result in zip(activations.numpy(), smoothed):
        assert np.array_equal(np.argsort(original, axis=None), np.argsort(result, axis=None))
    # Each image is smoothed on its own: the second image does not change the first's result.
    alone = style_transfer.softmax_smoothing(activations[:1]).numpy()
    np.testing.assert_allclose(alone, smoothed[:1], rtol=1e-6)


def test_the_backbone_is_vgg19_only_when_keras_has_its_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert style_transfer.choose_backbone() == "mobilenet_v2"
    assert style_transfer.default_style_layers() == style_transfer.MOBILENET_STYLE_LAYERS
    weights = tmp_path / "models" / style_transfer.VGG19_WEIGHTS_NAME
    weights.parent.mkdir()
    weights.write_bytes(b"not the weights")
    assert style_transfer.choose_backbone() == "vgg19"
    assert style_transfer.default_style_layers() == style_transfer.VGG19_STYLE_LAYERS
    # A foreign file there is named, with the fix, rather than read.
    with pytest.raises(ValueError, match=f"{style_transfer.VGG19_WEIGHTS_NAME}.*MD5.*Delete it"):
        style_transfer.load_feature_extractor((32, 32, 3))
    with pytest.raises(ValueError, match="unknown backbone"):
        style_transfer.default_style_layers("resnet50")


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
