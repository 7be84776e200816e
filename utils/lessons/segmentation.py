"""Scores and figures for semantic segmentation (week 3's U-Net).

``confusion_matrix`` counts pixels by (true class, predicted class);
``pixel_accuracy`` and ``intersection_over_union`` read the scores from it, and
``show_segmentations`` draws image / true mask / predicted mask rows in the
class palette of utils.data.driving_frames, with a legend of the classes shown.
"""

import numpy as np

from utils.data.driving_frames import class_ids, colorize, legend_handles


def confusion_matrix(true_masks, predicted_masks, n_classes):
    """``counts[i, j]``: the pixels of true class ``i`` predicted as class ``j`` (int64, n_classes x n_classes).

    Masks are arrays or tensors of class ids, of equal shape; a trailing axis of size 1 is ignored.
    """
    true_ids = class_ids(true_masks, "true_masks")
    predicted_ids = class_ids(predicted_masks, "predicted_masks")
    if true_ids.shape != predicted_ids.shape:
        raise ValueError(f"true and predicted masks differ in shape: {true_ids.shape} and {predicted_ids.shape}")
    for ids, what in ((true_ids, "true_masks"), (predicted_ids, "predicted_masks")):
        if ids.size and (ids.min() < 0 or ids.max() >= n_classes):
            raise ValueError(
                f"{what} should hold class ids in 0..{n_classes - 1}, got values from {ids.min()} to {ids.max()}"
            )
    pairs = true_ids.astype(np.int64).ravel() * n_classes + predicted_ids.astype(np.int64).ravel()
    return np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def pixel_accuracy(confusion):
    """The fraction of pixels whose predicted class is the true one."""
    confusion = np.asarray(confusion)
    return float(np.trace(confusion) / confusion.sum())


def intersection_over_union(confusion):
    """Per class, |true AND predicted| / |true OR predicted|; NaN for a class in neither (float64)."""
    confusion = np.asarray(confusion, dtype=np.float64)
    intersection = np.diag(confusion)
    union = confusion.sum(axis=0) + confusion.sum(axis=1) - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, intersection / union, np.nan)


def mean_iou(confusion):
    """The mean IoU over the classes that occur in the true or the predicted masks."""
    return float(np.nanmean(intersection_over_union(confusion)))


def iou_table(confusion, class_names):
    """Text lines, one per class present in the true masks: its share of the pixels and its IoU."""
    confusion = np.asarray(confusion)
    iou = intersection_over_union(confusion)
    share = confusion.sum(axis=1) / confusion.sum()
    lines = [f"{'class':<14} {'pixels':>7} {'IoU':>6}"]
    lines += [
        f"{class_names[index]:<14} {share[index]:>7.2%} {iou[index]:>6.3f}"
        for index in np.argsort(-share)
        if share[index] > 0
    ]
    return "\n".join(lines)


def show_segmentations(images, true_masks, predicted_masks=None, size=2.2):
    """One row per image: the image, its true mask and (if given) the predicted mask, with a class legend."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    true_ids = class_ids(true_masks, "true_masks")
    columns = [("image", images), ("true mask", true_ids)]
    if predicted_masks is not None:
        columns.append(("predicted mask", class_ids(predicted_masks, "predicted_masks")))
    rows = len(images)
    fig, axes = plt.subplots(
        rows, len(columns), figsize=(size * 4 / 3 * len(columns) + 2.8, size * rows), squeeze=False
    )
    for row in range(rows):
        for column, (title, data) in enumerate(columns):
            ax = axes[row, column]
            ax.imshow(data[row] if column == 0 else colorize(data[row]))
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title)
        handles = legend_handles(*[data[row] for _, data in columns[1:]])
        # two columns when many classes are present, so that a row's legend stays as high as its images
        axes[row, -1].legend(
            handles=handles,
            fontsize=7,
            loc="center left",
            bbox_to_anchor=(1.02, 0.5),
            frameon=False,
            ncol=1 if len(handles) <= 9 else 2,
            handlelength=1.2,
            columnspacing=0.8,
            labelspacing=0.3,
        )
    fig.tight_layout()
    plt.show()
