import keras
import numpy as np
import pytest

from utils.lessons import transfer_baselines


def test_constant_guesses_score_each_class_share():
    assert transfer_baselines.constant_guess_accuracies([0, 1, 1, 1]) == {0: 0.25, 1: 0.75}
    with pytest.raises(ValueError, match="at least one validation label"):
        transfer_baselines.constant_guess_accuracies([])


def test_labelled_subsets_are_balanced_seeded_and_refuse_too_many():
    labels = np.array([0] * 6 + [1] * 4)
    chosen = transfer_baselines.labelled_subset(labels, 3, seed=1)
    assert np.bincount(labels[chosen]).tolist() == [3, 3] and len(set(chosen.tolist())) == 6
    np.testing.assert_array_equal(chosen, transfer_baselines.labelled_subset(labels, 3, seed=1))
    assert not np.array_equal(chosen, transfer_baselines.labelled_subset(labels, 3, seed=2))
    with pytest.raises(ValueError, match="asked for 5 examples of class 1, but there are only 4"):
        transfer_baselines.labelled_subset(labels, 5, seed=0)


def test_the_small_convnet_shrinks_to_28x28_before_augmenting():
    model = transfer_baselines.small_convnet((160, 160), keras.Sequential([keras.layers.RandomFlip("horizontal")]))
    assert model.count_params() == 6_657
    assert [layer.__class__.__name__ for layer in model.layers[:2]] == ["Resizing", "Sequential"]
    assert model.layers[1].output.shape == (None, 28, 28, 3)


def test_dataset_as_arrays_joins_the_batches():
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((np.arange(5.0), np.arange(5))).batch(2)
    images, labels = transfer_baselines.dataset_as_arrays(dataset)
    assert images.tolist() == [0, 1, 2, 3, 4] and labels.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="empty"):
        transfer_baselines.dataset_as_arrays(dataset.take(0))


def tiny_base():
    """A stand-in for MobileNetV2's base: three convolutions, the last two "above" fine_tune_at=2."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((12, 12, 3))
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    return keras.Model(inputs, keras.layers.Conv2D(8, 1, activation="relu")(x))


def test_the_curve_trains_every_method_at_every_count_and_leaves_the_base_as_it_was():
    rng = np.random.default_rng(0)
    # Class 1 is brighter: every method can learn it.
    labels = np.repeat([0, 1], 12).astype("int32")
    images = (rng.uniform(0, 120, (24, 12, 12, 3)) + 120 * labels[:, None, None, None]).astype("float32")
    base = tiny_base()
    before = [weight.copy() for weight in base.get_weights()]
    curve = transfer_baselines.labelled_count_curve(
        base, lambda x: x / 255.0, (images[::2], labels[::2]), (images[1::2], labels[1::2]), counts=(2, 6),
        seeds=(0, 1), steps={"head": 20, "fine-tuning": 10, "convnet": 20}, convnet_learning_rate=0.01,
        fine_tune_at=2,
    )  # fmt: skip
    assert list(curve) == list(transfer_baselines.METHODS)
    for accuracies in curve.values():
        assert accuracies.shape == (2, 2) and ((accuracies >= 0) & (accuracies <= 1)).all()
    assert curve["frozen ImageNet base"][:, 1].mean() > 0.5
    for weight, original in zip(base.get_weights(), before):
        np.testing.assert_array_equal(weight, original)
