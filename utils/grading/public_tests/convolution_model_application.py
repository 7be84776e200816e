"""Public tests for week1/Convolution_model_Application.ipynb.

Each model is compared layer by layer (class, output shape, parameters and
settings) with the architecture of the course, using utils.grading.model_summary.
"""

import keras

from utils.grading.checks import CheckFailed, call_function, check_type
from utils.grading.model_summary import compare_model

CONV = {"strides": (1, 1), "activation": "linear", "kernel_initializer": "GlorotUniform"}

HAPPY_MODEL = [
    ["ZeroPadding2D", (None, 70, 70, 3), 0, {"padding": ((3, 3), (3, 3))}],
    ["Conv2D", (None, 64, 64, 32), 4736, {"kernel_size": (7, 7), "padding": "valid", **CONV}],
    ["BatchNormalization", (None, 64, 64, 32), 128, {"axis": 3}],
    ["ReLU", (None, 64, 64, 32), 0, {}],
    ["MaxPooling2D", (None, 32, 32, 32), 0, {"strides": (2, 2), "padding": "valid", "pool_size": (2, 2)}],
    ["Flatten", (None, 32768), 0, {}],
    ["Dense", (None, 1), 32769, {"activation": "sigmoid", "kernel_initializer": "GlorotUniform"}],
]


def convolutional_model_summary(height, width):
    """The expected summary of convolutional_model((height, width, 3))."""
    h1, w1 = -(-height // 8), -(-width // 8)  # 'same' pooling rounds up
    h2, w2 = -(-h1 // 4), -(-w1 // 4)
    return [
        ["InputLayer", (None, height, width, 3), 0, {}],
        ["Conv2D", (None, height, width, 8), 392, {"kernel_size": (4, 4), "padding": "same", **CONV}],
        ["ReLU", (None, height, width, 8), 0, {}],
        ["MaxPooling2D", (None, h1, w1, 8), 0, {"strides": (8, 8), "padding": "same", "pool_size": (8, 8)}],
        ["Conv2D", (None, h1, w1, 16), 528, {"kernel_size": (2, 2), "padding": "same", **CONV}],
        ["ReLU", (None, h1, w1, 16), 0, {}],
        ["MaxPooling2D", (None, h2, w2, 16), 0, {"strides": (4, 4), "padding": "same", "pool_size": (4, 4)}],
        ["Flatten", (None, h2 * w2 * 16), 0, {}],
        ["Dense", (None, 6), h2 * w2 * 16 * 6 + 6, {"activation": "softmax", "kernel_initializer": "GlorotUniform"}],
    ]


def _check_parameter_count(model, expected, name):
    if model.count_params() != expected:
        raise CheckFailed(f"{name} should have {expected:,} parameters, got {model.count_params():,}.")


def happyModel_test(target):
    model = call_function(target, name="happyModel")
    check_type(
        model,
        keras.Sequential,
        name="happyModel()",
        hint="Build it with tf.keras.Sequential([...]) (the Sequential API).",
    )
    compare_model(model, HAPPY_MODEL, name="happyModel()")
    _check_parameter_count(model, 37_633, "happyModel()")
    print("All tests passed.")


def convolutional_model_test(target):
    for height, width, parameters in ((64, 64, 1_310), (96, 64, 1_502)):
        case = f"input_shape=({height}, {width}, 3)"
        model = call_function(target, (height, width, 3), name="convolutional_model", case=case)
        check_type(model, keras.Model, name=f"convolutional_model, {case}")
        if isinstance(model, keras.Sequential):
            raise CheckFailed(
                "convolutional_model should use the Functional API (tf.keras.Model(inputs, outputs)), "
                "not tf.keras.Sequential."
            )
        compare_model(model, convolutional_model_summary(height, width), name=f"convolutional_model, {case}")
        _check_parameter_count(model, parameters, f"convolutional_model, {case}")
    print("All tests passed.")
