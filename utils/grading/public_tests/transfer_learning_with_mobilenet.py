"""Public tests for week2/Transfer_learning_with_MobileNet.ipynb.

The models are compared layer by layer with utils.grading.model_summary, and their
numbers with a reference built here from the course's MobileNetV2 port:
ImageNet weights, preprocessing, pooling and the Dense head must give the
same logits on a fixed input.
"""

import contextlib
import io
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from utils.data.footwear import footwear_directory
from utils.grading.checks import (
    CheckFailed,
    call_function,
    check_array,
    check_equal,
    check_same_object,
    check_tuple,
    check_type,
)
from utils.grading.model_summary import compare_model
from utils.models.mobilenet_v2 import MobileNetV2, preprocess_input

BASE_LAYERS = 155
BASE_PARAMETERS = 2_257_984
FEATURES = 1280


def augmenter_summary(height, width):
    """The expected summary of data_augmenter() once called on a (height, width, 3) input."""
    shape = (None, height, width, 3)
    return [
        ["RandomFlip", shape, 0, {"mode": "horizontal"}],
        ["RandomRotation", shape, 0, {"factor": (-0.2, 0.2), "interpolation": "bilinear"}],
    ]


def footwear_model_summary(height, width):
    """The expected summary of footwear_model(image_shape=(height, width))."""
    # MobileNetV2 halves the resolution five times, padding odd sizes up.
    rows, columns = height, width
    for _ in range(5):
        rows, columns = -(-rows // 2), -(-columns // 2)
    return [
        ["InputLayer", (None, height, width, 3), 0, {}],
        ["Sequential", (None, height, width, 3), 0, {}],
        ["Functional", (None, rows, columns, FEATURES), BASE_PARAMETERS, {}],
        ["GlobalAveragePooling2D", (None, FEATURES), 0, {}],
        ["Dropout", (None, FEATURES), 0, {"rate": 0.2}],
        ["Dense", (None, 1), FEATURES + 1, {"activation": "linear", "kernel_initializer": "GlorotUniform"}],
    ]


def colour_inverter():
    """A deterministic stand-in for data augmentation, so that a test sees whether it is applied."""
    return keras.Sequential([keras.layers.Rescaling(-1.0, offset=255.0)])


def test_images(height, width, count=2, seed=0):
    """Fixed photo-like inputs: RGB values in [0, 255]."""
    return np.random.default_rng(seed).uniform(0, 255, (count, height, width, 3)).astype("float32")


def quietly(function, *args, **kwargs):
    """``function(*args, **kwargs)`` without its printed lines (image_dataset_from_directory's "Found ...")."""
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


def split_of(dataset, directory):
    """A dataset's class names, its files relative to ``directory`` (sorted), and its first batch's shapes."""
    directory = Path(directory)
    images, labels = next(iter(dataset))
    return (
        list(dataset.class_names),
        sorted(Path(path).relative_to(directory).as_posix() for path in dataset.file_paths),
        (tuple(images.shape), images.dtype.name, tuple(labels.shape), labels.dtype.name),
    )


def reference_split(directory, image_size, batch_size, validation_split, seed, subset):
    """split_of the subset that image_dataset_from_directory gives with these settings."""
    dataset = quietly(
        tf.keras.utils.image_dataset_from_directory,
        directory,
        shuffle=True,
        batch_size=batch_size,
        image_size=image_size,
        validation_split=validation_split,
        subset=subset,
        seed=seed,
    )
    return split_of(dataset, directory)


def photo_datasets_test(target):
    directory = footwear_directory()
    cases = (
        ((), {}, ((160, 160), 32, 0.2, 42)),
        (((96, 64), 8), {"validation_split": 0.3, "seed": 7}, ((96, 64), 8, 0.3, 7)),
    )
    for args, kwargs, settings in cases:
        case = (
            "default arguments"
            if not args
            else f"image_size={settings[0]}, batch_size={settings[1]}, "
            + (f"validation_split={settings[2]}, seed={settings[3]}")
        )
        result = quietly(call_function, target, directory, *args, name="photo_datasets", case=case, **kwargs)
        datasets = check_tuple(result, ("train_dataset", "validation_dataset"), name="photo_datasets", case=case)
        for subset, dataset in zip(("training", "validation"), datasets):
            what = f"the {subset} dataset"
            check_type(dataset, tf.data.Dataset, name="photo_datasets", case=case)
            if not hasattr(dataset, "class_names") or not hasattr(dataset, "file_paths"):
                raise CheckFailed(
                    f"photo_datasets, case {case!r}: {what} has no class_names or file_paths: return the "
                    "datasets image_dataset_from_directory makes, before any .prefetch() or .map()."
                )
            expected = reference_split(directory, *settings, subset)
            actual = split_of(dataset, directory)
            check_equal(actual[0], expected[0], name="photo_datasets", case=case, what=f"{what}'s class_names")
            if actual[1] != expected[1]:
                raise CheckFailed(
                    f"photo_datasets, case {case!r}: {what} holds {len(actual[1])} photos, not the "
                    f"{len(expected[1])} of subset={subset!r} with validation_split={settings[2]} and "
                    f"seed={settings[3]}, or not the same ones. Pass the arguments on, the same seed to both calls."
                )
            check_equal(
                actual[2], expected[2], name="photo_datasets", case=case,
                what=f"{what}'s first batch (images shape, dtype, labels shape, dtype)",
            )  # fmt: skip
        _, labels = next(iter(datasets[0]))
        if len(set(np.asarray(labels).tolist())) < 2:
            raise CheckFailed(
                f"photo_datasets, case {case!r}: the first training batch holds one class only: "
                "pass shuffle=True, so that every batch mixes the classes."
            )
    print("All tests passed.")


def data_augmenter_test(target):
    augmenter = call_function(target, name="data_augmenter")
    check_type(
        augmenter,
        keras.Sequential,
        name="data_augmenter()",
        hint="Return tf.keras.Sequential([...]) with the two augmentation layers.",
    )
    for height, width in ((160, 160), (96, 64)):
        case = f"called on a ({height}, {width}, 3) input"
        augmenter = call_function(target, name="data_augmenter", case=case)
        call_function(augmenter, keras.Input((height, width, 3)), name="data_augmenter()", case=case)
        compare_model(augmenter, augmenter_summary(height, width), name=f"data_augmenter(), {case}")
        images = test_images(height, width)
        unchanged = call_function(
            augmenter, images, training=False, name="data_augmenter()", case=f"{case}, training=False"
        )
        check_array(
            unchanged,
            images,
            name="data_augmenter()",
            case=f"{case}, training=False",
            what="the output at inference time (augmentation only happens in training)",
            rtol=0,
            atol=1e-4,
            accept_tensors=True,
        )
    print("All tests passed.")


def _reference_logits(images, height, width, dense):
    """Dense(GlobalAveragePooling(MobileNetV2(preprocess_input(colour-inverted images))))."""
    base = MobileNetV2(input_shape=(height, width, 3), include_top=False, weights="imagenet")
    # A list, as the base's inputs are: a bare tensor would work too, with a warning in the test's output.
    features = np.asarray(base([preprocess_input(255.0 - images)], training=False)).mean(axis=(1, 2))
    kernel, bias = dense.get_weights()
    return (features @ kernel + bias).astype("float32")


def _check_frozen_base(model, name):
    base = model.layers[2]
    if len(base.layers) != BASE_LAYERS:
        raise CheckFailed(
            f"{name}: layer 2 should be the MobileNetV2 base with {BASE_LAYERS} layers "
            f"(include_top=False), got a model with {len(base.layers)} layers."
        )
    if base.trainable or base.trainable_weights:
        raise CheckFailed(
            f"{name}: the MobileNetV2 base should be frozen (base_model.trainable = False), but "
            f"{len(base.trainable_weights)} of its weights are trainable."
        )
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    if trainable != FEATURES + 1:
        raise CheckFailed(
            f"{name}: only the Dense layer's {FEATURES + 1:,} parameters should be trainable, got {trainable:,}."
        )


def footwear_model_test(target):
    name = "footwear_model()"
    model = call_function(target, name="footwear_model", case="default arguments")
    check_type(model, keras.Model, name=name)
    compare_model(model, footwear_model_summary(160, 160), name=name)
    _check_frozen_base(model, name)

    height, width = 96, 64
    case = f"image_shape=({height}, {width}), data_augmentation inverting the colours"
    model = call_function(
        target, image_shape=(height, width), data_augmentation=colour_inverter(), name="footwear_model", case=case
    )
    check_type(model, keras.Model, name="footwear_model", case=case)
    compare_model(model, footwear_model_summary(height, width), name=f"footwear_model, {case}")
    _check_frozen_base(model, f"footwear_model, {case}")
    dense = model.layers[-1]
    kernel = np.random.default_rng(1).normal(0, 0.05, (FEATURES, 1)).astype("float32")
    dense.set_weights([kernel, np.array([0.3], "float32")])
    images = test_images(height, width)
    expected = _reference_logits(images, height, width, dense)
    actual = call_function(model, images, training=False, name="footwear_model", case=case)
    check_array(
        actual,
        expected,
        name="footwear_model",
        case=case,
        rtol=1e-3,
        atol=1e-3,
        accept_tensors=True,
        what="the logits (is the augmentation argument used, then preprocess_input, the ImageNet "
        "base and average pooling?)",
    )
    print("All tests passed.")


def transfer_model(height, width):
    """A frozen transfer model like the notebook's, built here, compiled as after the first phase."""
    inputs = keras.Input((height, width, 3))
    base = MobileNetV2(input_shape=(height, width, 3), include_top=False, weights="imagenet")
    base.trainable = False
    x = keras.Sequential([keras.layers.RandomFlip("horizontal")])(inputs)
    x = base(preprocess_input(x), training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def prepare_fine_tuning_test(target):
    for fine_tune_at, base_learning_rate in ((120, 0.001), (100, 0.0004)):
        case = f"fine_tune_at={fine_tune_at}, base_learning_rate={base_learning_rate}"
        model = transfer_model(64, 64)
        result = call_function(
            target,
            model,
            fine_tune_at=fine_tune_at,
            base_learning_rate=base_learning_rate,
            name="prepare_fine_tuning",
            case=case,
        )
        check_same_object(result, model, name="prepare_fine_tuning", case=case, what="the returned model")
        base = model.layers[2]
        if not base.trainable:
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: the base is still frozen: set "
                "base_model.trainable = True first, then freeze the layers before fine_tune_at."
            )
        flags = [layer.trainable for layer in base.layers]
        expected = [index >= fine_tune_at for index in range(len(flags))]
        if flags != expected:
            wrong = [index for index, (flag, want) in enumerate(zip(flags, expected)) if flag != want]
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: layers 0 to {fine_tune_at - 1} of the base "
                f"should be frozen and layers {fine_tune_at} on trainable; {len(wrong)} layers "
                f"are not, the first is layer {wrong[0]} ({base.layers[wrong[0]].name}, "
                f"trainable={flags[wrong[0]]})."
            )
        if not model.layers[-1].trainable:
            raise CheckFailed(f"prepare_fine_tuning, case {case!r}: the Dense head should stay trainable.")
        compiled = model.get_compile_config() if model.compiled else None
        if not compiled:
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: compile the model again after changing "
                "which layers are trainable."
            )
        optimizer = compiled["optimizer"]
        if not isinstance(optimizer, dict) or optimizer.get("class_name") != "Adam":
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: the optimizer should be "
                f"tf.keras.optimizers.Adam, got {optimizer!r}."
            )
        check_array(
            np.float32(optimizer["config"]["learning_rate"]),
            np.float32(base_learning_rate / 10),
            name="prepare_fine_tuning",
            case=case,
            what="Adam's learning rate (a tenth of the base rate)",
            rtol=1e-5,
        )
        loss = compiled["loss"]
        if not (
            isinstance(loss, dict)
            and loss.get("class_name") == "BinaryCrossentropy"
            and loss["config"].get("from_logits") is True
        ):
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: the loss should be "
                f"tf.keras.losses.BinaryCrossentropy(from_logits=True) (the model outputs a logit), "
                f"got {loss!r}."
            )
        metrics = [
            metric
            for metric in compiled.get("metrics") or []
            if isinstance(metric, dict)
            and metric.get("class_name") == "BinaryAccuracy"
            and metric["config"].get("threshold") == 0.0
        ]
        if not metrics:
            raise CheckFailed(
                f"prepare_fine_tuning, case {case!r}: measure "
                'tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy"): a logit above 0 '
                f"means class 1. Got metrics {compiled.get('metrics')!r}."
            )
    print("All tests passed.")
