"""The one cache of generated datasets: checked on every load, rebuilt for another generator, never overwritten."""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from utils.core.errors import DatasetError
from utils.data.generated_cache import GeneratedCache

ARRAYS = {"images": np.arange(24, dtype=np.uint8).reshape(2, 3, 4), "labels": np.array([0, 1], np.int64)}


def cache(folder, version=1):
    return GeneratedCache(
        "generated_things", ("images", "labels"), {"generator_version": version, "size": (3, 4)}, folder=folder
    )


def test_an_empty_folder_has_no_cache_and_a_saved_one_loads_back(tmp_path):
    assert cache(tmp_path / "cache").load() is None
    cache(tmp_path / "cache").save(ARRAYS)
    loaded = cache(tmp_path / "cache").load()
    assert loaded.keys() == ARRAYS.keys()
    for name in ARRAYS:
        np.testing.assert_array_equal(loaded[name], ARRAYS[name])
        assert loaded[name].dtype == ARRAYS[name].dtype
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == [
        "generated_things.json",
        "generated_things_images.npy",
        "generated_things_labels.npy",
    ]
    manifest = json.loads((tmp_path / "cache" / "generated_things.json").read_text())
    assert manifest["parameters"] == {"generator_version": 1, "size": [3, 4]}
    assert manifest["shapes"] == {"images": [2, 3, 4], "labels": [2]}


def test_a_changed_file_is_reported_and_kept(tmp_path):
    cache(tmp_path).save(ARRAYS)
    labels = tmp_path / "generated_things_labels.npy"
    data = bytearray(labels.read_bytes())
    data[-1] ^= 0xFF
    labels.write_bytes(bytes(data))
    with pytest.raises(
        DatasetError,
        match=r"generated_things_labels.npy is not the expected file \(truncated or changed since it was "
        r"generated\): its sha256 is .*Nothing was overwritten: delete",
    ):
        cache(tmp_path).load()
    assert labels.read_bytes() == bytes(data)


def test_a_missing_file_or_manifest_is_reported(tmp_path):
    cache(tmp_path).save(ARRAYS)
    (tmp_path / "generated_things.json").unlink()
    with pytest.raises(DatasetError, match="holds generated files .* but not their checksums"):
        cache(tmp_path).load()
    cache(tmp_path).save(ARRAYS)
    (tmp_path / "generated_things_images.npy").unlink()
    with pytest.raises(DatasetError, match="generated_things_images.npy is missing"):
        cache(tmp_path).load()
    (tmp_path / "generated_things.json").write_text("{not json")
    with pytest.raises(DatasetError, match="generated_things.json is unreadable"):
        cache(tmp_path).load()


def test_a_cache_of_another_generator_version_is_generated_again_with_a_warning(tmp_path):
    cache(tmp_path, version=1).save(ARRAYS)
    with pytest.warns(UserWarning, match="another version of the generator"):
        assert cache(tmp_path, version=2).load() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache(tmp_path, version=1).load() is not None


def test_a_shape_that_differs_from_the_manifest_is_reported(tmp_path):
    cache(tmp_path).save(ARRAYS)
    manifest_path = tmp_path / "generated_things.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["shapes"]["labels"] = [3]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(
        DatasetError,
        match=r"generated_things_labels.npy holds an array of shape \(2,\), not the "
        r"\[3\] its manifest records",
    ):
        cache(tmp_path).load()


def test_files_are_written_under_names_of_this_process_then_renamed(tmp_path, monkeypatch):
    """A second process generating the same cache at the same time writes its own partial files."""
    renamed = []
    real_replace = os.replace

    def recording_replace(source, target):
        renamed.append((os.path.basename(source), os.path.basename(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", recording_replace)
    cache(tmp_path).save(ARRAYS)
    pid = os.getpid()
    assert renamed == [
        (f"generated_things_images.npy.{pid}.partial", "generated_things_images.npy"),
        (f"generated_things_labels.npy.{pid}.partial", "generated_things_labels.npy"),
        (f"generated_things.json.{pid}.partial", "generated_things.json"),
    ]
    assert not list(tmp_path.glob("*.partial"))


def test_only_its_own_arrays_are_saved(tmp_path):
    with pytest.raises(ValueError, match=r"holds \['images', 'labels'\], got \['images'\]"):
        cache(tmp_path).save({"images": ARRAYS["images"]})


def test_a_failed_write_records_nothing_and_leaves_nothing(tmp_path, monkeypatch):
    def full_disk(file, array, allow_pickle):
        file.write(b"\x93NUMPY")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        cache(tmp_path).save(ARRAYS)
    assert list(tmp_path.iterdir()) == []


GENERATE_TOGETHER = """import sys, time
import numpy as np
from utils.data.generated_cache import GeneratedCache

def slow(seed):  # two first uses at once: both generate, both write
    time.sleep(0.5)
    return {"images": np.full((50, 8, 8, 3), seed, np.uint8), "labels": np.arange(50)}

cache = GeneratedCache("generated_things", ("images", "labels"), {"seed": 1}, folder=sys.argv[1])
if cache.load() is None:
    cache.save(slow(1))
loaded = cache.load()
print(int(loaded["images"].sum()), int(loaded["labels"].sum()))
"""


def test_two_first_uses_at_once_both_get_the_whole_cache(tmp_path):
    processes = [subprocess.Popen([sys.executable, "-c", GENERATE_TOGETHER, str(tmp_path)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert [out for out, _ in outputs] == [f"{50 * 8 * 8 * 3} {sum(range(50))}\n"] * 2
    assert not list(tmp_path.glob("*.partial"))
