"""utils.lessons.training: the validation split and the learning-rate choice."""

import numpy as np
import pytest
import tensorflow as tf

from utils.lessons.training import choose_learning_rate, hold_out_validation, training_flop_per_example


def test_hold_out_validation_splits_rows_at_random_and_repeatably():
    X, Y = np.arange(20).reshape(10, 2), np.arange(10).reshape(10, 1)
    X_train, Y_train, X_val, Y_val = hold_out_validation(X, Y, count=3)
    assert X_train.shape == (7, 2) and X_val.shape == (3, 2) and Y_train.shape == (7, 1) and Y_val.shape == (3, 1)
    # Every example lands in exactly one part, with its own label.
    assert sorted(np.concatenate([Y_train, Y_val]).ravel()) == list(range(10))
    assert (X_val[:, 0] == 2 * Y_val[:, 0]).all() and (X_train[:, 0] == 2 * Y_train[:, 0]).all()
    assert Y_val.ravel().tolist() != [7, 8, 9]  # drawn at random, not the last rows
    again = hold_out_validation(X, Y, count=3)
    assert (again[3] == Y_val).all()
    assert (hold_out_validation(X, Y, count=3, seed=2)[3] != Y_val).any()


@pytest.mark.parametrize(
    "X, Y, count, message",
    [
        (np.zeros((10, 2)), np.zeros((9, 1)), 3, "X has 10 examples but Y has 9"),
        (np.zeros((10, 2)), np.zeros((10, 1)), 10, "count must be between 1 and 9"),
        (np.zeros((10, 2)), np.zeros((10, 1)), 0, "count must be between 1 and 9"),
    ],
)
def test_hold_out_validation_refuses_what_cannot_be_split(X, Y, count, message):
    with pytest.raises(ValueError, match=message):
        hold_out_validation(X, Y, count)


def test_choose_learning_rate_picks_the_rate_that_lowers_the_training_loss_most(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    Y = X @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype=np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(16)

    def build(rate):
        model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.SGD(rate), loss="mse")
        return model

    best, losses = choose_learning_rate(build, dataset, rates=(1e-5, 0.05), epochs=3)
    assert best == 0.05 and losses[0.05] < losses[1e-5]
    assert "learning rate 0.05: training loss" in capsys.readouterr().out


def test_training_flop_counts_convolutions_and_dense_layers_three_times():
    inputs = tf.keras.Input((8, 8, 3))
    features = tf.keras.layers.Conv2D(4, 3, padding="same")(inputs)  # 8*8*4 outputs, 3*3*3 multiply-adds each
    features = tf.keras.layers.MaxPool2D()(features)  # free
    outputs = tf.keras.layers.Dense(2)(tf.keras.layers.Flatten()(features))  # 64 inputs, 2 units
    model = tf.keras.Model(inputs, outputs)
    assert training_flop_per_example(model) == 3 * 2 * (8 * 8 * 4 * 27 + 64 * 2)
    nested = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), model])
    with pytest.raises(ValueError, match="a model inside the model"):
        training_flop_per_example(nested)


def test_training_flop_counts_a_transposed_convolution_per_input_pixel():
    inputs = tf.keras.Input((4, 6, 5))
    outputs = tf.keras.layers.Conv2DTranspose(3, 3, strides=(2, 2), padding="same")(inputs)  # to 8x12x3
    model = tf.keras.Model(inputs, outputs)
    # each of the 4*6 input pixels spreads its 5 channels over a 3x3 patch of 3 output channels
    assert training_flop_per_example(model) == 3 * 2 * (4 * 6 * 5 * 9 * 3)
