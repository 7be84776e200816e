"""Process-wide set-up: a quiet TensorFlow import and reproducible randomness."""

import os
import random
import sys
import warnings

# Hides TensorFlow's C++ log lines. TF 2.21 with Keras 3.15 logs a harmless
# "NodeDef mentions attribute use_unbounded_threadpool" error on every fit();
# real failures still raise Python exceptions.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# TensorFlow turns its oneDNN kernels on by default only on CPUs with the newest vector instructions
# (AVX512-VNNI and the like, as on recent Intel Xeons). On the project's AMD EPYC (AVX2) it left them off, and
# Keras' convolutions ran 1.6-3x slower: ResNet50 training 72 against 23 ms an image. 0 turns them off.
ONEDNN_VARIABLE = "TF_ENABLE_ONEDNN_OPTS"
os.environ.setdefault(ONEDNN_VARIABLE, "1")
# Keras 3.15 warns on every fit() of a tf.data.Dataset unless shuffle=False is
# passed, even when the dataset shuffles itself, as the notebooks' do.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored")


def import_tensorflow_quietly():
    """Import TensorFlow with the process's stderr silenced.

    TensorFlow 2.21 writes timestamped log lines to file descriptor 2 while it
    loads and probes for a GPU, before TF_CPP_MIN_LOG_LEVEL takes effect.
    Jupyter would show them as cell output, which then never repeats.
    Python-level errors are unaffected: they are raised, not printed.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow as tf

        tf.config.list_physical_devices()  # the GPU probe logs too
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
    return tf


def seed_everything(seed):
    """Seed Python, NumPy and TensorFlow and make TensorFlow ops deterministic.

    With this, a notebook re-run on the same machine gives the same numbers,
    which is what lets nbval compare outputs exactly.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed_everything expects a non-negative int, got {seed!r}")
    tf = import_tensorflow_quietly()
    import keras

    random.seed(seed)
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend
    tf.config.experimental.enable_op_determinism()
