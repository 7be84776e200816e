"""The week-3 segmentation data: driving frames and their per-pixel class masks as a tf.data pipeline.

``load_driving_dataset`` yields what the original course's pipeline yields: (image, mask) pairs with
the image float32 (96, 128, 3) in [0, 1] and the mask uint8 (96, 128, 1) of class ids, unbatched and
in a fixed order.

Where a learner has the original CARLA frames (folders ``CameraRGB/`` and ``CameraMask/`` of PNG
files with matching names), those are read the way the original read them. Otherwise the frames come
from this course's generator (utils.generators.driving_scenes): generated on first use, cached in
datasets/cache/ as .npy files, and verified against the sha256 recorded when they were written.
"""

from pathlib import Path

import numpy as np

from utils.core.environment import import_tensorflow_quietly
from utils.core.errors import DatasetError
from utils.data.generated_cache import CACHE_DIR, GeneratedCache
from utils.generators import driving_scenes

CLASS_NAMES = driving_scenes.CLASS_NAMES
PALETTE = driving_scenes.PALETTE
IMAGE_SIZE = (96, 128)  # (height, width), as the original resized its 800x600 frames
DEFAULT_COUNT = 1060  # frames in the original's CARLA folders
IMAGE_FOLDER, MASK_FOLDER = "CameraRGB", "CameraMask"


def load_driving_dataset(count=None, folder=None, seed=0):
    """A ``tf.data.Dataset`` of (image float32 (96, 128, 3) in [0, 1], mask uint8 (96, 128, 1)) pairs.

    ``count`` frames (default: all the original's, or 1,060 generated ones); fewer give the first
    frames. With ``folder``, read the original CARLA frames from ``folder/CameraRGB`` and
    ``folder/CameraMask``; otherwise use the frames generated with ``seed``.
    """
    if count is not None and (not _is_integer(count) or count < 1):
        raise ValueError(f"count should be a positive number of frames or None, got {count!r}")
    if not _is_integer(seed) or seed < 0:
        raise ValueError(f"seed should be a non-negative integer, got {seed!r}")
    if folder is None:
        images, masks = _generated_frames(DEFAULT_COUNT if count is None else int(count), int(seed))
    else:
        images, masks = _read_original(Path(folder), count)
    tf = import_tensorflow_quietly()
    dataset = tf.data.Dataset.from_tensor_slices((images, masks))
    # The original converted each decoded PNG the same way: uint8 / 255 as float32.
    return dataset.map(lambda image, mask: (tf.image.convert_image_dtype(image, tf.float32), mask))


def _is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def class_ids(masks, what="the mask"):
    """Masks ((H, W), (H, W, 1), batches; arrays or tensors) as a NumPy array of integer class ids, without the
    trailing axis of 1; ``what`` names them in the error raised for anything else (logits, probabilities)."""
    ids = np.asarray(masks)
    if ids.ndim >= 3 and ids.shape[-1] == 1:  # (..., H, W, 1), as the loader yields them
        ids = ids[..., 0]
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(
            f"{what} should hold integer class ids, got {ids.dtype}: take the argmax over the "
            "class axis of a prediction first"
        )
    return ids


def colorize(mask):
    """Class ids of any shape ((H, W), (H, W, 1), a batch; array or tensor) as uint8 RGB in PALETTE."""
    ids = class_ids(mask)
    if ids.size and (ids.min() < 0 or ids.max() >= len(PALETTE)):
        raise ValueError(f"class ids must lie in 0..{len(PALETTE) - 1}, got values from {ids.min()} to {ids.max()}")
    return PALETTE[ids]


def legend_handles(*masks):
    """Matplotlib patches, one per class present in ``masks``, in palette colours: ``plt.legend(handles=...)``."""
    from matplotlib.patches import Patch

    present = sorted(set().union(*(np.unique(class_ids(mask)).tolist() for mask in masks)))
    return [Patch(facecolor=PALETTE[index] / 255, edgecolor="none", label=CLASS_NAMES[index]) for index in present]


# --- Generated frames, cached -------------------------------------------------------------------------


def _generated_frames(count, seed):
    """The first ``count`` generated frames, from the verified cache, extended first if it is too short."""
    cache = GeneratedCache(
        f"generated_driving_scenes_seed{seed}",
        ("images", "masks"),
        folder=CACHE_DIR,
        parameters={"generator_version": driving_scenes.GENERATOR_VERSION, "seed": seed, "size": IMAGE_SIZE},
    )
    arrays = cache.load() or {
        "images": np.empty((0, *IMAGE_SIZE, 3), np.uint8),
        "masks": np.empty((0, *IMAGE_SIZE, 1), np.uint8),
    }
    images, masks = arrays["images"], arrays["masks"]
    if len(images) < count:
        more_images, more_masks = driving_scenes.generate(count - len(images), seed, IMAGE_SIZE, start=len(images))
        images = np.concatenate([images, more_images])
        masks = np.concatenate([masks, more_masks[..., None]])
        cache.save({"images": images, "masks": masks})
    return images[:count], masks[:count]


# --- The original CARLA frames ------------------------------------------------------------------------


def _read_original(folder, count):
    """The original's frames, decoded and resized as its notebook did; errors name the file and the fix."""
    image_folder, mask_folder = folder / IMAGE_FOLDER, folder / MASK_FOLDER
    missing = [path for path in (image_folder, mask_folder) if not path.is_dir()]
    if missing:
        raise DatasetError(
            f"{' and '.join(str(path) for path in missing)} not found: the original frames come "
            f"as two folders, {IMAGE_FOLDER}/ and {MASK_FOLDER}/, of PNG files with matching names. "
            "Put both into the folder you pass, or call load_driving_dataset() without folder to "
            "use the generated scenes."
        )
    image_names = _png_names(image_folder)
    mask_names = _png_names(mask_folder)
    if image_names != mask_names:
        only_images = sorted(set(image_names) - set(mask_names))
        only_masks = sorted(set(mask_names) - set(image_names))
        details = "; ".join(
            f"only in {where}: {_some(names)}"
            for where, names in ((image_folder, only_images), (mask_folder, only_masks))
            if names
        )
        raise DatasetError(
            f"the image and mask file names do not match ({details}). Every image in "
            f"{IMAGE_FOLDER}/ needs the mask of the same name in {MASK_FOLDER}/: add the missing "
            "files or remove the unmatched ones."
        )
    if count is not None and count > len(image_names):
        raise DatasetError(
            f"asked for {count} frames but {folder} holds {len(image_names)}; ask for fewer, "
            "or count=None for all of them."
        )
    names = image_names[:count]
    tf = import_tensorflow_quietly()
    pairs = [_read_pair(tf, image_folder / name, mask_folder / name) for name in names]
    images = np.stack([image for image, _ in pairs])
    masks = np.stack([mask for _, mask in pairs])
    if masks.max() >= len(CLASS_NAMES):
        worst = names[int(np.argmax(masks.max(axis=(1, 2, 3))))]
        raise DatasetError(
            f"{mask_folder / worst} holds class id {masks.max()}, beyond the {len(CLASS_NAMES)} "
            "CARLA classes (0 to 22); replace it with the original's mask (class ids, not colours)."
        )
    return images, masks


def _png_names(folder):
    names = sorted(path.name for path in folder.iterdir() if path.suffix.lower() == ".png")
    if not names:
        raise DatasetError(f"{folder} holds no .png files: copy the original's frames into it.")
    return names


def _some(names, shown=5):
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _read_pair(tf, image_path, mask_path):
    """One frame as the original read it: image uint8 (96, 128, 3), mask uint8 (96, 128, 1), resized (nearest)."""
    image, mask = _read_png(tf, image_path, "image"), _read_png(tf, mask_path, "mask")
    if image.shape != mask.shape:
        raise DatasetError(
            f"{image_path} is {image.shape[1]}x{image.shape[0]} pixels but its mask {mask_path} is "
            f"{mask.shape[1]}x{mask.shape[0]}: they cannot be the same frame. Replace them with the "
            "original's pair, or remove both."
        )
    image, mask = (tf.image.resize(png, IMAGE_SIZE, method="nearest").numpy() for png in (image, mask))
    # The original's masks hold the class id in one channel: its maximum over the channels.
    return image, mask.max(axis=-1, keepdims=True)


def _read_png(tf, path, what):
    """One PNG decoded as RGB uint8; an unreadable file is named."""
    try:
        return tf.io.decode_png(tf.io.read_file(str(path)), channels=3)
    except (tf.errors.OpError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatasetError(
            f"{path} is not a readable PNG {what} ({message}); replace it with the original's "
            "file, or remove it and its partner."
        ) from None
