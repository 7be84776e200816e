"""Triplet mining, training and the verification measures of utils.lessons.triplet_training."""

import matplotlib
import numpy as np
import pytest

import utils
from utils.core.environment import import_tensorflow_quietly
from utils.lessons import triplet_training

tf = import_tensorflow_quietly()
matplotlib.use("Agg")


def triplet_loss(y_true, y_pred, alpha=0.2):
    """The notebook's loss, summed over the triplets (a reference written with NumPy-like ops)."""
    anchor, positive, negative = y_pred
    margins = (
        tf.reduce_sum(tf.square(anchor - positive), axis=-1)
        - tf.reduce_sum(tf.square(anchor - negative), axis=-1)
        + alpha
    )
    return tf.reduce_sum(tf.maximum(margins, 0.0))


def test_embedding_net_gives_unit_vectors():
    model = triplet_training.build_embedding_net(embedding_size=16)
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28, 1)).astype(np.float32)
    embeddings = model.predict(images, verbose=0)
    assert embeddings.shape == (5, 16)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)


def test_batches_hold_p_classes_of_k_different_images():
    labels = np.repeat(np.arange(6), 10)
    batches = list(triplet_training.class_balanced_batches(labels, 4, 3, steps=20, seed=1))
    assert len(batches) == 20
    for batch in batches:
        assert len(batch) == 12 and len(set(batch)) == 12
        classes, counts = np.unique(labels[batch], return_counts=True)
        assert len(classes) == 4 and (counts == 3).all()
        # images of a class come together, so the batch reads class by class
        assert (np.diff(labels[batch].reshape(4, 3), axis=1) == 0).all()
    assert len({tuple(batch) for batch in batches}) > 1
    again = list(triplet_training.class_balanced_batches(labels, 4, 3, steps=20, seed=1))
    assert all((a == b).all() for a, b in zip(batches, again))


@pytest.mark.parametrize(
    "classes, images, message",
    [(1, 3, "classes_per_batch"), (7, 3, "classes_per_batch"), (3, 1, "images_per_class"), (3, 11, "images_per_class")],
)
def test_batches_reject_impossible_sizes(classes, images, message):
    labels = np.repeat(np.arange(6), 10)
    with pytest.raises(ValueError, match=message):
        next(triplet_training.class_balanced_batches(labels, classes, images, steps=1))


def test_pairwise_squared_distances_match_numpy():
    vectors = np.random.default_rng(2).normal(size=(7, 5)).astype(np.float32)
    expected = ((vectors[:, None] - vectors[None]) ** 2).sum(-1)
    actual = triplet_training.pairwise_squared_distances(tf.constant(vectors)).numpy()
    np.testing.assert_allclose(actual, expected, atol=1e-5)
    assert (actual >= 0).all()


def semi_hard_reference(labels, embeddings):
    """Loops over every (anchor, positive) pair: the closest negative farther than the positive, else the farthest."""
    distances = ((embeddings[:, None] - embeddings[None]) ** 2).sum(-1)
    triplets = []
    for anchor in range(len(labels)):
        for positive in range(len(labels)):
            if positive == anchor or labels[positive] != labels[anchor]:
                continue
            negatives = [n for n in range(len(labels)) if labels[n] != labels[anchor]]
            farther = [n for n in negatives if distances[anchor, n] > distances[anchor, positive]]
            if farther:
                negative = min(farther, key=lambda n: distances[anchor, n])
            else:
                negative = max(negatives, key=lambda n: distances[anchor, n])
            triplets.append((anchor, positive, negative))
    return triplets


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mining_picks_semi_hard_negatives(seed):
    rng = np.random.default_rng(seed)
    labels = np.repeat(rng.permutation(5)[:3], 4)
    embeddings = rng.normal(size=(12, 3))
    if seed == 2:  # one class far from the rest: its anchors have no negative farther than their positives
        embeddings[labels == labels[0]] *= 0.01
        embeddings[labels != labels[0]] += 10
    mined = triplet_training.mine_semi_hard_triplets(tf.constant(labels), tf.constant(embeddings))
    actual = list(zip(*(indices.numpy().tolist() for indices in mined)))
    assert actual == semi_hard_reference(labels, embeddings)
    assert len(actual) == 3 * 4 * 3


def pair_distances(model, images, labels):
    """Distances of 100 same-class and 100 different-class pairs, in the embedding of ``model``."""
    embeddings = model.predict(images[..., None], verbose=0)
    first, second, same = triplet_training.sample_pairs(labels, 100, seed=0)
    distances = np.linalg.norm(embeddings[first] - embeddings[second], axis=1)
    return distances[same], distances[~same]


def test_training_with_the_triplet_loss_meets_the_margin():
    utils.seed_everything(3)
    rng = np.random.default_rng(3)
    # Two kinds of noisy 28x28 images: the left half a little brighter, or the right half.
    labels = np.repeat([0, 1], 40)
    images = rng.integers(0, 120, (80, 28, 28)).astype(np.float32)
    images[labels == 0, :, :14] += 60
    images[labels == 1, :, 14:] += 60
    alpha = 1.0  # unit vectors are at most 2 apart: a margin of 1 asks for far more than an untrained net gives
    model = triplet_training.build_embedding_net(embedding_size=8)
    same, different = pair_distances(model, images, labels)
    assert different.min() ** 2 < same.max() ** 2 + alpha
    calls = []

    def counting_loss(y_true, y_pred, alpha):
        calls.append((y_true, [part.shape[-1] for part in y_pred], alpha))
        return triplet_loss(y_true, y_pred, alpha)

    history = triplet_training.train_triplet_embedding(
        model,
        images,
        labels,
        counting_loss,
        steps=20,
        classes_per_batch=2,
        images_per_class=4,
        alpha=alpha,
        learning_rate=3e-3,
        log_every=100,
    )
    assert calls and calls[0] == (None, [8, 8, 8], alpha)
    assert len(history["loss"]) == len(history["active"]) == 20 and history["active"][-1] == 0
    same, different = pair_distances(model, images, labels)
    assert different.min() ** 2 > same.max() ** 2 + alpha


def test_sample_pairs():
    labels = np.repeat(np.arange(4), 5)
    first, second, same = triplet_training.sample_pairs(labels, 30, seed=4)
    assert len(first) == len(second) == len(same) == 60 and same.sum() == 30
    assert (first != second).all()
    np.testing.assert_array_equal(labels[first] == labels[second], same)


def auc_by_counting(distances, same):
    """The share of (same, different) pairs in which the same pair is closer; ties count half."""
    closer = distances[same][:, None] < distances[~same][None]
    tied = distances[same][:, None] == distances[~same][None]
    return (closer.sum() + 0.5 * tied.sum()) / closer.size


@pytest.mark.parametrize("seed", [0, 1])
def test_roc_curve_and_auc(seed):
    rng = np.random.default_rng(seed)
    same = rng.random(200) < 0.4
    distances = np.round(rng.normal(1.0 - 0.5 * same, 0.4), 1)  # rounding makes ties
    fpr, tpr, thresholds = triplet_training.roc_curve(distances, same)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert (np.diff(fpr) >= 0).all() and (np.diff(tpr) >= 0).all() and (np.diff(thresholds) > 0).all()
    for threshold, false_rate, true_rate in zip(thresholds, fpr, tpr):
        accepted = distances < threshold
        assert true_rate == pytest.approx(accepted[same].mean()) and false_rate == pytest.approx(accepted[~same].mean())
    assert triplet_training.roc_auc(fpr, tpr) == pytest.approx(auc_by_counting(distances, same))


def test_roc_extremes_and_errors():
    same = np.array([True, True, False, False])
    perfect = triplet_training.roc_curve(np.array([0.1, 0.2, 0.8, 0.9]), same)
    reversed_ = triplet_training.roc_curve(np.array([0.8, 0.9, 0.1, 0.2]), same)
    assert triplet_training.roc_auc(*perfect[:2]) == 1.0 and triplet_training.roc_auc(*reversed_[:2]) == 0.0
    with pytest.raises(ValueError, match="both same and different"):
        triplet_training.roc_curve([0.1, 0.2], [True, True])


def test_best_threshold_and_accuracy():
    distances = np.array([0.1, 0.3, 0.35, 0.5, 0.6, 0.9])
    same = np.array([True, True, False, True, False, False])
    threshold, accuracy = triplet_training.best_threshold(distances, same)
    assert accuracy == pytest.approx(5 / 6)
    assert triplet_training.verification_accuracy(distances, same, threshold) == pytest.approx(accuracy)
    # no threshold does better
    for candidate in np.linspace(0, 1, 101):
        assert triplet_training.verification_accuracy(distances, same, candidate) <= accuracy + 1e-12
    separable = np.array([0.1, 0.2, 0.7, 0.8])
    threshold, accuracy = triplet_training.best_threshold(separable, [True, True, False, False])
    assert accuracy == 1.0 and 0.2 < threshold < 0.7


def test_figures(monkeypatch):
    monkeypatch.setattr(triplet_training.plt, "show", lambda: None)
    distances = np.array([[0.0, 0.3], [0.3, 0.0]])
    triplet_training.plot_distance_matrix(distances, ["a", "b"], threshold=0.4)
    fpr, tpr, _ = triplet_training.roc_curve([0.1, 0.5, 0.3], [True, False, False])
    triplet_training.plot_roc({"model": (fpr, tpr)})
    with pytest.raises(ValueError, match="does not fit 3 names"):
        triplet_training.plot_distance_matrix(distances, ["a", "b", "c"])


def test_principal_projection_finds_the_axis_of_largest_spread():
    rng = np.random.default_rng(5)
    along = rng.normal(size=200)
    # points spread along (1, 2, 2) / 3, with a little noise across it
    vectors = along[:, None] * np.array([1.0, 2.0, 2.0]) / 3 + 0.01 * rng.normal(size=(200, 3)) + 7.0
    points, shares = triplet_training.principal_projection(vectors)
    assert points.shape == (200, 2) and shares[0] > 0.99 and shares.sum() <= 1
    assert abs(np.corrcoef(points[:, 0], along)[0, 1]) > 0.999
    np.testing.assert_allclose(points.mean(axis=0), 0, atol=1e-12)
    with pytest.raises(ValueError, match=r"expected \(n, d\) vectors with n >= 2 and d >= 2, got shape \(5,\)"):
        triplet_training.principal_projection(np.ones(5))


def test_embedding_projections_figure(monkeypatch):
    figures = []
    monkeypatch.setattr(triplet_training.plt, "show", lambda: figures.append(triplet_training.plt.gcf()))
    rng = np.random.default_rng(6)
    labels = np.repeat([0, 2], 30)
    embeddings = {"untrained": rng.normal(size=(60, 8)), "trained": rng.normal(size=(60, 8)) + labels[:, None]}
    triplet_training.plot_embedding_projections(embeddings, labels, ["a", "b", "c"], per_class=20)
    [figure] = figures
    assert [ax.get_title() for ax in figure.axes] == ["untrained", "trained"]
    for ax in figure.axes:
        assert [len(points.get_offsets()) for points in ax.collections] == [20, 20]
    assert [text.get_text() for text in figure.axes[-1].get_legend().get_texts()] == ["a", "c"]
    with pytest.raises(ValueError, match="'trained' has 59 embeddings for 60 labels"):
        triplet_training.plot_embedding_projections({"trained": embeddings["trained"][1:]}, labels, ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"labels must be integer indices into the 2 class names, got \[0 2\]"):
        triplet_training.plot_embedding_projections(embeddings, labels, ["a", "b"])
    triplet_training.plt.close("all")
