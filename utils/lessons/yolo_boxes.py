"""Box conversions that week3/Car_detection_with_YOLO's ``yolo_eval`` builds on.

Boxes are corner boxes (x1, y1, x2, y2) throughout: x to the right, y down,
(x1, y1) the top-left corner. They live here, not in the notebook, because the
graded ``yolo_eval`` calls them and the public tests load the graded functions
with only the notebook's first cell (as the original course imported them from
its ``yad2k`` and ``yolo_utils`` packages).
"""

from utils.core.environment import import_tensorflow_quietly

tf = import_tensorflow_quietly()


def yolo_boxes_to_corners(box_xy, box_wh):
    """Centre (x, y) and size (w, h) of boxes, shape (..., 2) each, as corners (x1, y1, x2, y2), shape (..., 4)."""
    box_xy, box_wh = tf.convert_to_tensor(box_xy), tf.convert_to_tensor(box_wh)
    if box_xy.shape[-1:] != (2,) or box_wh.shape[-1:] != (2,):
        raise ValueError(
            f"box_xy and box_wh need a last axis of 2 ((x, y) and (w, h)), "
            f"got shapes {tuple(box_xy.shape)} and {tuple(box_wh.shape)}"
        )
    half_wh = box_wh / 2
    return tf.concat([box_xy - half_wh, box_xy + half_wh], axis=-1)


def scale_boxes(boxes, image_shape):
    """Corner boxes relative to the image (0 to 1) in pixels of an image of ``image_shape`` = (height, width)."""
    boxes = tf.convert_to_tensor(boxes)
    if boxes.shape[-1:] != (4,):
        raise ValueError(f"boxes need a last axis of 4 (x1, y1, x2, y2), got shape {tuple(boxes.shape)}")
    if len(image_shape) != 2 or min(image_shape) <= 0:
        raise ValueError(f"image_shape must be (height, width) in pixels, got {tuple(image_shape)}")
    height, width = image_shape
    return boxes * tf.constant([width, height, width, height], dtype=boxes.dtype)
