"""Mutants of week1/Convolution_model_Step_by_Step.ipynb's graded functions."""

MUTANTS = {
    "zero_pad": [
        ("pads the channel axis too", "(pad, pad), (pad, pad), (0, 0))", "(pad, pad), (pad, pad), (pad, pad))"),
        ("pads the height only", "(pad, pad), (pad, pad), (0, 0))", "(pad, pad), (0, 0), (0, 0))"),
        ("pads with ones", "constant_values=0", "constant_values=1"),
    ],
    "conv_single_step": [
        ("forgets the bias", "Z = Z + b.item()", "Z = Z"),
        ("averages instead of summing", "Z = np.sum(s)", "Z = np.mean(s)"),
    ],
    "conv_forward": [
        ("ignores the stride", "vert_start = h * stride", "vert_start = h"),
        ("forgets the padding", "A_prev_pad = zero_pad(A_prev, pad)", "A_prev_pad = A_prev"),
        ("uses the first filter for every channel", "W[:, :, :, c], b[:, :, :, c]", "W[:, :, :, 0], b[:, :, :, 0]"),
    ],
    "pool_forward": [
        (
            "average mode takes the maximum",
            "A[i, h, w, c] = np.mean(a_prev_slice)",
            "A[i, h, w, c] = np.max(a_prev_slice)",
        ),
        ("ignores the stride", "horiz_start = w * stride", "horiz_start = w"),
        ("window one row too short", "vert_end = vert_start + f", "vert_end = vert_start + f - 1"),
    ],
    "conv_backward": [
        ("overwrites dW instead of accumulating", "dW[:, :, :, c] += a_slice", "dW[:, :, :, c] = a_slice"),
        ("forgets db", "db[:, :, :, c] += dZ[i, h, w, c]", "pass"),
        (
            "sends the input slice back instead of the weights",
            "+= W[:, :, :, c] * dZ[i, h, w, c]",
            "+= a_slice * dZ[i, h, w, c]",
        ),
    ],
    "create_mask_from_window": [
        ("marks the minimum", "mask = x == np.max(x)", "mask = x == np.min(x)"),
        ("returns the masked values, not a mask", "mask = x == np.max(x)", "mask = x * (x == np.max(x))"),
    ],
    "distribute_value": [
        ("divides by the height only", "average = dz / (n_H * n_W)", "average = dz / n_H"),
        ("copies dz without dividing", "average = dz / (n_H * n_W)", "average = dz"),
    ],
    "pool_backward": [
        (
            "max mode shares the gradient like average mode",
            "+= mask * dA[i, h, w, c]",
            "+= distribute_value(dA[i, h, w, c], (f, f))",
        ),
        (
            "overwrites overlapping windows instead of adding",
            "dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask",
            "dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] = mask",
        ),
    ],
}
