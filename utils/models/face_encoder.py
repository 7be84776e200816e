"""A pretrained face encoder: dlib's face-recognition ResNet, rebuilt in Keras.

``load_face_encoder()`` returns a Keras model that maps a 150x150 RGB face chip
(aligned as ``utils.models.face_detection.face_chip`` does, pixel values 0-255) to a
128-d L2-normalised encoding. On the course photos, two photos of the same
person are 0.24-0.30 apart, two different people 0.49-0.65.

The network is dlib's ``dlib_face_recognition_resnet_model_v1`` (Davis King,
99.38% on LFW): a ResNet of 29 convolutions. Its weights are the TensorFlow.js
export shipped in npm ``@vladmandic/face-api`` (MIT), 8-bit quantised; they are
committed unchanged in ``datasets/face_encoder/`` and dequantised here. dlib's
"affine" layers (batch norm frozen into a per-channel scale and shift) are
folded into the convolution before them, so the model uses plain Keras layers
(plus one that appends zero channels). With dlib's float weights this network
reproduces dlib's encodings to 1e-6; face-api's 8-bit rounding moves them by
0.025-0.031 (L2 distance between unit vectors).
"""

import json

import keras
import numpy as np
from keras import layers

from utils.core.checksums import data_file_name, verify_data_file
from utils.core.paths import DATASETS_DIR
from utils.models.face_detection import CHIP_SIZE
from utils.models.keras_weights import set_layer_weights

WEIGHTS_DIR = DATASETS_DIR / "face_encoder"
WEIGHTS_FILE = WEIGHTS_DIR / "face_recognition_model.bin"
MANIFEST_FILE = WEIGHTS_DIR / "face_recognition_model-weights_manifest.json"

ENCODING_SIZE = 128
# dlib's input layer subtracts these mean pixel values and divides by 256.
MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SCALE = 256.0

# (block name, filters, stride) in face-api's weight names; stride 2 halves the
# feature map and doubles (or keeps, in the last block) the channels.
RESIDUAL_BLOCKS = (
    ("conv32_1", 32, 1),
    ("conv32_2", 32, 1),
    ("conv32_3", 32, 1),
    ("conv64_down", 64, 2),
    ("conv64_1", 64, 1),
    ("conv64_2", 64, 1),
    ("conv64_3", 64, 1),
    ("conv128_down", 128, 2),
    ("conv128_1", 128, 1),
    ("conv128_2", 128, 1),
    ("conv256_down", 256, 2),
    ("conv256_1", 256, 1),
    ("conv256_2", 256, 1),
    ("conv256_down_out", 256, 2),
)


@keras.saving.register_keras_serializable(package="cnn_course")
class ChannelZeroPadding(layers.Layer):
    """Appends zero channels, so that a shortcut can be added to a wider output."""

    def __init__(self, extra_channels, **kwargs):
        super().__init__(**kwargs)
        self.extra_channels = extra_channels

    def call(self, inputs):
        return keras.ops.pad(inputs, [[0, 0], [0, 0], [0, 0], [0, self.extra_channels]])

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.extra_channels)

    def get_config(self):
        return {**super().get_config(), "extra_channels": self.extra_channels}


def _residual_block(x, name, filters, stride):
    """Two 3x3 convolutions plus a shortcut, as in dlib's ``residual``/``residual_down``.

    Downsampling blocks use unpadded stride-2 convolutions and a 2x2 average
    pool on the shortcut (zero channels appended); where the two disagree by a
    row or column (odd sizes), dlib adds them as if the smaller were zero-padded
    at the bottom and right.
    """
    padding = "same" if stride == 1 else "valid"
    out = layers.Conv2D(filters, 3, strides=stride, padding=padding, name=f"{name}_conv1")(x)
    out = layers.ReLU(name=f"{name}_relu1")(out)
    out = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(out)
    shortcut = x
    if stride != 1:
        shortcut = layers.AveragePooling2D(2, name=f"{name}_pool")(x)
        extra_rows = shortcut.shape[1] - out.shape[1]
        extra_cols = shortcut.shape[2] - out.shape[2]
        if extra_rows or extra_cols:
            out = layers.ZeroPadding2D(((0, extra_rows), (0, extra_cols)), name=f"{name}_pad")(out)
        if filters > shortcut.shape[-1]:
            shortcut = ChannelZeroPadding(filters - shortcut.shape[-1], name=f"{name}_widen")(shortcut)
    out = layers.Add(name=f"{name}_add")([out, shortcut])
    return layers.ReLU(name=f"{name}_relu2")(out)


def build_face_encoder():
    """The encoder's architecture with untrained weights (5.6 M parameters).

    150x150x3 -> 7x7/2 conv (32) -> 3x3/2 max pool -> 14 residual blocks
    (32, 64, 128, 256 channels) -> global average -> 128 units -> L2 norm.
    """
    inputs = keras.Input((CHIP_SIZE, CHIP_SIZE, 3), name="face_chip")
    x = layers.Normalization(mean=MEAN_RGB, variance=[INPUT_SCALE**2] * 3, name="preprocess")(inputs)
    x = layers.Conv2D(32, 7, strides=2, padding="valid", name="conv32_down")(x)
    x = layers.ReLU(name="conv32_down_relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="valid", name="conv32_pool")(x)
    for name, filters, stride in RESIDUAL_BLOCKS:
        x = _residual_block(x, name, filters, stride)
    x = layers.GlobalAveragePooling2D(name="average")(x)
    x = layers.Dense(ENCODING_SIZE, use_bias=False, name="fc")(x)
    outputs = layers.UnitNormalization(name="encoding")(x)
    return keras.Model(inputs, outputs, name="face_encoder")


def _conv_names():
    yield "conv32_down", "conv32_down"
    for block, _, _ in RESIDUAL_BLOCKS:
        for part in ("conv1", "conv2"):
            yield f"{block}_{part}", f"{block}/{part}"


def read_quantised_weights(weights_file, manifest_file):
    """Dequantised float32 arrays by face-api name, from a TensorFlow.js weights file and its manifest.

    Each 8-bit value q stands for ``q * scale + min``; unquantised tensors are
    stored as float32. Raises ValueError if the sizes do not add up.
    """
    manifest = json.loads(manifest_file.read_text())
    data = weights_file.read_bytes()
    arrays, offset = {}, 0
    for entry in manifest[0]["weights"]:
        count = int(np.prod(entry["shape"]))
        quantisation = entry.get("quantization")
        if quantisation:
            raw = np.frombuffer(data, np.uint8, count, offset)
            values = (raw * quantisation["scale"] + quantisation["min"]).astype(np.float32)
            offset += count
        else:
            values = np.frombuffer(data, "<f4", count, offset)
            offset += 4 * count
        arrays[entry["name"]] = values.reshape(entry["shape"])
    if offset != len(data):
        raise ValueError(f"{weights_file}: the manifest describes {offset} bytes, the file has {len(data)}")
    return arrays


def set_face_api_weights(model, arrays):
    """Copy face-api's arrays into ``model``, folding each scale layer into its convolution.

    Raises ValueError unless every array is used exactly once.
    """
    expected = {"fc"} | {
        f"{prefix}/{part}"
        for _, prefix in _conv_names()
        for part in ("conv/filters", "conv/bias", "scale/weights", "scale/biases")
    }
    if set(arrays) != expected:
        raise ValueError(
            f"face-api weights do not fit the encoder: missing {sorted(expected - set(arrays))}, "
            f"unexpected {sorted(set(arrays) - expected)}"
        )
    weights = {"fc": [arrays["fc"]]}
    for layer_name, prefix in _conv_names():
        scale = arrays[f"{prefix}/scale/weights"]
        shift = arrays[f"{prefix}/scale/biases"]
        weights[layer_name] = [arrays[f"{prefix}/conv/filters"] * scale, arrays[f"{prefix}/conv/bias"] * scale + shift]
    set_layer_weights(model, weights, "face-api's arrays")


def load_face_encoder(weights_file=WEIGHTS_FILE, manifest_file=MANIFEST_FILE):
    """The pretrained face encoder: (batch, 150, 150, 3) chips, values 0-255 -> (batch, 128) unit vectors.

    Checks the sha256 of the committed weights first (``weights_file`` and ``manifest_file`` may be copies
    elsewhere); a missing or changed file raises an error that names it and how to restore it.
    """
    for path, committed in ((weights_file, WEIGHTS_FILE), (manifest_file, MANIFEST_FILE)):
        verify_data_file(path, data_file_name(committed))
    model = build_face_encoder()
    set_face_api_weights(model, read_quantised_weights(weights_file, manifest_file))
    return model
