"""The normalised VGG19 and the AdaIN decoder: the source network's outputs reproduced, inputs checked."""

import numpy as np
import pytest

from tests.data_file_checks import assert_loader_checks
from utils.core.environment import import_tensorflow_quietly
from utils.models import vgg19

import_tensorflow_quietly()

REFERENCE = vgg19.VGG19_DIR / "reference_outputs.npz"


@pytest.fixture(scope="module")
def reference():
    from utils.core.checksums import verify_data_file

    with np.load(verify_data_file(REFERENCE)) as stored:
        return dict(stored)


def test_vgg19_reproduces_the_source_network_through_block5_conv4(reference):
    content = reference["content"][None] / np.float32(255)
    ours = np.asarray(vgg19.normalized_vgg19()(content))
    theirs = reference["block5_conv4"]
    assert ours.shape == theirs.shape == (1, 3, 4, 512)
    # float16 weights: measured 4.5e-2 at most where the largest value is 97 (float32 weights: 1.7e-4).
    np.testing.assert_allclose(ours, theirs, atol=0.1, rtol=0)
    assert np.abs(ours - theirs).mean() < 5e-3


def test_adain_reproduces_the_source_decoder_output(reference):
    content = reference["content"][None] / np.float32(255)
    style = reference["style"][None] / np.float32(255)
    encoder, decoder = vgg19.normalized_vgg19(last_layer=vgg19.ADAIN_LAYER), vgg19.adain_decoder()
    content_features = encoder(content)
    target = vgg19.adaptive_instance_normalization(content_features, encoder(style))
    alpha = float(reference["alpha"])
    ours = np.asarray(decoder(alpha * target + (1 - alpha) * content_features))
    # float16 weights: measured 7.5e-4 at most (float32 weights: 4.4e-6); pixels are in [0, 1].
    np.testing.assert_allclose(ours, reference["stylized"], atol=3e-3, rtol=0)


def test_fast_style_transfer_keeps_the_content_size_and_alpha_zero_is_nearly_the_photo(reference):
    content = reference["content"][:, :60] / np.float32(255)  # 48x60: not a multiple of 8
    style = reference["style"] / np.float32(255)
    restyled = vgg19.fast_style_transfer(content, style)
    assert restyled.shape == content.shape and restyled.dtype == np.float32
    assert restyled.min() >= 0.0 and restyled.max() <= 1.0
    reconstructed = vgg19.fast_style_transfer(content, style, alpha=0.0)
    from_files = vgg19.fast_style_transfer(
        vgg19.DATASETS_DIR / "photos/darknet/dog.jpg", vgg19.DATASETS_DIR / "paintings/starry_night.jpg"
    )
    assert from_files.shape == (416, 555, 3)  # the photo's own size
    assert np.abs(reconstructed - content).mean() < np.abs(restyled - content).mean()


@pytest.mark.parametrize(
    ("content", "alpha", "message"),
    [
        (np.zeros((32, 32)), 1.0, r"content has shape \(32, 32\)"),
        (np.zeros((8, 32, 3)), 1.0, "at least 16"),
        (np.zeros((32, 32, 3)), 1.5, "alpha is 1.5"),
    ],
)
def test_fast_style_transfer_names_a_wrong_input(content, alpha, message):
    with pytest.raises(ValueError, match=message):
        vgg19.fast_style_transfer(content, np.zeros((32, 32, 3)), alpha=alpha)


def test_an_unknown_layer_is_named():
    with pytest.raises(ValueError, match="unknown layer 'block6_conv1'"):
        vgg19.normalized_vgg19(last_layer="block6_conv1", weights=False)


def test_a_truncated_network_ends_at_its_layer_and_pools_odd_sizes_up():
    model = vgg19.normalized_vgg19((33, 47, 3), last_layer="block2_conv1", weights=False)
    assert model.layers[-1].name == "block2_conv1"
    assert model.output.shape == (None, 17, 24, 128)


@pytest.mark.parametrize(
    ("constant", "build"),
    [
        ("VGG19_WEIGHTS", lambda: vgg19.normalized_vgg19(last_layer="block1_conv1")),
        ("ADAIN_DECODER_WEIGHTS", vgg19.adain_decoder),
    ],
)
def test_missing_or_corrupt_weights_give_a_clear_error(monkeypatch, constant, build):
    name = f"vgg19/{getattr(vgg19, constant).name}"
    assert_loader_checks(monkeypatch, build, name, lambda path: monkeypatch.setattr(vgg19, constant, path))
