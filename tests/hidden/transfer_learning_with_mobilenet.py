"""Hidden cases for week2/Transfer_learning_with_MobileNet.ipynb: other image sizes, augmentations and layers.

Each outcome is what the public tests look at, made comparable with the solution's: the built models' layers,
their logits on fixed inputs, the trainable flags and the compiled settings.
"""

import keras
import numpy as np

from utils.data.footwear import footwear_directory
from utils.grading.cases import Case, LazyCase
from utils.grading.public_tests.transfer_learning_with_mobilenet import quietly, split_of, test_images, transfer_model


def dataset_splits(function, args, kwargs):
    """Class names, files (relative to the folder) and first-batch shapes of the training and validation sets."""
    directory = args[0]
    return tuple(split_of(dataset, directory) for dataset in quietly(function, *args, **kwargs))


def augmenter_on_input(function, args, kwargs):
    """data_augmenter() called on an input of the case's shape, and its output at inference time (unchanged).

    data_augmenter takes no arguments: a case's only argument is the input shape to call the result on.
    """
    (shape,) = args
    augmenter = function()
    augmenter(keras.Input(shape))
    images = test_images(*shape[:2], seed=3)
    return augmenter, augmenter(images, training=False)


def built_footwear_model(function, args, kwargs):
    """The model, its number of trainable parameters, and its logits on fixed photos with a fixed head."""
    model = function(*args, **kwargs)
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    height, width = model.input_shape[1:3]
    model.layers[-1].set_weights(
        [np.random.default_rng(5).normal(0, 0.05, (1280, 1)).astype("float32"), np.array([-0.2], "float32")]
    )
    images = test_images(height, width, seed=4)
    return model, trainable, model(images, training=False)


def fine_tuning_settings(function, args, kwargs):
    """Which base layers train, the head's flag, and the compiled optimizer, rate, loss and metrics."""
    model = args[0]
    result = function(*args, **kwargs)
    config = model.get_compile_config() or {}
    optimizer, loss = config.get("optimizer") or {}, config.get("loss") or {}
    metrics = [
        (metric.get("class_name"), metric["config"].get("threshold"))
        for metric in config.get("metrics") or []
        if isinstance(metric, dict)
    ]
    return (
        result is model,
        [layer.trainable for layer in model.layers[2].layers],
        model.layers[-1].trainable,
        optimizer.get("class_name"),
        np.float32(optimizer.get("config", {}).get("learning_rate", np.nan)),
        loss.get("class_name"),
        loss.get("config", {}).get("from_logits"),
        repr(metrics),
    )


def _flip(mode):
    return keras.Sequential([keras.layers.RandomFlip(mode)])


def _model_case(height, width, fine_tune_at, base_learning_rate):
    return LazyCase(
        lambda: (
            (transfer_model(height, width),),
            {"fine_tune_at": fine_tune_at, "base_learning_rate": base_learning_rate},
        )
    )


def _folder_case(*args, **kwargs):
    return LazyCase(lambda: ((str(footwear_directory()), *args), kwargs))


CASES = {
    "photo_datasets": [
        _folder_case((64, 64), 16),
        _folder_case((48, 80), 10, validation_split=0.25, seed=3),
        _folder_case(image_size=(32, 32), batch_size=50, seed=123),
    ],
    "data_augmenter": [Case((160, 160, 3)), Case((72, 120, 3))],
    # Explicit augmentations, so that footwear_model is graded apart from the learner's data_augmenter.
    "footwear_model": [
        LazyCase(lambda: ((), {"data_augmentation": _flip("horizontal")})),
        LazyCase(lambda: (((128, 96),), {"data_augmentation": _flip("vertical")})),
        LazyCase(
            lambda: (
                (),
                {
                    "image_shape": (64, 80),
                    "data_augmentation": keras.Sequential([keras.layers.Rescaling(0.5, offset=60.0)]),
                },
            )
        ),
    ],
    "prepare_fine_tuning": [
        _model_case(64, 64, 120, 0.001),
        _model_case(96, 64, 140, 0.002),
        _model_case(64, 96, 60, 0.0005),
    ],
}

OUTCOMES = {
    "photo_datasets": dataset_splits,
    "data_augmenter": augmenter_on_input,
    "footwear_model": built_footwear_model,
    "prepare_fine_tuning": fine_tuning_settings,
}
