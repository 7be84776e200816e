"""Figures of detections: labelled boxes, the YOLO grid with its anchors, boxes before and after NMS."""

import matplotlib

matplotlib.use("Agg")

import IPython.display  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.core.paths import DATASETS_DIR  # noqa: E402
from utils.data.images import DARKNET_PHOTOS_DIR  # noqa: E402
from utils.lessons import box_drawing  # noqa: E402

NAMES = ("person", "bicycle", "car")
PHOTO = np.zeros((100, 200, 3), np.uint8)


@pytest.fixture
def shown(monkeypatch):
    """The images the figures display, instead of displaying them."""
    images = []
    monkeypatch.setattr(IPython.display, "display", images.append)
    return images


def photo_axes():
    _, ax = plt.subplots()
    ax.imshow(PHOTO)
    return ax


def test_draw_boxes_draws_one_coloured_box_and_label_per_detection():
    ax = photo_axes()
    box_drawing.draw_boxes(ax, [[10, 20, 60, 80], [100, 30, 150, 90]], [2, 0], NAMES, scores=[0.9, 0.456])
    assert [text.get_text() for text in ax.texts] == ["car 0.90", "person 0.46"]
    rectangles = list(ax.patches)
    assert [(r.get_x(), r.get_y(), r.get_width(), r.get_height()) for r in rectangles] == [
        (10, 20, 50, 60),
        (100, 30, 50, 60),
    ]
    assert rectangles[0].get_edgecolor() == box_drawing.class_colour(2) != box_drawing.class_colour(0)
    plt.close("all")


def test_labels_stay_on_the_photo():
    ax = photo_axes()
    # A box above the top edge, one near the right edge, one in the middle.
    box_drawing.draw_boxes(ax, [[-5, -10, 50, 40], [170, 50, 230, 90], [50, 50, 80, 80]], [0, 1, 2], NAMES)
    placements = [(text.get_position(), text.get_ha(), text.get_va()) for text in ax.texts]
    # imshow puts the right edge of a 200-pixel-wide photo at x = 199.5.
    assert placements == [((0, 0), "left", "top"), ((199.5, 50), "right", "bottom"), ((50, 50), "left", "bottom")]
    plt.close("all")


def test_a_label_that_would_cover_an_earlier_one_moves_inside_its_box_or_below_it():
    ax = photo_axes()
    # Three boxes with the same top-left corner, as two grids' boxes of one object often are.
    box_drawing.draw_boxes(
        ax, [[10, 30, 60, 80], [10, 30, 40, 50], [10, 30, 70, 60]], [2, 2, 2], NAMES, scores=[0.9, 0.8, 0.7]
    )
    placements = [(text.get_position(), text.get_va()) for text in ax.texts]
    assert placements == [((10, 30), "bottom"), ((10, 30), "top"), ((10, 60), "top")]
    extents = [text.get_window_extent() for text in ax.texts]
    assert not any(extents[i].fully_overlaps(extents[j]) for i in range(3) for j in range(i))
    plt.close("all")


def test_boxes_without_labels_and_no_boxes_at_all():
    ax = photo_axes()
    box_drawing.draw_boxes(ax, [[10, 20, 60, 80]], [1], NAMES, labels=False)
    box_drawing.draw_boxes(ax, np.zeros((0, 4)), np.zeros(0, int), NAMES, scores=np.zeros(0))
    assert len(ax.patches) == 1 and not ax.texts
    plt.close("all")


@pytest.mark.parametrize(
    "boxes, classes, scores, message",
    [
        (
            [10, 20, 60, 80],
            [0],
            None,
            r"boxes must have shape \(n, 4\), one \(x1, y1, x2, y2\) per row, got shape \(4,\)",
        ),
        (
            [[10, 20, 60, 80]] * 2,
            [0],
            [0.5, 0.6],
            "every box needs one class and one score: got 2 boxes, 1 classes, 2 scores",
        ),
        ([[10, 20, 60, 80]], [0], [0.5, 0.6], "got 1 boxes, 1 classes, 2 scores"),
        ([[10, 20, 60, 80]], [3], None, r"classes must be integer indices into the 3 class names, got \[3\]"),
        ([[10, 20, 60, 80]], [1.0], None, "classes must be integer indices"),
    ],
)
def test_detections_that_do_not_fit_give_a_clear_error(boxes, classes, scores, message):
    with pytest.raises(ValueError, match=message):
        box_drawing.draw_boxes(photo_axes(), boxes, classes, NAMES, scores=scores)
    plt.close("all")


def test_show_detections_displays_a_jpeg_of_a_photo_file(shown):
    photo = DATASETS_DIR / "photos" / "opencv" / "street_red_car.jpg"
    box_drawing.show_detections(photo, [0.86], [[110, 353, 162, 404]], [2], NAMES, title="street")
    assert len(shown) == 1 and shown[0].format == "jpeg" and shown[0].data[:2] == b"\xff\xd8"
    assert not plt.get_fignums(), "the figure is closed once shown"


def test_grid_and_anchors_and_nms_figures(shown):
    square = np.zeros((416, 416, 3), np.uint8)
    anchors = np.array([[81, 82], [135, 169], [344, 319]])
    box_drawing.show_grid_and_anchors(square, [(13, anchors), (26, anchors / 8)], (283, 347))
    before = ([0.9, 0.8], [[10, 10, 50, 50], [12, 12, 52, 52]], [2, 2])
    box_drawing.show_before_and_after_nms(PHOTO, before, ([0.9], [[10, 10, 50, 50]], [2]), NAMES)
    assert len(shown) == 2


def test_grid_figure_rejects_bad_input(shown):
    square = np.zeros((416, 416, 3), np.uint8)
    anchors = [[81, 82]]
    with pytest.raises(ValueError, match=r"the network input is square: got an image of shape \(100, 200, 3\)"):
        box_drawing.show_grid_and_anchors(PHOTO, [(13, anchors)], (10, 10))
    with pytest.raises(ValueError, match=r"point \(416, 10\) lies outside the 416x416 input"):
        box_drawing.show_grid_and_anchors(square, [(13, anchors)], (416, 10))
    with pytest.raises(ValueError, match=r"anchors must have shape \(k, 2\) as \(width, height\), got \(2,\)"):
        box_drawing.show_grid_and_anchors(square, [(13, [81, 82])], (10, 10))
    plt.close("all")


def test_load_photo_reads_files_and_checks_arrays():
    photo = box_drawing.load_photo(DARKNET_PHOTOS_DIR / "dog.jpg")
    assert photo.shape == (416, 555, 3) and photo.dtype == np.uint8
    assert box_drawing.load_photo(PHOTO) is PHOTO
    with pytest.raises(ValueError, match=r"a photo's path or an \(H, W, 3\) RGB array, got shape \(100, 200\)"):
        box_drawing.load_photo(PHOTO[..., 0])


def yolo_grid(grid_size, anchors=3, classes=3, seed=0):
    """yolo_head's outputs for one made-up image: (box_xy, box_wh, box_confidence, box_class_probs)."""
    rng = np.random.default_rng(seed)
    cells = (1, grid_size, grid_size, anchors)
    return rng.random(cells + (2,)), rng.random(cells + (2,)), rng.random(cells + (1,)), rng.random(cells + (classes,))


def test_best_class_per_cell_takes_the_best_score_over_anchors_and_classes():
    _, _, confidence, probabilities = yolo_grid(4)
    classes, scores = box_drawing.best_class_per_cell(confidence, probabilities)
    assert classes.shape == scores.shape == (4, 4)
    for row in range(4):
        for column in range(4):
            cell = confidence[0, row, column] * probabilities[0, row, column]  # (anchors, classes)
            anchor, best = np.unravel_index(cell.argmax(), cell.shape)
            assert (classes[row, column], scores[row, column]) == (best, cell[anchor, best])


def test_best_class_grids_display_a_jpeg(shown):
    square = np.zeros((64, 64, 3), np.uint8)
    box_drawing.show_best_class_grids(square, [yolo_grid(2), yolo_grid(4, seed=1)], NAMES, min_score=0.1)
    assert len(shown) == 1 and shown[0].format == "jpeg"
    assert not plt.get_fignums(), "the figure is closed once shown"


def test_best_class_grids_reject_bad_input(shown):
    square = np.zeros((64, 64, 3), np.uint8)
    box_xy, box_wh, confidence, probabilities = yolo_grid(2)
    with pytest.raises(ValueError, match=r"box_confidence must have shape \(1, S, S, anchors, 1\) for one image"):
        box_drawing.show_best_class_grids(square, [(box_xy, box_wh, confidence[0], probabilities)], NAMES)
    with pytest.raises(ValueError, match=r"box_class_probs must have shape \(1, S, S, anchors, classes\)"):
        box_drawing.show_best_class_grids(square, [(box_xy, box_wh, confidence, probabilities[:, :1])], NAMES)
    with pytest.raises(ValueError, match="box_class_probs has 3 classes for 2 class names"):
        box_drawing.show_best_class_grids(square, [yolo_grid(2)], NAMES[:2])
    with pytest.raises(ValueError, match=r"the network input is square: got an image of shape \(100, 200, 3\)"):
        box_drawing.show_best_class_grids(PHOTO, [yolo_grid(2)], NAMES)
    with pytest.raises(ValueError, match="min_score must lie between 0 and 1, got 0"):
        box_drawing.show_best_class_grids(square, [yolo_grid(2)], NAMES, min_score=0)
    plt.close("all")
