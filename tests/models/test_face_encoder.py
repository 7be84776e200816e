"""The Keras face encoder agrees with dlib, and the detection + alignment pipeline tells people apart."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from utils.data.images import read_rgb
from utils.models import face_detection, face_encoder

REFERENCE = np.load(face_encoder.WEIGHTS_DIR / "dlib_reference.npz")
# Named people in datasets/photos/faces: file name without a trailing "_<n>".
PEOPLE = {name: name.removesuffix(".jpg").rstrip("_0123456789") for name in REFERENCE["files"]}
NO_FACE_PHOTO = face_detection.FACE_PHOTOS_DIR / "chelsea_the_cat.jpg"


@pytest.fixture(scope="module")
def model():
    return face_encoder.load_face_encoder()


def encode(model, chips):
    return model.predict(np.asarray(chips, dtype=np.float32), verbose=0)


def unit(vectors):
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_architecture():
    model = face_encoder.build_face_encoder()
    assert model.input_shape == (None, 150, 150, 3) and model.output_shape == (None, 128)
    assert model.count_params() == 5_607_488
    assert len([layer for layer in model.layers if "Conv2D" in type(layer).__name__]) == 29


def test_encoder_agrees_with_dlib_on_dlib_chips(model):
    # Only face-api's 8-bit rounding of dlib's weights separates the two (0.025-0.031 measured).
    distances = np.linalg.norm(encode(model, REFERENCE["chips"]) - unit(REFERENCE["encodings"]), axis=1)
    assert distances.max() < 0.04, dict(zip(REFERENCE["files"], distances.round(4)))


def test_encodings_are_unit_vectors(model):
    encodings = encode(model, REFERENCE["chips"][:2])
    np.testing.assert_allclose(np.linalg.norm(encodings, axis=1), 1.0, rtol=1e-5)


def test_align_face_with_dlib_landmarks_reproduces_dlib_chips():
    for name, points, dlib_chip in zip(REFERENCE["files"], REFERENCE["landmarks"], REFERENCE["chips"]):
        chip = face_detection.align_face(
            read_rgb(face_detection.FACE_PHOTOS_DIR / name),
            points,
            template=face_detection.DLIB_5_POINT_TEMPLATE,
        )
        difference = np.abs(chip.astype(np.int16) - dlib_chip)
        # Bit-exact here; one level of rounding is left to other platforms' float arithmetic.
        assert difference.max() <= 1 and np.mean(difference > 0) < 0.01, name


def test_same_person_is_closer_than_different_people(model):
    files = list(PEOPLE)
    encodings = encode(model, [face_detection.face_chip(face_detection.FACE_PHOTOS_DIR / name) for name in files])
    distances = np.linalg.norm(encodings[:, None] - encodings[None], axis=-1)
    people = np.array([PEOPLE[name] for name in files])
    same = (people[:, None] == people[None]) & ~np.eye(len(files), dtype=bool)
    different = people[:, None] != people[None]
    assert same.sum() == 6  # three photos of Barack Obama
    assert distances[same].max() < 0.4 < distances[different].min(), np.round(distances, 3)
    # The MTCNN chips stay close to dlib's own chips of the same photos.
    assert np.linalg.norm(encodings - unit(REFERENCE["encodings"]), axis=1).max() < 0.2


def test_detect_faces_finds_one_face_with_landmarks_inside_its_box():
    boxes, landmarks, confidences = face_detection.detect_faces(
        read_rgb(face_detection.FACE_PHOTOS_DIR / "grace_hopper.jpg")
    )
    assert boxes.shape == (1, 4) and landmarks.shape == (1, 5, 2) and confidences.shape == (1,)
    x, y, width, height = boxes[0]
    assert np.all((landmarks[0] >= [x, y]) & (landmarks[0] <= [x + width, y + height]))
    left_eye, right_eye, nose = landmarks[0][:3]
    assert left_eye[0] < nose[0] < right_eye[0] and confidences[0] > 0.9


def test_no_face_gives_a_clear_error():
    with pytest.raises(face_detection.NoFaceFound, match="chelsea_the_cat.jpg: no face found"):
        face_detection.face_chip(NO_FACE_PHOTO)
    boxes, landmarks, confidences = face_detection.detect_faces(read_rgb(NO_FACE_PHOTO))
    assert boxes.shape == (0, 4) and landmarks.shape == (0, 5, 2) and confidences.shape == (0,)


def test_bad_inputs_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such.jpg: no such image file"):
        read_rgb(tmp_path / "no_such.jpg")
    with pytest.raises(ValueError, match=r"expected an \(H, W, 3\) uint8 RGB image"):
        face_detection.detect_faces(np.zeros((8, 8)))


def test_similarity_transform_recovers_a_known_transform():
    angle, scale, shift = 0.3, 1.7, np.array([5.0, -2.0])
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 1.0]])
    matrix = face_detection.similarity_transform(source, source @ rotation.T + shift)
    np.testing.assert_allclose(matrix, np.vstack([np.c_[rotation, shift], [0, 0, 1]]), atol=1e-12)


@pytest.fixture
def weights_copy(tmp_path):
    """Copies of the weights file and its manifest, for a test to damage: ``(weights, manifest)``."""
    copies = tuple(tmp_path / path.name for path in (face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE))
    for path, copy in zip((face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE), copies):
        shutil.copyfile(path, copy)
    return copies


def test_missing_weights_name_the_file_and_the_fix(weights_copy):
    weights_copy[0].unlink()
    with pytest.raises(
        FileNotFoundError,
        match=r"face_recognition_model\.bin is missing\. Restore it with "
        r"`git checkout -- datasets/face_encoder/",
    ):
        face_encoder.load_face_encoder(*weights_copy)


def test_truncated_weights_name_the_file_and_the_fix(weights_copy):
    weights_copy[1].write_bytes(weights_copy[1].read_bytes()[:1000])
    with pytest.raises(
        ValueError,
        match=r"face_recognition_model-weights_manifest\.json is not the expected file \(truncated, changed, or a "
        r"Git LFS pointer\): its sha256 is [0-9a-f]{64}.*derive it again as datasets/face_encoder/README\.md describes",
    ):
        face_encoder.load_face_encoder(*weights_copy)


def test_weights_that_do_not_fit_are_rejected():
    arrays = face_encoder.read_quantised_weights(face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE)
    del arrays["fc"]
    with pytest.raises(ValueError, match=r"missing \['fc'\]"):
        face_encoder.set_face_api_weights(face_encoder.build_face_encoder(), arrays)


# mtcnn's own loader, the reference here, leaves the lz4 reader that Python 3.13 reports at collection
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_mtcnn_gets_its_own_weights_read_with_every_file_closed():
    """The detector's arrays are mtcnn's own; reading them leaves nothing to print at garbage collection."""
    from mtcnn.utils.tensorflow import load_weights

    for name in ("pnet.lz4", "rnet.lz4", "onet.lz4"):
        ours, theirs = face_detection.read_mtcnn_weights(name), load_weights(name)
        assert len(ours) == len(theirs) and all(np.array_equal(a, b) for a, b in zip(ours, theirs))
    code = (
        "import gc\n"
        "import utils.quiet_tensorflow\n"
        "import numpy as np\n"
        "from utils.models.face_detection import detect_faces\n"
        "detect_faces(np.zeros((64, 64, 3), np.uint8))\n"
        "gc.collect()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr == ""
