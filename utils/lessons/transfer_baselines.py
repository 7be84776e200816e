"""Baselines for week2/Transfer_learning_with_MobileNet, and the curve of accuracy against labelled photos.

What is a pretrained network worth? Only against fair baselines: the accuracy of always guessing the most
frequent class, and a small ConvNet trained from scratch, sized for the photos (28x28 at heart), with its
learning rate chosen on training data. ``labelled_count_curve`` then trains the frozen ImageNet base's head,
fine-tuning and the small ConvNet on 5 to 200 labelled photos per class, a few random draws each, and
measures them on the same validation photos.

The curve's training is made affordable on a laptop CPU by computing the frozen layers once: the frozen
base's pooled features for the head, and the activations entering layer ``fine_tune_at`` for
fine-tuning, which then runs only the layers above it. Nothing is augmented in the curve, for any method.
"""

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

METHODS = ("frozen ImageNet base", "fine-tuned ImageNet base", "small ConvNet from scratch")
BATCH_SIZE = 32
HEAD_LEARNING_RATE = 0.001  # the notebook's base_learning_rate; fine-tuning uses a tenth of it
STEPS_PER_EXECUTION = 10  # the curve's step counts are multiples of it


def dataset_as_arrays(dataset):
    """``(images, labels)`` of one pass over a batched ``(images, labels)`` dataset, as numpy arrays."""
    batches = list(dataset)
    if not batches:
        raise ValueError("the dataset is empty")
    return np.concatenate([images for images, _ in batches]), np.concatenate([labels for _, labels in batches])


def constant_guess_accuracies(validation_labels):
    """``{label: accuracy}``: the validation accuracy of always guessing ``label``, for each label present."""
    validation_labels = np.asarray(validation_labels)
    if validation_labels.size == 0:
        raise ValueError("constant_guess_accuracies needs at least one validation label")
    return {int(label): float(np.mean(validation_labels == label)) for label in np.unique(validation_labels)}


def binary_classifier_compile(model, learning_rate, steps_per_execution=1):
    """Compile ``model`` (one logit out) as the notebook's models are: Adam, cross-entropy on logits, accuracy.

    ``steps_per_execution`` > 1 runs that many training steps per call into TensorFlow: for small models
    most of a step's time is the call itself.
    """
    model.compile(
        steps_per_execution=steps_per_execution,
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    return model


SMALL_SIZE = 28  # the photos' own resolution


def shrink(images, size=SMALL_SIZE):
    """Photos shrunk to ``size`` x ``size`` by averaging (as small_convnet's first layer does), float32."""
    return np.asarray(tf.image.resize(images, (size, size), method="area"))


def small_convnet(
    image_shape, data_augmentation=None, size=SMALL_SIZE, learning_rate=HEAD_LEARNING_RATE, steps_per_execution=1
):
    """A compiled ConvNet of 6,657 weights: shrink to ``size`` x ``size``, (augment,) two convolutions, one logit.

    The footwear photos are 28x28 scaled up: at 28x28 the network sees all there is, at a
    thirtieth of the cost of 160x160, and so does the augmentation.
    """
    layers = [keras.Input(tuple(image_shape) + (3,)), keras.layers.Resizing(size, size, interpolation="area")]
    if data_augmentation is not None:
        layers.append(data_augmentation)
    layers += [
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1),
    ]
    return binary_classifier_compile(keras.Sequential(layers), learning_rate, steps_per_execution)


def labelled_subset(labels, per_class, seed):
    """Indices of ``per_class`` examples of each class in ``labels``, drawn at random with ``seed``."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if per_class > members.size:
            raise ValueError(f"asked for {per_class} examples of class {label}, but there are only {members.size}")
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.concatenate(chosen)


class _Trainable:
    """A compiled model trained again and again from a start: its weights and optimizer state are restored.

    One model per method serves every run: building and compiling one, and tracing its TensorFlow
    functions, costs more than training it on a few photos.
    """

    def __init__(self, model):
        self.model = model
        model.optimizer.build(model.trainable_variables)
        self.start = [weight.numpy() for weight in model.weights]
        self.optimizer_start = [variable.numpy() for variable in model.optimizer.variables]

    def train(self, inputs, labels, steps, seed):
        self.model.set_weights(self.start)
        for variable, value in zip(self.model.optimizer.variables, self.optimizer_start):
            variable.assign(value)
        batches = (
            tf.data.Dataset.from_tensor_slices((inputs, labels.astype("float32")))
            .shuffle(len(labels), seed=seed)
            .repeat()
            .batch(min(BATCH_SIZE, len(labels)))
        )
        self.model.fit(batches, epochs=1, steps_per_epoch=steps, shuffle=False, verbose=0)
        return self.model

    def accuracy(self, inputs, labels):
        return float(np.mean((self.model.predict(inputs, batch_size=100, verbose=0)[:, 0] > 0) == labels))


def _head(features_size):
    return keras.Sequential([keras.Input((features_size,)), keras.layers.Dropout(0.2), keras.layers.Dense(1)])


def _fine_tuned(upper_layers, head):
    """The layers above the frozen ones, pooling and the head's layers, to train at a tenth of the rate."""
    inputs = keras.Input(upper_layers.input_shape[1:])
    x = keras.layers.GlobalAveragePooling2D()(upper_layers(inputs))
    outputs = head.layers[-1](head.layers[-2](x))
    return keras.Model(inputs, outputs)


def _initial_weights(build, seed):
    """The initial weights ``build()`` draws with ``seed`` (the model itself is not compiled or used)."""
    keras.utils.set_random_seed(seed)
    return build().get_weights()


def labelled_count_curve(
    imagenet_base, preprocess_input, train_data, validation_data, counts, seeds, steps, convnet_learning_rate,
    fine_tune_at=120,
):  # fmt: skip
    """Validation accuracy of each of ``METHODS`` trained on ``count`` labelled photos per class.

    Arguments:
    imagenet_base -- a MobileNetV2 base of its own (include_top=False, ImageNet weights) for the photos' shape:
        the curve trains its upper layers, and puts their ImageNet weights back at the end
    preprocess_input -- the base's input preprocessing
    train_data, validation_data -- ``(images, labels)`` arrays: RGB values in [0, 255], labels 0 or 1
    counts, seeds -- the photos per class, and one random draw of them (and of the initial weights) per seed
    steps -- ``{"head": n, "fine-tuning": n, "convnet": n}``: training steps of at most 32 photos for each
    model; fine-tuning starts from the trained head, as in the notebook
    convnet_learning_rate -- the small ConvNet's rate, chosen on training data
    fine_tune_at -- the first base layer that fine-tuning trains

    Returns ``{method: array of shape (len(seeds), len(counts))}``.
    """
    (train_images, train_labels), (validation_images, validation_labels) = train_data, validation_data
    started = time.perf_counter()
    lower_layers = keras.Model(imagenet_base.inputs, imagenet_base.layers[fine_tune_at - 1].output)
    upper_layers = keras.Model(imagenet_base.layers[fine_tune_at].input, imagenet_base.output)
    upper_layers.trainable = True
    imagenet_weights = upper_layers.get_weights()

    def frozen_parts(images):
        lower = lower_layers.predict(preprocess_input(images), batch_size=50, verbose=0)
        return lower, upper_layers.predict(lower, batch_size=50, verbose=0).mean(axis=(1, 2))

    train_lower, train_features = frozen_parts(train_images)
    validation_lower, validation_features = frozen_parts(validation_images)
    # The ConvNet's first layer shrinks the photos to 28x28: do it once.
    small_train, small_validation = (shrink(images) for images in (train_images, validation_images))

    def new_convnet():
        return small_convnet(
            small_train.shape[1:3], learning_rate=convnet_learning_rate, steps_per_execution=STEPS_PER_EXECUTION
        )

    head_model = _head(train_features.shape[1])
    head = _Trainable(binary_classifier_compile(head_model, HEAD_LEARNING_RATE, STEPS_PER_EXECUTION))
    fine_tuned = _Trainable(
        binary_classifier_compile(_fine_tuned(upper_layers, head_model), 0.1 * HEAD_LEARNING_RATE, STEPS_PER_EXECUTION)
    )
    convnet = _Trainable(new_convnet())
    accuracies = {method: np.zeros((len(seeds), len(counts))) for method in METHODS}
    for row, seed in enumerate(seeds):
        head.start = _initial_weights(lambda: _head(train_features.shape[1]), seed)
        convnet.start = _initial_weights(new_convnet, seed)
        for column, count in enumerate(counts):
            chosen = labelled_subset(train_labels, count, seed)
            labels = train_labels[chosen]
            head.train(train_features[chosen], labels, steps["head"], seed)
            accuracies[METHODS[0]][row, column] = head.accuracy(validation_features, validation_labels)
            # Fine-tuning starts from the ImageNet weights and the head just trained (its last two weights).
            fine_tuned.start[-2:] = head.model.get_weights()[-2:]
            fine_tuned.train(train_lower[chosen], labels, steps["fine-tuning"], seed)
            accuracies[METHODS[1]][row, column] = fine_tuned.accuracy(validation_lower, validation_labels)
            convnet.train(small_train[chosen], labels, steps["convnet"], seed)
            accuracies[METHODS[2]][row, column] = convnet.accuracy(small_validation, validation_labels)
        print(
            f"seed {seed}: "
            + "; ".join(f"{m.split()[0]} {np.round(a[row], 2).tolist()}" for m, a in accuracies.items())
            + f" ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    upper_layers.set_weights(imagenet_weights)
    return accuracies


def plot_labelled_count_curve(counts, accuracies, best_constant, title="Validation accuracy against labelled photos"):
    """Each method's mean over seeds, with its lowest and highest, and the best constant guess's accuracy."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for method, values in accuracies.items():
        mean = values.mean(axis=0)
        (line,) = ax.plot(counts, mean, marker="o", label=method)
        ax.fill_between(counts, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2)
    ax.axhline(best_constant, color="grey", linestyle=":", label="best constant guess")
    ax.set_xscale("log")
    ax.set_xticks(counts, [str(count) for count in counts])
    ax.set_xlabel("labelled training photos per class")
    ax.set_ylabel("validation accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.show()
