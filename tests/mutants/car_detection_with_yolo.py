"""Mutants of week3/Car_detection_with_YOLO.ipynb's graded functions."""

MUTANTS = {
    "yolo_filter_boxes": [
        (
            "drops a score equal to the threshold (> instead of >=)",
            "box_class_scores >= threshold",
            "box_class_scores > threshold",
        ),
        (
            "returns the best score instead of the best class (max instead of argmax)",
            "box_classes = tf.math.argmax(box_scores, axis=-1)",
            "box_classes = tf.math.reduce_max(box_scores, axis=-1)",
        ),
        (
            "forgets the objectness (class probability alone)",
            "box_scores = box_confidence * box_class_probs",
            "box_scores = box_class_probs",
        ),
        (
            "adds objectness and class probability",
            "box_scores = box_confidence * box_class_probs",
            "box_scores = (box_confidence + box_class_probs) / 2",
        ),
        (
            "ignores the threshold argument",
            "filtering_mask = box_class_scores >= threshold",
            "filtering_mask = box_class_scores >= .6",
        ),
    ],
    "iou": [
        (
            "union without subtracting the intersection",
            "union_area = box1_area + box2_area - inter_area",
            "union_area = box1_area + box2_area",
        ),
        (
            "does not clip a negative width or height to 0",
            "inter_width = max(xi2 - xi1, 0)\n    inter_height = max(yi2 - yi1, 0)",
            "inter_width = xi2 - xi1\n    inter_height = yi2 - yi1",
        ),
        (
            "the intersection's corner from min instead of max",
            "xi1 = max(box1_x1, box2_x1)",
            "xi1 = min(box1_x1, box2_x1)",
        ),
        (
            "a box's area from its x twice (width squared)",
            "box1_area = (box1_x2 - box1_x1) * (box1_y2 - box1_y1)",
            "box1_area = (box1_x2 - box1_x1) * (box1_x2 - box1_x1)",
        ),
        ("intersection over the first box's area", "iou = inter_area / union_area", "iou = inter_area / box1_area"),
    ],
    "yolo_non_max_suppression": [
        (
            "suppresses across classes (the original's class-agnostic NMS)",
            "tf.image.non_max_suppression(moved_boxes, scores",
            "tf.image.non_max_suppression(boxes, scores",
        ),
        (
            "iou_threshold not passed to tf.image.non_max_suppression",
            "max_boxes, iou_threshold=iou_threshold)",
            "max_boxes)",
        ),
        ("ignores max_boxes", "moved_boxes, scores, max_boxes,", "moved_boxes, scores, 100,"),
        (
            "returns the moved boxes",
            "boxes = tf.gather(boxes, nms_indices)",
            "boxes = tf.gather(moved_boxes, nms_indices)",
        ),
        ("forgets to gather the classes", "classes = tf.gather(classes, nms_indices)", "classes = classes"),
    ],
    "yolo_eval": [
        (
            "width and height swapped when scaling to the photo",
            "scale_boxes(boxes, image_shape)",
            "scale_boxes(boxes, image_shape[::-1])",
        ),
        ("forgets to scale the boxes to the photo", "    boxes = scale_boxes(boxes, image_shape)\n", ""),
        (
            "score_threshold not passed to yolo_filter_boxes",
            "box_class_probs, threshold=score_threshold)",
            "box_class_probs)",
        ),
        (
            "iou_threshold not passed to yolo_non_max_suppression",
            "max_boxes=max_boxes,\n" + " " * 54 + "iou_threshold=iou_threshold)",
            "max_boxes=max_boxes)",
        ),
        ("max_boxes not passed to yolo_non_max_suppression", "classes, max_boxes=max_boxes,", "classes,"),
        ("uses only the coarse grid", "in yolo_outputs:", "in yolo_outputs[:1]:"),
        (
            "filters with the centres and sizes instead of the corners",
            "boxes = yolo_boxes_to_corners(box_xy, box_wh)",
            "boxes = tf.concat([box_xy, box_wh], axis=-1)",
        ),
    ],
}
