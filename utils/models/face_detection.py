"""Find faces in a photo and cut out aligned 150x150 face chips for the face encoder.

``detect_faces`` runs MTCNN (PyPI ``mtcnn``, MIT, TensorFlow, weights bundled):
a box, a confidence and five landmarks (both eyes, nose tip, both mouth
corners) per face. ``align_face`` rotates, scales and shifts the photo so that
those landmarks land where dlib puts them in its face chips, the input the
encoder (``utils.models.face_encoder``) was trained on. ``face_chip`` does both for
the largest face in an image file.
"""

import functools

import numpy as np

from utils.core.paths import DATASETS_DIR
from utils.data.images import read_rgb

# Photos of named people (and one without a face), with their sources in README.md.
FACE_PHOTOS_DIR = DATASETS_DIR / "photos" / "faces"
CHIP_SIZE = 150
# dlib's face chips show the face with a margin of 25% of its size on each side.
CHIP_PADDING = 0.25
# Faces MTCNN is less sure of than this are ignored (its own default is 0.8).
MIN_CONFIDENCE = 0.9

# Where dlib's chips put MTCNN's five landmarks, in a unit square around the
# face before padding, as (x, y) with y down. They are the matching points of
# dlib's 68-point mean face shape (dlib/image_transforms/interpolation.h,
# get_face_chip_details): the mean of the six points around each eye, the
# nose tip (point 30) and the mouth corners (points 48 and 54). Order as
# detect_faces returns them: eye on the image's left, eye on the right, nose,
# mouth corner on the left, mouth corner on the right.
MTCNN_TEMPLATE = np.array(
    [
        [0.2254918, 0.2159903],
        [0.7547613, 0.2159903],
        [0.490127, 0.515625],
        [0.254149, 0.780233],
        [0.726104, 0.780233],
    ]
)
# dlib's own template for its 5-point shape predictor (outer and inner corner
# of the eye on the image's right, then of the left eye, then the base of the
# nose), from the same function; for landmarks that came from dlib.
DLIB_5_POINT_TEMPLATE = np.array(
    [
        [0.8595674595992, 0.2134981538014],
        [0.6460604764104, 0.2289674387677],
        [0.1205750620789, 0.2137274526848],
        [0.3340850613712, 0.2290642403242],
        [0.4901123135679, 0.6277975316475],
    ]
)
_MTCNN_KEYPOINTS = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


class NoFaceFound(ValueError):
    """An image in which the detector found no face."""


def read_mtcnn_weights(name):
    """The arrays of one of MTCNN's bundled weights files (``pnet.lz4``, ...), read with every file closed.

    mtcnn reads them with ``joblib.load(path)``, which leaves an lz4 reader to be collected after its file has
    closed; on Python 3.13 collecting it prints "Exception ignored ... I/O operation on closed file" to stderr,
    into the notebook's output. Here the lz4 reader is closed before its file.
    """
    import importlib.resources

    import joblib
    import lz4.frame

    with lz4.frame.open(importlib.resources.files("mtcnn.assets.weights") / name, "rb") as decompressed:
        return joblib.load(decompressed)


@functools.cache
def _detector():
    from mtcnn import MTCNN
    from mtcnn.stages import stage_onet, stage_pnet, stage_rnet

    stages = (stage_pnet, stage_rnet, stage_onet)
    loaders = [stage.load_weights for stage in stages]
    for stage in stages:  # each stage module calls the load_weights it imported
        stage.load_weights = read_mtcnn_weights
    try:
        return MTCNN()
    finally:
        for stage, loader in zip(stages, loaders):
            stage.load_weights = loader


def detect_faces(image, min_confidence=MIN_CONFIDENCE):
    """The faces MTCNN finds in an (H, W, 3) uint8 RGB image, largest first.

    Returns ``(boxes, landmarks, confidences)``: boxes (n, 4) as (x, y, width,
    height) in pixels, landmarks (n, 5, 2) as (x, y) in the order of
    ``MTCNN_TEMPLATE``, confidences (n,). n is 0 when there is no face.
    """
    image = _check_image(image)
    faces = [face for face in _detector().detect_faces(image) if face["confidence"] >= min_confidence]
    faces.sort(key=lambda face: face["box"][2] * face["box"][3], reverse=True)
    boxes = np.array([face["box"] for face in faces], dtype=np.float64).reshape(-1, 4)
    landmarks = np.array(
        [[face["keypoints"][name] for name in _MTCNN_KEYPOINTS] for face in faces], dtype=np.float64
    ).reshape(-1, 5, 2)
    confidences = np.array([face["confidence"] for face in faces], dtype=np.float64)
    return boxes, landmarks, confidences


def _check_image(image):
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 RGB image, got shape {image.shape} and dtype {image.dtype}")
    return image


def similarity_transform(source, target):
    """The 3x3 matrix of the rotation + uniform scale + shift that best maps points ``source`` onto ``target``.

    Least squares over all point pairs, (n, 2) arrays of (x, y). With
    a = s cos(angle), b = s sin(angle), each pair gives two linear equations
    x' = a x - b y + tx and y' = b x + a y + ty.
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    x, y = source[:, 0], source[:, 1]
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    equations = np.concatenate([np.stack([x, -y, ones, zeros], 1), np.stack([y, x, zeros, ones], 1)])
    a, b, tx, ty = np.linalg.lstsq(equations, np.concatenate([target[:, 0], target[:, 1]]), rcond=None)[0]
    return np.array([[a, -b, tx], [b, a, ty], [0.0, 0.0, 1.0]])


def align_face(image, landmarks, template=MTCNN_TEMPLATE, size=CHIP_SIZE, padding=CHIP_PADDING):
    """A (size, size, 3) uint8 face chip in which ``landmarks`` (5, 2) land on ``template``.

    ``template`` holds the landmarks' places in a unit square around the face;
    ``padding`` adds that fraction of the face's size on each side. The chip is
    sampled as dlib's get_face_chip samples it (bilinear, black outside the
    photo, values truncated): given dlib's 5 landmarks and
    DLIB_5_POINT_TEMPLATE it reproduces dlib's chip exactly. A face shrunk more
    than twice is blurred first against aliasing, where dlib uses an image pyramid.
    """
    import skimage.filters
    import skimage.transform

    image = _check_image(image)
    template_to_image = similarity_transform((padding + np.asarray(template)) / (1 + 2 * padding) * size, landmarks)
    shrink = np.hypot(template_to_image[0, 0], template_to_image[1, 0])
    # dlib's chip_details: chip pixels 0 and size-1 sit on the edges of a box
    # (size * shrink - 1) image pixels wide, centred where the template's centre lands.
    chip_to_image = template_to_image.copy()
    chip_to_image[:2, :2] *= (size * shrink - 1) / ((size - 1) * shrink)
    centre = np.array([size / 2, size / 2, 1.0])
    chip_to_image[:2, 2] = (template_to_image @ centre)[:2] - chip_to_image[:2, :2] @ np.full(2, (size - 1) / 2)
    pixels = image.astype(np.float64)
    if shrink > 2:
        pixels = skimage.filters.gaussian(pixels, sigma=(shrink - 1) / 2, channel_axis=-1, preserve_range=True)
    chip = skimage.transform.warp(
        pixels, chip_to_image, output_shape=(size, size), order=1, mode="constant", cval=0, preserve_range=True
    )
    return np.clip(np.floor(chip), 0, 255).astype(np.uint8)


def face_chip(image_path):
    """The aligned chip of the largest face in an image file; NoFaceFound (naming the file) if there is none."""
    image = read_rgb(image_path)
    _, landmarks, _ = detect_faces(image)
    if len(landmarks) == 0:
        raise NoFaceFound(
            f"{image_path}: no face found (MTCNN, confidence >= {MIN_CONFIDENCE}). "
            "Use a photo in which one face is clearly visible, seen from the front."
        )
    return align_face(image, landmarks[0])
