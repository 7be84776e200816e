"""Public tests for week3/Image_segmentation_Unet.ipynb.

Each block and the U-Net are built on ``keras.Input``s and compared layer by
layer with the course's architecture (utils.grading.model_summary). Then every weight
gets seeded values that depend only on its shape, and the outputs on a seeded
input are compared with a reference computed with ``tf.nn`` and NumPy: that
catches what a summary cannot see, such as the order of a concatenation.
"""

import keras
import numpy as np

from utils.grading.checks import CheckFailed, call_function, check_array, check_tuple, check_type
from utils.grading.model_summary import compare_model

TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


# -- seeded weights, and the reference: plain TensorFlow and NumPy ---------------------------------


def weight_values(shape, seed):
    """Seeded values for a weight of this shape, scaled so that activations stay near 1 through the layers."""
    rng = np.random.default_rng([seed, *shape])
    scale = np.sqrt(3.0 / np.prod(shape[:-1])) if len(shape) > 1 else 0.1
    return (scale * rng.uniform(-1.0, 1.0, size=shape)).astype(np.float32)


def set_seeded_weights(model, seed):
    """Give every weight of ``model`` the values ``weight_values(its shape, seed)``."""
    for variable in model.weights:
        variable.assign(weight_values(tuple(variable.shape), seed))


def seeded_input(shape, seed):
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(np.float32)


def _conv_relu(x, n_filters, seed):
    import tensorflow as tf

    kernel = weight_values((3, 3, x.shape[-1], n_filters), seed)
    return np.maximum(
        tf.nn.conv2d(x, kernel, strides=1, padding="SAME").numpy() + weight_values((n_filters,), seed), 0.0
    )


def reference_conv_block(x, n_filters, max_pooling, seed):
    """(next layer, skip connection): two 3x3 'same' convolutions with ReLU, then 2x2 max pooling.

    Dropout passes values through unchanged outside training.
    """
    import tensorflow as tf

    skip = _conv_relu(_conv_relu(x, n_filters, seed), n_filters, seed)
    if not max_pooling:
        return skip, skip
    return tf.nn.max_pool2d(skip, ksize=2, strides=2, padding="VALID").numpy(), skip


def reference_upsampling_block(expansive, contractive, n_filters, seed):
    """A 3x3 transposed convolution with stride 2, joined with the skip connection, then two convolutions."""
    import tensorflow as tf

    batch, height, width, channels = expansive.shape
    kernel = weight_values((3, 3, n_filters, channels), seed)  # Keras' transposed kernels: (h, w, out, in)
    up = tf.nn.conv2d_transpose(
        expansive, kernel, (batch, 2 * height, 2 * width, n_filters), strides=2, padding="SAME"
    ).numpy() + weight_values((n_filters,), seed)
    merged = np.concatenate([up, contractive], axis=-1)
    return _conv_relu(_conv_relu(merged, n_filters, seed), n_filters, seed)


def reference_unet(x, n_filters, n_classes, seed):
    """Four contracting blocks and a bottleneck, four expanding blocks, a 3x3 and a 1x1 convolution."""
    import tensorflow as tf

    skips = []
    for level in range(4):
        x, skip = reference_conv_block(x, n_filters * 2**level, True, seed)
        skips.append(skip)
    x, _ = reference_conv_block(x, n_filters * 16, False, seed)
    for level in reversed(range(4)):
        x = reference_upsampling_block(x, skips[level], n_filters * 2**level, seed)
    x = _conv_relu(x, n_filters, seed)
    kernel = weight_values((1, 1, n_filters, n_classes), seed)
    return tf.nn.conv2d(x, kernel, strides=1, padding="SAME").numpy() + weight_values((n_classes,), seed)


# -- expected architectures ---------------------------------------------------------------------


def _conv(shape, in_channels, kernel=3, activation="relu", initializer="HeNormal"):
    return [
        "Conv2D",
        (None, *shape),
        kernel * kernel * in_channels * shape[-1] + shape[-1],
        {
            "kernel_size": (kernel, kernel),
            "strides": (1, 1),
            "padding": "same",
            "activation": activation,
            "kernel_initializer": initializer,
        },
    ]


def _input(shape):
    return ["InputLayer", (None, *shape), 0, {}]


def conv_block_layers(input_shape, n_filters, dropout_prob, max_pooling):
    """The layers of conv_block up to its skip connection, and the pooling layer (or None)."""
    height, width, channels = input_shape
    layers = [_conv((height, width, n_filters), channels), _conv((height, width, n_filters), n_filters)]
    if dropout_prob > 0:
        layers.append(["Dropout", (None, height, width, n_filters), 0, {"rate": dropout_prob}])
    pooling = None
    if max_pooling:
        pooling = [
            "MaxPooling2D",
            (None, height // 2, width // 2, n_filters),
            0,
            {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"},
        ]
    return layers, pooling


def upsampling_block_layers(expansive_shape, contractive_shape, n_filters):
    """The layers of upsampling_block after its two inputs."""
    height, width, channels = contractive_shape
    merged = n_filters + channels
    return [
        [
            "Conv2DTranspose",
            (None, height, width, n_filters),
            9 * expansive_shape[-1] * n_filters + n_filters,
            {
                "kernel_size": (3, 3),
                "strides": (2, 2),
                "padding": "same",
                "activation": "linear",
                "kernel_initializer": "GlorotUniform",
            },
        ],
        ["Concatenate", (None, height, width, merged), 0, {"axis": 3}],
        _conv((height, width, n_filters), merged),
        _conv((height, width, n_filters), n_filters),
    ]


def upsampling_block_summary(expansive_shape, contractive_shape, n_filters):
    """The expected summary of the block called on two inputs: Keras lists the skip connection's input
    at the depth of the transposed convolution, next to which it enters the concatenation."""
    transposed, *rest = upsampling_block_layers(expansive_shape, contractive_shape, n_filters)
    return [_input(expansive_shape), transposed, _input(contractive_shape), *rest]


def unet_layers(input_size, n_filters, n_classes):
    """The expected summary of unet_model(input_size, n_filters, n_classes)."""
    height, width, _ = input_size
    layers, shape, skips = [_input(input_size)], tuple(input_size), []
    for level in range(5):
        filters = n_filters * 2**level
        block, pooling = conv_block_layers(shape, filters, 0.3 if level >= 3 else 0, max_pooling=level < 4)
        layers += block
        skips.append((shape[0], shape[1], filters))
        if pooling:
            layers.append(pooling)
            shape = (shape[0] // 2, shape[1] // 2, filters)
        else:
            shape = skips[-1]
    for level in reversed(range(4)):
        layers += upsampling_block_layers(shape, skips[level], n_filters * 2**level)
        shape = (*skips[level][:2], n_filters * 2**level)
    layers += [
        _conv((height, width, n_filters), n_filters),
        _conv((height, width, n_classes), n_filters, kernel=1, activation="linear", initializer="GlorotUniform"),
    ]
    return layers


# -- what a call builds -------------------------------------------------------------------------


def conv_block_outcome(function, input_shape, *args, **kwargs):
    """[model up to next_layer, model up to skip_connection, both outputs for seeded weights and input]."""
    inputs = keras.Input(input_shape)
    result = function(inputs, *args, **kwargs)
    check_tuple(result, ("next_layer", "skip_connection"), name="conv_block")
    for part, what in zip(result, ("next_layer", "skip_connection")):
        check_type(
            part,
            keras.KerasTensor,
            name="conv_block",
            case=what,
            hint="Return the outputs of the layers you called on inputs.",
        )
    models = [keras.Model(inputs, part) for part in result]
    x = seeded_input((2, *input_shape), 1)
    values = []
    for model in models:
        set_seeded_weights(model, 3)
        values.append(np.asarray(model(x)))
    return [*models, *values]


def upsampling_block_outcome(function, expansive_shape, contractive_shape, *args, **kwargs):
    """[the block as a model, its output for seeded weights and inputs]."""
    expansive, contractive = keras.Input(expansive_shape), keras.Input(contractive_shape)
    output = function(expansive, contractive, *args, **kwargs)
    check_type(output, keras.KerasTensor, name="upsampling_block", hint="Return the output of the last convolution.")
    model = keras.Model([expansive, contractive], output)
    set_seeded_weights(model, 4)
    inputs = [seeded_input((2, *expansive_shape), 5), seeded_input((2, *contractive_shape), 6)]
    return [model, np.asarray(model(inputs))]


def unet_outcome(function, *args, **kwargs):
    """[the model, its output for seeded weights and input]."""
    model = function(*args, **kwargs)
    check_type(model, keras.Model, name="unet_model", hint="Return tf.keras.Model(inputs=..., outputs=...).")
    set_seeded_weights(model, 7)
    return [model, np.asarray(model(seeded_input((1, *model.input_shape[1:]), 8)))]


# -- the tests ----------------------------------------------------------------------------------


def _arguments(*args, **kwargs):
    return ", ".join([*map(repr, args), *(f"{key}={value!r}" for key, value in kwargs.items())])


def conv_block_test(target):
    cases = [  # input shape, n_filters, dropout_prob, max_pooling
        ((96, 128, 3), 32, 0, True),
        ((12, 16, 4), 6, 0.3, True),
        ((8, 10, 5), 3, 0.2, False),
    ]
    for input_shape, n_filters, dropout_prob, max_pooling in cases:
        case = f"inputs of shape {(None, *input_shape)}, " + _arguments(
            n_filters=n_filters, dropout_prob=dropout_prob, max_pooling=max_pooling
        )
        outcome = call_function(
            conv_block_outcome,
            target,
            input_shape,
            n_filters=n_filters,
            dropout_prob=dropout_prob,
            max_pooling=max_pooling,
            name="conv_block",
            case=case,
        )
        next_model, skip_model, next_values, skip_values = outcome
        layers, pooling = conv_block_layers(input_shape, n_filters, dropout_prob, max_pooling)
        compare_model(skip_model, [_input(input_shape), *layers], name=f"conv_block's skip_connection, {case}")
        compare_model(
            next_model,
            [_input(input_shape), *layers, *([pooling] if pooling else [])],
            name=f"conv_block's next_layer, {case}",
        )
        if input_shape[0] <= 12:  # the reference is computed on the small cases
            expected_next, expected_skip = reference_conv_block(
                seeded_input((2, *input_shape), 1), n_filters, max_pooling, 3
            )
            check_array(skip_values, expected_skip, name="conv_block", case=case, what="skip_connection", **TOLERANCE)
            check_array(next_values, expected_next, name="conv_block", case=case, what="next_layer", **TOLERANCE)
    # the defaults: 32 filters, no dropout, max pooling
    next_model, skip_model, *_ = conv_block_outcome(target, (8, 8, 2))
    layers, pooling = conv_block_layers((8, 8, 2), 32, 0, True)
    compare_model(next_model, [_input((8, 8, 2)), *layers, pooling], name="conv_block with its default arguments")
    print("All tests passed.")


def upsampling_block_test(target):
    cases = [  # expansive input's shape, contractive input's shape, n_filters
        ((6, 8, 256), (12, 16, 128), 128),
        ((3, 4, 5), (6, 8, 2), 4),
        ((2, 5, 3), (4, 10, 6), 2),
    ]
    for expansive_shape, contractive_shape, n_filters in cases:
        case = (
            f"expansive_input of shape {(None, *expansive_shape)}, contractive_input of shape "
            f"{(None, *contractive_shape)}, n_filters={n_filters}"
        )
        model, values = call_function(
            upsampling_block_outcome,
            target,
            expansive_shape,
            contractive_shape,
            n_filters=n_filters,
            name="upsampling_block",
            case=case,
        )
        compare_model(
            model,
            upsampling_block_summary(expansive_shape, contractive_shape, n_filters),
            name=f"upsampling_block, {case}",
        )
        if n_filters <= 4:
            expected_values = reference_upsampling_block(
                seeded_input((2, *expansive_shape), 5), seeded_input((2, *contractive_shape), 6), n_filters, 4
            )
            check_array(values, expected_values, name="upsampling_block", case=case, what="the output", **TOLERANCE)
    model, _ = upsampling_block_outcome(target, (2, 2, 3), (4, 4, 1))
    compare_model(
        model, upsampling_block_summary((2, 2, 3), (4, 4, 1), 32), name="upsampling_block with the default n_filters"
    )
    print("All tests passed.")


def unet_model_test(target):
    cases = [  # arguments, and the input size, n_filters and n_classes they mean
        ({}, (96, 128, 3), 32, 23),
        ({"input_size": (32, 48, 3), "n_filters": 2, "n_classes": 5}, (32, 48, 3), 2, 5),
        ({"input_size": (16, 16, 1), "n_filters": 3, "n_classes": 2}, (16, 16, 1), 3, 2),
    ]
    for arguments, input_size, n_filters, n_classes in cases:
        case = _arguments(**arguments) or "default arguments"
        model, values = call_function(unet_outcome, target, **arguments, name="unet_model", case=case)
        compare_model(model, unet_layers(input_size, n_filters, n_classes), name=f"unet_model, {case}")
        if not arguments and model.count_params() != 8_640_471:
            raise CheckFailed(f"unet_model() should have 8,640,471 parameters, got {model.count_params():,}.")
        if n_filters <= 3:
            expected = reference_unet(seeded_input((1, *input_size), 8), n_filters, n_classes, 7)
            check_array(values, expected, name="unet_model", case=case, what="the output (logits)", **TOLERANCE)
    print("All tests passed.")
