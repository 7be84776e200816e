"""Training helpers shared by the notebooks."""

import time

import keras


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
