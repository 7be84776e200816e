"""The concept diagrams: each draws, writes the shapes Keras' own layers give, and refuses what it cannot draw."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from utils.lessons import diagrams  # noqa: E402


@pytest.fixture
def shown(monkeypatch):
    """The figures the diagrams show, instead of showing them."""
    figures = []
    monkeypatch.setattr(plt, "show", lambda: figures.append(plt.gcf()))
    yield figures
    plt.close("all")


def texts(figure):
    return [text.get_text() for text in figure.findobj(Text)]


def shape_text(shape):
    """Keras' (None, 8, 8, 512) as the diagrams write it, 8x8x512."""
    return "x".join(str(size) for size in shape[1:])


def keras_shapes(input_shape, layers):
    """The output shape of each layer of a chain, by the layers' own compute_output_shape."""
    shapes, shape = [], (None, *input_shape)
    for layer in layers:
        shape = tuple(layer.compute_output_shape(shape))
        shapes.append(shape)
    return shapes


def test_convolution_volume_shows_the_window_the_filter_and_the_output(shown):
    diagrams.show_convolution_volume(5, 7, 3, f=3, n_C=4, stride=2, pad=1, position=(1, 2), channel=1)
    [figure] = shown
    (output,) = keras_shapes((7, 9, 3), [keras.layers.Conv2D(4, 3, strides=2)])
    written = "\n".join(texts(figure))
    assert f"output Z: {shape_text(output)}" in written
    assert "input 5x7x3, padded by 1: 7x9x3" in written and "window rows 2..4, columns 4..6" in written
    assert "W[:, :, :, 1]: 3x3x3" in written
    assert figure.axes[0].get_title().startswith("Z[1, 2, 1] = sum(window * W[:, :, :, 1]) + b[1]")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(position=(3, 0)), r"position \(3, 0\) lies outside the 3x4 output"),
        (dict(channel=4), "channel 4 is not one of the 4 output channels"),
        (dict(f=10), "a 10x10 filter does not fit in the 7x9 padded input"),
        (dict(pad=-1), "pad must be a non-negative integer, got -1"),
        (dict(n_C=0), "n_C must be a positive integer, got 0"),
    ],
)
def test_convolution_volume_rejects_what_it_cannot_draw(shown, arguments, message):
    settings = dict(n_H_prev=5, n_W_prev=7, n_C_prev=3, f=3, n_C=4, stride=2, pad=1) | arguments
    with pytest.raises(ValueError, match=message):
        diagrams.show_convolution_volume(**settings)
    assert not plt.get_fignums(), "the arguments are checked before anything is drawn"


@pytest.mark.parametrize("input_shape, stride", [((15, 15, 256), 2), ((9, 7, 16), 3), ((8, 8, 64), 1)])
def test_convolutional_block_writes_the_shapes_of_keras_layers(shown, input_shape, stride):
    filters = (8, 8, 32)
    diagrams.show_convolutional_block(input_shape, 3, filters, s=stride)
    main_path = [
        keras.layers.Conv2D(filters[0], 1, strides=stride),
        keras.layers.Conv2D(filters[1], 3, padding="same"),
        keras.layers.Conv2D(filters[2], 1),
    ]
    expected = [shape_text(shape) for shape in keras_shapes(input_shape, main_path)]
    (shortcut,) = keras_shapes(input_shape, [keras.layers.Conv2D(filters[2], 1, strides=stride)])
    written = texts(shown[0])
    assert [text for text in written if text in expected] == expected + [shape_text(shortcut)]
    assert f"output\n{expected[-1]}" in written and f"X\n{shape_text((None, *input_shape))}" in written
    assert shown[0].axes[0].get_title().endswith(f"-> {expected[-1]}")


def test_identity_block_keeps_the_shape_and_needs_f3_equal_to_the_channels(shown):
    diagrams.show_identity_block((15, 15, 256), 3, [64, 64, 256])
    written = texts(shown[0])
    assert written.count("15x15x64") == 2 and "output\n15x15x256" in written
    assert "shortcut: X unchanged" in written
    with pytest.raises(ValueError, match=r"F3 must equal X's 256 channels, got filters \[64, 64, 128\]"):
        diagrams.show_identity_block((15, 15, 256), 3, [64, 64, 128])
    with pytest.raises(ValueError, match=r"filters must be \[F1, F2, F3\], got \[64, 256\]"):
        diagrams.show_identity_block((15, 15, 256), 3, [64, 256])
    with pytest.raises(ValueError, match=r"input_shape must be \(height, width, channels\), got \(15, 15\)"):
        diagrams.show_convolutional_block((15, 15), 3, [64, 64, 256])


@pytest.mark.parametrize("input_shape, classes", [((64, 64, 3), 6), ((96, 80, 1), 10)])
def test_resnet50_stages_write_the_shapes_of_keras_layers(shown, input_shape, classes):
    layers = [
        keras.layers.ZeroPadding2D(3),
        keras.layers.Conv2D(64, 7, strides=2),
        keras.layers.MaxPooling2D(3, strides=2),
    ]
    layers += [keras.layers.Conv2D(filters[2], 1, strides=stride) for filters, _, stride in diagrams.RESNET50_STAGES]
    layers += [keras.layers.AveragePooling2D(2), keras.layers.Flatten(), keras.layers.Dense(classes)]
    expected = [shape_text((None, *input_shape))] + [shape_text(shape) for shape in keras_shapes(input_shape, layers)]
    del expected[2]  # the stem's convolution and pooling make one box, Stage 1
    diagrams.show_resnet50_stages(input_shape, classes)
    [figure] = shown
    assert [text for text in texts(figure) if text in expected] == expected
    assert "= 50 layers with weights" in figure.axes[0].get_title()


def test_resnet50_refuses_an_input_it_shrinks_to_nothing(shown):
    with pytest.raises(ValueError, match="a 16x16x3 input is too small for ResNet50"):
        diagrams.show_resnet50_stages((16, 16, 3))


def test_unet_writes_the_shapes_of_keras_layers(shown):
    diagrams.show_unet((96, 128, 3), n_filters=32, n_classes=23)
    written = texts(shown[0])
    shape = (96, 128, 3)
    for level in range(diagrams.UNET_DEPTH):
        filters = 32 * 2**level
        (encoded, pooled) = keras_shapes(
            shape, [keras.layers.Conv2D(filters, 3, padding="same"), keras.layers.MaxPooling2D(2)]
        )
        # the decoder upsamples the level below back to this level's size, then joins the skip connection
        (upsampled,) = keras_shapes(
            pooled[1:3] + (2 * filters,), [keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same")]
        )
        assert upsampled == encoded
        assert f"skip {shape_text(encoded)}" in written and shape_text(pooled) in written
        assert f"concatenate {shape_text(encoded[:3] + (2 * filters,))}\n{shape_text(encoded)}" in written
        shape = pooled[1:]
    assert "6x8x512\ndropout 0.3, no pooling" in written and "96x128x23" in written
    assert shown[0].axes[0].get_title() == "U-Net, n_filters=32: 96x128x3 -> 96x128x23 logits"


def test_unet_needs_sizes_it_can_halve_four_times(shown):
    with pytest.raises(ValueError, match="must be multiples of 16: got 100x128"):
        diagrams.show_unet((100, 128, 3))


def test_iou_shows_intersection_and_union(shown):
    diagrams.show_iou((2, 1, 4, 3), (1, 2, 3, 4))
    diagrams.show_iou([0, 0, 1, 1], [2.5, 2.5, 4, 4])
    overlapping, apart = shown
    assert overlapping.texts[0].get_text() == "IoU = intersection / union = 1 / 7 = 0.143"
    assert [ax.get_title() for ax in overlapping.axes] == [
        "box1 (area 4), box2 (area 4)",
        "intersection: 1 x 1 = 1",
        "union: 4 + 4 - 1 = 7",
    ]
    assert apart.texts[0].get_text().endswith("0 / 3.25 = 0.000")
    assert apart.axes[1].get_title() == "intersection: none, width or height clipped to 0"


@pytest.mark.parametrize(
    "box1, message",
    [
        (
            (4, 1, 2, 3),
            r"box1 must have x1 < x2 and y1 < y2 \(top-left, then bottom-right corner\), got \(4, 1, 2, 3\)",
        ),
        ((1, 3, 2, 3), "box1 must have x1 < x2 and y1 < y2"),
        ((1, 2, 3), r"box1 must be four numbers \(x1, y1, x2, y2\), got \(1, 2, 3\)"),
    ],
)
def test_iou_rejects_what_is_not_a_box(shown, box1, message):
    with pytest.raises(ValueError, match=message):
        diagrams.show_iou(box1, (1, 2, 3, 4))
    assert not plt.get_fignums(), "the boxes are checked before anything is drawn"
