"""Read a state dict saved by ``torch.save`` in its legacy (pre-1.6, non-zip) format, with numpy alone.

The file holds five pickles, then the raw storages: a magic number, the protocol version (1001), the
writer's byte order and type sizes, the state dict (each tensor a ``torch._utils._rebuild_tensor_v2`` call
whose storage is a persistent id), and the list of storage keys; then, for each key in that order, the
element count as a little-endian int64 followed by the elements. Nothing but plain tensors is accepted:
an unpickler that builds arbitrary objects would run whatever the file asks for.
"""

import collections
import pickle
from pathlib import Path

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
STORAGE_DTYPES = {"FloatStorage": np.float32, "HalfStorage": np.float16, "DoubleStorage": np.float64}


class _StorageRef:
    def __init__(self, key, dtype, count):
        self.key, self.dtype, self.count = key, dtype, count


class _TensorRef:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)


def _rebuild_tensor(storage, offset, shape, stride, *_):
    return _TensorRef(storage, offset, shape, stride)


class _StateDictUnpickler(pickle.Unpickler):
    """Builds OrderedDicts and tensor references only; anything else in the file is refused."""

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(f"refusing {module}.{name}: not part of a plain state dict")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, count = pid[:5]
        if kind != "storage" or storage_type not in STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage {pid[:2]}")
        return _StorageRef(key, STORAGE_DTYPES[storage_type], count)


def read_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """{name: array} of a legacy-format torch state dict; raises ValueError if the file is not one."""
    path = Path(path)
    with path.open("rb") as file:
        if pickle.load(file) != LEGACY_MAGIC or pickle.load(file) != LEGACY_PROTOCOL:
            raise ValueError(f"{path} is not a legacy-format torch file (magic number or protocol differ)")
        system = pickle.load(file)
        if not system.get("little_endian", False):
            raise ValueError(f"{path} was written big-endian: not supported")
        state = _StateDictUnpickler(file).load()
        keys = pickle.load(file)
        storages = {}
        for key in keys:
            count = int(np.frombuffer(file.read(8), "<i8")[0])
            dtype = next(ref.storage.dtype for ref in state.values() if ref.storage.key == key)
            storages[key] = np.frombuffer(file.read(count * np.dtype(dtype).itemsize), dtype)
        if file.read(1):
            raise ValueError(f"{path} has bytes after its last storage")
    arrays = {}
    for name, ref in state.items():
        storage = storages[ref.storage.key]
        itemsize = storage.dtype.itemsize
        arrays[name] = np.lib.stride_tricks.as_strided(
            storage[ref.offset :], ref.shape, [step * itemsize for step in ref.stride]
        ).copy()
    return arrays
