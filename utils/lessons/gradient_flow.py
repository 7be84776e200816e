"""Vanishing gradients, measured: a deep plain net against the same net with skip connections.

``plain_and_residual_nets`` builds two fully connected nets with the same layers
and the same initial weights; they differ only in the skips. ``block_gradient_norms``
measures how large the gradient of the loss is at the output of every block, from
input to output: the error signal that backpropagation hands to that block.
``plot_gradient_norms`` draws one curve per net on a log scale.
"""

import matplotlib.pyplot as plt
import numpy as np


def plain_and_residual_nets(input_shape, classes, blocks=15, width=64, seed=0):
    """``(plain, residual)`` Keras models with identical layers and initial weights.

    Both flatten the input, project it to ``width`` units, then stack ``blocks``
    blocks of two Dense layers (ReLU, Keras' default Glorot initializer) and end
    in a softmax. A plain block computes ``relu(D2(relu(D1(h))))``; a residual
    block adds its input before the last ReLU, ``relu(h + D2(relu(D1(h))))``,
    as ResNet's identity block does.
    """
    if blocks < 1 or width < 1:
        raise ValueError(f"blocks and width must be at least 1, got blocks={blocks}, width={width}")
    return tuple(_dense_net(input_shape, classes, blocks, width, seed, skip) for skip in (False, True))


def _dense_net(input_shape, classes, blocks, width, seed, skip):
    import keras

    # Seeding each layer's initializer by its position gives both nets the same weights.
    def dense(units, index, activation=None):
        return keras.layers.Dense(
            units, activation=activation, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + index)
        )

    inputs = keras.Input(input_shape)
    h = keras.layers.Activation("relu", name="block_0")(dense(width, 0)(keras.layers.Flatten()(inputs)))
    for block in range(1, blocks + 1):
        inner = dense(width, 2 * block)(dense(width, 2 * block - 1, "relu")(h))
        h = keras.layers.Activation("relu", name=f"block_{block}")(keras.layers.Add()([h, inner]) if skip else inner)
    outputs = dense(classes, 2 * blocks + 1, "softmax")(h)
    return keras.Model(inputs, outputs, name="residual" if skip else "plain")


def block_gradient_norms(model, x, y):
    """The L2 norm of d(loss)/d(block output) for each block of ``model``, input side first.

    Blocks are the layers named ``block_0``, ``block_1``, ... (as built by
    ``plain_and_residual_nets``). The loss is the categorical cross-entropy of
    ``model(x)`` against the one-hot labels ``y``, averaged over the batch.
    """
    import keras
    import tensorflow as tf

    blocks = [layer for layer in model.layers if layer.name.startswith("block_")]
    if not blocks:
        raise ValueError(f"model {model.name!r} has no layer named block_0, block_1, ...")
    probe = keras.Model(model.input, [model.output] + [layer.output for layer in blocks])
    with tf.GradientTape() as tape:
        probabilities, *block_outputs = probe(x, training=False)
        loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, probabilities))
    gradients = tape.gradient(loss, block_outputs)
    return np.array([float(tf.norm(gradient)) for gradient in gradients])


def plot_gradient_norms(norms_by_net, title="Gradient of the loss at each block's output, at initialization"):
    """One line per net: the gradient norm at each block (log scale), input side on the left."""
    if not norms_by_net:
        raise ValueError("plot_gradient_norms needs at least one net")
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for name, norms in norms_by_net.items():
        norms = np.asarray(norms)
        ax.semilogy(np.arange(len(norms)), norms, marker="o", markersize=3, label=name)
    ax.set_xlabel("block (0 = next to the input)")
    ax.set_ylabel("|| d loss / d block output ||")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plt.show()
