"""Segmentation scores against hand-counted examples and Keras' own IoU metric; the side-by-side figure."""

import matplotlib
import numpy as np
import pytest

from utils.data.driving_frames import CLASS_NAMES, PALETTE
from utils.lessons import segmentation

matplotlib.use("Agg")

TRUE = np.array([[0, 0, 1], [1, 2, 2]])
PREDICTED = np.array([[0, 1, 1], [1, 2, 0]])


def test_confusion_matrix_counts_pixels_by_true_and_predicted_class():
    expected = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    np.testing.assert_array_equal(segmentation.confusion_matrix(TRUE, PREDICTED, 3), expected)
    # a trailing axis of size 1 (the loader's masks) and tensors are accepted
    import tensorflow as tf

    counts = segmentation.confusion_matrix(tf.constant(TRUE[..., None], tf.uint8), PREDICTED[..., None], 4)
    assert counts.shape == (4, 4) and counts.dtype == np.int64
    np.testing.assert_array_equal(counts[:3, :3], expected)


def test_scores_by_hand():
    confusion = segmentation.confusion_matrix(TRUE, PREDICTED, 4)
    assert segmentation.pixel_accuracy(confusion) == pytest.approx(4 / 6)
    iou = segmentation.intersection_over_union(confusion)
    # class 0: 1 pixel in both, 3 in either; class 1: 2 of 3; class 2: 1 of 2; class 3 occurs nowhere
    np.testing.assert_allclose(iou[:3], [1 / 3, 2 / 3, 1 / 2])
    assert np.isnan(iou[3])
    assert segmentation.mean_iou(confusion) == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)


def test_iou_agrees_with_keras():
    import keras

    rng = np.random.default_rng(0)
    true = rng.integers(0, 5, size=(3, 8, 9))
    predicted = np.where(rng.random(true.shape) < 0.6, true, rng.integers(0, 5, size=true.shape))
    confusion = segmentation.confusion_matrix(true, predicted, 5)
    for index in range(5):
        metric = keras.metrics.IoU(num_classes=5, target_class_ids=[index])
        metric.update_state(true.ravel(), predicted.ravel())
        assert segmentation.intersection_over_union(confusion)[index] == pytest.approx(float(metric.result()))
    metric = keras.metrics.MeanIoU(num_classes=5)
    metric.update_state(true.ravel(), predicted.ravel())
    assert segmentation.mean_iou(confusion) == pytest.approx(float(metric.result()), rel=1e-6)


def test_confusion_matrix_rejects_bad_masks():
    with pytest.raises(ValueError, match="differ in shape"):
        segmentation.confusion_matrix(TRUE, PREDICTED[:, :2], 3)
    with pytest.raises(ValueError, match=r"class ids in 0\.\.1"):
        segmentation.confusion_matrix(TRUE, PREDICTED, 2)
    with pytest.raises(TypeError, match="argmax"):
        segmentation.confusion_matrix(TRUE, PREDICTED.astype(np.float32), 3)


def test_iou_table_lists_the_present_classes_by_share():
    lines = segmentation.iou_table(segmentation.confusion_matrix(TRUE, PREDICTED, 4), CLASS_NAMES).splitlines()
    assert len(lines) == 4  # a header and classes 0, 1, 2; class 3 has no true pixel
    assert lines[1].split()[0] == CLASS_NAMES[0] and lines[1].split()[-1] == "0.333"
    assert lines[-1].split()[-1] == "0.500"


def test_show_segmentations_draws_three_columns_and_a_legend(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda: None)
    images = np.zeros((2, 2, 3, 3), np.float32)
    segmentation.show_segmentations(images, TRUE[None].repeat(2, 0)[..., None], PREDICTED[None].repeat(2, 0))
    fig = plt.gcf()
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 6
    np.testing.assert_array_equal(image_axes[1].images[0].get_array()[0, 2], PALETTE[1])
    legend = image_axes[2].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == list(CLASS_NAMES[:3])
    plt.close(fig)
