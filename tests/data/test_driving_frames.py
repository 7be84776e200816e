"""The segmentation loader: generated frames (cache, checksums), the original CARLA folders, clear errors."""

import json

import numpy as np
import pytest
from PIL import Image

from utils.core.environment import import_tensorflow_quietly
from utils.core.errors import DatasetError
from utils.data import driving_frames
from utils.data.driving_frames import CLASS_NAMES, PALETTE, class_ids, colorize, legend_handles, load_driving_dataset
from utils.generators import driving_scenes


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(driving_frames, "CACHE_DIR", folder)
    return folder


def as_arrays(dataset):
    pairs = list(dataset.as_numpy_iterator())
    return np.stack([image for image, _ in pairs]), np.stack([mask for _, mask in pairs])


def test_generated_frames_as_the_original_pipeline_gives_them(cache):
    dataset = load_driving_dataset(count=3)
    image_spec, mask_spec = dataset.element_spec
    assert tuple(image_spec.shape) == (96, 128, 3) and image_spec.dtype.name == "float32"
    assert tuple(mask_spec.shape) == (96, 128, 1) and mask_spec.dtype.name == "uint8"
    images, masks = as_arrays(dataset)
    expected_images, expected_masks = driving_scenes.generate(3, seed=0)
    np.testing.assert_allclose(images, expected_images / 255, atol=1e-6)
    assert images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(masks[..., 0], expected_masks)
    assert sorted(path.name for path in cache.iterdir()) == [
        "generated_driving_scenes_seed0.json",
        "generated_driving_scenes_seed0_images.npy",
        "generated_driving_scenes_seed0_masks.npy",
    ]


def test_default_count_is_the_originals(monkeypatch):
    requested = []

    def one_blank_frame(count, seed):  # stands in for generating all 1,060 frames
        requested.append((count, seed))
        return np.zeros((1, 96, 128, 3), np.uint8), np.zeros((1, 96, 128, 1), np.uint8)

    monkeypatch.setattr(driving_frames, "_generated_frames", one_blank_frame)
    load_driving_dataset()
    load_driving_dataset(seed=3)
    assert requested == [(1060, 0), (1060, 3)]


def test_cache_is_reused_and_extended_with_only_the_missing_frames(cache, monkeypatch):
    first = as_arrays(load_driving_dataset(count=2, seed=4))
    calls = []
    original_generate = driving_scenes.generate

    def recording_generate(count, seed, size, start=0):
        calls.append((count, seed, start))
        return original_generate(count, seed, size, start=start)

    monkeypatch.setattr(driving_scenes, "generate", recording_generate)
    fewer = as_arrays(load_driving_dataset(count=1, seed=4))
    assert calls == []
    more = as_arrays(load_driving_dataset(count=3, seed=4))
    assert calls == [(1, 4, 2)]
    np.testing.assert_array_equal(fewer[0], first[0][:1])
    np.testing.assert_array_equal(more[1][:2], first[1])
    manifest = json.loads((cache / "generated_driving_scenes_seed4.json").read_text())
    assert manifest["shapes"] == {"images": [3, 96, 128, 3], "masks": [3, 96, 128, 1]}
    assert manifest["parameters"] == {
        "generator_version": driving_scenes.GENERATOR_VERSION,
        "seed": 4,
        "size": [96, 128],
    }


@pytest.mark.parametrize("count", [0, -3, 2.5, "10", True])
def test_count_must_be_a_positive_integer(count):
    with pytest.raises(ValueError, match="count should be a positive number"):
        load_driving_dataset(count=count)


@pytest.mark.parametrize("seed", [-1, 1.5, None])
def test_seed_must_be_a_non_negative_integer(seed):
    with pytest.raises(ValueError, match="seed should be a non-negative integer"):
        load_driving_dataset(count=1, seed=seed)


# --- The original CARLA folders ---------------------------------------------------------------------


def write_original(folder, names, seed=0):
    """PNG pairs twice the course's size, in 2x2 blocks so that any nearest resize keeps one value per block.

    Images are RGBA like CARLA's camera output; masks hold the class id in one channel (CARLA's in red, the
    others here), which the original read as the maximum over the channels. Returns the expected (96, 128)
    images and masks.
    """
    rng = np.random.default_rng(seed)
    (folder / "CameraRGB").mkdir(parents=True, exist_ok=True)
    (folder / "CameraMask").mkdir(parents=True, exist_ok=True)
    expected = []
    for index, name in enumerate(names):
        image = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)
        mask = rng.integers(0, len(CLASS_NAMES), (96, 128), dtype=np.uint8)
        rgba = np.concatenate([image, np.full((96, 128, 1), 255, np.uint8)], axis=-1)
        mask_rgb = np.zeros((96, 128, 3), np.uint8)
        mask_rgb[..., index % 3] = mask
        Image.fromarray(rgba.repeat(2, 0).repeat(2, 1), "RGBA").save(folder / "CameraRGB" / name)
        Image.fromarray(mask_rgb.repeat(2, 0).repeat(2, 1), "RGB").save(folder / "CameraMask" / name)
        expected.append((image, mask))
    return expected


def test_original_folders_are_read_instead(tmp_path, monkeypatch):
    monkeypatch.setattr(driving_scenes, "generate", lambda *args, **kwargs: pytest.fail("should read the PNGs"))
    expected = write_original(tmp_path, ["02_00_010.png", "02_00_000.png", "02_00_020.png"])
    (tmp_path / "CameraRGB" / "notes.txt").write_text("not a frame")
    images, masks = as_arrays(load_driving_dataset(folder=tmp_path))
    assert images.shape == (3, 96, 128, 3) and images.dtype == np.float32
    assert masks.shape == (3, 96, 128, 1) and masks.dtype == np.uint8
    order = [1, 0, 2]  # sorted by file name
    np.testing.assert_allclose(images, np.stack([expected[i][0] for i in order]) / 255, atol=1e-6)
    np.testing.assert_array_equal(masks[..., 0], np.stack([expected[i][1] for i in order]))
    first_two = as_arrays(load_driving_dataset(count=2, folder=str(tmp_path)))
    np.testing.assert_array_equal(first_two[1], masks[:2])


def test_original_masks_are_resized_nearest(tmp_path):
    """Every class id read comes from its 2x2 block of the full-size mask: sampled, never blended."""
    write_original(tmp_path, ["a.png"])
    full_size = np.random.default_rng(1).integers(0, len(CLASS_NAMES), (192, 256), dtype=np.uint8)
    Image.fromarray(full_size, "L").save(tmp_path / "CameraMask" / "a.png")
    _, masks = as_arrays(load_driving_dataset(folder=tmp_path))
    blocks = full_size.reshape(96, 2, 128, 2).transpose(0, 2, 1, 3).reshape(96, 128, 4)
    assert (blocks == masks[0]).any(axis=-1).all()


def test_missing_original_folder_is_named(tmp_path):
    write_original(tmp_path, ["a.png"])
    for child in (tmp_path / "CameraMask").iterdir():
        child.unlink()
    (tmp_path / "CameraMask").rmdir()
    with pytest.raises(DatasetError, match=r"CameraMask not found.*CameraRGB/ and CameraMask/.*without folder"):
        load_driving_dataset(folder=tmp_path)
    with pytest.raises(DatasetError, match=r"nowhere.*CameraRGB and .*nowhere.*CameraMask not found"):
        load_driving_dataset(folder=tmp_path / "nowhere")


def test_mismatched_names_are_listed(tmp_path):
    write_original(tmp_path, ["a.png", "b.png"])
    (tmp_path / "CameraMask" / "b.png").rename(tmp_path / "CameraMask" / "c.png")
    with pytest.raises(
        DatasetError,
        match=r"do not match \(only in .*CameraRGB: b.png; only in .*CameraMask: "
        r"c.png\).*same name",
    ):
        load_driving_dataset(folder=tmp_path)


def test_corrupt_png_is_named(tmp_path):
    write_original(tmp_path, ["a.png", "b.png"])
    broken = tmp_path / "CameraMask" / "b.png"
    broken.write_bytes(broken.read_bytes()[:60])
    with pytest.raises(DatasetError, match=r"CameraMask/b.png is not a readable PNG mask.*replace it"):
        load_driving_dataset(folder=tmp_path)


def test_empty_folders_and_too_large_counts_are_refused(tmp_path):
    (tmp_path / "CameraRGB").mkdir()
    (tmp_path / "CameraMask").mkdir()
    with pytest.raises(DatasetError, match=r"CameraRGB holds no .png files"):
        load_driving_dataset(folder=tmp_path)
    write_original(tmp_path, ["a.png"])
    with pytest.raises(DatasetError, match=r"asked for 2 frames but .* holds 1"):
        load_driving_dataset(count=2, folder=tmp_path)


@pytest.mark.parametrize(
    "mask, message",
    [
        (
            np.zeros((150, 200), np.uint8),
            r"CameraRGB/b.png is 256x192 pixels but its mask .*CameraMask/b.png is "
            r"200x150.*remove both",
        ),
        (np.full((192, 256), 200, np.uint8), r"CameraMask/b.png holds class id 200.*replace it"),
    ],
    ids=["another size", "foreign class ids"],
)
def test_masks_that_do_not_fit_are_named(tmp_path, mask, message):
    write_original(tmp_path, ["a.png", "b.png"])
    Image.fromarray(mask, "L").save(tmp_path / "CameraMask" / "b.png")
    with pytest.raises(DatasetError, match=message):
        load_driving_dataset(folder=tmp_path)


# --- Colours for display -------------------------------------------------------------------------------


def test_colorize_maps_ids_to_the_palette():
    mask = np.array([[0, 7], [13, 22]], np.uint8)
    np.testing.assert_array_equal(colorize(mask), PALETTE[mask])
    np.testing.assert_array_equal(colorize(mask[..., None]), PALETTE[mask])
    batch = np.stack([mask, mask])[..., None].astype(np.int64)
    assert colorize(batch).shape == (2, 2, 2, 3) and colorize(batch).dtype == np.uint8
    assert tuple(colorize(np.array([7]))[0]) == (128, 64, 128)  # road in CARLA's colours


def test_class_ids_drop_the_channel_axis_and_refuse_logits():
    tf = import_tensorflow_quietly()
    ids = class_ids(tf.constant([[[[3], [4]]], [[[5], [6]]]], tf.int32))
    assert isinstance(ids, np.ndarray) and ids.shape == (2, 1, 2) and ids.tolist() == [[[3, 4]], [[5, 6]]]
    assert class_ids(np.array([[1, 2]], np.uint8)).shape == (1, 2)
    with pytest.raises(TypeError, match=r"predicted_masks should hold integer class ids, got float32.*argmax"):
        class_ids(np.zeros((2, 4, 4, 23), np.float32), "predicted_masks")


def test_colorize_refuses_logits_and_unknown_ids():
    with pytest.raises(TypeError, match="argmax"):
        colorize(np.zeros((4, 4, 23), np.float32))
    with pytest.raises(ValueError, match=r"0\.\.22"):
        colorize(np.array([[23]]))


def test_legend_names_the_classes_present():
    handles = legend_handles(np.array([[7, 7], [13, 0]]), np.array([[[10]]], np.uint8))
    assert [handle.get_label() for handle in handles] == ["unlabeled", "road", "vehicle", "sky"]
    assert tuple(np.round(np.array(handles[1].get_facecolor()[:3]) * 255).astype(int)) == (128, 64, 128)
