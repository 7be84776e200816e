"""Hidden cases for week4/Face_Recognition.ipynb.

``verify`` and ``who_is_it`` see dlib's own encodings of the course photos
(``datasets/face_encoder/dlib_reference.npz``, normalised to length 1): same
person 0.23-0.30 apart, different people 0.48-0.65, so a threshold of 0.7
instead of 0.4 lets strangers in. A stand-in camera takes the place of
``img_to_encoding`` (which the autograder's namespace does not hold), as in
the public tests; two made-up encodings sit just either side of 0.4.
"""

import contextlib
import functools
import io

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.cases import Case, LazyCase
from utils.grading.public_tests.face_recognition import Camera, at_distance, camera_in_place_of_img_to_encoding, unit
from utils.models.face_encoder import WEIGHTS_DIR

_REFERENCE = np.load(WEIGHTS_DIR / "dlib_reference.npz")
# "barack_obama_1.jpg" -> its unit-length dlib encoding, and two made-up photos near Joe Biden's.
PHOTOS = {
    str(name): unit(encoding.astype(np.float64)) for name, encoding in zip(_REFERENCE["files"], _REFERENCE["encodings"])
}
PHOTOS["near_biden_0.38.jpg"] = at_distance(PHOTOS["joe_biden.jpg"], 0.38, np.random.default_rng(5))
PHOTOS["near_biden_0.42.jpg"] = at_distance(PHOTOS["joe_biden.jpg"], 0.42, np.random.default_rng(6))
MODEL = "face encoder"  # any object: the camera checks that the function passes on the one it was given


def database(*names):
    """``{person: (1, 128) float32 encoding}`` from photo names such as "barack_obama_1"."""
    return {name.rstrip("_0123456789"): PHOTOS[f"{name}.jpg"].astype(np.float32)[None] for name in names}


OFFICE = ("barack_obama_1", "joe_biden", "eileen_collins")


def triplets(seed, scale, batch, size, alpha):
    """Arguments ``(None, [anchor, positive, negative], alpha)``: random (batch, size) float32 tensors."""
    tf = import_tensorflow_quietly()
    rng = np.random.default_rng(seed)
    return (None, [tf.constant(rng.normal(0, scale, (batch, size)), tf.float32) for _ in range(3)], alpha), {}


def with_camera(function, args, kwargs):
    """``function(*args, **kwargs)`` with the camera showing the photo ``args[0]``; adds whether it printed
    "not in the database"."""
    image_path, model = args[0], args[-1]
    printed = io.StringIO()
    camera = Camera({image_path: PHOTOS[image_path]}, model)
    with camera_in_place_of_img_to_encoding(function, camera), contextlib.redirect_stdout(printed):
        result = function(*args, **kwargs)
    if not isinstance(result, tuple):
        return result
    return (*result, "not in the database" in printed.getvalue().lower())


CASES = {
    "triplet_loss": [
        LazyCase(functools.partial(triplets, *spec))
        for spec in [(11, 0.1, 5, 128, 0.2), (12, 1.0, 2, 7, 3.0), (13, 0.5, 8, 16, 0.1)]
    ],
    "verify": [
        Case("barack_obama_2.jpg", "barack_obama", database(*OFFICE), MODEL),
        Case("grace_hopper.jpg", "eileen_collins", database(*OFFICE), MODEL),
        Case("lionel_messi.jpg", "grace_hopper", database(*OFFICE, "grace_hopper"), MODEL),
        Case("near_biden_0.38.jpg", "joe_biden", database(*OFFICE), MODEL),
        Case("near_biden_0.42.jpg", "joe_biden", database(*OFFICE), MODEL),
    ],
    "who_is_it": [
        Case("barack_obama_3.jpg", database(*OFFICE), MODEL),
        Case("barack_obama_2.jpg", database("joe_biden", "eileen_collins", "barack_obama_1"), MODEL),
        Case("grace_hopper.jpg", database(*OFFICE), MODEL),
        Case("lionel_messi.jpg", database("eileen_collins", "grace_hopper"), MODEL),
        Case("near_biden_0.42.jpg", database(*OFFICE), MODEL),
    ],
}
OUTCOMES = {"verify": with_camera, "who_is_it": with_camera}
