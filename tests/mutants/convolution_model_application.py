"""Mutants of week1/Convolution_model_Application.ipynb's graded functions."""

MUTANTS = {
    "happyModel": [
        ("pads by 2 instead of 3", "tfl.ZeroPadding2D(padding=3)", "tfl.ZeroPadding2D(padding=2)"),
        ("forgets batch normalisation", "        tfl.BatchNormalization(axis=3),\n", ""),
        (
            "ends with a ReLU instead of a sigmoid",
            'tfl.Dense(1, activation="sigmoid")',
            'tfl.Dense(1, activation="relu")',
        ),
        ("pools with stride 1", "tfl.MaxPool2D(),", "tfl.MaxPool2D(strides=1),"),
        (
            "stops before the last layers",
            '        tfl.Flatten(),\n        tfl.Dense(1, activation="sigmoid"),\n',
            "        tfl.GlobalMaxPooling2D(),\n",
        ),
    ],
    "convolutional_model": [
        ("first pool with stride 4", "tfl.MaxPool2D(pool_size=8, strides=8", "tfl.MaxPool2D(pool_size=8, strides=4"),
        ("3x3 instead of 4x4 filters", "filters=8, kernel_size=4", "filters=8, kernel_size=3"),
        (
            "'valid' padding in the second convolution",
            'filters=16, kernel_size=2, strides=1, padding="same"',
            'filters=16, kernel_size=2, strides=1, padding="valid"',
        ),
        ("no softmax", 'activation="softmax"', "activation=None"),
        ("ignores input_shape", "tf.keras.Input(shape=input_shape)", "tf.keras.Input(shape=(64, 64, 3))"),
    ],
}
