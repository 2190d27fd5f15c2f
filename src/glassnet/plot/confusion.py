"""``confusion_matrix`` and ``plot_confusion_matrix``: which classes a classifier mixes up."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.plot._mpl import class_ids, pyplot, save

__all__ = ["confusion_matrix", "plot_confusion_matrix"]

_NORMALIZE = (None, "true", "pred", "all")


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None,
                     normalize: str | None = None) -> np.ndarray:  # fmt: skip
    """Count how often each true class (row) was predicted as each class (column).

    Same layout and ``normalize`` options as ``sklearn.metrics.confusion_matrix``.

    Args:
        y_true: class ids (N,) or (N, 1), or one-hot rows (N, K).
        y_pred: class ids (N,), scores/probabilities (N, K) (their argmax is taken), or one
            sigmoid probability per sample (N, 1) (class 1 above 0.5).
        num_classes: K (default: the largest id seen + 1).
        normalize: None (counts), ``'true'`` (each row sums to 1), ``'pred'`` (each column),
            or ``'all'`` (the whole matrix).

    Returns:
        (K, K) int64 counts, or float64 fractions when normalized (0 where a row/column is
        empty).

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2])
        array([[1, 0, 0],
               [0, 1, 1],
               [0, 0, 1]])
    """
    who = "confusion_matrix"
    if normalize not in _NORMALIZE:
        raise ConfigError(f"{who}: expected normalize in {_NORMALIZE}, got {normalize!r}.")
    scores = np.asarray(y_pred)
    if scores.ndim == 2 and scores.shape[1] == 1 and not np.all(scores == np.round(scores)):
        scores = scores[:, 0] > 0.5  # one sigmoid probability per sample
    truth, guess = class_ids(who, "y_true", y_true), class_ids(who, "y_pred", scores)
    if len(truth) != len(guess):
        raise ShapeError(
            f"{who}: expected as many predictions as labels, got {len(guess)} and {len(truth)}."
        )
    if len(truth) and min(truth.min(), guess.min()) < 0:
        lowest = int(min(truth.min(), guess.min()))
        raise ValueError(
            f"{who}: expected class ids >= 0, got {lowest}. Number the classes 0 to K - 1 "
            "(for example with sklearn's LabelEncoder)."
        )
    seen = int(max(truth.max(initial=-1), guess.max(initial=-1))) + 1
    k = seen if num_classes is None else int(num_classes)
    if k < seen:
        raise ValueError(
            f"{who}: expected class ids below num_classes={k}, got {seen - 1}. "
            "Raise num_classes or pass more class_names."
        )
    counts = np.bincount(truth * k + guess, minlength=k * k).reshape(k, k)
    if normalize is None:
        return counts
    axis = {"true": 1, "pred": 0, "all": None}[normalize]
    totals = counts.sum(axis=axis, keepdims=axis is not None)
    return np.divide(counts, totals, out=np.zeros((k, k)), where=np.asarray(totals) != 0)


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    to_file: str | os.PathLike | None = None,
    ax: Any = None,
) -> Any:
    """Draw the confusion matrix as a heatmap, each cell annotated with its value.

    Rows are the true classes, columns the predicted ones; the diagonal holds the correct
    predictions. Cells show counts, or fractions with ``normalize``.

    Args:
        y_true, y_pred: as ``confusion_matrix`` (model.predict's probabilities work).
        class_names: tick labels (default: the class ids); also fixes the number of classes.
        normalize: None, ``'true'``, ``'pred'`` or ``'all'`` (see ``confusion_matrix``).
        to_file: save the figure there too.
        ax: draw into these matplotlib axes instead of a new figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_confusion_matrix([0, 1, 1], [0, 1, 0], class_names=["cat", "dog"])
        >>> [t.get_text() for t in fig.axes[0].texts]
        ['1', '0', '1', '1']
    """
    plt = pyplot("plot_confusion_matrix")
    k = None if class_names is None else len(class_names)
    matrix = confusion_matrix(y_true, y_pred, num_classes=k, normalize=normalize)
    k = len(matrix)
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(k)]
    if ax is None:
        size = max(4.0, 0.6 * k + 2)
        fig, ax = plt.subplots(figsize=(size + 1, size))
    else:
        fig = ax.figure
    image = ax.imshow(matrix, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    threshold = matrix.max() / 2 if matrix.size else 0
    for (row, col), value in np.ndenumerate(matrix):
        text = f"{value:.2f}" if normalize else f"{value:d}"
        color = "white" if value > threshold else "black"
        ax.text(col, row, text, ha="center", va="center", color=color, fontsize=9)
    slanted = max(map(len, names)) > 3
    ax.set_xticks(range(k), names, rotation=45 if slanted else 0,
                  ha="right" if slanted else "center")  # fmt: skip
    ax.set_yticks(range(k), names)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    title = "Confusion matrix" + ("" if normalize is None else f" (normalized: {normalize})")
    ax.set_title(title)
    fig.tight_layout()
    save(fig, to_file)
    return fig
