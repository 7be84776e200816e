"""Training helpers shared by the notebooks."""

import time

import keras
import numpy as np


class ProgressEvery(keras.callbacks.Callback):
    """Print one line of progress every ``every`` epochs (and after the last one).

    Long fits stay visible without Keras' per-epoch log filling the notebook.
    """

    def __init__(self, every=10):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = every

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()
        self.epochs = self.params.get("epochs")

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every and done != self.epochs:
            return
        metrics = ", ".join(f"{name} {value:.4f}" for name, value in (logs or {}).items())
        print(f"epoch {done}/{self.epochs}: {metrics} ({time.perf_counter() - self.started:.0f} s)", flush=True)


def hold_out_validation(X, Y, count, seed=1):
    """``(X_train, Y_train, X_val, Y_val)``: ``count`` examples (rows) drawn at random with ``seed`` become the
    validation set, the rest stay for training. Curves and choices use the validation set, so that the test
    set is measured once, at the end, on a model it did not help to choose."""
    X, Y = np.asarray(X), np.asarray(Y)
    if len(X) != len(Y):
        raise ValueError(f"X has {len(X)} examples but Y has {len(Y)}: pass examples as rows of both")
    if not 0 < count < len(X):
        raise ValueError(f"count must be between 1 and {len(X) - 1} (of {len(X)} examples), got {count}")
    order = np.random.default_rng(seed).permutation(len(X))
    train, validation = np.sort(order[count:]), np.sort(order[:count])
    return X[train], Y[train], X[validation], Y[validation]


def choose_learning_rate(build, train_dataset, rates, epochs):
    """The rate of ``rates`` whose model (``build(rate)``, compiled) ends ``epochs`` epochs with the lowest training
    loss: the rate that optimises fastest.

    Returns ``(best_rate, {rate: final training loss})``. Only training data decides: the validation data
    stays for measuring the chosen model.
    """
    losses = {}
    for rate in rates:
        keras.utils.set_random_seed(0)
        history = build(rate).fit(train_dataset, epochs=epochs, verbose=0)
        losses[rate] = history.history["loss"][-1]
        print(f"learning rate {rate:g}: training loss {losses[rate]:.3f} after {epochs} epochs", flush=True)
    return min(losses, key=losses.get), losses


def training_flop_per_example(model):
    """Floating-point operations to train ``model`` on one example: 3 times its convolutions' and dense layers'
    forward multiply-adds (a multiply and an add each), the usual estimate for a forward and a backward pass.
    Batch normalisation, activations and pooling are left out: they cost little next to these."""
    forward = 0
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            # A convolution applies all its kernel's weights at each output pixel; a transposed one, at each input
            # pixel, spreading it over a kernel-sized patch of its output.
            pixels = layer.input if isinstance(layer, keras.layers.Conv2DTranspose) else layer.output
            _, height, width, _ = pixels.shape
            forward += 2 * height * width * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense):
            inputs, units = layer.kernel.shape
            forward += 2 * inputs * units
        elif isinstance(layer, keras.Model):
            raise ValueError(f"{layer.name} is a model inside the model: pass the inner model's layers flat")
    return 3 * forward
