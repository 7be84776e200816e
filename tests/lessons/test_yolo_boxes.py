"""The box conversions yolo_eval builds on: centres and sizes to corners, relative to pixels."""

import numpy as np
import pytest

from utils.lessons.yolo_boxes import scale_boxes, tf, yolo_boxes_to_corners


def test_corners_from_centres_and_sizes_keep_the_leading_axes():
    box_xy = tf.constant([[[0.5, 0.25], [0.1, 0.9]]])
    box_wh = tf.constant([[[0.2, 0.1], [0.4, 0.2]]])
    corners = yolo_boxes_to_corners(box_xy, box_wh)
    assert corners.shape == (1, 2, 4) and corners.dtype == tf.float32
    np.testing.assert_allclose(corners.numpy(), [[[0.4, 0.2, 0.6, 0.3], [-0.1, 0.8, 0.3, 1.0]]], atol=1e-7)


def test_scale_boxes_multiplies_x_by_the_width_and_y_by_the_height():
    boxes = tf.constant([[0.25, 0.5, 0.75, 1.0], [0.0, 0.0, 1.0, 1.0]], tf.float64)
    scaled = scale_boxes(boxes, (480, 640))
    assert scaled.dtype == tf.float64
    np.testing.assert_array_equal(scaled.numpy(), [[160, 240, 480, 480], [0, 0, 640, 480]])
    assert scale_boxes(tf.zeros((0, 4)), (10, 20)).shape == (0, 4)


def test_wrong_shapes_give_a_clear_error():
    with pytest.raises(ValueError, match=r"last axis of 2 \(\(x, y\) and \(w, h\)\), got shapes \(3, 4\) and \(3, 2\)"):
        yolo_boxes_to_corners(tf.zeros((3, 4)), tf.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"boxes need a last axis of 4 \(x1, y1, x2, y2\), got shape \(3, 2\)"):
        scale_boxes(tf.zeros((3, 2)), (10, 20))
    with pytest.raises(ValueError, match=r"image_shape must be \(height, width\) in pixels, got \(10, 20, 3\)"):
        scale_boxes(tf.zeros((3, 4)), (10, 20, 3))
    with pytest.raises(ValueError, match=r"got \(0, 20\)"):
        scale_boxes(tf.zeros((3, 4)), (0, 20))
