"""Hidden cases for week3/Car_detection_with_YOLO.ipynb: other shapes, seeds, thresholds and photo sizes than
the public tests. Tensors are made afresh for each call (LazyCase)."""

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.cases import Case, LazyCase

tf = import_tensorflow_quietly()


def _decoded_map(rng, leading_shape, num_classes):
    """Boxes (or centres and sizes), objectness and class probabilities of a random decoded map."""
    confidence = rng.uniform(0, 1, leading_shape + (1,))
    probs = rng.uniform(0, 1, leading_shape + (num_classes,)) ** 3
    return confidence, probs


def _filter_case(seed, leading_shape, num_classes=80, **kwargs):
    def factory():
        rng = np.random.default_rng(2000 + seed)
        boxes = rng.uniform(0, 1, leading_shape + (4,))
        confidence, probs = _decoded_map(rng, leading_shape, num_classes)
        return [tf.constant(array, tf.float32) for array in (boxes, confidence, probs)], kwargs

    return LazyCase(factory)


def _filter_edge_case():
    """Five boxes of 4 classes whose best scores are 0.6 (exactly, the default threshold), 0.59, 0.9, 0.61, 0.3."""

    def factory():
        boxes = np.linspace(0, 1, 20, dtype=np.float32).reshape(5, 4)
        confidence = np.array([[1.0], [0.59], [0.9], [0.61], [0.3]], np.float32)
        probs = np.array(
            [
                [0.2, 0.6, 0.1, 0.0],
                [0.1, 0.2, 0.3, 1.0],
                [1.0, 0.5, 0.2, 0.1],
                [0.3, 0.1, 1.0, 0.9],
                [0.1, 1.0, 0.2, 0.3],
            ],
            np.float32,
        )
        return [tf.constant(array) for array in (boxes, confidence, probs)], {}

    return LazyCase(factory)


def _nms_case(scores, boxes, classes, **kwargs):
    def factory():
        return [tf.constant(scores, tf.float32), tf.constant(boxes, tf.float32), tf.constant(classes, tf.int64)], kwargs

    return LazyCase(factory)


def _random_nms_case(seed, count, num_classes, **kwargs):
    rng = np.random.default_rng(3000 + seed)
    centres = rng.uniform(0, 1, (count, 2)) * [800, 600]
    sizes = rng.uniform(50, 250, (count, 2))
    boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
    return _nms_case(
        rng.permutation(np.linspace(0.25, 0.98, count)), boxes, rng.integers(0, num_classes, count), **kwargs
    )


# Boxes 0-2 of one object (class 1), box 3 of another class on top of it (IoU 0.61 with box 0), box 4 apart.
# Box 1 overlaps box 0 by IoU 0.89, box 2 by 0.45.
OVERLAPPING = [[10, 10, 110, 60], [12, 12, 112, 62], [10, 29, 110, 79], [20, 0, 100, 70], [300, 300, 340, 380]]


def _eval_case(seed, grids, image_shape, num_classes=80, **kwargs):
    def factory():
        rng = np.random.default_rng(4000 + seed)
        outputs = []
        for rows, columns in grids:
            shape = (1, rows, columns, 3)
            box_xy = rng.uniform(0.15, 0.85, shape + (2,))
            box_wh = rng.uniform(0.1, 0.5, shape + (2,))
            confidence = rng.uniform(0, 1, shape + (1,))
            # Most classes unlikely, three common ones: boxes of one class overlap, for non-max suppression.
            probs = 0.2 * rng.uniform(0, 1, shape + (num_classes,)) ** 4
            probs[..., :3] = rng.uniform(0, 1, shape + (3,))
            outputs.append(tuple(tf.constant(array, tf.float32) for array in (box_xy, box_wh, confidence, probs)))
        return [outputs, image_shape], kwargs

    return LazyCase(factory)


CASES = {
    "yolo_filter_boxes": [
        _filter_case(1, (1, 4, 4, 3), threshold=0.4),
        _filter_case(2, (30,), num_classes=5),
        _filter_edge_case(),
        _filter_case(3, (2, 2, 3, 3), threshold=1.0),
    ],
    "iou": [
        Case((0, 0, 4, 4), (2, 2, 6, 6)),
        Case((0, 0, 1, 1), (3, 3, 5, 5)),
        Case((1.5, 0.5, 4.0, 2.0), (0.5, 1.0, 2.5, 5.0)),
        Case((10, 20, 40, 30), (0, 0, 50, 50)),
    ],
    "yolo_non_max_suppression": [
        _nms_case([0.9, 0.8, 0.7, 0.85, 0.6], OVERLAPPING, [1, 1, 1, 4, 1], iou_threshold=0.4),
        _nms_case([0.9, 0.8, 0.7, 0.85, 0.6], OVERLAPPING, [1, 1, 1, 4, 1], max_boxes=2),
        _random_nms_case(1, 50, 4),
        _random_nms_case(2, 30, 2, max_boxes=25, iou_threshold=0.8),
    ],
    "yolo_eval": [
        _eval_case(1, ((3, 3), (6, 6)), (600, 800)),
        _eval_case(2, ((2, 4), (4, 8)), (375, 500), score_threshold=0.4, iou_threshold=0.35, max_boxes=40),
        _eval_case(3, ((4, 4), (8, 8)), (720, 405), max_boxes=4),
    ],
}
