"""Neural style transfer helpers: the feature extractor, the paintings, image clipping and figures.

``load_feature_extractor(image_shape)`` returns the network whose activations
define the content and style costs of ``week4/Neural_Style_Transfer``:

- Keras' own VGG19 with ImageNet weights and the layers of Gatys et al. (and of
  the original course) when the learner has Keras' weights file cached
  (``~/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``);
- otherwise the course's offline MobileNetV2 (``utils.models.mobilenet_v2``, real
  ImageNet weights), whose deeper activations go through SWAG's softmax
  smoothing (Wang, Li and Vasconcelos, "Rethinking and Improving the
  Robustness of Image Style Transfer", CVPR 2021). Without it the style
  shows as a blue tint and fine noise rather than brush strokes; smoothing the
  two shallow layers too loses the painting's colours.

Either way the model takes images with values in [0, 1] (it normalises them
itself) and returns a list of activations: the style layers, then the content
layer last.

    network = load_feature_extractor((224, 336, 3))
    outputs = network.model(image[None])          # [style layer 1, ..., style layer 5, content layer]
    network.style_layers                          # [(layer name, weight), ...] as STYLE_LAYERS

The Starry Night file is derived from Debian's ``opencv-doc`` package by
``python -m utils.derive.paintings <unpacked opencv-doc>`` (see datasets/paintings/README.md).
"""

import dataclasses
import hashlib
import os
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np

from utils.core.checksums import verify_data_file
from utils.core.paths import DATASETS_DIR
from utils.data.images import DARKNET_PHOTOS_DIR, height_and_width
from utils.lessons.plotting import show_images

PAINTINGS_DIR = DATASETS_DIR / "paintings"
PAINTINGS = {"starry_night": PAINTINGS_DIR / "starry_night.jpg", "scream": DARKNET_PHOTOS_DIR / "scream.jpg"}

# Keras' VGG19 ImageNet weights (no top), as keras.applications.VGG19 caches them, and the MD5 that
# Keras itself checks when it downloads them (file_hash in keras.applications.vgg19).
VGG19_WEIGHTS_NAME = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
VGG19_WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"
# Gatys et al.'s layers, as the original course used them: the first convolution of each of the five
# blocks for the style, weighted equally, and the last convolution of the deepest block for the content.
VGG19_STYLE_LAYERS = [
    ("block1_conv1", 0.2),
    ("block2_conv1", 0.2),
    ("block3_conv1", 0.2),
    ("block4_conv1", 0.2),
    ("block5_conv1", 0.2),
]
VGG19_CONTENT_LAYER = "block5_conv4"
# MobileNetV2: the widest (expanded, after ReLU6) activation at each resolution from 1/2 to 1/16 of the
# image - the stem's output, then the expansions just before the stride-2 depthwise convolutions of
# blocks 1, 3, 6 and 13. They play the role of VGG19's blockN_conv1: from small strokes to large patterns.
MOBILENET_STYLE_LAYERS = [
    ("Conv1_relu", 0.2),
    ("block_1_expand_relu", 0.2),
    ("block_3_expand_relu", 0.2),
    ("block_6_expand_relu", 0.2),
    ("block_13_expand_relu", 0.2),
]
# The last activation at 1/16 of the image (like block5_conv4): object parts, not textures. The 1/32
# layers after it are too coarse for images of 200-400 pixels.
MOBILENET_CONTENT_LAYER = "block_13_expand_relu"
# SWAG's softmax goes on the layers from 1/4 of the image down (the content layer among them): on the
# deepest, the activations are the peakiest (lowest entropy), as Wang et al. found for ResNet. The two
# 1/2-resolution layers stay as they are: they carry the colours, which their softmax would wash out.
MOBILENET_SMOOTHED_LAYERS = ("block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu")


@dataclasses.dataclass
class FeatureExtractor:
    """A frozen network mapping images in [0, 1], (batch, H, W, 3), to [style activations..., content activation]."""

    model: keras.Model
    backbone: str  # "vgg19" or "mobilenet_v2"
    style_layers: list  # [(layer name, weight), ...]
    content_layer: str
    smoothed_layers: tuple  # the layers whose activations go through softmax_smoothing


def vgg19_weights_path():
    """Where keras.applications.VGG19 caches its ImageNet weights ($KERAS_HOME or ~/.keras, then models/)."""
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home) / "models" / VGG19_WEIGHTS_NAME


def choose_backbone():
    """'vgg19' when Keras' VGG19 ImageNet weights are cached on this computer, else 'mobilenet_v2'."""
    return "vgg19" if vgg19_weights_path().is_file() else "mobilenet_v2"


def default_style_layers(backbone=None):
    """STYLE_LAYERS, [(layer name, weight), ...], of ``backbone`` (default: ``choose_backbone()``)."""
    backbone = backbone or choose_backbone()
    layers = {"vgg19": VGG19_STYLE_LAYERS, "mobilenet_v2": MOBILENET_STYLE_LAYERS}
    if backbone not in layers:
        raise ValueError(f"unknown backbone {backbone!r}: choose 'vgg19' or 'mobilenet_v2'")
    return list(layers[backbone])


def softmax_smoothing(activations):
    """SWAG's softmax over all positions and channels of each image's activation map, times their number.

    The softmax (Wang et al., CVPR 2021) evens out the few very large
    activations of networks like ResNet and MobileNet, which otherwise
    dominate the Gram matrices; multiplying by the number of values keeps
    their mean at 1, so the costs stay on a readable scale.
    """
    map_shape = tuple(activations.shape[1:])
    count = int(np.prod(map_shape))  # the map's size is known: the extractor is built for one image size
    flat = keras.ops.reshape(activations, (-1, count))
    return keras.ops.reshape(keras.ops.softmax(flat, axis=-1) * count, (-1,) + map_shape)


def _verify_md5(path, expected, fix):
    digest = hashlib.md5(Path(path).read_bytes()).hexdigest()
    if digest != expected:
        raise ValueError(
            f"{path} is not Keras' VGG19 weights file (truncated or changed): its MD5 is {digest}, "
            f"expected {expected}. {fix}"
        )
    return path


def _vgg19(image_shape):
    path = vgg19_weights_path()
    fix = "Delete it to use the course's MobileNetV2, or let Keras download it again."
    base = keras.applications.VGG19(
        include_top=False, input_shape=image_shape, weights=str(_verify_md5(path, VGG19_WEIGHTS_MD5, fix))
    )
    images = keras.Input(image_shape)
    # VGG19 was trained on BGR pixels in 0-255 with the ImageNet mean removed.
    preprocessed = keras.applications.vgg19.preprocess_input(images * 255.0)
    return base, images, preprocessed


def _mobilenet_v2(image_shape):
    from utils.models.mobilenet_v2 import MobileNetV2, preprocess_input

    base = MobileNetV2(input_shape=image_shape, include_top=False, weights="imagenet")
    images = keras.Input(image_shape)
    return base, images, preprocess_input(images * 255.0)


def load_feature_extractor(image_shape, backbone=None, smoothing=None):
    """The frozen feature extractor for images of ``image_shape`` (H, W, 3); see the module's docstring.

    ``backbone`` is "vgg19" or "mobilenet_v2" (default: ``choose_backbone()``).
    ``smoothing`` says which outputs go through ``softmax_smoothing``: None
    for the backbone's default (MobileNetV2: MOBILENET_SMOOTHED_LAYERS; VGG19:
    none), False for none, True for all, or a collection of layer names.
    """
    backbone = backbone or choose_backbone()
    style_layers = default_style_layers(backbone)
    if backbone == "vgg19":
        base, images, preprocessed = _vgg19(tuple(image_shape))
        content_layer = VGG19_CONTENT_LAYER
    else:
        base, images, preprocessed = _mobilenet_v2(tuple(image_shape))
        content_layer = MOBILENET_CONTENT_LAYER
    names = [name for name, _ in style_layers] + [content_layer]
    if smoothing is None:
        smoothing = MOBILENET_SMOOTHED_LAYERS if backbone == "mobilenet_v2" else ()
    elif smoothing is True or smoothing is False:
        smoothing = names if smoothing else ()
    unknown = set(smoothing) - set(names)
    if unknown:
        raise ValueError(f"cannot smooth {sorted(unknown)}: not among the extractor's layers {names}")
    base.trainable = False
    features = keras.Model(base.inputs, [base.get_layer(name).output for name in names])
    outputs = [
        softmax_smoothing(output) if name in smoothing else output
        for name, output in zip(names, features(preprocessed))
    ]
    model = keras.Model(images, outputs, name=f"{backbone}_style_features")
    model.trainable = False
    return FeatureExtractor(model, backbone, style_layers, content_layer, tuple(dict.fromkeys(smoothing)))


# --- images ----------------------------------------------------------------------------------------------


def load_painting(name, size):
    """A painting ("starry_night" or "scream") resized to ``size`` ((height, width), or an int for a square),
    float32 in [0, 1]."""
    if name not in PAINTINGS:
        raise ValueError(f"unknown painting {name!r}: choose one of {', '.join(PAINTINGS)}")
    from PIL import Image

    height, width = height_and_width(size)
    with Image.open(verify_data_file(PAINTINGS[name])) as image:
        resized = image.convert("RGB").resize((width, height), Image.LANCZOS)
    return np.asarray(resized, np.float32) / 255.0


def clip_0_1(image):
    """Clip pixel values to [0, 1] (works on tensors and variables)."""
    return keras.ops.clip(image, 0.0, 1.0)


def tensor_to_image(tensor):
    """A (1, H, W, 3) or (H, W, 3) tensor in [0, 1] as an (H, W, 3) uint8 array."""
    array = np.asarray(tensor)
    if array.ndim == 4:
        if array.shape[0] != 1:
            raise ValueError(f"expected one image, got a batch of shape {array.shape}")
        array = array[0]
    return np.round(np.clip(array, 0.0, 1.0) * 255).astype(np.uint8)


def show_transfer(content, style, generated, size=3.0):
    """Content photo, style painting and generated image side by side."""
    show_images(
        [tensor_to_image(image) for image in (content, style, generated)],
        titles=["content", "style", "generated"],
        size=size,
    )


def show_progress(snapshots, size=2.2):
    """The generated image at a few steps: ``snapshots`` maps step -> image."""
    show_images(
        [tensor_to_image(image) for image in snapshots.values()],
        titles=[f"step {step}" for step in snapshots],
        size=size,
    )


def plot_costs(history, steps, title="Costs during style transfer"):
    """The costs at ``steps``: ``history`` maps a name ("total", ...) to one value per step; log scale."""
    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    for name, values in history.items():
        ax.plot(steps, values, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("cost")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
