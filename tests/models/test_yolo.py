"""YOLOv3-tiny in Keras: architecture, the Darknet converter, agreement with OpenCV, detections on a photo."""

import struct

import numpy as np
import pytest

from utils.data.images import DARKNET_PHOTOS_DIR
from utils.derive import convert_yolo
from utils.models import yolo

REFERENCE = np.load(yolo.YOLO_DIR / convert_yolo.REFERENCE_NAME)
DOG_PHOTO = DARKNET_PHOTOS_DIR / "dog.jpg"


@pytest.fixture(scope="module")
def model():
    return yolo.load_yolov3_tiny()


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def decode(raw, mask, input_size):
    """One raw map (1, rows, cols, 255) as rows of (x, y, w, h, objectness, 80 class scores).

    The test's own NumPy decoder: centres and sizes relative to the input, one
    row per (row, column, anchor), class score = objectness x sigmoid(logit).
    """
    _, rows, cols, _ = raw.shape
    cells = np.asarray(raw, dtype=np.float64).reshape(rows, cols, len(mask), -1)
    column, row = np.meshgrid(np.arange(cols), np.arange(rows))
    anchors = yolo.ANCHORS[list(mask)]
    x = (column[..., None] + sigmoid(cells[..., 0])) / cols
    y = (row[..., None] + sigmoid(cells[..., 1])) / rows
    w = np.exp(cells[..., 2]) * anchors[:, 0] / input_size
    h = np.exp(cells[..., 3]) * anchors[:, 1] / input_size
    objectness = sigmoid(cells[..., 4])
    scores = objectness[..., None] * sigmoid(cells[..., 5:])
    return np.concatenate([np.stack([x, y, w, h, objectness], -1), scores], -1).reshape(rows * cols * len(mask), -1)


def detect(outputs, input_size, score_threshold=0.2, iou_threshold=0.45):
    """(class name, score, (x1, y1, x2, y2) relative) per detection, best first, after per-class NMS."""
    rows = np.concatenate([decode(raw, mask, input_size) for raw, mask in zip(outputs, yolo.ANCHOR_MASKS)])
    classes, scores = rows[:, 5:].argmax(1), rows[:, 5:].max(1)
    corners = np.concatenate([rows[:, :2] - rows[:, 2:4] / 2, rows[:, :2] + rows[:, 2:4] / 2], 1)
    kept = []
    for i in np.argsort(-scores):
        if scores[i] < score_threshold:
            break
        if all(classes[j] != classes[i] or iou(corners[i], corners[j]) <= iou_threshold for j in kept):
            kept.append(i)
    return [(yolo.COCO_CLASSES[classes[i]], scores[i], corners[i]) for i in kept]


def iou(a, b):
    inter = np.prod(np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0, None))
    return inter / (np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter)


def test_architecture():
    model = yolo.yolov3_tiny()
    assert model.input_shape == (None, 416, 416, 3)
    assert model.output_shape == [(None, 13, 13, 255), (None, 26, 26, 255)]
    assert model.count_params() == 8_858_734
    assert yolo.yolov3_tiny((160, 224, 3), num_classes=2).output_shape == [(None, 5, 7, 21), (None, 10, 14, 21)]
    with pytest.raises(ValueError, match="multiples of 32"):
        yolo.yolov3_tiny((100, 100, 3))


def test_model_anchors_and_classes_match_the_committed_cfg():
    sections = convert_yolo.parse_cfg(yolo.YOLO_DIR / convert_yolo.CFG_NAME)
    yolo_sections = [options for kind, options in sections if kind == "yolo"]
    masks = tuple(tuple(int(i) for i in options["mask"].split(",")) for options in yolo_sections)
    assert masks == yolo.ANCHOR_MASKS
    for options in yolo_sections:
        anchors = np.array(options["anchors"].split(","), dtype=np.float32).reshape(-1, 2)
        np.testing.assert_array_equal(anchors, yolo.ANCHORS)
        assert int(options["classes"]) == len(yolo.COCO_CLASSES) == 80
    model = yolo.yolov3_tiny()
    for convolution in convert_yolo.convolutions_of(sections):
        layer = model.get_layer(f"conv_{convolution.index}")
        assert tuple(layer.kernel.shape) == (
            convolution.size,
            convolution.size,
            convolution.in_channels,
            convolution.filters,
        )
        assert layer.use_bias != convolution.batch_normalize
    assert yolo.COCO_CLASSES[:3] == ("person", "bicycle", "car") and yolo.COCO_CLASSES[-1] == "toothbrush"


# A tiny network for the converter: a 3x3 convolution with batch norm, a pool, a 1x1 with bias.
TINY_CFG = """[net]
channels=3

[convolutional]
batch_normalize=1
filters=4
size=3
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=6
size=1
activation=linear
"""


def tiny_model(last_name="conv_2", last_filters=6, extra_layer=False):
    import keras
    from keras import layers

    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv_0")(inputs)
    x = layers.BatchNormalization(name="bn_0")(x)
    x = layers.MaxPooling2D(name="maxpool_1")(x)
    x = layers.Conv2D(last_filters, 1, name=last_name)(x)
    if extra_layer:
        x = layers.Dense(2, name="dense")(x)
    return keras.Model(inputs, x)


def write_tiny_files(tmp_path, version=(0, 2, 0), extra_bytes=b"", cut_bytes=0):
    """The tiny cfg and a weights file whose floats count up from 0, in the file's order."""
    cfg = tmp_path / "tiny.cfg"
    cfg.write_text(TINY_CFG)
    float_count = 4 * 4 + 4 * 3 * 3 * 3 + 6 + 6 * 4
    seen = struct.pack("<q" if version[0] * 10 + version[1] >= 2 else "<i", 1234)
    data = struct.pack("<3i", *version) + seen + np.arange(float_count, dtype="<f4").tobytes() + extra_bytes
    weights = tmp_path / "tiny.weights"
    weights.write_bytes(data[: len(data) - cut_bytes])
    return convert_yolo.convolutions_of(convert_yolo.parse_cfg(cfg)), weights


@pytest.mark.parametrize("version", [(0, 2, 0), (0, 1, 0)], ids=["int64 seen", "int32 seen"])
def test_converter_reads_every_byte_and_assigns_every_weight(tmp_path, version):
    convolutions, weights = write_tiny_files(tmp_path, version)
    assert [(c.index, c.in_channels, c.filters, c.batch_normalize) for c in convolutions] == [
        (0, 3, 4, True),
        (2, 4, 6, False),
    ]
    header, arrays = convert_yolo.read_darknet_weights(weights, convolutions)
    assert header == {"major": version[0], "minor": version[1], "revision": 0, "seen": 1234}
    bn, conv = arrays
    np.testing.assert_array_equal(bn["beta"], [0, 1, 2, 3])
    np.testing.assert_array_equal(bn["moving_variance"], [12, 13, 14, 15])
    assert bn["kernel"].shape == (4, 3, 3, 3) and bn["kernel"][0, 0, 0, 0] == 16
    np.testing.assert_array_equal(conv["bias"], 16 + 108 + np.arange(6))

    model = tiny_model()
    convert_yolo.assign_weights(model, convolutions, arrays)
    gamma, beta, mean, variance = model.get_layer("bn_0").get_weights()
    np.testing.assert_array_equal(gamma, [4, 5, 6, 7])
    np.testing.assert_array_equal(beta, [0, 1, 2, 3])
    kernel = model.get_layer("conv_0").get_weights()[0]
    # Darknet's (out, in, h, w) became Keras' (h, w, in, out): output 2, input 1, row 0, column 2.
    assert kernel[0, 2, 1, 2] == bn["kernel"][2, 1, 0, 2]
    np.testing.assert_array_equal(model.get_layer("conv_2").get_weights()[1], conv["bias"])


def test_converter_rejects_truncated_and_padded_files(tmp_path):
    convolutions, weights = write_tiny_files(tmp_path, cut_bytes=4)
    with pytest.raises(ValueError, match="ends too early: section 2 needs 96 bytes for its kernel"):
        convert_yolo.read_darknet_weights(weights, convolutions)
    convolutions, weights = write_tiny_files(tmp_path, extra_bytes=b"\0" * 8)
    with pytest.raises(ValueError, match="has 8 bytes left over after the last convolution"):
        convert_yolo.read_darknet_weights(weights, convolutions)
    weights.write_bytes(b"\0" * 14)
    with pytest.raises(ValueError, match="too short for a Darknet header"):
        convert_yolo.read_darknet_weights(weights, convolutions)


def test_converter_rejects_a_model_that_does_not_fit(tmp_path):
    convolutions, weights = write_tiny_files(tmp_path)
    _, arrays = convert_yolo.read_darknet_weights(weights, convolutions)
    with pytest.raises(ValueError, match=r"the Darknet arrays leave the Keras layers \['dense'\] unset"):
        convert_yolo.assign_weights(tiny_model(extra_layer=True), convolutions, arrays)
    with pytest.raises(ValueError, match="has no layer 'conv_2' for the Darknet arrays"):
        convert_yolo.assign_weights(tiny_model(last_name="conv_3"), convolutions, arrays)
    with pytest.raises(ValueError, match=r"layer 'conv_2': the Keras weights have shapes \[\(1, 1, 4, 5\), \(5,\)\]"):
        convert_yolo.assign_weights(tiny_model(last_filters=5), convolutions, arrays)


def test_committed_weights_reproduce_opencv_on_the_stored_input():
    image = REFERENCE["image"]
    outputs = yolo.load_yolov3_tiny(input_shape=image.shape)(image[np.newaxis].astype(np.float32) / 255.0)
    for (raw_name, decoded_name), raw, mask in zip(convert_yolo.OPENCV_OUTPUTS, outputs, yolo.ANCHOR_MASKS):
        # Measured: 4e-5 at most, on logits up to 21.
        np.testing.assert_allclose(np.asarray(raw), REFERENCE[raw_name], atol=5e-4, err_msg=raw_name)
        ours, opencv = decode(np.asarray(raw), mask, image.shape[0]), REFERENCE[decoded_name]
        np.testing.assert_allclose(ours[:, :5], opencv[:, :5], atol=1e-5, err_msg=decoded_name)
        # OpenCV keeps a class score only above 0.2.
        kept = opencv[:, 5:] > 0
        assert kept.any()
        np.testing.assert_allclose(ours[:, 5:][kept], opencv[:, 5:][kept], atol=1e-5, err_msg=decoded_name)
        assert ours[:, 5:][~kept].max() < 0.2 + 1e-5


def test_finds_the_dog_the_bicycle_and_the_truck(model):
    batch, _ = yolo.preprocess_image(DOG_PHOTO)
    detections = detect(model(batch), 416)
    found = {name for name, _, _ in detections}
    assert {"dog", "bicycle"} <= found and found & {"truck", "car"}, detections
    name, score, (x1, y1, x2, y2) = detections[0]
    # The dog is the surest detection, sitting in the lower left of the photo.
    assert name == "dog" and score > 0.5 and (x1 + x2) / 2 < 0.5 < (y1 + y2) / 2, detections[0]


def test_preprocess_image_stretches_paths_and_arrays_alike():
    from PIL import Image

    photo = np.asarray(Image.open(DOG_PHOTO).convert("RGB"))
    from_path, shape = yolo.preprocess_image(DOG_PHOTO, size=64)
    from_array, _ = yolo.preprocess_image(photo, size=64)
    from_floats, _ = yolo.preprocess_image(photo / 255.0, size=64)
    assert shape == photo.shape[:2] and from_path.shape == (1, 64, 64, 3) and from_path.dtype == np.float32
    assert from_path.min() >= 0.0 and from_path.max() <= 1.0
    np.testing.assert_array_equal(from_path, from_array)
    np.testing.assert_array_equal(from_path, from_floats)
    with pytest.raises(ValueError, match=r"\(H, W, 3\) RGB array"):
        yolo.preprocess_image(photo[..., 0])


def test_missing_or_corrupt_weights_give_a_clear_error(tmp_path):
    missing = tmp_path / yolo.WEIGHTS_FILE.name
    with pytest.raises(
        FileNotFoundError, match=r"weights.h5 is missing. Restore it with `git checkout -- datasets/yolo/"
    ):
        yolo.load_yolov3_tiny(weights_file=missing)
    with open(yolo.WEIGHTS_FILE, "rb") as source, open(missing, "wb") as truncated:
        truncated.write(source.read(1 << 16))
    with pytest.raises(ValueError, match=r"is not the expected file .*datasets/yolo/README\.md describes"):
        yolo.load_yolov3_tiny(weights_file=missing)
