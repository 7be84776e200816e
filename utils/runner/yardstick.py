"""The speed yardstick: a fixed float32 workload, sized like the course's, timed on this machine.

A notebook's seconds depend on the machine and on what else it is doing (the project's own machine varies
up to 3x from one run to the next), so seconds alone cannot tell a slow machine from slow code. The course
runner times this workload before and after each notebook, in a process of its own with TensorFlow's
default threads and its oneDNN kernels (as a notebook's kernel has), and reports the machine's achieved
GFLOP/s. Every notebook's time is then also given in **Y**: one Y is the time this machine takes for 10^12
floating-point operations of the workload (16.7 s at 60 GFLOP/s). A notebook that takes 12 Y takes 12 Y on a
fast or a slow machine, as long as its work scales like convolutions and matrix products do.

    python -m utils.runner.yardstick      # one measurement, printed as JSON: {"gflops": ..., "seconds": ...}
"""

import json
import os
import sys
import time

from utils.core.environment import ONEDNN_VARIABLE

# (what, kind, shape) -- convolutions as in the course's ConvNets (stride 1, "same" padding), then a matrix
# product as in a dense layer: conv shapes are (batch, height, width, channels in, kernel size, channels out),
# the matrix product's (rows, inner, columns).
WORKLOAD = (
    ("3x3 convolution, 32 x 56x56x64 -> 64", "conv", (32, 56, 56, 64, 3, 64)),
    ("1x1 convolution, 32 x 28x28x128 -> 512", "conv", (32, 28, 28, 128, 1, 512)),
    ("3x3 convolution, 32 x 14x14x256 -> 256", "conv", (32, 14, 14, 256, 3, 256)),
    ("matrix product 1024 x 2048 x 1024", "matmul", (1024, 2048, 1024)),
)
REPEATS = 20  # about 3 s on the project's 2-core machine; the median resists a moment's interference
Y_FLOP = 1e12  # one Y: the time for this many floating-point operations of the workload


def flop(kind, shape):
    """Floating-point operations (a multiply and an add each) of one operation of the workload."""
    if kind == "conv":
        batch, height, width, channels_in, kernel, channels_out = shape
        return 2 * batch * height * width * channels_in * kernel * kernel * channels_out
    if kind == "matmul":
        rows, inner, columns = shape
        return 2 * rows * inner * columns
    raise ValueError(f"unknown kind of operation {kind!r}: 'conv' or 'matmul'")


def measure(workload=WORKLOAD, repeats=REPEATS):
    """``{"gflops": achieved GFLOP/s, "seconds": one pass over the workload}``, each operation's median time."""
    # What the machine can do, whatever the environment or the code under test chooses: oneDNN's kernels, which
    # TensorFlow leaves off on some CPUs, such as the project's AMD EPYC (utils.core.environment turns them on).
    os.environ[ONEDNN_VARIABLE] = "1"
    import tensorflow as tf  # only here: the runner itself does not import TensorFlow

    median_seconds, total_flop = 0.0, 0
    for _, kind, shape in workload:
        generator = tf.random.Generator.from_seed(0)
        if kind == "conv":
            batch, height, width, channels_in, kernel, channels_out = shape
            inputs = generator.normal((batch, height, width, channels_in))
            weights = generator.normal((kernel, kernel, channels_in, channels_out))
            operation = tf.function(lambda a, b: tf.nn.conv2d(a, b, strides=1, padding="SAME"))
        else:
            rows, inner, columns = shape
            inputs, weights = generator.normal((rows, inner)), generator.normal((inner, columns))
            operation = tf.function(tf.linalg.matmul)
        operation(inputs, weights).numpy()  # traces and warms up
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            operation(inputs, weights).numpy()
            times.append(time.perf_counter() - started)
        median_seconds += sorted(times)[len(times) // 2]
        total_flop += flop(kind, shape)
    return {"gflops": total_flop / median_seconds / 1e9, "seconds": median_seconds}


def in_y(seconds, gflops):
    """``seconds`` on a machine that achieves ``gflops`` on the workload, in Y (10^12 operations' time)."""
    return seconds * gflops * 1e9 / Y_FLOP


if __name__ == "__main__":
    json.dump(measure(), sys.stdout)
    print()
