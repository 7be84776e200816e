"""Train an embedding with the triplet loss, and measure how well its distances verify identities.

Training (week 4, Face_Recognition): batches of P classes x K images
(``class_balanced_batches``), triplets mined inside each batch
(``mine_semi_hard_triplets``), and a loop (``train_triplet_embedding``) that
hands ``[anchor, positive, negative]`` embeddings to the notebook's graded
``triplet_loss``. Evaluation: pairs of images (``sample_pairs``), the ROC
curve of "same if distance < threshold" (``roc_curve``, ``roc_auc``), the
threshold of best accuracy (``best_threshold``), and two figures.
"""

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from utils.core.environment import import_tensorflow_quietly

tf = import_tensorflow_quietly()


def build_embedding_net(input_shape=(28, 28, 1), embedding_size=64):
    """A small ConvNet: uint8-range images -> L2-normalised embeddings of ``embedding_size``.

    CONV(32) -> POOL -> CONV(64) -> POOL -> FLATTEN -> DENSE -> L2 NORM; 3x3
    convolutions with ReLU, 2x2 max pooling.
    """
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Rescaling(1 / 255),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(embedding_size),
            layers.UnitNormalization(),
        ],
        name="embedding_net",
    )


def class_balanced_batches(labels, classes_per_batch, images_per_class, steps, seed=0):
    """``steps`` arrays of indices into ``labels``: P random classes, K different images of each.

    Every image in such a batch has K - 1 positives and (P - 1) K negatives
    to mine triplets from.
    """
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if classes_per_batch < 2 or classes_per_batch > len(classes):
        raise ValueError(f"classes_per_batch must be between 2 and {len(classes)}, got {classes_per_batch}")
    members = {label: np.flatnonzero(labels == label) for label in classes}
    smallest = min(len(indices) for indices in members.values())
    if images_per_class < 2 or images_per_class > smallest:
        raise ValueError(f"images_per_class must be between 2 and {smallest}, got {images_per_class}")
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        chosen = rng.choice(classes, classes_per_batch, replace=False)
        yield np.concatenate([rng.choice(members[label], images_per_class, replace=False) for label in chosen])


def pairwise_squared_distances(embeddings):
    """(n, n) squared L2 distances between the rows of an (n, d) tensor."""
    squared_norms = tf.reduce_sum(tf.square(embeddings), axis=1)
    distances = squared_norms[:, None] - 2 * tf.matmul(embeddings, embeddings, transpose_b=True) + squared_norms[None]
    return tf.maximum(distances, 0.0)  # rounding can make a distance to itself slightly negative


def mine_semi_hard_triplets(labels, embeddings):
    """Index tensors ``(anchors, positives, negatives)`` for a batch, one triplet per (anchor, positive) pair.

    Each anchor-positive pair (same label, different images) gets its
    semi-hard negative (FaceNet, Schroff et al. 2015): the closest negative
    that is still farther from the anchor than the positive. Where every
    negative is closer than the positive, it gets the farthest of them, the
    easiest of the hard ones: always taking the hardest negative early in
    training tends to collapse all embeddings onto one point.
    """
    labels = tf.convert_to_tensor(labels)
    distances = pairwise_squared_distances(tf.stop_gradient(embeddings))
    same = tf.equal(labels[:, None], labels[None])
    pairs = tf.where(tf.logical_and(same, tf.logical_not(tf.eye(tf.shape(labels)[0], dtype=tf.bool))))
    anchors, positives = pairs[:, 0], pairs[:, 1]
    anchor_distances = tf.gather(distances, anchors)
    positive_distance = tf.gather_nd(distances, pairs)[:, None]
    negative = tf.logical_not(tf.gather(same, anchors))
    farther = tf.logical_and(negative, anchor_distances > positive_distance)
    infinity = tf.constant(np.inf, distances.dtype)
    semi_hard = tf.argmin(tf.where(farther, anchor_distances, infinity), axis=1)
    farthest = tf.argmax(tf.where(negative, anchor_distances, -infinity), axis=1)
    negatives = tf.where(tf.reduce_any(farther, axis=1), semi_hard, farthest)
    return anchors, positives, negatives


def train_triplet_embedding(
    model,
    images,
    labels,
    loss_function,
    steps,
    classes_per_batch=7,
    images_per_class=8,
    alpha=0.2,
    learning_rate=1e-3,
    seed=0,
    log_every=100,
):
    """Train ``model`` with ``loss_function(None, [anchor, positive, negative], alpha)`` on mined triplets.

    ``loss_function`` is a triplet loss that sums over the triplets, like the
    notebook's ``triplet_loss``; it is divided by the number of triplets so
    that the step size does not depend on the batch. Prints a line every
    ``log_every`` steps; returns ``{"loss": [...], "active": [...]}`` per step,
    where "active" is the fraction of triplets that still violate the margin.
    """
    images = np.asarray(images, np.float32)
    if images.ndim == 3:
        images = images[..., None]
    labels = np.asarray(labels, np.int32)
    optimizer = keras.optimizers.Adam(learning_rate)

    @tf.function
    def train_step(batch_images, batch_labels):
        with tf.GradientTape() as tape:
            embeddings = model(batch_images, training=True)
            anchors, positives, negatives = mine_semi_hard_triplets(batch_labels, embeddings)
            triplets = [tf.gather(embeddings, indices) for indices in (anchors, positives, negatives)]
            count = tf.cast(tf.shape(anchors)[0], embeddings.dtype)
            loss = loss_function(None, triplets, alpha) / count
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        margins = (
            tf.reduce_sum(tf.square(triplets[0] - triplets[1]), axis=-1)
            - tf.reduce_sum(tf.square(triplets[0] - triplets[2]), axis=-1)
            + alpha
        )
        return loss, tf.reduce_mean(tf.cast(margins > 0, tf.float32))

    history = {"loss": [], "active": []}
    started = time.perf_counter()
    batches = class_balanced_batches(labels, classes_per_batch, images_per_class, steps, seed)
    for step, indices in enumerate(batches, start=1):
        loss, active = train_step(tf.constant(images[indices]), tf.constant(labels[indices]))
        history["loss"].append(float(loss))
        history["active"].append(float(active))
        if step % log_every == 0 or step == steps:
            recent = slice(-min(log_every, step), None)
            print(
                f"step {step}/{steps}: loss {np.mean(history['loss'][recent]):.4f}, "
                f"active triplets {np.mean(history['active'][recent]):.1%} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    return history


def sample_pairs(labels, pairs_per_kind, seed=0):
    """``(first, second, same)``: ``pairs_per_kind`` random same-label pairs and as many different-label pairs.

    ``first`` and ``second`` index ``labels``; the two images of a pair always differ.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    found = {True: [], False: []}
    while min(len(found[True]), len(found[False])) < pairs_per_kind:
        first, second = rng.integers(0, len(labels), (2, 4 * pairs_per_kind))
        keep = first != second
        for i, j in zip(first[keep], second[keep]):
            kind = bool(labels[i] == labels[j])
            if len(found[kind]) < pairs_per_kind:
                found[kind].append((i, j))
    pairs = np.array(found[True] + found[False])
    same = np.repeat([True, False], pairs_per_kind)
    return pairs[:, 0], pairs[:, 1], same


def roc_curve(distances, same):
    """``(false_positive_rates, true_positive_rates, thresholds)`` of "same if distance < threshold".

    One point per threshold between two neighbouring distinct distances, from
    accepting nothing (0, 0) to accepting every pair (1, 1).
    """
    distances = np.asarray(distances, np.float64)
    same = np.asarray(same, bool)
    if same.all() or not same.any():
        raise ValueError("a ROC curve needs both same and different pairs")
    order = np.argsort(distances, kind="stable")
    sorted_distances, sorted_same = distances[order], same[order]
    # Pairs with equal distances are accepted together: keep the last of each run.
    last_of_run = np.r_[sorted_distances[1:] != sorted_distances[:-1], True]
    true_positives = np.cumsum(sorted_same)[last_of_run]
    false_positives = np.cumsum(~sorted_same)[last_of_run]
    values = sorted_distances[last_of_run]
    thresholds = np.r_[values[0], (values[1:] + values[:-1]) / 2, values[-1] + 1]
    tpr = np.r_[0, true_positives / same.sum()]
    fpr = np.r_[0, false_positives / (~same).sum()]
    return fpr, tpr, thresholds


def roc_auc(false_positive_rates, true_positive_rates):
    """The area under a ROC curve (trapezoids): the chance that a random same pair is closer than a different one."""
    return float(np.trapezoid(true_positive_rates, false_positive_rates))


def verification_accuracy(distances, same, threshold):
    """The fraction of pairs judged right when "same" means distance < threshold."""
    return float(np.mean((np.asarray(distances) < threshold) == np.asarray(same, bool)))


def best_threshold(distances, same):
    """``(threshold, accuracy)``: the threshold on the ROC curve that judges the most pairs right."""
    fpr, tpr, thresholds = roc_curve(distances, same)
    same = np.asarray(same, bool)
    correct = tpr * same.sum() + (1 - fpr) * (~same).sum()
    best = int(np.argmax(correct))
    return float(thresholds[best]), float(correct[best] / len(same))


def plot_roc(curves, title="ROC curve", size=4.2):
    """ROC curves ``{label: (false_positive_rates, true_positive_rates)}``, with their AUC in the legend."""
    fig, ax = plt.subplots(figsize=(size, size))
    for label, (fpr, tpr) in curves.items():
        ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], color="0.7", linestyle=":", label="chance")
    ax.set_xlabel("false positive rate (different pairs accepted)")
    ax.set_ylabel("true positive rate (same pairs accepted)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_distance_matrix(distances, names, threshold=None, title="Distances between encodings"):
    """A heatmap of an (n, n) distance matrix with each value written in; values below ``threshold`` in bold."""
    distances = np.asarray(distances)
    if distances.shape != (len(names), len(names)):
        raise ValueError(f"a distance matrix of shape {distances.shape} does not fit {len(names)} names")
    fig, ax = plt.subplots(figsize=(0.75 * len(names) + 2.5, 0.75 * len(names) + 1.5))
    image = ax.imshow(distances, cmap="viridis_r")
    for (row, col), value in np.ndenumerate(distances):
        bold = threshold is not None and value < threshold
        ax.text(
            col,
            row,
            f"{value:.2f}",
            ha="center",
            va="center",
            fontsize=8,
            color="black" if value < distances.max() / 2 else "white",
            fontweight="bold" if bold else "normal",
        )
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    fig.colorbar(image, ax=ax, shrink=0.8, label="distance")
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


def principal_projection(vectors):
    """``(points, shares)``: the rows of an (n, d) array on their two principal axes (n, 2), and the share of
    the variance each axis holds."""
    vectors = np.asarray(vectors, np.float64)
    if vectors.ndim != 2 or vectors.shape[1] < 2 or len(vectors) < 2:
        raise ValueError(f"expected (n, d) vectors with n >= 2 and d >= 2, got shape {vectors.shape}")
    centred = vectors - vectors.mean(axis=0)
    _, singular_values, axes = np.linalg.svd(centred, full_matrices=False)
    variances = singular_values**2
    return centred @ axes[:2].T, variances[:2] / variances.sum()


def plot_embedding_projections(
    embeddings_by_net,
    labels,
    class_names,
    per_class=300,
    seed=0,
    size=4.0,
    title="Embeddings on their two principal axes",
):
    """One panel per net: its embeddings of the same images on their two principal axes (PCA), coloured by class.

    ``embeddings_by_net`` maps a name to (n, d) embeddings of the n images whose classes are ``labels``
    (indices into ``class_names``); each panel shows the same ``per_class`` random images of each class.
    """
    labels = np.asarray(labels).reshape(-1)
    if not embeddings_by_net:
        raise ValueError("plot_embedding_projections needs at least one net's embeddings")
    for name, embeddings in embeddings_by_net.items():
        if len(embeddings) != len(labels):
            raise ValueError(f"{name!r} has {len(embeddings)} embeddings for {len(labels)} labels")
    classes = np.unique(labels)
    if classes.dtype.kind not in "iu" or classes.min() < 0 or classes.max() >= len(class_names):
        raise ValueError(f"labels must be integer indices into the {len(class_names)} class names, got {classes}")
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.permutation(np.flatnonzero(labels == label))[:per_class] for label in classes])
    projections = {
        name: principal_projection(np.asarray(embeddings)[chosen]) for name, embeddings in embeddings_by_net.items()
    }
    fig, axes = plt.subplots(1, len(projections), figsize=(size * len(projections), size + 0.4), squeeze=False)
    for ax, (name, (points, shares)) in zip(axes[0], projections.items()):
        for label in classes:
            mine = labels[chosen] == label
            ax.scatter(*points[mine].T, s=6, alpha=0.6, color=plt.cm.tab10(int(label) % 10), label=class_names[label])
        ax.set_xlabel(f"principal axis 1 ({shares[0]:.0%} of the variance)", fontsize=8)
        ax.set_ylabel(f"principal axis 2 ({shares[1]:.0%})", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=10)
    axes[0, -1].legend(fontsize=8, markerscale=2, loc="best")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plt.show()
