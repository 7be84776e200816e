"""Mutants of week2/Transfer_learning_with_MobileNet.ipynb's graded functions."""

MUTANTS = {
    "photo_datasets": [
        (
            "splits the validation photos with another seed",
            'subset="validation", seed=seed)',
            'subset="validation", seed=seed + 1)',
        ),
        ("always seed 42", 'subset="training", seed=seed)', 'subset="training", seed=42)'),
        (
            "returns the training photos twice",
            'validation_split=validation_split, subset="validation"',
            'validation_split=validation_split, subset="training"',
        ),
        (
            "ignores validation_split",
            'validation_split=validation_split, subset="training"',
            'validation_split=0.2, subset="training"',
        ),
        (
            "ignores image_size in training",
            'image_size=image_size,\n        validation_split=validation_split, subset="training"',
            'image_size=(160, 160),\n        validation_split=validation_split, subset="training"',
        ),
        (
            "prefetches, losing class_names",
            "    return train_dataset, validation_dataset",
            "    return train_dataset.prefetch(1), validation_dataset.prefetch(1)",
        ),
    ],
    "data_augmenter": [
        ("flips vertically", 'tfl.RandomFlip("horizontal")', 'tfl.RandomFlip("vertical")'),
        ("rotates by up to 0.1 of a turn", "tfl.RandomRotation(0.2)", "tfl.RandomRotation(0.1)"),
        ("forgets the rotation", "    data_augmentation.add(tfl.RandomRotation(0.2))\n", ""),
    ],
    "footwear_model": [
        ("leaves the base trainable", "base_model.trainable = False", "base_model.trainable = True"),
        ("random base weights", 'include_top=False, weights="imagenet"', "include_top=False, weights=None"),
        ("skips preprocess_input", "    x = preprocess_input(x)\n", ""),
        ("ignores the data_augmentation argument", "x = data_augmentation(inputs)", "x = data_augmenter()(inputs)"),
        ("dropout 0.5", "tfl.Dropout(0.2)", "tfl.Dropout(0.5)"),
        ("outputs a probability instead of a logit", "tfl.Dense(1)(x)", 'tfl.Dense(1, activation="sigmoid")(x)'),
    ],
    "prepare_fine_tuning": [
        (
            "unfreezes the whole base",
            "    for layer in base_model.layers[:fine_tune_at]:\n        layer.trainable = False\n",
            "",
        ),
        ("freezes one layer too many", "base_model.layers[:fine_tune_at]", "base_model.layers[:fine_tune_at + 1]"),
        ("always fine-tunes from layer 100", "base_model.layers[:fine_tune_at]", "base_model.layers[:100]"),
        ("keeps the base learning rate", "learning_rate=0.1 * base_learning_rate", "learning_rate=base_learning_rate"),
        ("loss on probabilities", "BinaryCrossentropy(from_logits=True)", "BinaryCrossentropy(from_logits=False)"),
        (
            "accuracy thresholded at 0.5",
            'BinaryAccuracy(threshold=0.0, name="accuracy")',
            'BinaryAccuracy(name="accuracy")',
        ),
        ("does not compile again", "    model.compile(loss=loss_function, optimizer=optimizer, metrics=metrics)\n", ""),
    ],
}
