"""Diagrams of the course's concepts: a convolution over a volume, ResNet's blocks and stages, the U-Net, IoU.

Every shape written on a diagram is computed from the function's arguments with
Keras' own size rules (``_conv_size``; tests/lessons/test_diagrams.py checks
them against Keras' layers), never typed in, so a diagram follows its arguments.
Layers of one kind have one colour in every diagram (``LAYER_COLOURS``). Each
function draws one figure and shows it, as the other figures of ``utils.lessons``
do; it checks its arguments first, so a wrong one leaves no half-drawn figure.
"""

import math

import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np

LAYER_COLOURS = {
    "input": "#e0e0e0",
    "conv": "#9ecae1",
    "batchnorm": "#fdd49e",
    "relu": "#c7e9c0",
    "pool": "#fcbba1",
    "add": "#fdae6b",
    "upsample": "#bcbddc",
    "dense": "#dadaeb",
    "block": "#deebf7",
}
# A convolution's three volumes, and the window and output number it links.
VOLUME_COLOURS = {"input": "#deebf7", "padding": "#d9d9d9", "filter": "#fdd0a2", "output": "#c7e9c0"}
HIGHLIGHT = "#e6550d"
DEPTH_STEP = np.array([0.45, -0.3])  # one channel deeper in a volume: up and to the right (y points down)
# ResNet50 after its first stage: (filters of a block, blocks, stride of the stage's convolutional block).
RESNET50_STAGES = (
    ((64, 64, 256), 3, 1),
    ((128, 128, 512), 4, 2),
    ((256, 256, 1024), 6, 2),
    ((512, 512, 2048), 3, 2),
)
UNET_DEPTH = 4  # 2x2 max poolings on the way down, transposed convolutions on the way up
UNET_DROPOUT = 0.3  # in the two deepest encoder blocks


def _conv_size(size, kernel, stride, padding):
    """The output height or width of a convolution or pooling, as Keras computes it."""
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1


def _shape_text(shape):
    return "x".join(str(size) for size in shape)


def _check_positive_integers(**values):
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _check_image_shape(input_shape):
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {tuple(input_shape)}")
    height, width, channels = input_shape
    _check_positive_integers(height=height, width=width, channels=channels)
    return tuple(int(size) for size in input_shape)


def _check_filters(filters):
    if len(filters) != 3:
        raise ValueError(f"filters must be [F1, F2, F3], got {filters!r}")
    first, second, third = filters
    _check_positive_integers(F1=first, F2=second, F3=third)
    return tuple(int(count) for count in filters)


def _layer_box(ax, x, y, text, kind, width=1.0, height=0.8, fontsize=8, heading=None):
    """A rounded box centred on (x, y), coloured by the kind of layer; ``heading`` in bold at its top."""
    ax.add_patch(
        patches.FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=LAYER_COLOURS[kind],
            edgecolor="0.3",
            linewidth=0.8,
        )
    )
    ax.text(x, y - (0.12 if heading else 0), text, ha="center", va="center", fontsize=fontsize)
    if heading:
        ax.text(x, y + height / 2 - 0.1, heading, ha="center", va="top", fontsize=fontsize + 0.5, fontweight="bold")


def _arrow(ax, start, end, colour="0.25", linestyle="-"):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.0, "linestyle": linestyle},
    )


def _finish(fig, ax, title):
    """Title a diagram drawn in data units on ``ax``, and show it."""
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.show()


# --- A convolution over a volume -------------------------------------------------------------------------------


def _cuboid_faces(x, y, rows, cols, depth):
    """The front, top and right faces of a box of rows x cols x depth cells; its front top-left at (x, y)."""
    back = depth * DEPTH_STEP
    front = np.array([(x, y), (x + cols, y), (x + cols, y + rows), (x, y + rows)], dtype=float)
    top = np.array([front[0], front[1], front[1] + back, front[0] + back])
    right = np.array([front[1], front[2], front[2] + back, front[1] + back])
    return front, top, right


def _draw_volume(ax, x, y, rows, cols, depth, colour, padding=0):
    """A volume of rows x cols x depth cells, with the grid of its cells and channels; padding cells grey."""
    front, top, right = _cuboid_faces(x, y, rows, cols, depth)
    for face, shade in ((top, 0.93), (right, 0.85)):
        ax.add_patch(patches.Polygon(face, facecolor=colour, edgecolor="0.3", linewidth=0.8, alpha=shade))
    back = depth * DEPTH_STEP
    for channel in range(1, depth):
        step = channel * DEPTH_STEP
        ax.plot(*np.array([front[0] + step, front[1] + step]).T, color="0.5", linewidth=0.5)
        ax.plot(*np.array([front[1] + step, front[2] + step]).T, color="0.5", linewidth=0.5)
    for column in range(1, cols):
        ax.plot(*np.array([(x + column, y), (x + column, y) + back]).T, color="0.65", linewidth=0.4)
    for row in range(1, rows):
        ax.plot(*np.array([(x + cols, y + row), (x + cols, y + row) + back]).T, color="0.65", linewidth=0.4)
    for row in range(rows):
        for column in range(cols):
            padded = not (padding <= row < rows - padding and padding <= column < cols - padding)
            ax.add_patch(
                patches.Rectangle(
                    (x + column, y + row),
                    1,
                    1,
                    facecolor=VOLUME_COLOURS["padding"] if padded else colour,
                    edgecolor="0.55",
                    linewidth=0.5,
                )
            )


def _draw_highlight(ax, x, y, rows, cols, depth, first_channel=0, fill_alpha=0.35):
    """A see-through box of rows x cols x depth cells inside a volume, from channel ``first_channel`` back."""
    offset = first_channel * DEPTH_STEP
    for face in _cuboid_faces(x + offset[0], y + offset[1], rows, cols, depth):
        # a see-through fill, and an opaque outline drawn apart (a patch's alpha would fade its edge too)
        ax.add_patch(patches.Polygon(face, facecolor=HIGHLIGHT, edgecolor=HIGHLIGHT, alpha=fill_alpha, linewidth=1.5))
        ax.add_patch(patches.Polygon(face, fill=False, edgecolor=HIGHLIGHT, linewidth=1.5))


def show_convolution_volume(n_H_prev, n_W_prev, n_C_prev, f, n_C, stride=1, pad=0, position=(0, 0), channel=0):
    """One output number of a convolution: the f x f x n_C_prev window of the padded input, filter ``channel``
    and the number Z[h, w, channel] they give, for the output ``position`` = (h, w).

    The window spans all n_C_prev channels of the input; each of the n_C filters gives one output channel.
    """
    _check_positive_integers(n_H_prev=n_H_prev, n_W_prev=n_W_prev, n_C_prev=n_C_prev, f=f, n_C=n_C, stride=stride)
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, got {pad!r}")
    rows, cols = n_H_prev + 2 * pad, n_W_prev + 2 * pad
    if f > min(rows, cols):
        raise ValueError(f"a {f}x{f} filter does not fit in the {rows}x{cols} padded input")
    n_H, n_W = _conv_size(rows, f, stride, "valid"), _conv_size(cols, f, stride, "valid")
    h, w = position
    if not (0 <= h < n_H and 0 <= w < n_W):
        raise ValueError(f"position {tuple(position)} lies outside the {n_H}x{n_W} output")
    if not 0 <= channel < n_C:
        raise ValueError(f"channel {channel} is not one of the {n_C} output channels (0 to {n_C - 1})")

    fig, ax = plt.subplots(figsize=(10, 0.42 * rows + 2.2))
    _draw_volume(ax, 0, 0, rows, cols, n_C_prev, VOLUME_COLOURS["input"], padding=pad)
    _draw_highlight(ax, w * stride, h * stride, f, f, n_C_prev)

    filter_x = cols + n_C_prev * DEPTH_STEP[0] + 2.5
    filter_y = (rows - f) / 2
    _draw_volume(ax, filter_x, filter_y, f, f, n_C_prev, VOLUME_COLOURS["filter"])

    output_x = filter_x + f + n_C_prev * DEPTH_STEP[0] + 2.5
    output_y = (rows - n_H) / 2
    _draw_volume(ax, output_x, output_y, n_H, n_W, n_C, VOLUME_COLOURS["output"])
    _draw_highlight(ax, output_x + w, output_y + h, 1, 1, 1, first_channel=channel, fill_alpha=0.6)

    # from the middle of the window's right face to the filter's front
    window_right = np.array([w * stride + f, h * stride + f / 2]) + n_C_prev * DEPTH_STEP / 2
    _arrow(ax, window_right, (filter_x - 0.2, filter_y + f / 2), colour=HIGHLIGHT)
    ax.text(
        (cols + n_C_prev * DEPTH_STEP[0] + filter_x) / 2,
        filter_y + f / 2 - 0.3,
        "multiply\nelement-wise",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    cell_y = output_y + h + 0.5 + (channel + 0.5) * DEPTH_STEP[1]  # the height of the output number's centre
    filter_right = (filter_x + f + n_C_prev * DEPTH_STEP[0] + 0.1, filter_y + f / 2)
    _arrow(ax, filter_right, (output_x - 0.2, cell_y), colour=HIGHLIGHT)
    ax.text((filter_right[0] + output_x) / 2, cell_y - 0.3, "sum, + b", ha="center", va="bottom", fontsize=8)

    label_y = rows + 0.6
    padded_note = f", padded by {pad}" if pad else ""
    labels = {
        cols / 2: f"input {n_H_prev}x{n_W_prev}x{n_C_prev}{padded_note}: {rows}x{cols}x{n_C_prev}\n"
        f"window rows {h * stride}..{h * stride + f - 1}, columns {w * stride}..{w * stride + f - 1}, "
        f"all {n_C_prev} channels",
        filter_x + f / 2: f"filter {channel} of {n_C}\nW[:, :, :, {channel}]: {f}x{f}x{n_C_prev}",
        output_x + n_W / 2: f"output Z: {n_H}x{n_W}x{n_C}\none channel per filter",
    }
    for x, label in labels.items():
        ax.text(x, label_y, label, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.5, output_x + n_W + n_C * DEPTH_STEP[0] + 0.5)
    ax.set_ylim(label_y + 1.4, min(0, output_y) + max(n_C_prev, n_C) * DEPTH_STEP[1] - 0.5)
    _finish(
        fig,
        ax,
        f"Z[{h}, {w}, {channel}] = sum(window * W[:, :, :, {channel}]) + b[{channel}]    "
        f"(f={f}, stride {stride}, pad {pad})",
    )


# --- ResNet ----------------------------------------------------------------------------------------------------


def _residual_block_shapes(input_shape, f, filters, stride):
    """The shapes after each component of a residual block's main path (the last is the block's output)."""
    height, width, _ = input_shape
    height, width = _conv_size(height, 1, stride, "valid"), _conv_size(width, 1, stride, "valid")
    # the f x f convolution pads "same", so only the first 1x1 convolution changes the height and width
    return [(height, width, channels) for channels in filters]


def _draw_residual_block(input_shape, f, filters, stride, projection, title):
    """The main path, component by component, above the shortcut; ``projection``: a 1x1 CONV on the shortcut."""
    first, second, third = filters
    components = [
        [(f"CONV2D 1x1\n{first} filters\nstride {stride}", "conv"), ("Batch\nNorm", "batchnorm"), ("ReLU", "relu")],
        [(f"CONV2D {f}x{f}\n{second} filters\n'same'", "conv"), ("Batch\nNorm", "batchnorm"), ("ReLU", "relu")],
        [(f"CONV2D 1x1\n{third} filters", "conv"), ("Batch\nNorm", "batchnorm")],
    ]
    shapes = _residual_block_shapes(input_shape, f, filters, stride)
    widths = {"conv": 1.3, "batchnorm": 0.85, "relu": 0.75}
    arrow, component_gap = 0.35, 1.15  # the gap between components holds the shape label
    fig, ax = plt.subplots(figsize=(11, 3.3))
    ax.text(0, 0, f"X\n{_shape_text(input_shape)}", ha="center", va="center", fontsize=8, fontweight="bold")
    right = 0.65  # right end of what is drawn so far, on the main path
    for index, (component, shape) in enumerate(zip(components, shapes)):
        left = right + (arrow if index == 0 else component_gap)
        width = sum(widths[kind] for _, kind in component) + arrow * (len(component) - 1)
        ax.add_patch(patches.Rectangle((left - 0.1, -0.72), width + 0.2, 1.62, facecolor="0.96", edgecolor="0.8"))
        ax.text(left - 0.05, 0.84, f"component {index + 1}", ha="left", va="top", fontsize=7, color="0.4")
        for position, (text, kind) in enumerate(component):
            box_left = left if position == 0 else right + arrow
            _arrow(ax, (right, 0), (box_left, 0))
            _layer_box(ax, box_left + widths[kind] / 2, 0, text, kind, width=widths[kind])
            right = box_left + widths[kind]
        ax.text(right + component_gap / 2, -0.1, _shape_text(shape), ha="center", va="top", fontsize=7.5, color="0.2")
    add_x = right + component_gap + 0.3
    _arrow(ax, (right, 0), (add_x - 0.28, 0))
    ax.add_patch(patches.Circle((add_x, 0), 0.28, facecolor=LAYER_COLOURS["add"], edgecolor="0.3"))
    ax.text(add_x, 0, "+", ha="center", va="center", fontsize=12)
    relu_x = add_x + 0.28 + arrow + widths["relu"] / 2
    _arrow(ax, (add_x + 0.28, 0), (relu_x - widths["relu"] / 2, 0))
    _layer_box(ax, relu_x, 0, "ReLU", "relu", width=widths["relu"])
    output_x = relu_x + widths["relu"] / 2 + arrow + 0.55
    _arrow(ax, (relu_x + widths["relu"] / 2, 0), (output_x - 0.5, 0))
    ax.text(output_x, 0, f"output\n{_shape_text(shapes[-1])}", ha="center", va="center", fontsize=8, fontweight="bold")

    shortcut_y = -1.5
    ax.plot([0, 0, add_x], [-0.35, shortcut_y, shortcut_y], color="0.25", linewidth=1.0)
    _arrow(ax, (add_x, shortcut_y), (add_x, -0.28))
    middle = add_x / 2
    if projection:
        for offset, (text, kind) in zip(
            (-0.75, 0.6), ((f"CONV2D 1x1\n{third} filters\nstride {stride}", "conv"), ("Batch\nNorm", "batchnorm"))
        ):
            _layer_box(ax, middle + offset, shortcut_y, text, kind, width=widths[kind])
        ax.text(middle + 1.1, shortcut_y + 0.08, _shape_text(shapes[-1]), ha="left", va="bottom", fontsize=7.5)
        note, note_y = "shortcut: a 1x1 CONV2D gives X the output's shape", shortcut_y - 0.45
    else:
        note, note_y = "shortcut: X unchanged", shortcut_y - 0.1
    ax.text(middle, note_y, note, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.6, output_x + 0.6)
    ax.set_ylim(shortcut_y - 0.8, 1.0)
    _finish(fig, ax, title)


def show_identity_block(input_shape, f, filters):
    """The identity block: its layers, component by component, with the shape after each; the shortcut adds X."""
    input_shape, filters = _check_image_shape(input_shape), _check_filters(filters)
    _check_positive_integers(f=f)
    if filters[2] != input_shape[2]:
        raise ValueError(
            f"an identity block adds X to its output, so F3 must equal X's {input_shape[2]} channels, "
            f"got filters {list(filters)}: use a convolutional block to change the channels"
        )
    _draw_residual_block(
        input_shape,
        f,
        filters,
        1,
        projection=False,
        title=f"Identity block, f={f}, filters {list(filters)}: the output has X's shape",
    )


def show_convolutional_block(input_shape, f, filters, s=2):
    """The convolutional block: the identity block's main path with stride ``s``, and a 1x1 CONV2D on the
    shortcut that gives X the output's shape."""
    input_shape, filters = _check_image_shape(input_shape), _check_filters(filters)
    _check_positive_integers(f=f, s=s)
    output_shape = _residual_block_shapes(input_shape, f, filters, s)[-1]
    _draw_residual_block(
        input_shape,
        f,
        filters,
        s,
        projection=True,
        title=f"Convolutional block, f={f}, filters {list(filters)}, s={s}: "
        f"{_shape_text(input_shape)} -> {_shape_text(output_shape)}",
    )


def _resnet50_layers(input_shape, classes):
    """ResNet50's parts in order, as (box text, heading, kind, output shape)."""
    height, width, channels = input_shape
    height, width = height + 6, width + 6
    layers = [("INPUT", None, "input", input_shape), ("ZERO PAD\n3", None, "input", (height, width, channels))]
    height, width = (_conv_size(_conv_size(size, 7, 2, "valid"), 3, 2, "valid") for size in (height, width))
    stem = "CONV2D 7x7\n64, stride 2\nBatchNorm\nReLU\nMAXPOOL 3x3\nstride 2"
    layers.append((stem, "Stage 1", "conv", (height, width, 64)))
    for number, (filters, blocks, stride) in enumerate(RESNET50_STAGES, start=2):
        height, width = (_conv_size(size, 1, stride, "valid") for size in (height, width))
        text = f"CONV BLOCK\ns={stride}\n+\n{blocks - 1} ID BLOCKS\n\nfilters\n{list(filters)}"
        layers.append((text, f"Stage {number}", "block", (height, width, filters[2])))
    height, width = (_conv_size(size, 2, 2, "valid") for size in (height, width))
    if min(height, width) < 1:
        raise ValueError(f"a {_shape_text(input_shape)} input is too small for ResNet50: it shrinks to nothing")
    channels = RESNET50_STAGES[-1][0][2]
    layers += [
        ("AVG POOL\n2x2", None, "pool", (height, width, channels)),
        ("FLATTEN", None, "input", (height * width * channels,)),
        (f"DENSE\n{classes}\nsoftmax", None, "dense", (classes,)),
    ]
    return layers


def show_resnet50_stages(input_shape=(64, 64, 3), classes=6):
    """ResNet50 stage by stage, with the shape of each stage's output; s is a convolutional block's stride."""
    input_shape = _check_image_shape(input_shape)
    _check_positive_integers(classes=classes)
    layers = _resnet50_layers(input_shape, classes)
    widths = {"input": 0.95, "conv": 1.35, "block": 1.35, "pool": 1.0, "dense": 1.0}
    arrow, height = 0.4, 2.2
    fig, ax = plt.subplots(figsize=(11, 3.4))
    right = 0.0
    for index, (text, heading, kind, shape) in enumerate(layers):
        left = right + (arrow if index else 0)
        if index:
            _arrow(ax, (right, 0), (left, 0))
        centre = left + widths[kind] / 2
        _layer_box(ax, centre, 0, text, kind, width=widths[kind], height=height, fontsize=7.5, heading=heading)
        ax.text(centre, -height / 2 - 0.12, _shape_text(shape), ha="center", va="top", fontsize=7.5, color="0.2")
        right = left + widths[kind]
    ax.set_xlim(-0.1, right + 0.1)
    ax.set_ylim(-height / 2 - 0.55, height / 2 + 0.1)
    convolutions = 1 + sum(3 * blocks for _, blocks, _ in RESNET50_STAGES)
    block_counts = " + ".join(str(blocks) for _, blocks, _ in RESNET50_STAGES)
    _finish(
        fig,
        ax,
        f"ResNet50: 1 + 3 x ({block_counts}) + 1 = {convolutions + 1} layers with weights (shapes: each part's output)",
    )


def show_unet(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    """The U-Net of week 3 with the shape of every block's output: the encoder down the left, the decoder up
    the right, the skip connections across."""
    input_size = _check_image_shape(input_size)
    _check_positive_integers(n_filters=n_filters, n_classes=n_classes)
    height, width, _ = input_size
    scale = 2**UNET_DEPTH
    if height % scale or width % scale:
        raise ValueError(
            f"the U-Net halves the height and width {UNET_DEPTH} times and doubles them back, so they must be "
            f"multiples of {scale}: got {height}x{width}"
        )
    sizes = [(height, width)]
    for _ in range(UNET_DEPTH):
        sizes.append(tuple(_conv_size(size, 2, 2, "valid") for size in sizes[-1]))
    shapes = [(*size, n_filters * 2**level) for level, size in enumerate(sizes)]

    y_step, box_width, box_height = 1.35, 3.0, 1.0
    pool_colour, upsample_colour = "#cb181d", "#6a51a3"
    fig, ax = plt.subplots(figsize=(11, 5.6))

    def encoder_x(level):
        # the encoder steps right as it goes down, the decoder mirrors it; the bottom block sits in the middle
        return 0.0 if level == UNET_DEPTH else -2.6 - (UNET_DEPTH - 1 - level)

    for level, shape in enumerate(shapes):
        y = -level * y_step
        notes = [f"dropout {UNET_DROPOUT}"] * (level >= UNET_DEPTH - 1) + ["no pooling"] * (level == UNET_DEPTH)
        text = "\n".join([_shape_text(shape), ", ".join(notes)]) if notes else _shape_text(shape)
        heading = f"conv_block {shape[2]}"
        _layer_box(ax, encoder_x(level), y, text, "conv", box_width, box_height, 7.5, heading)
        if level == UNET_DEPTH:
            break
        left, right = encoder_x(level), -encoder_x(level)
        lower_y = y - y_step + box_height / 2
        _arrow(ax, (left, y - box_height / 2), (encoder_x(level + 1) - 0.4, lower_y), colour=pool_colour)
        pooled = (*sizes[level + 1], shape[2])
        ax.text(left - 0.1, y - y_step / 2, _shape_text(pooled), ha="right", va="center", fontsize=7, color=pool_colour)
        concatenated = (*sizes[level], 2 * shape[2])
        _layer_box(
            ax,
            right,
            y,
            f"concatenate {_shape_text(concatenated)}\n{_shape_text(shape)}",
            "upsample",
            box_width,
            box_height,
            7.5,
            f"upsampling_block {shape[2]}",
        )
        _arrow(ax, (left + box_width / 2, y), (right - box_width / 2, y), colour="0.45", linestyle="--")
        ax.text(0, y + 0.05, f"skip {_shape_text(shape)}", ha="center", va="bottom", fontsize=7, color="0.35")
        _arrow(ax, (-encoder_x(level + 1) + 0.4, lower_y), (right, y - box_height / 2), colour=upsample_colour)
        ax.text(
            right + 0.1, y - y_step / 2, _shape_text(shape), ha="left", va="center", fontsize=7, color=upsample_colour
        )

    head_width = 1.35
    right = -encoder_x(0) + box_width / 2
    for text, shape in (
        (f"CONV2D 3x3\n{n_filters}, ReLU", (height, width, n_filters)),
        (f"CONV2D 1x1\n{n_classes}", (height, width, n_classes)),
    ):
        left = right + 0.35
        _arrow(ax, (right, 0), (left, 0))
        _layer_box(ax, left + head_width / 2, 0, text, "conv", head_width, box_height, 7.5)
        ax.text(left + head_width / 2, -box_height / 2 - 0.08, _shape_text(shape), ha="center", va="top", fontsize=7)
        right = left + head_width
    ax.text(right - head_width / 2, box_height / 2 + 0.08, "logits", ha="center", va="bottom", fontsize=7)
    input_x = encoder_x(0)
    ax.text(input_x, box_height / 2 + 0.6, f"input {_shape_text(input_size)}", ha="center", va="bottom", fontsize=8)
    _arrow(ax, (input_x, box_height / 2 + 0.58), (input_x, box_height / 2))
    bottom = -UNET_DEPTH * y_step - box_height / 2 - 0.15
    ax.text(
        encoder_x(0) - box_width / 2,
        bottom,
        "conv_block: 2 x CONV2D 3x3 with ReLU, then a 2x2 max pooling (red: its output)\n"
        "upsampling_block: a transposed CONV2D 3x3 with stride 2 (purple: its output), concatenated with the\n"
        "skip connection, then 2 x CONV2D 3x3 with ReLU",
        ha="left",
        va="top",
        fontsize=7.5,
    )
    ax.set_xlim(encoder_x(0) - box_width / 2 - 0.1, right + 0.1)
    ax.set_ylim(bottom - 0.85, box_height / 2 + 1.0)
    _finish(fig, ax, f"U-Net, n_filters={n_filters}: {_shape_text(input_size)} -> {height}x{width}x{n_classes} logits")


# --- Intersection over union -----------------------------------------------------------------------------------

BOX_COLOURS = ("tab:blue", "tab:orange")
INTERSECTION_COLOUR, UNION_COLOUR = "#74c476", "#bcbddc"


def _corner_box(box, name):
    """``box`` as four floats (x1, y1, x2, y2), after checking that it is a box with an area."""
    values = np.asarray(box, dtype=np.float64)
    if values.shape != (4,) or not np.isfinite(values).all():
        raise ValueError(f"{name} must be four numbers (x1, y1, x2, y2), got {box!r}")
    x1, y1, x2, y2 = values
    if x2 <= x1 or y2 <= y1:
        raise ValueError(f"{name} must have x1 < x2 and y1 < y2 (top-left, then bottom-right corner), got {box!r}")
    return tuple(float(value) for value in values)


def _number(value):
    return f"{value:g}"


def show_iou(box1, box2):
    """Two corner boxes (x1, y1, x2, y2), y down as in an image: the boxes, their intersection and their union,
    with the areas that make their IoU."""
    box1, box2 = _corner_box(box1, "box1"), _corner_box(box2, "box2")
    inner = (max(box1[0], box2[0]), max(box1[1], box2[1]), min(box1[2], box2[2]), min(box1[3], box2[3]))
    inner_width, inner_height = max(inner[2] - inner[0], 0), max(inner[3] - inner[1], 0)
    areas = [(x2 - x1) * (y2 - y1) for x1, y1, x2, y2 in (box1, box2)]
    intersection = inner_width * inner_height
    union = areas[0] + areas[1] - intersection

    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    low = min(box1[0], box2[0], box1[1], box2[1]) - 1
    high = max(box1[2], box2[2], box1[3], box2[3]) + 1
    for ax in axes:
        for index, (x1, y1, x2, y2) in enumerate((box1, box2)):
            ax.add_patch(
                patches.Rectangle(
                    (x1, y1),
                    x2 - x1,
                    y2 - y1,
                    fill=False,
                    edgecolor=BOX_COLOURS[index],
                    linewidth=2,
                    zorder=3,
                    label=f"box{index + 1}",
                )
            )
        ax.set_xlim(low, high)
        ax.set_ylim(high, low)
        ax.set_aspect("equal")
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    for index, (x1, y1, x2, y2) in enumerate((box1, box2)):
        colour = BOX_COLOURS[index]
        axes[0].text(x1, y1, f"({_number(x1)}, {_number(y1)})", color=colour, fontsize=8, ha="right", va="bottom")
        axes[0].text(x2, y2, f"({_number(x2)}, {_number(y2)})", color=colour, fontsize=8, ha="left", va="top")
    axes[0].set_title(f"box1 (area {_number(areas[0])}), box2 (area {_number(areas[1])})", fontsize=9)
    axes[0].legend(fontsize=7, loc="best")

    if intersection:
        axes[1].add_patch(
            patches.Rectangle(inner[:2], inner_width, inner_height, facecolor=INTERSECTION_COLOUR, zorder=2)
        )
        x1, y1, x2, y2 = (_number(value) for value in inner)
        axes[1].text(inner[0], inner[1], f"(max x1, max y1)\n= ({x1}, {y1})", fontsize=7, ha="right", va="bottom")
        axes[1].text(inner[2], inner[3], f"(min x2, min y2)\n= ({x2}, {y2})", fontsize=7, ha="left", va="top")
        axes[1].set_title(
            f"intersection: {_number(inner_width)} x {_number(inner_height)} = {_number(intersection)}", fontsize=9
        )
    else:
        axes[1].set_title("intersection: none, width or height clipped to 0", fontsize=9)

    for x1, y1, x2, y2 in (box1, box2):
        axes[2].add_patch(patches.Rectangle((x1, y1), x2 - x1, y2 - y1, facecolor=UNION_COLOUR, edgecolor="none"))
    axes[2].set_title(
        f"union: {_number(areas[0])} + {_number(areas[1])} - {_number(intersection)} = {_number(union)}", fontsize=9
    )
    fig.suptitle(
        f"IoU = intersection / union = {_number(intersection)} / {_number(union)} = {intersection / union:.3f}",
        fontsize=10,
    )
    fig.tight_layout()
    plt.show()
