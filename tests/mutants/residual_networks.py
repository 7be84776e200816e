"""Mutants of week2/Residual_Networks.ipynb's graded functions."""

MUTANTS = {
    "identity_block": [
        (
            "'valid' padding in the middle convolution",
            'X = Conv2D(filters=F2, kernel_size=f, strides=(1, 1), padding="same"',
            'X = Conv2D(filters=F2, kernel_size=f, strides=(1, 1), padding="valid"',
        ),
        (
            "ReLU before the addition",
            "    X = BatchNormalization(axis=3)(X, training=training)\n\n    # Final step",
            "    X = BatchNormalization(axis=3)(X, training=training)\n"
            '    X = Activation("relu")(X)\n\n    # Final step',
        ),
        (
            "no ReLU after the addition",
            '    X = Add()([X, X_shortcut])\n    X = Activation("relu")(X)\n',
            "    X = Add()([X, X_shortcut])\n",
        ),
        (
            "ignores training in the last batch normalisation",
            "    X = BatchNormalization(axis=3)(X, training=training)\n\n    # Final step",
            "    X = BatchNormalization(axis=3)(X)\n\n    # Final step",
        ),
        (
            "F2 filters in the last convolution",
            "X = Conv2D(filters=F3, kernel_size=1",
            "X = Conv2D(filters=F2, kernel_size=1",
        ),
        (
            "default initializer in the middle convolution",
            'padding="same", kernel_initializer=initializer(seed=0))(X)',
            'padding="same")(X)',
        ),
    ],
    "convolutional_block": [
        (
            "no stride on the shortcut",
            "X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(s, s)",
            "X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(1, 1)",
        ),
        (
            "no batch normalisation on the shortcut",
            "    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)\n",
            "",
        ),
        (
            "stride in the middle convolution",
            'X = Conv2D(filters=F2, kernel_size=f, strides=(1, 1), padding="same"',
            'X = Conv2D(filters=F2, kernel_size=f, strides=(s, s), padding="same"',
        ),
        (
            "shortcut taken from the main path",
            "kernel_initializer=initializer(seed=0))(X_shortcut)",
            "kernel_initializer=initializer(seed=0))(X)",
        ),
        (
            "ReLU on the shortcut",
            "    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)\n",
            "    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)\n"
            '    X_shortcut = Activation("relu")(X_shortcut)\n',
        ),
    ],
    "ResNet50": [
        ("stage 3 without stride", "filters=[128, 128, 512], s=2", "filters=[128, 128, 512], s=1"),
        ("four identity blocks in stage 4", "    for _ in range(5):\n", "    for _ in range(4):\n"),
        ("no average pooling", "    X = AveragePooling2D((2, 2))(X)\n", ""),
        ("max instead of average pooling", "X = AveragePooling2D((2, 2))(X)", "X = MaxPooling2D((2, 2))(X)"),
        (
            "blocks forced to training mode in stage 5",
            "filters=[512, 512, 2048], s=2, training=None)",
            "filters=[512, 512, 2048], s=2)",
        ),
        ("hard-coded six classes", "X = Dense(classes,", "X = Dense(6,"),
        (
            "identity blocks with the wrong filters in stage 5",
            "identity_block(X, 3, [512, 512, 2048], training=None)",
            "identity_block(X, 3, [256, 256, 2048], training=None)",
        ),
    ],
}
