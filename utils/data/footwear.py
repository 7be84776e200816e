"""Sandals and ankle boots: a folder of real product photos with one sub-folder per class.

The photos are the first 250 sandals and the first 250 ankle boots of
Fashion-MNIST's test split (``utils.data.fashion_mnist``), saved as 28x28 greyscale
PNG files, so that week2/Transfer_learning_with_MobileNet can read them with
``tf.keras.utils.image_dataset_from_directory`` as the original course read
its alpaca photos. ``SHA256SUMS`` lists every file with its sha256;
``footwear_directory()`` checks the folder against it before handing it out.

    train_dataset, validation_dataset = load_footwear_datasets()   # 400 + 100 photos, 160x160 RGB
    train_dataset.class_names                                       # ['ankle_boot', 'sandal']

    python -m utils.data.footwear            # derive datasets/footwear/ again
"""
import argparse
import hashlib
import io
from pathlib import Path

import numpy as np
import tensorflow as tf

from utils.core.paths import DATASETS_DIR
from utils.data.fashion_mnist import CLASS_NAMES, load_fashion_mnist
from utils.core.checksums import sha256_of, verify_sha256

FOOTWEAR_DIR = DATASETS_DIR / "footwear"
MANIFEST_NAME = "SHA256SUMS"
# The manifest's own checksum: a changed manifest would otherwise vouch for changed photos.
MANIFEST_SHA256 = "54972be4979fa12caee456b9c89a7fac87d1dc175d3ccd591a0a1b027e02610e"
# Sub-folder name -> Fashion-MNIST label. image_dataset_from_directory numbers the
# sub-folders alphabetically: ankle_boot is class 0, sandal is class 1.
CLASS_LABELS = {"ankle_boot": CLASS_NAMES.index("Ankle boot"), "sandal": CLASS_NAMES.index("Sandal")}
PER_CLASS = 250
# The original course's reading of its alpaca folder.
IMAGE_SIZE = (160, 160)
BATCH_SIZE = 32
VALIDATION_SPLIT = 0.2
SPLIT_SEED = 42
FIX = ("Restore the folder with `git checkout -- datasets/footwear`, or derive it again with "
       "`python -m utils.data.footwear`.")


def photo_name(index):
    """The file name of the test-split photo number ``index``: it keeps the photo's origin visible."""
    return f"fashion_mnist_test_{index:05d}.png"


def png_bytes(image):
    """A 28x28 uint8 greyscale image as PNG bytes (Pillow, no metadata: the same pixels give the same bytes)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, np.uint8)).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def derive_footwear(folder=FOOTWEAR_DIR):
    """Write the photos and their ``SHA256SUMS`` into ``folder``; return the manifest's sha256."""
    folder = Path(folder)
    images, labels = load_fashion_mnist()
    lines = []
    for class_name, label in sorted(CLASS_LABELS.items()):
        class_folder = folder / class_name
        class_folder.mkdir(parents=True, exist_ok=True)
        for stale in class_folder.glob("*.png"):
            stale.unlink()
        for index in np.flatnonzero(labels == label)[:PER_CLASS]:
            data = png_bytes(images[index])
            (class_folder / photo_name(index)).write_bytes(data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {class_name}/{photo_name(index)}\n")
    manifest = folder / MANIFEST_NAME
    manifest.write_text("".join(lines), encoding="utf-8")
    return sha256_of(manifest)


def read_manifest(folder):
    """``{relative path: sha256}`` from the folder's verified ``SHA256SUMS`` (sha256sum's format)."""
    manifest = verify_sha256(Path(folder) / MANIFEST_NAME, MANIFEST_SHA256, FIX)
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        entries[name] = digest
    return entries


def footwear_directory(folder=FOOTWEAR_DIR):
    """The photo folder, after checking it holds exactly the files of its manifest, unchanged.

    A missing photo raises FileNotFoundError, a changed or foreign one
    ValueError; both name the file and how to restore it.
    """
    folder = Path(folder)
    expected = read_manifest(folder)
    present = {path.relative_to(folder).as_posix() for name in CLASS_LABELS
               for path in (folder / name).glob("*") if path.is_file()}
    missing = sorted(set(expected) - present)
    if missing:
        raise FileNotFoundError(f"{folder / missing[0]} is missing ({len(missing)} photos missing). {FIX}")
    foreign = sorted(present - set(expected))
    if foreign:
        raise ValueError(f"{folder / foreign[0]} is not one of the dataset's photos ({len(foreign)} unexpected "
                         f"files): image_dataset_from_directory would read it too. {FIX}")
    for name, digest in expected.items():
        verify_sha256(folder / name, digest, FIX)
    return folder


def load_footwear_datasets(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, folder=FOOTWEAR_DIR):
    """``(train_dataset, validation_dataset)``: 80% and 20% of the checked photo folder, batched and prefetched.

    Each batch is ``(images, labels)``: float32 RGB values in [0, 255] of shape
    (n, height, width, 3), and int32 labels (0 ankle_boot, 1 sandal). Both
    datasets keep ``image_dataset_from_directory``'s ``class_names`` and
    ``file_paths``. The split is fixed by ``seed=42``; the training photos are
    shuffled anew every epoch.
    """
    directory = footwear_directory(folder)
    datasets = []
    for subset in ("training", "validation"):
        dataset = tf.keras.utils.image_dataset_from_directory(
            directory, shuffle=True, batch_size=batch_size, image_size=tuple(image_size),
            validation_split=VALIDATION_SPLIT, subset=subset, seed=SPLIT_SEED)
        prefetched = dataset.prefetch(tf.data.AUTOTUNE)
        # prefetch() returns a new dataset object: carry the folder's description over.
        prefetched.class_names, prefetched.file_paths = dataset.class_names, dataset.file_paths
        datasets.append(prefetched)
    return tuple(datasets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=FOOTWEAR_DIR, help="folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    digest = derive_footwear(args.out)
    print(f"wrote {2 * PER_CLASS} photos and {MANIFEST_NAME} (sha256 {digest}) to {args.out}")
    if digest != MANIFEST_SHA256:
        print(f"the manifest differs from the committed one: set MANIFEST_SHA256 = {digest!r} in utils/data/footwear.py")


if __name__ == "__main__":
    main()
