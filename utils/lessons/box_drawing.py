"""Figures of object detection: labelled boxes on a photo, a YOLO grid with its anchors, each grid cell's best class,
boxes before and after NMS.

Boxes are corner boxes (x1, y1, x2, y2) in pixels of the image they are drawn
on, x to the right and y down. Photos are shown as JPEG, not PNG, which keeps a
notebook with many photos small.
"""

from pathlib import Path

import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np

from utils.data.images import read_rgb
from utils.lessons.plotting import show_figure_as_jpeg


def load_photo(image):
    """An (H, W, 3) RGB array from a file path, or the array itself after a shape check."""
    if isinstance(image, (str, Path)):
        return read_rgb(image)
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(f"expected a photo's path or an (H, W, 3) RGB array, got shape {array.shape}")
    return array


def class_colour(class_index):
    """The colour of a class: the same in every figure, different for most classes of one photo."""
    return plt.cm.tab20(int(class_index) % 20)


def detections_as_arrays(scores, boxes, classes, class_names):
    """NumPy copies of one photo's detections (tensors accepted); a ValueError that says what does not fit."""
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.size == 0:
        boxes = boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes must have shape (n, 4), one (x1, y1, x2, y2) per row, got shape {boxes.shape}")
    classes = np.asarray(classes).reshape(-1)
    scores = None if scores is None else np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(classes) != len(boxes) or (scores is not None and len(scores) != len(boxes)):
        counts = f"{len(boxes)} boxes, {len(classes)} classes" + ("" if scores is None else f", {len(scores)} scores")
        raise ValueError(f"every box needs one class and one score: got {counts}")
    if len(classes) and (classes.dtype.kind not in "iu" or classes.min() < 0 or classes.max() >= len(class_names)):
        raise ValueError(f"classes must be integer indices into the {len(class_names)} class names, got {classes}")
    return scores, boxes, classes


def draw_boxes(ax, boxes, classes, class_names, scores=None, labels=True, linewidth=2.0):
    """Draw corner boxes on ``ax``, coloured by class, each labelled 'class score' (or 'class').

    Boxes are labelled in the order given (best first, as yolo_eval returns them): a label that would
    cover an earlier one moves inside its box, or below it.
    """
    scores, boxes, classes = detections_as_arrays(scores, boxes, classes, class_names)
    width, height = max(ax.get_xlim()), max(ax.get_ylim())
    placed = []
    for index, ((x1, y1, x2, y2), class_index) in enumerate(zip(boxes, classes)):
        colour = class_colour(class_index)
        ax.add_patch(patches.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=colour, linewidth=linewidth))
        if labels:
            label = class_names[class_index] + ("" if scores is None else f" {scores[index]:.2f}")
            # End the label at the box's right edge when the box starts near the photo's right edge.
            x, ha = (min(x2, width), "right") if x1 > 0.8 * width else (max(x1, 0), "left")
            text = ax.text(
                x,
                0,
                label,
                fontsize=8,
                color="white",
                ha=ha,
                clip_on=True,
                bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.5},
            )
            placed.append(_place_label(text, _label_positions(y1, y2, height), placed))


def _label_positions(y1, y2, height):
    """Where a box's label may go, best first, as (y, vertical alignment), y down: above the box,
    inside it at the top, below it, inside it at the bottom. A box that reaches the photo's top or
    bottom edge has no room above or below it."""
    positions = [(y1, "bottom")] if y1 >= 0.05 * height else []
    positions.append((max(y1, 0), "top"))
    if y2 <= 0.95 * height:
        positions.append((y2, "top"))
    positions.append((min(y2, height), "bottom"))
    return positions


def _place_label(text, positions, placed):
    """Move ``text`` to the first of ``positions`` where it covers none of the ``placed`` labels'
    extents (the first position if none is free); return its extent, in display pixels."""
    for y, va in positions:
        text.set_y(y)
        text.set_va(va)
        extent = text.get_window_extent()
        if not any(extent.fully_overlaps(other) for other in placed):
            return extent
    text.set_y(positions[0][0])
    text.set_va(positions[0][1])
    return text.get_window_extent()


def show_detections(image, scores, boxes, classes, class_names, title=None, size=5.0):
    """A photo (path or array) with its detections drawn as labelled, coloured boxes with their scores."""
    photo = load_photo(image)
    height, width = photo.shape[:2]
    fig, ax = plt.subplots(figsize=(size, size * height / width))
    _show_photo(ax, photo, title)
    draw_boxes(ax, boxes, classes, class_names, scores)
    show_figure_as_jpeg(fig)


def show_grid_and_anchors(image, grids, point):
    """One panel per YOLO output: its grid over the network's square input and the anchors of one cell.

    ``image`` is the network input (S, S, 3); ``grids`` holds (grid size, anchors) pairs with
    anchors (k, 2) as (width, height) in input pixels; ``point`` = (x, y) in input pixels picks the
    cell (the one holding an object's centre), whose anchors are drawn centred on the cell's centre.
    """
    photo = load_photo(image)
    size = photo.shape[0]
    if photo.shape[1] != size:
        raise ValueError(f"the network input is square: got an image of shape {photo.shape}")
    x, y = point
    if not (0 <= x < size and 0 <= y < size):
        raise ValueError(f"point {tuple(point)} lies outside the {size}x{size} input")
    fig, axes = plt.subplots(1, len(grids), figsize=(4.2 * len(grids), 4.9), squeeze=False)
    for ax, (grid_size, anchors) in zip(axes[0], grids):
        anchors = np.asarray(anchors, dtype=np.float64)
        if anchors.ndim != 2 or anchors.shape[1] != 2:
            raise ValueError(f"anchors must have shape (k, 2) as (width, height), got {anchors.shape}")
        cell = size / grid_size
        column, row = int(x // cell), int(y // cell)
        ax.imshow(photo)
        for line in np.arange(1, grid_size) * cell:
            ax.axhline(line, color="white", linewidth=0.5, alpha=0.6)
            ax.axvline(line, color="white", linewidth=0.5, alpha=0.6)
        ax.add_patch(patches.Rectangle((column * cell, row * cell), cell, cell, color="yellow", alpha=0.6))
        centre_x, centre_y = (column + 0.5) * cell, (row + 0.5) * cell
        for k, (width, height) in enumerate(anchors):
            ax.add_patch(
                patches.Rectangle(
                    (centre_x - width / 2, centre_y - height / 2),
                    width,
                    height,
                    fill=False,
                    edgecolor=plt.cm.tab10(k),
                    linewidth=2,
                    label=f"{width:.0f}x{height:.0f}",
                )
            )
        ax.set_xlim(0, size)
        ax.set_ylim(size, 0)
        ax.axis("off")
        ax.legend(
            title="anchors of the yellow cell (width x height, pixels)",
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            ncol=len(anchors),
            fontsize=8,
            title_fontsize=8,
            frameon=False,
        )
        ax.set_title(f"{grid_size}x{grid_size} grid, cell (row {row}, column {column})", fontsize=10)
    fig.tight_layout()
    show_figure_as_jpeg(fig)


def best_class_per_cell(box_confidence, box_class_probs):
    """``(classes, scores)``, each (S, S): the class of each cell's best score over its anchors, and that score.

    The score of a class is objectness x class probability; the inputs are yolo_head's ``box_confidence``
    (1, S, S, anchors, 1) and ``box_class_probs`` (1, S, S, anchors, classes) for one image (tensors accepted).
    """
    confidence = np.asarray(box_confidence, dtype=np.float64)
    probabilities = np.asarray(box_class_probs, dtype=np.float64)
    if confidence.ndim != 5 or confidence.shape[0] != 1 or confidence.shape[-1] != 1:
        raise ValueError(f"box_confidence must have shape (1, S, S, anchors, 1) for one image, got {confidence.shape}")
    if probabilities.ndim != 5 or probabilities.shape[:4] != confidence.shape[:4]:
        raise ValueError(
            f"box_class_probs must have shape (1, S, S, anchors, classes) to match box_confidence "
            f"{confidence.shape}, got {probabilities.shape}"
        )
    scores = (confidence * probabilities)[0].max(axis=2)  # best anchor for each class: (S, S, classes)
    return scores.argmax(axis=-1), scores.max(axis=-1)


def show_best_class_grids(image, yolo_outputs, class_names, min_score=0.01):
    """One panel per YOLO output grid over the network's square input: each cell coloured by its best class
    over its anchors, the more opaque the higher that class's score (log scale from ``min_score`` to 1).

    ``yolo_outputs`` holds yolo_head's ``(box_xy, box_wh, box_confidence, box_class_probs)`` for each grid, for
    one image; a cell whose best score is under ``min_score`` stays clear.
    """
    photo = load_photo(image)
    size = photo.shape[0]
    if photo.shape[1] != size:
        raise ValueError(f"the network input is square: got an image of shape {photo.shape}")
    if not 0 < min_score < 1:
        raise ValueError(f"min_score must lie between 0 and 1, got {min_score}")
    for _, _, _, box_class_probs in yolo_outputs:
        if np.shape(box_class_probs)[-1] != len(class_names):
            raise ValueError(
                f"box_class_probs has {np.shape(box_class_probs)[-1]} classes for {len(class_names)} class names"
            )
    grids = [
        best_class_per_cell(box_confidence, box_class_probs) for _, _, box_confidence, box_class_probs in yolo_outputs
    ]
    fig, axes = plt.subplots(1, len(grids), figsize=(4.4 * len(grids), 5.6), squeeze=False)
    for ax, (classes, scores) in zip(axes[0], grids):
        grid_size = len(classes)
        shown = scores >= min_score
        overlay = np.array([[class_colour(index) for index in row] for row in classes])
        # opacity from 0.25 at min_score to 0.85 at a score of 1, on a log scale: scores span decades
        overlay[..., 3] = np.where(
            shown, 0.25 + 0.6 * np.log(np.maximum(scores, min_score) / min_score) / -np.log(min_score), 0
        )
        ax.imshow(photo)
        ax.imshow(overlay, extent=(0, size, size, 0), interpolation="nearest")
        for line in np.linspace(0, size, grid_size + 1)[1:-1]:
            ax.axhline(line, color="white", linewidth=0.4, alpha=0.5)
            ax.axvline(line, color="white", linewidth=0.4, alpha=0.5)
        ax.set_xlim(0, size)
        ax.set_ylim(size, 0)
        ax.axis("off")
        ax.set_title(f"{grid_size}x{grid_size} grid: {shown.sum()} cells score {min_score:g} or more", fontsize=10)
        best_scores = {index: scores[shown & (classes == index)].max() for index in np.unique(classes[shown])}
        handles = [
            patches.Patch(color=class_colour(index), label=f"{class_names[index]} (best {score:.2f})")
            for index, score in sorted(best_scores.items(), key=lambda item: -item[1])
        ]
        if handles:
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, 0),
                ncol=min(len(handles), 3),
                fontsize=8,
                frameon=False,
            )
    fig.suptitle("Each cell's best class over its anchors; the more opaque, the higher its score", fontsize=10)
    fig.tight_layout()
    show_figure_as_jpeg(fig)


def show_before_and_after_nms(image, before, after, class_names):
    """Two panels: the boxes that pass the score threshold, and those that non-max suppression keeps.

    ``before`` and ``after`` are (scores, boxes, classes) in pixels of ``image``.
    """
    photo = load_photo(image)
    height, width = photo.shape[:2]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.5 * height / width + 0.3))
    for ax, (_, _, classes), stage in zip(axes, (before, after), ("before", "after")):
        _show_photo(ax, photo, f"{len(np.reshape(classes, -1))} boxes {stage} non-max suppression")
    # Lay the panels out first: where a label fits depends on the panel's final size.
    fig.tight_layout()
    for ax, (scores, boxes, classes), labels in zip(axes, (before, after), (False, True)):
        draw_boxes(ax, boxes, classes, class_names, scores, labels=labels, linewidth=2.0 if labels else 1.5)
    show_figure_as_jpeg(fig)


def _show_photo(ax, photo, title):
    ax.imshow(photo)
    ax.set_xlim(0, photo.shape[1])
    ax.set_ylim(photo.shape[0], 0)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
