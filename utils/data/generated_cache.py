"""Datasets made by a seeded generator, cached on first use: one implementation for every generator.

A cache is a set of named arrays, each saved as ``<stem>_<name>.npy`` in datasets/cache/, beside
``<stem>.json``: the generator's parameters (its version, seed, sizes), each array's shape and each file's
sha256. Every file is written under a name of its own process first and renamed into place, the manifest
last, so that no reader (nor a second process generating the same cache) ever sees a half-written file
under a real name. Loading checks each file against its recorded sum: a changed file is reported and kept,
never overwritten. A cache written with other parameters (another version of the generator) is generated
again, with a warning.
"""

import json
import os
import warnings
from pathlib import Path

import numpy as np

from utils.core.checksums import sha256_of, verify_sha256
from utils.core.errors import DatasetError
from utils.core.paths import DATASETS_DIR

CACHE_DIR = DATASETS_DIR / "cache"


class GeneratedCache:
    """The cache ``<stem>`` in ``folder`` of the arrays ``names``, made by a generator with ``parameters``.

    ``parameters`` (JSON-like: numbers, strings, lists) say which output of which generator the files hold.
    """

    def __init__(self, stem: str, names: tuple[str, ...], parameters: dict, folder: str | Path = CACHE_DIR):
        self.stem, self.names, self.folder = stem, tuple(names), Path(folder)
        self.parameters = json.loads(json.dumps(parameters))  # as they read back from the manifest
        self.manifest_path = self.folder / f"{stem}.json"
        self.paths = {name: self.folder / f"{stem}_{name}.npy" for name in self.names}

    def _fix(self) -> str:
        files = ", ".join(path.name for path in (*self.paths.values(), self.manifest_path))
        return f"Nothing was overwritten: delete {files} in {self.folder} to generate them again."

    def _manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text())
        except (OSError, ValueError) as error:
            raise DatasetError(f"{self.manifest_path} is unreadable ({error}). {self._fix()}") from None

    def load(self) -> dict[str, np.ndarray] | None:
        """The cached arrays, each checked against its recorded sha256 and shape.

        None when there is no cache yet, or when it holds another generator's output (with a warning).
        A cache file that is missing, changed or without its manifest raises DatasetError.
        """
        if not self.manifest_path.exists():
            present = [path.name for path in self.paths.values() if path.exists()]
            if present:
                raise DatasetError(
                    f"{self.folder} holds generated files ({', '.join(present)}) but not their "
                    f"checksums ({self.manifest_path.name}). {self._fix()}"
                )
            return None
        manifest = self._manifest()
        if manifest.get("parameters") != self.parameters:
            warnings.warn(
                f"{self.manifest_path}: the cached {self.stem} files come from another version of the "
                "generator or the course; generating them again.",
                stacklevel=3,
            )
            return None
        arrays = {}
        for name, path in self.paths.items():
            expected = manifest.get("sha256", {}).get(path.name, "")
            verify_sha256(path, expected, self._fix(), "truncated or changed since it was generated")
            arrays[name] = np.load(path, allow_pickle=False)
            if list(arrays[name].shape) != manifest.get("shapes", {}).get(name):
                raise DatasetError(
                    f"{path} holds an array of shape {arrays[name].shape}, not the "
                    f"{manifest.get('shapes', {}).get(name)} its manifest records. {self._fix()}"
                )
        return arrays

    def save(self, arrays: dict[str, np.ndarray]) -> None:
        """Write ``arrays`` (one per name) and then the manifest, each under its real name only once complete."""
        if set(arrays) != set(self.names):
            raise ValueError(f"the cache {self.stem} holds {sorted(self.names)}, got {sorted(arrays)}")
        self.folder.mkdir(parents=True, exist_ok=True)
        partials = {path: path.with_name(f"{path.name}.{os.getpid()}.partial")
                    for path in (*self.paths.values(), self.manifest_path)}  # fmt: skip
        try:
            for name, path in self.paths.items():
                with open(partials[path], "wb") as file:
                    np.save(file, arrays[name], allow_pickle=False)
            manifest = {
                "parameters": self.parameters,
                "shapes": {name: list(np.shape(arrays[name])) for name in self.names},
                "sha256": {path.name: sha256_of(partials[path]) for path in self.paths.values()},
            }
            partials[self.manifest_path].write_text(json.dumps(manifest, indent=1) + "\n")
        except BaseException:  # a failed write (a full disk) leaves nothing, and records nothing
            for partial in partials.values():
                partial.unlink(missing_ok=True)
            raise
        for path, partial in partials.items():
            os.replace(partial, path)
