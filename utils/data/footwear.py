"""Sandals and ankle boots: a folder of real product photos with one sub-folder per class.

The photos are the first 250 sandals and the first 250 ankle boots of
Fashion-MNIST's test split (``utils.data.fashion_mnist``), saved as 28x28 greyscale
PNG files by ``python -m utils.derive.footwear``, so that week2/Transfer_learning_with_MobileNet
can read them with ``tf.keras.utils.image_dataset_from_directory`` as the original course read
its alpaca photos. ``datasets/SHA256SUMS`` lists every photo with its sha256;
``footwear_directory()`` checks the folder against it before handing it out:

    tf.keras.utils.image_dataset_from_directory(footwear_directory(), ...)   # class_names: ankle_boot, sandal
"""

from pathlib import Path

from utils.core.checksums import recorded_checksums, verify_data_file
from utils.core.errors import ChangedDataFile
from utils.core.paths import DATASETS_DIR
from utils.data.fashion_mnist import CLASS_NAMES

FOLDER_NAME = "footwear"  # the photos' folder in datasets/, and in datasets/SHA256SUMS
FOOTWEAR_DIR = DATASETS_DIR / FOLDER_NAME
# Sub-folder name -> Fashion-MNIST label. image_dataset_from_directory numbers the
# sub-folders alphabetically: ankle_boot is class 0, sandal is class 1.
CLASS_LABELS = {"ankle_boot": CLASS_NAMES.index("Ankle boot"), "sandal": CLASS_NAMES.index("Sandal")}
PER_CLASS = 250


def photo_name(index):
    """The file name of the test-split photo number ``index``: it keeps the photo's origin visible."""
    return f"fashion_mnist_test_{index:05d}.png"


def recorded_photos():
    """The photos' paths relative to the folder, as datasets/SHA256SUMS lists them, in its order."""
    prefix = f"{FOLDER_NAME}/"
    return [name[len(prefix) :] for name in recorded_checksums() if name.startswith(prefix)]


def footwear_directory(folder=FOOTWEAR_DIR):
    """The photo folder (or a copy of it), after checking it holds exactly the recorded photos, unchanged.

    A missing photo raises MissingDataFile (a FileNotFoundError), a changed or foreign one ChangedDataFile
    (a ValueError); both name the file and how to restore it.
    """
    folder = Path(folder)
    expected = recorded_photos()
    present = {
        path.relative_to(folder).as_posix()
        for name in CLASS_LABELS
        for path in (folder / name).glob("*")
        if path.is_file()
    }
    missing = sorted(set(expected) - present)
    if missing:
        verify_data_file(folder / missing[0], f"{FOLDER_NAME}/{missing[0]}")  # raises, naming the file and the fix
    foreign = sorted(present - set(expected))
    if foreign:
        raise ChangedDataFile(
            f"{folder / foreign[0]} is not one of the dataset's photos ({len(foreign)} unexpected "
            "files): image_dataset_from_directory would read it too. Remove it, or restore the "
            "folder with `git checkout -- datasets/footwear`."
        )
    for name in expected:
        verify_data_file(folder / name, f"{FOLDER_NAME}/{name}")
    return folder
