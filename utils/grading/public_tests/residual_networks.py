"""Public tests for week2/Residual_Networks.ipynb.

The blocks run eagerly on small seeded inputs, with an initializer that gives
every convolution kernel seeded values that depend only on the kernel's shape,
and are compared with a reference computed from ``tf.nn.conv2d`` and NumPy.
Their architecture and ResNet50's are compared layer by layer with the course's
(utils.grading.model_summary).
"""

import keras
import numpy as np

from utils.grading.checks import CheckFailed, call_function, check_array, check_type
from utils.grading.model_summary import compare_model, format_layer, summary_of

BN_EPSILON = 1e-3  # Keras' default for BatchNormalization


def kernel_values(shape, seed):
    """The seeded values the test initializer gives a kernel of this shape."""
    rng = np.random.default_rng([seed, *shape])
    return rng.uniform(-0.5, 0.5, size=shape).astype(np.float32)


class KernelsByShape(keras.initializers.Initializer):
    """Seeded values that depend on the kernel's shape, so the reference knows which kernel is which."""

    def __init__(self, seed):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        return keras.ops.convert_to_tensor(kernel_values(tuple(shape), self.seed), dtype=dtype)

    def get_config(self):
        return {"seed": self.seed}


def seeded_initializer(case_seed):
    """An initializer used like ``glorot_uniform``: the blocks call ``initializer(seed=0)``."""

    def initializer(seed=None):
        return KernelsByShape(case_seed)

    return initializer


# -- the reference: plain TensorFlow and NumPy -------------------------------------------------


def _conv(x, f, in_channels, out_channels, stride, padding, seed):
    import tensorflow as tf

    kernel = kernel_values((f, f, in_channels, out_channels), seed)
    return tf.nn.conv2d(x, kernel, strides=stride, padding=padding).numpy()  # biases start at zero


def _batch_norm(x, training):
    if training:  # normalise with the batch's own statistics, per channel
        mean, variance = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        return (x - mean) / np.sqrt(variance + BN_EPSILON)
    return x / np.sqrt(1.0 + BN_EPSILON)  # fresh moving statistics: mean 0, variance 1


def _relu(x):
    return np.maximum(x, 0.0)


def _main_path(x, f, filters, stride, training, seed):
    F1, F2, F3 = filters
    z = _relu(_batch_norm(_conv(x, 1, x.shape[-1], F1, stride, "VALID", seed), training))
    z = _relu(_batch_norm(_conv(z, f, F1, F2, 1, "SAME", seed), training))
    return _batch_norm(_conv(z, 1, F2, F3, 1, "VALID", seed), training)


def reference_identity_block(x, f, filters, training, seed):
    return _relu(_main_path(x, f, filters, 1, training, seed) + x)


def reference_convolutional_block(x, f, filters, s, training, seed):
    shortcut = _batch_norm(_conv(x, 1, x.shape[-1], filters[2], s, "VALID", seed), training)
    return _relu(_main_path(x, f, filters, s, training, seed) + shortcut)


# -- expected architectures ---------------------------------------------------------------------


def _conv_layer(shape, in_channels, f, stride, padding, initializer):
    params = f * f * in_channels * shape[-1] + shape[-1]
    return [
        "Conv2D",
        (None, *shape),
        params,
        {
            "kernel_size": (f, f),
            "strides": (stride, stride),
            "padding": padding,
            "activation": "linear",
            "kernel_initializer": initializer,
        },
    ]


def _bn_layer(shape):
    return ["BatchNormalization", (None, *shape), 4 * shape[-1], {"axis": 3}]


def _relu_layer(shape):
    return ["Activation", (None, *shape), 0, {"activation": "relu"}]


def _block_summary(height, width, in_channels, f, filters, s, initializer, shortcut):
    """The layers of one block, in the order Keras lists them (by depth in the graph)."""
    F1, F2, F3 = filters
    h, w = (height - 1) // s + 1, (width - 1) // s + 1  # a 1x1 'valid' convolution with stride s
    layers = [
        _conv_layer((h, w, F1), in_channels, 1, s, "valid", initializer),
        _bn_layer((h, w, F1)),
        _relu_layer((h, w, F1)),
        _conv_layer((h, w, F2), F1, f, 1, "same", initializer),
        _bn_layer((h, w, F2)),
        _relu_layer((h, w, F2)),
        _conv_layer((h, w, F3), F2, 1, 1, "valid", initializer),
    ]
    if shortcut:
        layers += [
            _conv_layer((h, w, F3), in_channels, 1, s, "valid", initializer),
            _bn_layer((h, w, F3)),
            _bn_layer((h, w, F3)),
        ]
    else:
        layers += [_bn_layer((h, w, F3))]
    return layers + [["Add", (None, h, w, F3), 0, {}], _relu_layer((h, w, F3))], (h, w, F3)


def identity_block_summary(input_shape, f, filters, initializer="RandomUniform"):
    layers, _ = _block_summary(*input_shape, f, filters, 1, initializer, shortcut=False)
    return [["InputLayer", (None, *input_shape), 0, {}]] + layers


def convolutional_block_summary(input_shape, f, filters, s, initializer="GlorotUniform"):
    layers, _ = _block_summary(*input_shape, f, filters, s, initializer, shortcut=True)
    return [["InputLayer", (None, *input_shape), 0, {}]] + layers


STAGES = (  # (filters, stride of the convolutional block, identity blocks after it)
    ((64, 64, 256), 1, 2),
    ((128, 128, 512), 2, 3),
    ((256, 256, 1024), 2, 5),
    ((512, 512, 2048), 2, 2),
)


def resnet50_summary(input_shape, classes):
    """The expected summary of ResNet50(input_shape, classes)."""
    height, width, channels = input_shape
    h, w = (height + 6 - 7) // 2 + 1, (width + 6 - 7) // 2 + 1
    layers = [
        ["InputLayer", (None, height, width, channels), 0, {}],
        ["ZeroPadding2D", (None, height + 6, width + 6, channels), 0, {"padding": ((3, 3), (3, 3))}],
        _conv_layer((h, w, 64), channels, 7, 2, "valid", "GlorotUniform"),
        _bn_layer((h, w, 64)),
        _relu_layer((h, w, 64)),
    ]
    h, w = (h - 3) // 2 + 1, (w - 3) // 2 + 1
    layers.append(["MaxPooling2D", (None, h, w, 64), 0, {"pool_size": (3, 3), "strides": (2, 2), "padding": "valid"}])
    shape = (h, w, 64)
    for filters, stride, identity_blocks in STAGES:
        block, shape = _block_summary(*shape, 3, filters, stride, "GlorotUniform", shortcut=True)
        layers += block
        for _ in range(identity_blocks):
            block, shape = _block_summary(*shape, 3, filters, 1, "RandomUniform", shortcut=False)
            layers += block
    h, w = shape[0] // 2, shape[1] // 2
    layers += [
        ["AveragePooling2D", (None, h, w, 2048), 0, {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"}],
        ["Flatten", (None, h * w * 2048), 0, {}],
        [
            "Dense",
            (None, classes),
            h * w * 2048 * classes + classes,
            {"activation": "softmax", "kernel_initializer": "GlorotUniform"},
        ],
    ]
    return layers


def compare_architecture(model, expected, name):
    """``compare_model``, where layers at the same depth of the graph may come in any order.

    Keras lists the layers of equal depth (a block's last convolution and its
    shortcut's, for one) in the order the code called them; either order is right.
    """
    actual = summary_of(model)  # a model, or the summary of a learner's model the grader got back
    depths = actual.depths
    adjusted = [list(layer) for layer in expected]
    start = 0
    while start < min(len(actual), len(adjusted)):
        end = start + 1
        while end < len(actual) and depths[end] == depths[start]:
            end += 1
        if sorted(map(format_layer, actual[start:end])) == sorted(map(format_layer, adjusted[start:end])):
            adjusted[start:end] = actual[start:end]
        start = end
    compare_model(model, adjusted, name=name)


# -- the tests ----------------------------------------------------------------------------------


def _seeded_input(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _check_block(target, name, reference, cases):
    import tensorflow as tf

    for shape, f, filters, extra, training, seed in cases:
        arguments = ", ".join(
            [
                f"X of shape {shape}",
                f"f={f}",
                f"filters={filters}",
                *(f"{key}={value}" for key, value in extra.items()),
                f"training={training}",
            ]
        )
        x = _seeded_input(shape, seed)
        output = call_function(
            target,
            tf.constant(x),
            f,
            list(filters),
            training=training,
            initializer=seeded_initializer(seed),
            **extra,
            name=name,
            case=arguments,
        )
        expected = reference(x, f, filters, *extra.values(), training, seed).astype(np.float32)
        check_array(
            output, expected, name=name, case=arguments, what="the output", rtol=1e-4, atol=1e-4, accept_tensors=True
        )


def _check_block_architecture(target, name, input_shape, f, filters, expected, **extra):
    case = f"called on tf.keras.Input({input_shape}), f={f}, filters={filters}" + "".join(
        f", {key}={value}" for key, value in extra.items()
    )
    inputs = keras.Input(input_shape)
    outputs = call_function(target, inputs, f, filters, name=name, case=case, **extra)
    check_type(outputs, keras.KerasTensor, name=name, case=case, hint="Return the output of the last layer you called.")
    compare_architecture(keras.Model(inputs, outputs), expected, name=f"{name}, case {case!r}")


def identity_block_test(target):
    cases = [  # input shape, f, filters, other arguments, training, seed
        ((3, 4, 4, 3), 2, (4, 5, 3), {}, False, 1),
        ((3, 4, 4, 3), 2, (4, 5, 3), {}, True, 1),
        ((2, 5, 6, 6), 3, (2, 3, 6), {}, True, 2),
        ((1, 3, 3, 2), 3, (3, 4, 2), {}, True, 3),
    ]
    _check_block(target, "identity_block", reference_identity_block, cases)
    _check_block_architecture(
        target, "identity_block", (5, 5, 6), 3, [2, 3, 6], identity_block_summary((5, 5, 6), 3, (2, 3, 6))
    )
    print("All tests passed.")


def convolutional_block_test(target):
    cases = [
        ((3, 4, 4, 3), 2, (4, 5, 6), {"s": 2}, False, 1),
        ((3, 4, 4, 3), 2, (4, 5, 6), {"s": 2}, True, 1),
        ((2, 5, 5, 4), 3, (3, 2, 5), {"s": 1}, True, 2),
        ((2, 7, 6, 2), 3, (3, 4, 5), {"s": 3}, True, 3),
    ]
    _check_block(target, "convolutional_block", reference_convolutional_block, cases)
    # The default stride is 2 and the default initializer glorot_uniform.
    _check_block_architecture(
        target, "convolutional_block", (8, 8, 3), 3, [2, 4, 6], convolutional_block_summary((8, 8, 3), 3, (2, 4, 6), 2)
    )
    print("All tests passed.")


def ResNet50_test(target):
    for arguments, input_shape, classes in (
        ({}, (64, 64, 3), 6),
        ({"input_shape": (96, 96, 1), "classes": 3}, (96, 96, 1), 3),
    ):
        case = ", ".join(f"{key}={value}" for key, value in arguments.items()) or "default arguments"
        model = call_function(target, name="ResNet50", case=case, **arguments)
        check_type(model, keras.Model, name="ResNet50", case=case)
        compare_architecture(model, resnet50_summary(input_shape, classes), name=f"ResNet50, case {case!r}")
        if not arguments and model.count_params() != 23_600_006:
            raise CheckFailed(f"ResNet50() should have 23,600,006 parameters, got {model.count_params():,}.")
    _check_inference_is_per_image(model)
    print("All tests passed.")


def _check_inference_is_per_image(model):
    """Called like a function, a trained model must classify each image on its own."""
    images = _seeded_input((3, *model.input_shape[1:]), 4)
    alone = np.asarray(model(images[:1]))
    in_a_batch = np.asarray(model(images))[:1]
    if not np.allclose(alone, in_a_batch, rtol=1e-3, atol=1e-5):
        raise CheckFailed(
            "ResNet50: model(images) gives an image a different prediction alone than in a batch of three: "
            "its BatchNormalization layers normalise with the batch's statistics outside training. "
            "Call the blocks with training=None inside ResNet50, so that Keras uses batch statistics only "
            "while it trains (fit) and the moving averages otherwise (evaluate, predict, model(images))."
        )
