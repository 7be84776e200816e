"""Public tests for week3/Car_detection_with_YOLO.ipynb.

The references are written independently of the notebook's solutions: a loop
over the boxes for filtering, areas counted on a grid of unit squares for IoU,
and a greedy NumPy non-max suppression, class by class, in float64. Boxes are
corners (x1, y1, x2, y2). Edges, as the notebook states them: a box whose class
score equals the threshold is kept; a box whose IoU with a better box of its
class equals the IoU threshold is kept too (suppression needs IoU > threshold,
as in tf.image.non_max_suppression).
"""

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.checks import call_function, check_array, check_tuple, check_type

tf = import_tensorflow_quietly()

NUM_CLASSES = 80
RESULT = ("scores", "boxes", "classes")


def _passed():
    print("All tests passed.")


def _check_result(result, expected, *, name, case, atol=1e-6):
    """The (scores, boxes, classes) a function returned against the expected arrays."""
    parts = check_tuple(result, RESULT, name=name, case=case)
    for part, actual, want in zip(RESULT, parts, expected):
        check_array(
            actual, want, name=name, case=case, what=part, accept_tensors=True, check_dtype=False, rtol=1e-5, atol=atol
        )


# --- yolo_filter_boxes ------------------------------------------------------------------------------------


def _random_map(seed, leading_shape, num_classes=NUM_CLASSES):
    """Boxes, objectness and class probabilities of a random decoded map, as float32 tensors."""
    rng = np.random.default_rng(seed)
    boxes = rng.uniform(0, 1, leading_shape + (4,))
    confidence = rng.uniform(0, 1, leading_shape + (1,))
    # Raised to a power so that most class probabilities are small, as in a real map.
    probs = rng.uniform(0, 1, leading_shape + (num_classes,)) ** 6
    return [tf.constant(array, tf.float32) for array in (boxes, confidence, probs)]


def _filter_reference(boxes, box_confidence, box_class_probs, threshold):
    """Box by box: the best class of objectness x class probability, kept if its score >= threshold."""
    boxes = np.asarray(boxes).reshape(-1, 4)
    confidence = np.asarray(box_confidence).reshape(-1)
    probs = np.asarray(box_class_probs).reshape(len(boxes), -1)
    kept_scores, kept_boxes, kept_classes = [], [], []
    for box, objectness, class_probs in zip(boxes, confidence, probs):
        class_scores = objectness * class_probs  # float32, as TensorFlow computes it
        best = int(np.argmax(class_scores))
        if class_scores[best] >= np.float32(threshold):
            kept_scores.append(class_scores[best])
            kept_boxes.append(box)
            kept_classes.append(best)
    return (
        np.array(kept_scores, np.float32),
        np.array(kept_boxes, np.float32).reshape(-1, 4),
        np.array(kept_classes, np.int64),
    )


def _edge_case_map():
    """Four boxes whose best scores are 0.5 (exactly), 0.4999, 0.75 and 0.2, with 3 classes."""
    boxes = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
    confidence = np.array([[1.0], [0.4999], [0.75], [0.5]], np.float32)
    probs = np.array([[0.1, 0.5, 0.2], [0.3, 0.2, 1.0], [0.0, 0.2, 1.0], [0.4, 0.3, 0.1]], np.float32)
    return [tf.constant(array) for array in (boxes, confidence, probs)]


def yolo_filter_boxes_test(target):
    cases = [
        ("one 3x3 map with 3 anchors, threshold 0.5", _random_map(0, (1, 3, 3, 3)), {"threshold": 0.5}),
        ("one 2x4 map, no threshold given (the default is .6)", _random_map(1, (1, 2, 4, 3)), {}),
        ("a flat list of 40 boxes, threshold 0.3", _random_map(2, (40,)), {"threshold": 0.3}),
        ("threshold 0.99: no box is kept", _random_map(3, (1, 2, 2, 3)), {"threshold": 0.99}),
        ("threshold 0: every box is kept", _random_map(4, (1, 2, 2, 3)), {"threshold": 0.0}),
        (
            "scores 0.5, 0.4999, 0.75, 0.2 with threshold 0.5: a score equal to the threshold is kept",
            _edge_case_map(),
            {"threshold": 0.5},
        ),
    ]
    for case, (boxes, confidence, probs), options in cases:
        result = call_function(target, boxes, confidence, probs, name="yolo_filter_boxes", case=case, **options)
        expected = _filter_reference(boxes, confidence, probs, options.get("threshold", 0.6))
        _check_result(result, expected, name="yolo_filter_boxes", case=case)
    _passed()


# --- iou ------------------------------------------------------------------------------------------------


def _iou_by_counting(box1, box2, unit):
    """IoU of two boxes whose corners are multiples of ``unit``: the areas are counts of unit squares."""
    corners = np.rint(np.array([box1, box2]) / unit).astype(int)
    low, high = corners.min(), corners.max()
    masks = np.zeros((2, high - low, high - low), bool)
    for mask, (x1, y1, x2, y2) in zip(masks, corners - low):
        mask[y1:y2, x1:x2] = True
    return (masks[0] & masks[1]).sum() / (masks[0] | masks[1]).sum()


def _random_box_on_grid(rng, unit=0.25, cells=40):
    (x1, x2), (y1, y2) = np.sort(rng.integers(0, cells, (2, 2)), axis=1)
    return (float(x1) * unit, float(y1) * unit, float(x2 + 1) * unit, float(y2 + 1) * unit)


def iou_test(target):
    random_boxes = [_random_box_on_grid(np.random.default_rng(seed)) for seed in range(12)]
    cases = [
        ("overlapping boxes", (2, 1, 4, 3), (1, 2, 3, 4)),
        ("boxes apart in x and y", (1, 2, 3, 4), (5, 6, 7, 8)),
        ("boxes apart in x only", (0, 0, 2, 4), (3, 1, 5, 3)),
        ("boxes touching at a corner", (1, 1, 2, 2), (2, 2, 3, 3)),
        ("boxes touching along an edge", (1, 1, 3, 3), (2, 3, 3, 4)),
        ("a box inside a wider one", (0, 0, 8, 2), (1, 0.5, 3, 1.5)),
        ("identical boxes", (1, 1, 3, 2), (1, 1, 3, 2)),
        ("a tall box across a wide one", (2, 0, 3, 6), (0, 2, 6, 3)),
    ] + [
        (f"random boxes {i} and {i + 1}, corners on a 0.25 grid", random_boxes[i], random_boxes[i + 1])
        for i in range(0, len(random_boxes), 2)
    ]
    for case, box1, box2 in cases:
        case = f"{case}, box1={box1}, box2={box2}"
        value = call_function(target, box1, box2, name="iou", case=case)
        value = value.numpy() if hasattr(value, "numpy") else value  # a TensorFlow scalar is a number too
        check_type(value, (int, float, np.number), name="iou", case=case, hint="It should return one number, the IoU.")
        check_array(value, _iou_by_counting(box1, box2, 0.25), name="iou", case=case, what="the IoU", check_dtype=False)
    _passed()


# --- yolo_non_max_suppression ---------------------------------------------------------------------------------


def _iou_with(box, others):
    """IoU of one corner box with each row of ``others``, in float64."""
    low = np.maximum(box[:2], others[:, :2])
    high = np.minimum(box[2:], others[:, 2:])
    intersection = np.prod(np.clip(high - low, 0, None), axis=1)
    areas = np.prod(box[2:] - box[:2]) + np.prod(others[:, 2:] - others[:, :2], axis=1)
    return intersection / (areas - intersection)


def _nms_reference(scores, boxes, classes, max_boxes, iou_threshold):
    """Greedy, best score first: a box goes if it overlaps a kept box of its class by IoU > iou_threshold."""
    scores, boxes, classes = (np.asarray(a) for a in (scores, boxes, classes))
    kept = []
    for i in np.argsort(-scores.astype(np.float64), kind="stable"):
        if len(kept) == max_boxes:
            break
        same_class = [j for j in kept if classes[j] == classes[i]]
        if (
            not same_class
            or _iou_with(boxes[i].astype(np.float64), boxes[same_class].astype(np.float64)).max() <= iou_threshold
        ):
            kept.append(i)
    kept = np.array(kept, int)
    return scores[kept], boxes[kept].reshape(-1, 4), classes[kept]


def _detections(scores, boxes, classes):
    return (tf.constant(scores, tf.float32), tf.constant(boxes, tf.float32), tf.constant(classes, tf.int64))


def _random_detections(seed, count, num_classes, image_size=(480, 640)):
    """Boxes in pixels (some sticking out of the image, as YOLO's may), distinct scores, a few classes."""
    rng = np.random.default_rng(seed)
    height, width = image_size
    centres = rng.uniform(0, 1, (count, 2)) * [width, height]
    sizes = rng.uniform(40, 220, (count, 2))
    boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
    scores = rng.permutation(np.linspace(0.3, 0.95, count))
    return _detections(scores, boxes, rng.integers(0, num_classes, count))


def yolo_non_max_suppression_test(target):
    # Box 1 overlaps box 0 by IoU 0.6; box 2 overlaps box 0 by IoU 0.4; box 3 overlaps nothing.
    overlapping = [[0, 0, 10, 10], [0, 2.5, 10, 12.5], [0, 0, 10, 4], [50, 50, 60, 70]]
    cases = [
        (
            "boxes of one class: the box overlapping a better one by IoU 0.6 goes",
            _detections([0.9, 0.8, 0.7, 0.6], overlapping, [2, 2, 2, 2]),
            {},
        ),
        (
            "the same boxes with iou_threshold=0.3: the box overlapping by 0.4 goes too",
            _detections([0.9, 0.8, 0.7, 0.6], overlapping, [2, 2, 2, 2]),
            {"iou_threshold": 0.3},
        ),
        (
            "the same boxes with iou_threshold=0.7: every box is kept",
            _detections([0.9, 0.8, 0.7, 0.6], overlapping, [2, 2, 2, 2]),
            {"iou_threshold": 0.7},
        ),
        (
            "overlapping boxes of different classes are all kept (suppression is class by class)",
            _detections([0.9, 0.8, 0.7, 0.6], overlapping, [2, 0, 7, 2]),
            {},
        ),
        (
            "two boxes whose IoU is exactly 0.5 are both kept",
            _detections([0.7, 0.8], [[0, 0, 3, 1], [1, 0, 4, 1]], [0, 0]),
            {"iou_threshold": 0.5},
        ),
        (
            "boxes partly outside the image (negative corners)",
            _detections([0.9, 0.8, 0.7], [[-30, -20, 40, 50], [-25, -20, 45, 50], [30, 40, 90, 100]], [0, 1, 1]),
            {},
        ),
        (
            "max_boxes=3 keeps the 3 best of 5 separate boxes",
            _detections([0.5, 0.9, 0.6, 0.8, 0.7], [[i * 20, 0, i * 20 + 10, 10] for i in range(5)], [1, 1, 3, 1, 3]),
            {"max_boxes": 3},
        ),
        ("no boxes at all", _detections(np.zeros(0), np.zeros((0, 4)), np.zeros(0, int)), {}),
        ("40 random boxes of 3 classes", _random_detections(0, 40, 3), {}),
        (
            "60 random boxes of 5 classes, max_boxes=20, iou_threshold=0.3",
            _random_detections(1, 60, 5),
            {"max_boxes": 20, "iou_threshold": 0.3},
        ),
    ]
    for case, (scores, boxes, classes), options in cases:
        result = call_function(target, scores, boxes, classes, name="yolo_non_max_suppression", case=case, **options)
        expected = _nms_reference(
            scores.numpy(),
            boxes.numpy(),
            classes.numpy(),
            options.get("max_boxes", 10),
            options.get("iou_threshold", 0.5),
        )
        _check_result(result, expected, name="yolo_non_max_suppression", case=case)
    _passed()


# --- yolo_eval -----------------------------------------------------------------------------------------------


def _random_outputs(seed, grids=((2, 3), (4, 6)), anchors=3, num_classes=NUM_CLASSES):
    """One decoded tuple (box_xy, box_wh, box_confidence, box_class_probs) per output map, as float32 tensors."""
    rng = np.random.default_rng(seed)
    outputs = []
    for rows, columns in grids:
        shape = (1, rows, columns, anchors)
        box_xy = rng.uniform(0.2, 0.8, shape + (2,))
        box_wh = rng.uniform(0.2, 0.6, shape + (2,))
        confidence = rng.uniform(0, 1, shape + (1,))
        # Most classes unlikely and three common ones: boxes of one class overlap, so that non-max
        # suppression has work to do.
        probs = 0.3 * rng.uniform(0, 1, shape + (num_classes,)) ** 4
        probs[..., :3] = rng.uniform(0, 1, shape + (3,))
        outputs.append([box_xy, box_wh, confidence, probs])
    return outputs


def _object_at_both_scales(seed):
    """Random maps with low scores, plus one car (class 2) that each map finds with nearly the same box."""
    outputs = _random_outputs(seed)
    for (box_xy, box_wh, confidence, probs), cell, jitter in zip(outputs, ((0, 1, 1, 2), (0, 2, 3, 0)), (0, 0.01)):
        confidence *= 0.5
        box_xy[cell], box_wh[cell] = (0.5 + jitter, 0.4), (0.3, 0.2 + jitter)
        confidence[cell], probs[cell] = 0.95, 0.0
        probs[cell + (2,)] = 0.9 - jitter
    return outputs


def _eval_reference(outputs, image_shape, max_boxes, score_threshold, iou_threshold):
    candidates = []
    for box_xy, box_wh, confidence, probs in outputs:
        box_xy, box_wh = np.asarray(box_xy, np.float64), np.asarray(box_wh, np.float64)
        corners = np.concatenate([box_xy - box_wh / 2, box_xy + box_wh / 2], axis=-1)
        candidates.append(_filter_reference(corners, confidence, probs, score_threshold))
    scores, boxes, classes = (np.concatenate(parts) for parts in zip(*candidates))
    height, width = image_shape
    boxes = boxes.astype(np.float64) * [width, height, width, height]
    return _nms_reference(scores, boxes, classes, max_boxes, iou_threshold)


def yolo_eval_test(target):
    cases = [
        ("maps 2x3 and 4x6, a 480x640 photo, the defaults", _random_outputs(0), (480, 640), {}),
        (
            "maps 2x3 and 4x6, a 640x427 photo, score_threshold=0.3, iou_threshold=0.3, max_boxes=6",
            _random_outputs(1),
            (640, 427),
            {"score_threshold": 0.3, "iou_threshold": 0.3, "max_boxes": 6},
        ),
        ("a car found by both maps is kept once", _object_at_both_scales(2), (416, 555), {}),
        ("no box reaches score_threshold=0.999", _random_outputs(3), (480, 640), {"score_threshold": 0.999}),
    ]
    for case, outputs, image_shape, options in cases:
        yolo_outputs = [tuple(tf.constant(array, tf.float32) for array in scale) for scale in outputs]
        result = call_function(target, yolo_outputs, image_shape, name="yolo_eval", case=case, **options)
        expected = _eval_reference(
            yolo_outputs,
            image_shape,
            options.get("max_boxes", 10),
            options.get("score_threshold", 0.6),
            options.get("iou_threshold", 0.5),
        )
        # Boxes in pixels, computed in float32: allow a thousandth of a pixel.
        _check_result(result, expected, name="yolo_eval", case=case, atol=1e-3)
    _passed()
