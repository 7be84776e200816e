"""The legacy torch state-dict reader: values, strides and refusals, on files written here byte by byte."""

import collections
import pickle

import numpy as np
import pytest

from utils.derive.torch_legacy import LEGACY_MAGIC, LEGACY_PROTOCOL, read_state_dict


def _pickled_string(text):
    return b"X" + len(text).to_bytes(4, "little") + text.encode()


def _write(path, tensors):
    """A legacy file of float32 tensors {name: (flat array, offset, shape, stride)}, one storage each.

    The state dict's pickle is written opcode by opcode, as torch writes it: a
    GLOBAL for each class or function (no torch needed here), persistent ids
    for the storages.
    """
    flat = {key: array for key, (array, *_rest) in tensors.items()}
    with path.open("wb") as file:
        for header in (LEGACY_MAGIC, LEGACY_PROTOCOL, {"little_endian": True}):
            pickle.dump(header, file, protocol=2)
        body = b"\x80\x02" + b"ccollections\nOrderedDict\n)R"
        for name, (array, offset, shape, stride) in tensors.items():
            body += _pickled_string(name) + b"ctorch._utils\n_rebuild_tensor_v2\n("
            # The persistent id ("storage", torch.FloatStorage, key, location, size), then BINPERSID.
            body += b"(" + _pickled_string("storage") + b"ctorch\nFloatStorage\n" + _pickled_string(name)
            body += _pickled_string("cpu") + b"J" + array.size.to_bytes(4, "little") + b"tQ"
            body += b"J" + offset.to_bytes(4, "little")
            body += pickle.dumps(tuple(shape), protocol=2)[2:-1] + pickle.dumps(tuple(stride), protocol=2)[2:-1]
            body += b"\x89" + b"ccollections\nOrderedDict\n)R" + b"tRs"
        file.write(body + b".")
        pickle.dump(list(flat), file, protocol=2)
        for array in flat.values():
            file.write(np.int64(array.size).tobytes() + array.astype("<f4").tobytes())


def test_values_shapes_and_strides_come_back(tmp_path):
    weight = np.arange(24, dtype=np.float32)
    bias = np.array([1.5, -2.0], np.float32)
    path = tmp_path / "model.pth"
    _write(path, {"0.weight": (weight, 0, (2, 3, 4), (12, 4, 1)), "0.bias": (bias, 0, (2,), (1,))})
    state = read_state_dict(path)
    np.testing.assert_array_equal(state["0.weight"], weight.reshape(2, 3, 4))
    np.testing.assert_array_equal(state["0.bias"], bias)
    transposed = tmp_path / "transposed.pth"
    _write(transposed, {"w": (weight, 0, (4, 6), (1, 4))})
    np.testing.assert_array_equal(read_state_dict(transposed)["w"], weight.reshape(6, 4).T)


def test_a_file_that_is_not_legacy_torch_is_refused(tmp_path):
    path = tmp_path / "other.pth"
    path.write_bytes(pickle.dumps(collections.OrderedDict(), protocol=2))
    with pytest.raises(ValueError, match="not a legacy-format torch file"):
        read_state_dict(path)


def test_objects_other_than_tensors_are_refused(tmp_path):
    path = tmp_path / "evil.pth"
    with path.open("wb") as file:
        for header in (LEGACY_MAGIC, LEGACY_PROTOCOL, {"little_endian": True}):
            pickle.dump(header, file, protocol=2)
        file.write(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00trueq\x00\x85R.")
    with pytest.raises(pickle.UnpicklingError, match="refusing os.system"):
        read_state_dict(path)
