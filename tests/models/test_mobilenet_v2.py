"""MobileNetV2 with torchvision's ImageNet weights: architecture, converter, torch reference, predictions."""

import collections
import io
import pickle
import sys
import types
from pathlib import Path

import keras
import numpy as np
import pytest

from tests.data_file_checks import assert_loader_checks
from utils.data.images import photo_batch
from utils.derive import convert_mobilenet_v2 as convert
from utils.models import mobilenet_v2
from utils.models.mobilenet_v2 import MobileNetV2, decode_predictions, preprocess_input

# torchvision's MobileNetV2 table (expansion, channels, blocks, first stride), written out here
# so that the synthetic state dict does not come from the code under test.
TORCHVISION_STAGES = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
# Well-known torchvision/Keras ImageNet class indices.
KNOWN_CLASSES = {
    0: "tench",
    1: "goldfish",
    22: "bald eagle",
    151: "Chihuahua",
    285: "Egyptian cat",
    967: "espresso",
    999: "toilet tissue",
}
DOG_BREEDS = range(151, 269)  # ImageNet's 118 dog classes, Chihuahua to Mexican hairless


def torchvision_state_dict(seed=0):
    """A synthetic state dict with the names and shapes of torchvision's MobileNetV2, distinct random values."""
    rng = np.random.default_rng(seed)
    shapes = {}

    def batch_norm(prefix, channels):
        for name in ("weight", "bias", "running_mean", "running_var"):
            shapes[f"{prefix}.{name}"] = (channels,)
        shapes[f"{prefix}.num_batches_tracked"] = ()

    def conv_bn_relu(prefix, out_channels, in_channels, kernel, groups=1):
        shapes[f"{prefix}.0.weight"] = (out_channels, in_channels // groups, kernel, kernel)
        batch_norm(f"{prefix}.1", out_channels)

    conv_bn_relu("features.0", 32, 3, 3)
    in_channels, index = 32, 1
    for expansion, channels, repeats, _ in TORCHVISION_STAGES:
        for _ in range(repeats):
            prefix, hidden, step = f"features.{index}.conv", in_channels * expansion, 0
            if expansion != 1:
                conv_bn_relu(f"{prefix}.0", hidden, in_channels, 1)
                step = 1
            conv_bn_relu(f"{prefix}.{step}", hidden, hidden, 3, groups=hidden)
            shapes[f"{prefix}.{step + 1}.weight"] = (channels, hidden, 1, 1)
            batch_norm(f"{prefix}.{step + 2}", channels)
            in_channels, index = channels, index + 1
    conv_bn_relu("features.18", 1280, 320, 1)
    shapes["classifier.1.weight"] = (1000, 1280)
    shapes["classifier.1.bias"] = (1000,)
    return {
        name: (
            rng.integers(0, 10**6, shape)
            if name.endswith("num_batches_tracked")
            else rng.uniform(0.5, 1.5, shape).astype(np.float32)
        )
        for name, shape in shapes.items()
    }


@pytest.fixture(scope="module")
def imagenet_model():
    return MobileNetV2()


def test_base_model_has_the_course_counts_and_layer_names():
    base = MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None)
    assert len(base.layers) == 155
    assert base.count_params() == 2_257_984
    assert base.output_shape == (None, 5, 5, 1280)
    assert base.layers[120].name == "block_13_pad"
    assert [layer.name for layer in base.layers[:3]] == ["input_1", "Conv1_pad", "Conv1"]
    assert base.get_layer("Conv1_pad").padding == ((1, 1), (1, 1))
    # Keras 3's own MobileNetV2: the same layers and weight shapes, less Conv1_pad.
    keras_base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None)
    ours = [(layer.name, [tuple(w.shape) for w in layer.weights]) for layer in base.layers[2:]]
    theirs = [(layer.name, [tuple(w.shape) for w in layer.weights]) for layer in keras_base.layers[1:]]
    assert ours == theirs


# Keras 3.15's save_weights on TensorFlow 2.21 with NumPy 2 warns once per variable; not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")
def test_full_model_counts_and_arguments(tmp_path):
    full = MobileNetV2(weights=None)
    assert len(full.layers) == 157 and full.count_params() == 3_538_984
    assert full.output_shape == (None, 1000) and [layer.name for layer in full.layers[-2:]] == [
        "global_average_pooling2d",
        "predictions",
    ]
    assert full.get_layer("bn_Conv1").epsilon == 1e-5
    any_size = MobileNetV2(input_shape=(None, None, 3), include_top=False, weights=None)
    assert any_size.output_shape == (None, None, None, 1280)

    two_classes = MobileNetV2(input_shape=(96, 96, 3), weights=None, classes=2, classifier_activation=None)
    saved = tmp_path / "two.weights.h5"
    two_classes.save_weights(saved)
    reloaded = MobileNetV2(input_shape=(96, 96, 3), weights=saved, classes=2, classifier_activation=None)
    for ours, theirs in zip(two_classes.weights, reloaded.weights, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(ValueError, match="classes must be 1000"):
        MobileNetV2(classes=2)
    with pytest.raises(ValueError, match="3 input channels"):
        MobileNetV2(input_shape=(224, 224, 1))


def test_converter_places_every_tensor_of_a_synthetic_state_dict():
    state_dict = torchvision_state_dict()
    model = convert.imagenet_model_from_state_dict(state_dict)
    kernel = model.get_layer("Conv1").kernel.numpy()
    np.testing.assert_array_equal(kernel[2, 1, 0, 5], state_dict["features.0.0.weight"][5, 0, 2, 1])
    depthwise = model.get_layer("block_13_depthwise").kernel.numpy()
    assert depthwise.shape == (3, 3, 576, 1)
    np.testing.assert_array_equal(depthwise[0, 2, 7, 0], state_dict["features.14.conv.1.0.weight"][7, 0, 0, 2])
    np.testing.assert_array_equal(
        model.get_layer("expanded_conv_project").kernel.numpy()[0, 0, 31, 15],
        state_dict["features.1.conv.1.weight"][15, 31, 0, 0],
    )
    batch_norm = model.get_layer("block_16_project_BN")
    np.testing.assert_array_equal(batch_norm.moving_variance.numpy(), state_dict["features.17.conv.3.running_var"])
    np.testing.assert_array_equal(batch_norm.gamma.numpy(), state_dict["features.17.conv.3.weight"])
    np.testing.assert_array_equal(model.get_layer("predictions").kernel.numpy(), state_dict["classifier.1.weight"].T)
    # The model's values are exactly the state dict's (counters aside): each tensor used once, nothing else.
    ours = np.sort(np.concatenate([weight.numpy().ravel() for weight in model.weights]))
    given = np.sort(
        np.concatenate(
            [array.ravel() for name, array in state_dict.items() if not name.endswith("num_batches_tracked")]
        )
    )
    np.testing.assert_array_equal(ours, given)


def test_converter_rejects_extra_missing_and_misshapen_tensors():
    state_dict = torchvision_state_dict()
    with pytest.raises(ValueError, match=r"does not use: \['features.19.0.weight'\]"):
        convert.keras_weights_from_state_dict({**state_dict, "features.19.0.weight": np.zeros((1, 1, 1, 1))})
    without = {name: array for name, array in state_dict.items() if name != "features.5.conv.1.1.running_mean"}
    with pytest.raises(ValueError, match=r"lacks 1 tensors .*features.5.conv.1.1.running_mean"):
        convert.keras_weights_from_state_dict(without)
    transposed = {**state_dict, "classifier.1.weight": state_dict["classifier.1.weight"].T}
    with pytest.raises(ValueError, match=r"layer 'predictions'.*\(1280, 1000\).*\(1000, 1280\)"):
        convert.imagenet_model_from_state_dict(transposed)
    flat = {**state_dict, "features.0.0.weight": state_dict["features.0.0.weight"].ravel()}
    with pytest.raises(ValueError, match="features.0.0.weight .*expected 4 dimensions"):
        convert.keras_weights_from_state_dict(flat)


def write_legacy_pth(path, storages, tensors, monkeypatch):
    """Write a legacy PyTorch file as torch 1.x's ``torch.save`` does, without torch.

    ``storages`` maps a key to a 1-D float32 or int64 array; ``tensors`` maps a
    name to (storage key, offset, shape, strides in elements). Stand-in
    ``torch`` modules let pickle refer to torch's storage classes and rebuild function.
    """
    fake_torch, fake_utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
    storage_classes = {np.dtype(np.float32): "FloatStorage", np.dtype(np.int64): "LongStorage"}
    for class_name in storage_classes.values():
        setattr(fake_torch, class_name, type(class_name, (), {"__module__": "torch"}))

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    fake_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    monkeypatch.setitem(sys.modules, "torch._utils", fake_utils)

    class StorageKey(str):
        pass

    class Tensor:
        def __init__(self, key, offset, shape, strides):
            self.arguments = (StorageKey(key), offset, shape, strides, False, collections.OrderedDict())

    class TensorPickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, StorageKey):
                array = storages[obj]
                return ("storage", getattr(fake_torch, storage_classes[array.dtype]), str(obj), "cpu", array.size, None)
            return None

        def reducer_override(self, obj):
            if isinstance(obj, Tensor):
                return _rebuild_tensor_v2, obj.arguments
            return NotImplemented

    stream = io.BytesIO()
    for header in (convert.LEGACY_MAGIC_NUMBER, convert.LEGACY_PROTOCOL_VERSION, {"little_endian": True}):
        pickle.dump(header, stream, protocol=2)
    state_dict = collections.OrderedDict((name, Tensor(*arguments)) for name, arguments in tensors.items())
    TensorPickler(stream, protocol=2).dump(state_dict)
    pickle.dump(list(storages), stream, protocol=2)
    for array in storages.values():
        stream.write(np.int64(array.size).tobytes() + array.tobytes())
    Path(path).write_bytes(stream.getvalue())


def test_legacy_reader_reads_views_of_shared_storages_and_rejects_damaged_files(tmp_path, monkeypatch):
    storages = {"101": np.arange(12, dtype=np.float32), "102": np.array([7], dtype=np.int64)}
    tensors = {
        "conv.weight": ("101", 0, (3, 4), (4, 1)),
        "transposed": ("101", 0, (4, 3), (1, 4)),  # a view of the same storage, as torch saves .t()
        "tail": ("101", 8, (2, 2), (2, 1)),
        "bn.num_batches_tracked": ("102", 0, (), ()),
    }
    path = tmp_path / "tiny.pth"
    write_legacy_pth(path, storages, tensors, monkeypatch)
    monkeypatch.undo()  # the reader needs no torch
    read = convert.read_legacy_state_dict(path)
    assert list(read) == list(tensors)
    np.testing.assert_array_equal(read["conv.weight"], np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(read["transposed"], np.arange(12).reshape(3, 4).T)
    np.testing.assert_array_equal(read["tail"], [[8, 9], [10, 11]])
    assert read["bn.num_batches_tracked"].dtype == np.int64 and read["bn.num_batches_tracked"] == 7

    data = path.read_bytes()
    for name, damaged, error in (
        ("truncated", data[:-4], "truncated or damaged"),
        ("cut in the pickle", data[:60], "truncated"),
        ("padded", data + b"\0" * 8, "8 bytes left over"),
        ("not torch", pickle.dumps(42, protocol=2), "not a legacy PyTorch file"),
    ):
        damaged_path = tmp_path / f"{name}.pth"
        damaged_path.write_bytes(damaged)
        with pytest.raises(ValueError, match=error):
            convert.read_legacy_state_dict(damaged_path)
    malicious = tmp_path / "malicious.pth"
    malicious.write_bytes(data[: data.index(b"ccollections")] + pickle.dumps(print, protocol=2)[2:])
    with pytest.raises(convert.ForbiddenPickle, match=r"unexpected object \S*builtin\S*\.print"):
        convert.read_legacy_state_dict(malicious)


def test_committed_weights_reproduce_the_torch_reference():
    reference = np.load(convert.REFERENCE_FILE)
    assert tuple(reference["photos"]) == convert.REFERENCE_PHOTOS
    images = convert.reference_images()
    logits = MobileNetV2(classifier_activation=None)(preprocess_input(images))
    assert np.abs(np.asarray(logits) - reference["logits"]).max() < 1e-4


def test_imagenet_predictions_on_real_photos(imagenet_model):
    scores = imagenet_model.predict(
        preprocess_input(photo_batch(("chelsea", "coffee", "eagle", "dog"), 224)), verbose=0
    )
    top5 = decode_predictions(scores, top=5)
    for expected, predictions in zip(("Egyptian cat", "espresso", "bald eagle"), top5):
        assert predictions[0][1] == expected and predictions[0][2] > 0.5, predictions
    assert np.argmax(scores[3]) in DOG_BREEDS, top5[3]
    np.testing.assert_allclose(scores.sum(axis=1), 1.0, rtol=1e-5)


def test_base_model_shares_the_imagenet_weights(imagenet_model):
    base = MobileNetV2(input_shape=(160, 160, 3), include_top=False)
    assert len(base.layers) == 155
    for name in ("Conv1", "block_13_expand_BN", "Conv_1"):
        for ours, theirs in zip(base.get_layer(name).weights, imagenet_model.get_layer(name).weights, strict=True):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_class_names_and_decode_predictions():
    classes = mobilenet_v2.imagenet_classes()
    assert len(classes) == 1000 and len({wnid for wnid, _ in classes}) == 1000
    assert [wnid for wnid, _ in classes] == sorted(wnid for wnid, _ in classes)
    assert {index: classes[index][1] for index in KNOWN_CLASSES} == KNOWN_CLASSES
    scores = np.zeros((2, 1000), np.float32)
    scores[0, [285, 967, 22]] = [0.2, 0.5, 0.3]
    scores[1, 151] = 1.0
    decoded = decode_predictions(scores, top=3)
    assert decoded[0] == [
        ("n07920052", "espresso", 0.5),
        ("n01614925", "bald eagle", pytest.approx(0.3)),
        ("n02124075", "Egyptian cat", pytest.approx(0.2)),
    ]
    assert decoded[1][0] == ("n02085620", "Chihuahua", 1.0) and len(decoded[1]) == 3
    for top in (0, -1, 1001, 2.5):
        with pytest.raises(ValueError, match=f"top must be a whole number from 1 to 1000, got {top}"):
            decode_predictions(scores, top=top)
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)"):
        decode_predictions(scores[:, :10])


def test_preprocess_input_on_numpy_tensors_and_keras_tensors():
    import tensorflow as tf

    pixels = np.array([[[[0, 128, 255], [255, 255, 255]]]], dtype=np.uint8)  # (1, 1, 2, 3)
    expected = (pixels / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    from_numpy = preprocess_input(pixels)
    assert isinstance(from_numpy, np.ndarray) and from_numpy.dtype == np.float32
    np.testing.assert_allclose(from_numpy, expected, rtol=1e-6)
    from_tensor = preprocess_input(tf.constant(pixels.astype(np.float32)))
    assert tf.is_tensor(from_tensor)
    np.testing.assert_allclose(from_tensor.numpy(), expected, rtol=1e-6)
    inputs = keras.Input((1, 2, 3))
    model = keras.Model(inputs, preprocess_input(inputs))
    np.testing.assert_allclose(model(pixels.astype(np.float32)).numpy(), expected, rtol=1e-6)


def test_missing_or_corrupt_weights_give_a_clear_error(monkeypatch):
    assert_loader_checks(monkeypatch, lambda: MobileNetV2(include_top=False),
                         "mobilenet_v2/mobilenet_v2_imagenet.weights.h5",
                         lambda path: monkeypatch.setattr(mobilenet_v2, "WEIGHTS_FILE", path))  # fmt: skip
