"""What a learner's function returned, carried from the learner's kernel to the grader as plain data.

The learner's kernel is not trusted: what it writes is read back without pickle, as JSON and NumPy files
(``allow_pickle=False``). Arrays and tensors become NumPy arrays; numbers, strings, booleans and None stay
as they are; tuples, lists and dicts keep their structure; a Keras model travels as its layer-by-layer summary
(utils.grading.model_summary), which is what the tests compare of a model. Anything else arrives as an
``Unreadable`` that describes what it was, so that a comparison can say what came back.
"""

import json
from pathlib import Path

import numpy as np

from utils.grading.checks import describe
from utils.grading.model_summary import ModelSummary, summary_of


class Unreadable:
    """A value of a kind the grader does not read back: a description of it."""

    def __init__(self, description):
        self.description = description

    def __repr__(self):
        return self.description


def encode(value, folder: str | Path, stem: str = "result") -> None:
    """Write ``value`` into ``folder`` as ``<stem>.json`` and the arrays it holds as ``<stem>_<n>.npy``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = []

    def plain(item):
        if item is None or isinstance(item, (bool, int, float, str)):
            return item
        if isinstance(item, (tuple, list)):
            return {"sequence": type(item).__name__, "items": [plain(part) for part in item]}
        if isinstance(item, dict):
            return {"dict": [[plain(key), plain(part)] for key, part in item.items()]}
        if _is_keras_model(item):
            summary = summary_of(item)
            return {"model": plain(list(summary)), "depths": summary.depths}
        array = _as_array(item)
        if array is None:
            return {"unreadable": describe(item)}
        np.save(folder / f"{stem}_{len(arrays)}.npy", array, allow_pickle=False)
        arrays.append(array)
        return {"array": len(arrays) - 1}

    (folder / f"{stem}.json").write_text(json.dumps(plain(value)))


def decode(folder: str | Path, stem: str = "result"):
    """The value ``encode`` wrote, read without running anything it holds."""
    folder = Path(folder)

    def value(item):
        if not isinstance(item, dict):
            return item
        if "sequence" in item:
            parts = [value(part) for part in item["items"]]
            return tuple(parts) if item["sequence"] == "tuple" else parts
        if "dict" in item:
            return {_hashable(value(key)): value(part) for key, part in item["dict"]}
        if "model" in item:
            return ModelSummary(value(item["model"]), [int(depth) for depth in item.get("depths", [])])
        if "array" in item:
            return np.load(folder / f"{stem}_{int(item['array'])}.npy", allow_pickle=False)
        return Unreadable(str(item.get("unreadable", "something the grader cannot read")))

    return value(json.loads((folder / f"{stem}.json").read_text()))


def _is_keras_model(item):
    if not type(item).__module__.startswith("keras"):
        return False
    import keras

    return isinstance(item, keras.Model)


def _as_array(item):
    """A NumPy array of an array, a NumPy scalar or a (non-symbolic) tensor; None for anything else."""
    if isinstance(item, (np.ndarray, np.generic)):
        array = np.asarray(item)
    elif hasattr(item, "numpy") and type(item).__module__.startswith(("tensorflow", "keras")):
        try:
            array = np.asarray(item.numpy())
        except Exception:  # a symbolic tensor has no values
            return None
    else:
        return None
    return array if array.dtype.kind in "biufc" else None


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
