"""Neural style transfer helpers: the feature extractor, the paintings, an optimisation loop and figures.

``load_feature_extractor(image_shape)`` returns the network whose activations
define the content and style costs of ``week4/Neural_Style_Transfer``: the
normalised ImageNet VGG19 of the style-transfer papers (``utils.models.vgg19``)
with the original course's layers (Gatys et al.'s): ``block1_conv1`` ...
``block5_conv1`` for the style, ``block5_conv4`` for the content. With
``backbone="mobilenet_v2"`` it returns the course's MobileNetV2 with layers
playing the same roles, for the notebook's comparison of the two networks.

The model takes images with values in [0, 1] (it normalises them itself) and
returns a list of activations: the style layers, then the content layer last.

    network = load_feature_extractor((144, 216, 3))
    outputs = network.model(image[None])          # [style layer 1, ..., style layer 5, content layer]
    network.style_layers                          # [(layer name, weight), ...] as STYLE_LAYERS

The Starry Night file is derived from Debian's ``opencv-doc`` package by
``python -m utils.derive.paintings <unpacked opencv-doc>`` (see datasets/paintings/README.md).
"""

import dataclasses
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import PowerNorm

from utils.core.checksums import verify_data_file
from utils.core.paths import DATASETS_DIR
from utils.data.images import DARKNET_PHOTOS_DIR, height_and_width
from utils.lessons.plotting import show_figure_as_jpeg, show_images

PAINTINGS_DIR = DATASETS_DIR / "paintings"
PAINTINGS = {"starry_night": PAINTINGS_DIR / "starry_night.jpg", "scream": DARKNET_PHOTOS_DIR / "scream.jpg"}

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
# The last activation at 1/16 of the image (like block5_conv4): object parts, not textures.
MOBILENET_CONTENT_LAYER = "block_13_expand_relu"
BACKBONES = ("vgg19", "mobilenet_v2")


@dataclasses.dataclass
class FeatureExtractor:
    """A frozen network mapping images in [0, 1], (batch, H, W, 3), to [style activations..., content activation]."""

    model: keras.Model
    backbone: str  # "vgg19" or "mobilenet_v2"
    style_layers: list  # [(layer name, weight), ...]
    content_layer: str


def _check_backbone(backbone):
    if backbone not in BACKBONES:
        raise ValueError(f"unknown backbone {backbone!r}: choose 'vgg19' or 'mobilenet_v2'")


def default_style_layers(backbone="vgg19"):
    """STYLE_LAYERS, [(layer name, weight), ...], of ``backbone``."""
    _check_backbone(backbone)
    return list(VGG19_STYLE_LAYERS if backbone == "vgg19" else MOBILENET_STYLE_LAYERS)


def load_feature_extractor(image_shape, backbone="vgg19"):
    """The frozen feature extractor for images of ``image_shape`` (H, W, 3); see the module's docstring."""
    _check_backbone(backbone)
    images = keras.Input(tuple(image_shape))
    if backbone == "vgg19":
        from utils.models.vgg19 import normalized_vgg19

        base = normalized_vgg19(tuple(image_shape), last_layer=VGG19_CONTENT_LAYER)
        content_layer, pixels = VGG19_CONTENT_LAYER, images  # the network normalises [0, 1] pixels itself
    else:
        from utils.models.mobilenet_v2 import MobileNetV2, preprocess_input

        base = MobileNetV2(input_shape=tuple(image_shape), include_top=False, weights="imagenet")
        content_layer, pixels = MOBILENET_CONTENT_LAYER, preprocess_input(images * 255.0)
    style_layers = default_style_layers(backbone)
    names = [name for name, _ in style_layers] + [content_layer]
    base.trainable = False
    features = keras.Model(base.inputs, [base.get_layer(name).output for name in names])
    model = keras.Model(images, features(pixels), name=f"{backbone}_style_features")
    model.trainable = False
    return FeatureExtractor(model, backbone, style_layers, content_layer)


def run_transfer(feature_extractor, content_image, style_image, cost, steps, learning_rate, noise=0.1, seed=1):
    """Neural style transfer with a given cost, for runs beside the notebook's own: the generated image after
    ``steps`` Adam steps on its pixels, and the seconds a step took.

    ``cost(a_C, a_S, a_G)`` returns the total cost from the extractor's
    outputs for the content, style and generated images; the images are
    (1, H, W, 3) in [0, 1]; the start is the content plus uniform noise in
    [-noise, noise], as in the notebook.
    """
    import tensorflow as tf

    a_C, a_S = feature_extractor(content_image), feature_extractor(style_image)
    start = tf.random.uniform(tf.shape(content_image), -noise, noise, seed=seed)
    generated = tf.Variable(clip_0_1(content_image + start))
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            J = cost(a_C, a_S, feature_extractor(generated))
        optimizer.apply_gradients([(tape.gradient(J, generated), generated)])
        generated.assign(clip_0_1(generated))

    step()  # traced here, not timed
    began = time.perf_counter()
    for _ in range(steps - 1):
        step()
    return generated.numpy(), (time.perf_counter() - began) / max(steps - 1, 1)


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
        as_jpeg=True,
    )


def show_progress(snapshots, size=2.2):
    """The generated image at a few steps: ``snapshots`` maps step -> image."""
    show_images(
        [tensor_to_image(image) for image in snapshots.values()],
        titles=[f"step {step}" for step in snapshots],
        size=size,
        as_jpeg=True,
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


def show_gram_matrix(activations, gram_matrix, title="one layer"):
    """A layer's activations as the matrix A of the Gram matrix (one row per channel, one column per position),
    the Gram matrix G = A A^T that ``gram_matrix`` computes from it, and the two channels of G's largest
    off-diagonal entry, as maps: they are active at the same places.

    ``activations`` has shape (1, n_H, n_W, n_C), as the feature extractor returns them; ``gram_matrix`` is
    called with A, of shape (n_C, n_H * n_W).
    """
    activations = np.asarray(activations, dtype=np.float32)
    if activations.ndim != 4 or activations.shape[0] != 1 or activations.shape[-1] < 2:
        raise ValueError(f"activations must have shape (1, n_H, n_W, n_C) with n_C >= 2, got {activations.shape}")
    _, n_H, n_W, n_C = activations.shape
    # each column of the (n_H * n_W, n_C) reshape is a channel; transposed, each row is
    unrolled = activations.reshape(n_H * n_W, n_C).T
    gram = np.asarray(gram_matrix(unrolled))
    if gram.shape != (n_C, n_C):
        raise ValueError(
            f"gram_matrix returned shape {gram.shape} for A of shape {unrolled.shape}: expected {(n_C, n_C)}"
        )
    off_diagonal = np.where(np.eye(n_C, dtype=bool), -np.inf, gram)
    first, second = np.unravel_index(np.argmax(off_diagonal), gram.shape)

    # activations and Gram entries span decades: a square-root colour scale shows the small ones too
    fig = plt.figure(figsize=(11, 3.6))
    grid = fig.add_gridspec(2, 3, width_ratios=(3.2, 2.2, 1.3))
    ax_a = fig.add_subplot(grid[:, 0])
    image = ax_a.imshow(unrolled, aspect="auto", cmap="magma", norm=PowerNorm(0.5), interpolation="antialiased")
    ax_a.set_title(f"A: {n_C} x {n_H * n_W} (channel x position)", fontsize=9)
    ax_a.set_xlabel("position (row by row)", fontsize=8)
    ax_a.set_ylabel("channel", fontsize=8)
    fig.colorbar(image, ax=ax_a, fraction=0.04)
    ax_g = fig.add_subplot(grid[:, 1])
    image = ax_g.imshow(gram, cmap="magma", norm=PowerNorm(0.5))
    ax_g.add_patch(plt.Circle((second, first), max(n_C / 40, 1), fill=False, edgecolor="cyan", linewidth=1.5))
    ax_g.set_title(f"G = A A^T: {n_C} x {n_C}", fontsize=9)
    ax_g.set_xlabel("channel j", fontsize=8)
    ax_g.set_ylabel("channel i", fontsize=8)
    fig.colorbar(image, ax=ax_g, fraction=0.046, format="%.0e")
    for row, channel in enumerate((first, second)):
        ax = fig.add_subplot(grid[row, 2])
        ax.imshow(unrolled[channel].reshape(n_H, n_W), cmap="magma")
        ax.set_title(f"channel {channel}", fontsize=8)
        ax.axis("off")
    fig.suptitle(
        f"Gram matrix of {title}; circled: the largest G_ij off the diagonal, channels {first} and {second} (right)",
        fontsize=10,
    )
    fig.tight_layout()
    # thousands of positions squeezed into A's panel make a noisy picture: JPEG keeps it small
    show_figure_as_jpeg(fig)
