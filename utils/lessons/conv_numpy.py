"""A vectorised convolution in NumPy (im2col), for the end of the step-by-step notebook.

The loop version computes one output number per Python iteration. im2col
copies every f x f x n_C window into a row of a matrix; the convolution is
then one matrix product, which NumPy hands to an optimised BLAS routine.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def im2col(A_pad, f, stride):
    """Windows of ``A_pad`` (m, H, W, C) as rows: shape (m, n_H, n_W, f * f * C).

    Row (i, h, w) holds the window whose top-left corner is (h*stride, w*stride),
    flattened in (row, column, channel) order, the order of ``W.reshape(-1, n_C)``.
    """
    n_C = A_pad.shape[3]
    windows = sliding_window_view(A_pad, (f, f, n_C), axis=(1, 2, 3))[:, ::stride, ::stride, 0]
    m, n_H, n_W = windows.shape[:3]
    return windows.reshape(m, n_H, n_W, f * f * n_C)


def conv_forward_im2col(A_prev, W, b, hparameters):
    """Same inputs and outputs as the notebook's ``conv_forward``, without Python loops."""
    A_prev, W, b = (np.asarray(x) for x in (A_prev, W, b))
    stride, pad = _check_conv_inputs(A_prev, W, b, hparameters)
    f, n_C = W.shape[0], W.shape[3]
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    columns = im2col(A_pad, f, stride)
    Z = columns @ W.reshape(-1, n_C) + b.reshape(n_C)
    return Z, (A_prev, W, b, hparameters)


def _check_conv_inputs(A_prev, W, b, hparameters):
    if A_prev.ndim != 4:
        raise ValueError(f"A_prev must have shape (m, n_H_prev, n_W_prev, n_C_prev), got shape {A_prev.shape}")
    if W.ndim != 4 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must have shape (f, f, n_C_prev, n_C), got shape {W.shape}")
    if W.shape[2] != A_prev.shape[3]:
        raise ValueError(f"W expects {W.shape[2]} input channels but A_prev has {A_prev.shape[3]}")
    if b.shape != (1, 1, 1, W.shape[3]):
        raise ValueError(f"b must have shape (1, 1, 1, {W.shape[3]}), got shape {b.shape}")
    missing = {"stride", "pad"} - set(hparameters)
    if missing:
        raise ValueError(f"hparameters lacks {sorted(missing)}: it needs 'stride' and 'pad'")
    stride, pad = hparameters["stride"], hparameters["pad"]
    if not (isinstance(stride, int) and stride >= 1 and isinstance(pad, int) and pad >= 0):
        raise ValueError(f"stride must be an int >= 1 and pad an int >= 0, got stride={stride!r}, pad={pad!r}")
    f = W.shape[0]
    if f > min(A_prev.shape[1], A_prev.shape[2]) + 2 * pad:
        raise ValueError(
            f"a {f}x{f} filter does not fit in a {A_prev.shape[1]}x{A_prev.shape[2]} input padded by {pad}"
        )
    return stride, pad
