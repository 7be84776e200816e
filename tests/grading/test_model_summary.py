"""The summary comparator must fail on any missing, extra, reordered or misconfigured layer."""

import keras
import pytest

from utils.grading.checks import CheckFailed
from utils.grading.model_summary import compare_model, format_summary, summarize


def layers(padding="valid", activation="sigmoid", rate=0.2, initializer="glorot_uniform", axis=3, pool=2):
    return [
        keras.layers.ZeroPadding2D(3),
        keras.layers.Conv2D(8, 3, padding=padding, kernel_initializer=initializer),
        keras.layers.BatchNormalization(axis=axis),
        keras.layers.ReLU(),
        keras.layers.MaxPool2D(pool),
        keras.layers.Flatten(),
        keras.layers.Dropout(rate),
        keras.layers.Dense(1, activation=activation),
    ]


def model(stack):
    return keras.Sequential([keras.Input((16, 16, 3))] + stack)


EXPECTED = summarize(model(layers()))


def test_expected_summary_lists_class_shape_parameters_and_settings():
    assert EXPECTED[1] == [
        "Conv2D",
        (None, 20, 20, 8),
        224,
        {
            "kernel_size": (3, 3),
            "strides": (1, 1),
            "padding": "valid",
            "activation": "linear",
            "kernel_initializer": "GlorotUniform",
        },
    ]
    assert EXPECTED[2][3] == {"axis": 3}
    assert EXPECTED[6][3] == {"rate": 0.2}
    assert "Conv2D" in format_summary(EXPECTED)


def test_identical_model_passes():
    compare_model(model(layers()), EXPECTED)


def test_negative_axis_means_the_same_axis():
    compare_model(model(layers(axis=-1)), EXPECTED)


def test_missing_last_layers_fail():
    # The well-known comparator zipped the two lists, so this model passed.
    with pytest.raises(CheckFailed) as failure:
        compare_model(model(layers()[:-2]), EXPECTED)
    message = str(failure.value)
    assert "8 layers expected, 6 found" in message
    assert "layer 6 is missing: Dropout" in message
    assert "layer 7 is missing: Dense" in message


def test_missing_middle_layer_fails():
    stack = layers()
    del stack[3]
    with pytest.raises(CheckFailed, match="layer 3 is missing: ReLU"):
        compare_model(model(stack), EXPECTED)


def test_extra_layer_fails():
    stack = layers()
    stack.insert(4, keras.layers.Dropout(0.1))
    with pytest.raises(CheckFailed, match="layer 4 is extra: Dropout"):
        compare_model(model(stack), EXPECTED)


def test_reordered_layers_fail():
    stack = layers()
    stack[2], stack[3] = stack[3], stack[2]  # ReLU before BatchNormalization
    with pytest.raises(CheckFailed, match="right layers, but in the wrong order"):
        compare_model(model(stack), EXPECTED)


@pytest.mark.parametrize(
    "change, says",
    [
        ({"padding": "same"}, "padding='valid' expected, got 'same'"),
        ({"activation": "relu"}, "activation='sigmoid' expected, got 'relu'"),
        ({"rate": 0.5}, "rate=0.2 expected, got 0.5"),
        ({"initializer": "random_uniform"}, "kernel_initializer='GlorotUniform' expected, got 'RandomUniform'"),
        ({"pool": 4}, "pool_size=(2, 2) expected, got (4, 4)"),
    ],
)
def test_misconfigured_layer_fails_and_names_the_setting(change, says):
    with pytest.raises(CheckFailed, match=says.replace("(", r"\(").replace(")", r"\)")):
        compare_model(model(layers(**change)), EXPECTED)


def test_functional_and_sequential_versions_differ_by_their_input_layer():
    inputs = keras.Input((16, 16, 3))
    x = inputs
    for layer in layers():
        x = layer(x)
    functional = keras.Model(inputs, x)
    assert summarize(functional)[1:] == EXPECTED
    with pytest.raises(CheckFailed, match="layer 0 is extra: InputLayer"):
        compare_model(functional, EXPECTED)


@pytest.mark.parametrize("value", [None, [1, 2], keras.layers.Dense(2)])
def test_not_a_model_is_named(value):
    with pytest.raises(CheckFailed, match="should be a Keras model, got"):
        compare_model(value, EXPECTED, name="happyModel()")
    with pytest.raises(TypeError, match="summarize expects a Keras model"):
        summarize(value)


def concatenating_model(axis):
    inputs = keras.Input((4, 4, 2))
    same_shape = keras.layers.Conv2D(2, 1)(inputs)
    return keras.Model(inputs, keras.layers.Concatenate(axis=axis)([same_shape, inputs]))


def test_merging_layer_is_summarized_and_its_axis_checked():
    expected = summarize(concatenating_model(-1))
    compare_model(concatenating_model(3), expected)
    with pytest.raises(CheckFailed, match="axis"):
        compare_model(concatenating_model(1), expected)
