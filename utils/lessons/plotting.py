"""Figures shared by the notebooks (matplotlib, kept small)."""

import io
import math

import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np

# Photographic figures are shown as JPEG: a photo as PNG weighs several times more in a stored notebook.
JPEG_QUALITY = 85
DPI = 100


def show_figure_as_jpeg(fig):
    """Display a figure as a JPEG and close it."""
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="jpeg", dpi=DPI, bbox_inches="tight", pad_inches=0.05, pil_kwargs={"quality": JPEG_QUALITY}
    )
    plt.close(fig)
    display(Image(buffer.getvalue(), format="jpeg"))


def show_images(images, titles=None, ncols=None, cmap="gray", size=2.4, suptitle=None, as_jpeg=False):
    """Show a grid of images: 2-D arrays (shown with ``cmap``) or (H, W, 3) colour images; photos
    ``as_jpeg``."""
    images = [np.asarray(image) for image in images]
    if not images:
        raise ValueError("show_images needs at least one image")
    for i, image in enumerate(images):
        if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3)):
            raise ValueError(f"image {i} has shape {image.shape}: expected (H, W), (H, W, 1) or (H, W, 3)")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    ncols = ncols or len(images)
    nrows = math.ceil(len(images) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, image) in enumerate(zip(axes.flat, images)):
        ax.imshow(image.squeeze(-1) if image.ndim == 3 and image.shape[2] == 1 else image, cmap=cmap)
        if titles is not None:
            ax.set_title(titles[i], fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if as_jpeg:
        show_figure_as_jpeg(fig)
    else:
        plt.show()


def show_conv_windows(n_H_prev, n_W_prev, f, stride, pad, n_windows=3):
    """Draw a padded input grid and the first few f x f windows a convolution visits."""
    n_H = (n_H_prev + 2 * pad - f) // stride + 1
    n_W = (n_W_prev + 2 * pad - f) // stride + 1
    rows, cols = n_H_prev + 2 * pad, n_W_prev + 2 * pad
    fig, ax = plt.subplots(figsize=(0.45 * cols + 1.5, 0.45 * rows + 0.8))
    for r in range(rows):
        for c in range(cols):
            padded = not (pad <= r < pad + n_H_prev and pad <= c < pad + n_W_prev)
            ax.add_patch(patches.Rectangle((c, r), 1, 1, facecolor="0.85" if padded else "white", edgecolor="0.6"))
            if padded:
                ax.text(c + 0.5, r + 0.5, "0", ha="center", va="center", fontsize=7, color="0.45")
    positions = [(h, w) for h in range(n_H) for w in range(n_W)][:n_windows]
    colours = plt.cm.tab10.colors
    for k, (h, w) in enumerate(positions):
        ax.add_patch(
            patches.Rectangle(
                (w * stride + 0.08 * k, h * stride + 0.08 * k),
                f - 0.16 * k,
                f - 0.16 * k,
                fill=False,
                edgecolor=colours[k],
                linewidth=2.5,
                label=f"window of Z[{h}, {w}]",
            )
        )
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(
        f"{n_H_prev}x{n_W_prev} input, pad {pad} (grey), f={f}, stride {stride} -> output {n_H}x{n_W}", fontsize=9
    )
    fig.tight_layout()
    plt.show()


def show_timings(seconds, title="Time per call (lower is better)"):
    """Horizontal bars of ``{label: seconds}`` on a log scale, each labelled with its time."""
    labels, values = list(seconds), [seconds[label] for label in seconds]
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(labels) + 0.9))
    bars = ax.barh(labels, values, color=plt.cm.tab10.colors[: len(labels)])
    ax.set_xscale("log")
    ax.invert_yaxis()
    for bar, value in zip(bars, values):
        ax.text(
            value * 1.1,
            bar.get_y() + bar.get_height() / 2,
            f"{value * 1e3:,.0f} ms" if value >= 0.1 else f"{value * 1e3:.3g} ms",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(min(values) / 2, max(values) * 8)
    ax.set_xlabel("seconds (log scale)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.show()


def show_class_samples(images, labels, class_names, per_class=8, size=1.1, title=None):
    """A grid with one row per class: the first ``per_class`` images of that class."""
    images, labels = np.asarray(images), np.asarray(labels).reshape(-1)
    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels")
    fig, axes = plt.subplots(
        len(class_names), per_class, figsize=(size * per_class + 1.2, size * len(class_names)), squeeze=False
    )
    for row, name in enumerate(class_names):
        chosen = np.flatnonzero(labels == row)[:per_class]
        axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
        for column, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
            if column < len(chosen):
                ax.imshow(images[chosen[column]])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_history(history, title=None, validation_label="validation"):
    """Loss and accuracy per epoch, training against ``validation_data``, from ``model.fit``'s History.

    ``validation_label`` names what ``fit`` was given as validation data: "test" where it was the test set.
    """
    logs = getattr(history, "history", history)
    missing = [key for key in ("loss", "accuracy") if key not in logs]
    if missing:
        raise ValueError(f"the history has no {missing}: compile the model with metrics=['accuracy']")
    epochs = np.arange(1, len(logs["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, logs[metric], label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label=validation_label)
        ax.set_xlabel("epoch")
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def show_misclassified(images, labels, predictions, class_names, limit=10, size=1.4):
    """The first ``limit`` images whose predicted class differs from the true one, with both labels."""
    labels, predictions = np.asarray(labels).reshape(-1), np.asarray(predictions).reshape(-1)
    wrong = np.flatnonzero(labels != predictions)
    print(f"{len(wrong)} of {len(labels)} images misclassified")
    if not len(wrong):
        return
    shown = wrong[:limit]
    fig, axes = plt.subplots(1, len(shown), figsize=(size * len(shown), size + 0.5), squeeze=False)
    for ax, index in zip(axes[0], shown):
        ax.imshow(images[index])
        ax.set_title(f"true: {class_names[labels[index]]}\npredicted: {class_names[predictions[index]]}", fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    plt.show()


def compare_accuracies(accuracies, title="Test accuracy"):
    """Horizontal bars of ``{model name: accuracy}``."""
    names = list(accuracies)
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(names) + 0.9))
    bars = ax.barh(names, [accuracies[name] for name in names], color=plt.cm.tab10.colors[: len(names)])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    for bar, name in zip(bars, names):
        ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, f"{accuracies[name]:.3f}", va="center")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.show()
