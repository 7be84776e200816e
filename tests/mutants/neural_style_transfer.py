"""Mutants of week4/Neural_Style_Transfer.ipynb's graded functions."""

MUTANTS = {
    "compute_content_cost": [
        (
            "divides by 2 n_H n_W n_C (Gatys et al.'s 1/2) instead of 4",
            "/ (4 * n_H * n_W * n_C)",
            "/ (2 * n_H * n_W * n_C)",
        ),
        (
            "sums absolute differences instead of squares",
            "tf.square(a_C_unrolled - a_G_unrolled)",
            "tf.abs(a_C_unrolled - a_G_unrolled)",
        ),
        (
            "uses the first activation of the lists, not the content layer (the last)",
            "a_C = content_output[-1]",
            "a_C = content_output[0]",
        ),
    ],
    "gram_matrix": [
        ("A^T A instead of A A^T", "tf.matmul(A, tf.transpose(A))", "tf.matmul(tf.transpose(A), A)"),
        (
            "divides by the number of positions",
            "tf.matmul(A, tf.transpose(A))",
            "tf.matmul(A, tf.transpose(A)) / tf.cast(tf.shape(A)[1], A.dtype)",
        ),
    ],
    "compute_layer_style_cost": [
        (
            "reshapes a_S straight to (n_C, n_H n_W), mixing channels and positions",
            "a_S = tf.transpose(tf.reshape(a_S, shape=[-1, n_C]))",
            "a_S = tf.reshape(a_S, shape=[n_C, -1])",
        ),
        ("forgets the square of n_H n_W", "(4 * n_C ** 2 * (n_H * n_W) ** 2)", "(4 * n_C ** 2 * (n_H * n_W))"),
        (
            "compares the activations instead of their Gram matrices",
            "tf.reduce_sum(tf.square(GS - GG))",
            "tf.reduce_sum(tf.square(a_S - a_G))",
        ),
    ],
    "compute_style_cost": [
        ("ignores the layer weights", "J_style += weight[1] * J_style_layer", "J_style += J_style_layer"),
        (
            "gives every layer the first layer's weight",
            "J_style += weight[1] * J_style_layer",
            "J_style += STYLE_LAYERS[0][1] * J_style_layer",
        ),
        (
            "compares the style image with itself",
            "compute_layer_style_cost(a_S[i], a_G[i])",
            "compute_layer_style_cost(a_S[i], a_S[i])",
        ),
    ],
    "total_cost": [
        ("swaps alpha and beta", "J = alpha * J_content + beta * J_style", "J = beta * J_content + alpha * J_style"),
        ("ignores alpha and beta", "J = alpha * J_content + beta * J_style", "J = 10 * J_content + 40 * J_style"),
    ],
    "train_step": [
        (
            "uses the default alpha and beta, not ALPHA and BETA",
            "total_cost(J_content, J_style, alpha=ALPHA, beta=BETA)",
            "total_cost(J_content, J_style)",
        ),
        (
            "compares the style with the content image's activations",
            "compute_style_cost(a_S, a_G)",
            "compute_style_cost(a_C, a_G)",
        ),
        ("forgets the content cost", "J = total_cost(J_content, J_style", "J = total_cost(0.0, J_style"),
        (
            "climbs the gradient",
            "optimizer.apply_gradients([(grad, generated_image)])",
            "optimizer.apply_gradients([(-grad, generated_image)])",
        ),
        ("does not clip the pixels", "    generated_image.assign(clip_0_1(generated_image))\n", ""),
    ],
}
