"""``plot_image_grid``: sample images with their true (and predicted) labels."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.plot._mpl import class_ids, pyplot, save

__all__ = ["plot_image_grid"]

RIGHT_COLOR = "green"
WRONG_COLOR = "red"


def plot_image_grid(
    images: Any,
    true_labels: Any,
    pred_labels: Any = None,
    class_names: Sequence[str] | None = None,
    ncols: int | None = None,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Show images in a grid, each titled with its label; predictions in green or red.

    Each title reads ``True: cat``, or with predictions ``True: cat`` / ``Pred: dog`` in
    green when they agree and red when they do not. When ``pred_labels`` holds one row of
    probabilities per image (``model.predict``'s output), the title adds the confidence of
    the predicted class, ``Pred: dog (87.5%)``.

    Args:
        images: (N, H, W), (N, H, W, 1) grey or (N, H, W, 3) colour images; uint8 0-255 or
            floats in [0, 1]; other float ranges are stretched to [0, 1] per image.
        true_labels: class ids (N,) or (N, 1), or one-hot rows (N, K).
        pred_labels: optional class ids (N,), or scores/probabilities (N, K).
        class_names: names for the class ids (default: the ids themselves).
        ncols: images per row (default: ceil(sqrt(N)), at most 8).
        to_file: save the figure there too (PNG, PDF, SVG, by extension).

    Returns:
        The matplotlib Figure.

    Raises:
        ShapeError: for images of another shape, or label counts that differ from N.
        ImportError: when matplotlib is missing.

    Example:
        >>> images = np.zeros((4, 8, 8), dtype=np.uint8)
        >>> fig = plot_image_grid(images, [0, 1, 2, 3], [0, 1, 0, 3], class_names="abcd")
        >>> [ax.get_title() for ax in fig.axes][2]
        'True: c\\nPred: a'
    """
    plt = pyplot("plot_image_grid")
    pictures = _displayable(images)
    n = len(pictures)
    truth = class_ids("plot_image_grid", "true_labels", true_labels)
    scores = None if pred_labels is None else np.asarray(pred_labels)
    guess = None if scores is None else class_ids("plot_image_grid", "pred_labels", scores)
    for name, labels in (("true_labels", truth), ("pred_labels", guess)):
        if labels is not None and len(labels) != n:
            raise ShapeError(
                f"plot_image_grid: expected {name} for each of the {n} images, got {len(labels)}."
            )
    ncols = min(ncols or min(math.ceil(math.sqrt(n)), 8), n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.2 * ncols, 2.6 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        grey = pictures[i].ndim == 2
        ax.imshow(pictures[i], cmap="gray" if grey else None, vmin=0, vmax=1)
        title, color = _title(i, truth, guess, scores, class_names)
        ax.set_title(title, color=color, fontsize=10)
    fig.tight_layout()
    save(fig, to_file)
    return fig


def _name(label: int, class_names: Sequence[str] | None) -> str:
    if class_names is not None and 0 <= label < len(class_names):
        return str(class_names[label])
    return str(label)


def _title(i, truth, guess, scores, class_names) -> tuple[str, str]:
    title = f"True: {_name(truth[i], class_names)}"
    if guess is None:
        return title, "black"
    title += f"\nPred: {_name(guess[i], class_names)}"
    if scores is not None and scores.ndim == 2 and scores.shape[1] > 1:
        title += f" ({100 * float(scores[i, guess[i]]):.1f}%)"
    return title, RIGHT_COLOR if truth[i] == guess[i] else WRONG_COLOR


def _displayable(images: Any) -> np.ndarray:
    """Images as floats in [0, 1], grey ones as (N, H, W)."""
    array = np.asarray(images)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (3, 4) or (array.ndim == 4 and array.shape[-1] not in (3, 4)):
        raise ShapeError(
            "plot_image_grid: expected images (N, H, W), (N, H, W, 1) or (N, H, W, 3), got "
            f"{array.shape}."
        )
    if len(array) == 0:
        raise ShapeError("plot_image_grid: expected at least one image, got none.")
    if array.dtype.kind in "ui":
        return array.astype(np.float32) / 255.0
    array = array.astype(np.float32)
    if array.min() >= 0 and array.max() <= 1:
        return array
    axes = tuple(range(1, array.ndim))
    low, high = array.min(axis=axes, keepdims=True), array.max(axis=axes, keepdims=True)
    return (array - low) / np.maximum(high - low, 1e-12)
