"""Public tests for week4/Face_Recognition.ipynb.

``triplet_loss`` is compared with a NumPy reference in float64. ``verify`` and
``who_is_it`` run without photos or a network: while they are tested, the
name ``img_to_encoding`` in the learner's notebook points to a stand-in
camera that returns prepared encodings (unit vectors at chosen distances from
the people of a small database) and checks that it is called with the
image path and the model that were passed in; the learner's own
``img_to_encoding`` is put back afterwards. Distances sit just either side of
the threshold of 0.4 (a person is recognised when the distance is below it).
"""

import contextlib
import io

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.grading.checks import CheckFailed, call_function, check_array, check_tuple, check_type

tf = import_tensorflow_quietly()

THRESHOLD = 0.4
ENCODING_SIZE = 128
DIST_TOLERANCE = 1e-5


def _passed():
    print("All tests passed.")


# --- triplet_loss ------------------------------------------------------------------------------------------


def _triplet_loss_reference(anchor, positive, negative, alpha):
    anchor, positive, negative = (np.asarray(x, np.float64) for x in (anchor, positive, negative))
    margins = np.sum((anchor - positive) ** 2, axis=-1) - np.sum((anchor - negative) ** 2, axis=-1) + alpha
    return np.sum(np.maximum(margins, 0.0))


def _random_triplets(seed, batch, size, scale=1.0):
    rng = np.random.default_rng(seed)
    return [tf.constant(rng.normal(0, scale, (batch, size)), tf.float32) for _ in range(3)]


def _mixed_triplets():
    """Three 2-d triplets: one violates the margin, one meets it by far, one sits just inside it."""
    anchor = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    positive = np.array([[1.0, 0.0], [1.0, 1.1], [0.5, 0.0]])
    negative = np.array([[0.0, 0.5], [4.0, 1.0], [0.0, 0.6]])
    return [tf.constant(x, tf.float32) for x in (anchor, positive, negative)]


def triplet_loss_test(target):
    cases = [
        ("4 random 128-d triplets, default alpha", _random_triplets(0, 4, ENCODING_SIZE, 0.1), {}),
        ("3 random 128-d triplets, alpha=0.5", _random_triplets(1, 3, ENCODING_SIZE, 0.1), {"alpha": 0.5}),
        ("one 5-d triplet, alpha=5 (the margin is violated)", _random_triplets(2, 1, 5), {"alpha": 5.0}),
        (
            "3 triplets in 2-d: one violates the margin, one meets it by far (contributes 0), one is just inside",
            _mixed_triplets(),
            {"alpha": 0.2},
        ),
        ("6 random 3-d triplets far apart, alpha=0.2 (some contribute 0)", _random_triplets(3, 6, 3, 2.0), {}),
    ]
    for case, y_pred, options in cases:
        loss = call_function(target, None, y_pred, name="triplet_loss", case=case, **options)
        expected = _triplet_loss_reference(*y_pred, options.get("alpha", 0.2))
        check_array(
            loss,
            np.float32(expected),
            name="triplet_loss",
            case=case,
            what="the loss",
            accept_tensors=True,
            check_dtype=False,
            rtol=1e-5,
            atol=1e-5,
        )
    _passed()


# --- verify and who_is_it ----------------------------------------------------------------------------------


def unit(vector):
    """``vector`` scaled to length 1."""
    return vector / np.linalg.norm(vector)


def at_distance(encoding, distance, rng):
    """A unit vector ``distance`` away from the unit vector ``encoding``, in a random direction."""
    direction = rng.normal(size=encoding.shape)
    direction = unit(direction - (direction @ encoding) * encoding)
    angle = 2 * np.arcsin(distance / 2)
    return np.cos(angle) * encoding + np.sin(angle) * direction


def _database(names, seed):
    """``{name: (1, 128) float32 unit vector}``, far apart as random 128-d vectors are (distance about 1.4)."""
    rng = np.random.default_rng(seed)
    return {name: unit(rng.normal(size=ENCODING_SIZE)).astype(np.float32)[None] for name in names}


class Camera:
    """Stands in for ``img_to_encoding``: prepared 1-d encodings by image path, for one model object only."""

    def __init__(self, encodings, model):
        self.encodings = encodings
        self.model = model
        self.calls = []

    def __call__(self, image_path, model):
        self.calls.append(image_path)
        if model is not self.model:
            raise CheckFailed("img_to_encoding was called with another model than the one passed to the function.")
        if image_path not in self.encodings:
            raise CheckFailed(f"img_to_encoding was called with {image_path!r}, not with the image_path passed in.")
        return self.encodings[image_path].astype(np.float32)[None]


@contextlib.contextmanager
def camera_in_place_of_img_to_encoding(target, camera):
    """While inside, the name ``img_to_encoding`` in ``target``'s module means ``camera``; then the old one is back."""
    namespace = target.__globals__
    missing = object()
    own = namespace.get("img_to_encoding", missing)
    namespace["img_to_encoding"] = camera
    try:
        yield
    finally:
        if own is missing:
            del namespace["img_to_encoding"]
        else:
            namespace["img_to_encoding"] = own


def _call_with_camera(target, encoding, args_before, args_after, *, name, case):
    """Call ``target(image_path, *args)`` with a camera that shows ``encoding``; returns (result, printed text)."""
    image_path = "images/camera_test.jpg"
    model = object()  # the camera checks that this very object is passed on
    camera = Camera({image_path: encoding}, model)
    printed = io.StringIO()
    with camera_in_place_of_img_to_encoding(target, camera), contextlib.redirect_stdout(printed):
        result = call_function(target, image_path, *args_before, *args_after, model, name=name, case=case)
    if not camera.calls:
        raise CheckFailed(f"{name}, case {case!r}: compute the encoding with img_to_encoding(image_path, model).")
    return result, printed.getvalue()


def _check_distance(dist, expected, *, name, case, what):
    check_array(
        dist,
        np.float32(expected),
        name=name,
        case=case,
        what=what,
        accept_tensors=True,
        check_dtype=False,
        rtol=0,
        atol=DIST_TOLERANCE,
    )


def _check_database_unchanged(database, copy, *, name, case):
    if set(database) != set(copy) or any(not np.array_equal(database[key], copy[key]) for key in copy):
        raise CheckFailed(f"{name}, case {case!r}: the database was changed; only read it.")


def verify_test(target):
    names = ["younes", "tian", "andrew"]
    rng = np.random.default_rng(10)
    cases = [
        ("the person claimed, 0.25 away", "tian", "tian", 0.25),
        ("the person claimed, 0.39 away (just below the threshold 0.4)", "andrew", "andrew", 0.39),
        ("someone 0.41 away from the person claimed (just above the threshold)", "younes", "younes", 0.41),
        ("someone 0.6 away from the person claimed", "tian", "tian", 0.6),
        ("someone close to tian (0.1) who claims to be younes", "younes", "tian", 0.1),
    ]
    for case, identity, near, distance in cases:
        database = _database(names, seed=len(case))
        copy = {key: value.copy() for key, value in database.items()}
        encoding = at_distance(database[near][0].astype(np.float64), distance, rng)
        expected = float(np.linalg.norm(encoding - database[identity][0]))
        result, _ = _call_with_camera(target, encoding, (identity, database), (), name="verify", case=case)
        dist, door_open = check_tuple(result, ("dist", "door_open"), name="verify", case=case)
        _check_distance(dist, expected, name="verify", case=case, what="dist (the L2 distance to the identity)")
        check_type(door_open, (bool, np.bool_), name="verify", case=case, hint="door_open should be True or False.")
        if bool(door_open) != (expected < THRESHOLD):
            raise CheckFailed(
                f"verify, case {case!r}: the distance is {expected:.4f}, so door_open should be "
                f"{expected < THRESHOLD} (the door opens when dist < {THRESHOLD}), got {door_open}."
            )
        _check_database_unchanged(database, copy, name="verify", case=case)
    _passed()


def who_is_it_test(target):
    rng = np.random.default_rng(20)
    people = ["danielle", "younes", "tian", "kian", "dan"]
    # (case, database, {name: distance of the camera's encoding to that person}, expected identity)
    cases = [
        ("kian, 0.2 away; everyone else far", people, {"kian": 0.2}, "kian"),
        ("the first person in the database, 0.3 away", people, {"danielle": 0.3}, "danielle"),
        ("the last person in the database, 0.39 away (just below the threshold 0.4)", people, {"dan": 0.39}, "dan"),
        ("a stranger: the closest person is 0.41 away (just above the threshold)", people, {"tian": 0.41}, None),
        ("a stranger: the closest person is 0.7 away", people, {"younes": 0.7}, None),
        ("a database of one person, 0.15 away", ["younes"], {"younes": 0.15}, "younes"),
    ]
    for case, names, near, expected_identity in cases:
        database = _database(names, seed=len(case))
        copy = {key: value.copy() for key, value in database.items()}
        ((closest, distance),) = near.items()
        encoding = at_distance(database[closest][0].astype(np.float64), distance, rng)
        distances = {name: float(np.linalg.norm(encoding - database[name][0])) for name in names}
        result, printed = _call_with_camera(target, encoding, (database,), (), name="who_is_it", case=case)
        min_dist, identity = check_tuple(result, ("min_dist", "identity"), name="who_is_it", case=case)
        _check_distance(
            min_dist,
            min(distances.values()),
            name="who_is_it",
            case=case,
            what="min_dist (the smallest L2 distance to anyone in the database)",
        )
        if identity != expected_identity:
            wanted = (
                f"{expected_identity!r}"
                if expected_identity
                else "None (nobody in the database is closer than the threshold 0.4)"
            )
            raise CheckFailed(
                f"who_is_it, case {case!r}: identity should be {wanted}, got {identity!r}. "
                f"Distances: { {name: round(value, 4) for name, value in distances.items()} }"
            )
        if expected_identity is None and "not in the database" not in printed.lower():
            raise CheckFailed(
                f'who_is_it, case {case!r}: for a stranger, print "Not in the database."; printed {printed.strip()!r}.'
            )
        _check_database_unchanged(database, copy, name="who_is_it", case=case)
    _passed()
