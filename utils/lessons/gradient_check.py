"""Numerical gradients by centred differences, to check hand-written backward passes."""

import numpy as np


def numerical_gradient(loss, x, h=1e-5):
    """d loss(x) / d x for a scalar ``loss`` of an array ``x``, one entry at a time.

    Costs two calls of ``loss`` per entry of ``x``: use it on small arrays.
    ``x`` is restored after each nudge.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array, got dtype {x.dtype}")
    gradient = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        above = loss(x)
        x[index] = original - h
        below = loss(x)
        x[index] = original
        gradient[index] = (above - below) / (2 * h)
    return gradient
