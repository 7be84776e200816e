"""Mutants of week3/Image_segmentation_Unet.ipynb's graded functions."""

CONV = 'activation="relu", padding="same", kernel_initializer="he_normal")'

MUTANTS = {
    "conv_block": [
        ("one convolution only", f"    conv = Conv2D(n_filters, 3, {CONV}(conv)\n", ""),
        (
            "no ReLU in the second convolution",
            f"conv = Conv2D(n_filters, 3, {CONV}(conv)",
            'conv = Conv2D(n_filters, 3, padding="same", kernel_initializer="he_normal")(conv)',
        ),
        (
            "'valid' padding in the first convolution",
            f"conv = Conv2D(n_filters, 3, {CONV}(inputs)",
            'conv = Conv2D(n_filters, 3, activation="relu", padding="valid", kernel_initializer="he_normal")(inputs)',
        ),
        ("a fixed dropout rate", "Dropout(dropout_prob)", "Dropout(0.3)"),
        (
            "the skip connection taken after pooling",
            "    skip_connection = conv\n",
            "    skip_connection = next_layer\n",
        ),
        (
            "pools with a 3x3 window",
            "MaxPooling2D(pool_size=(2, 2))",
            'MaxPooling2D(pool_size=(3, 3), strides=2, padding="same")',
        ),
    ],
    "upsampling_block": [
        (
            "concatenates in the other order",
            "concatenate([up, contractive_input], axis=3)",
            "concatenate([contractive_input, up], axis=3)",
        ),
        ("a 2x2 transposed kernel", "Conv2DTranspose(n_filters, 3,", "Conv2DTranspose(n_filters, 2,"),
        (
            "no ReLU in the last convolution",
            f"    conv = Conv2D(n_filters, 3, {CONV}(conv)\n",
            '    conv = Conv2D(n_filters, 3, padding="same", kernel_initializer="he_normal")(conv)\n',
        ),
        ("one convolution after the concatenation", f"    conv = Conv2D(n_filters, 3, {CONV}(conv)\n", ""),
        ("ignores the skip connection", "merge = concatenate([up, contractive_input], axis=3)", "merge = up"),
    ],
    "unet_model": [
        (
            "softmax on the output",
            'conv10 = Conv2D(n_classes, 1, padding="same")',
            'conv10 = Conv2D(n_classes, 1, padding="same", activation="softmax")',
        ),
        ("hard-coded 23 classes", "Conv2D(n_classes, 1,", "Conv2D(23, 1,"),
        (
            "no dropout in the fourth block",
            "cblock4 = conv_block(cblock3[0], 8 * n_filters, dropout_prob=0.3)",
            "cblock4 = conv_block(cblock3[0], 8 * n_filters)",
        ),
        (
            "the third block with twice n_filters",
            "cblock3 = conv_block(cblock2[0], 4 * n_filters)",
            "cblock3 = conv_block(cblock2[0], 2 * n_filters)",
        ),
        (
            "no 3x3 convolution before the output",
            'conv10 = Conv2D(n_classes, 1, padding="same")(conv9)',
            'conv10 = Conv2D(n_classes, 1, padding="same")(ublock9)',
        ),
        (
            "the pooled output as a skip connection",
            "ublock9 = upsampling_block(ublock8, cblock1[1], n_filters)",
            "ublock9 = upsampling_block(ublock8, cblock1[0], n_filters)",
        ),
    ],
}
