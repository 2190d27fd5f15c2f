"""``plot_decision_boundary``: what a 2-D classifier predicts everywhere on the plane."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.inspect._predictions import class_ids_of_targets, is_model
from glassnet.plot._mpl import pyplot, save

__all__ = ["decision_grid", "plot_decision_boundary"]

# Colours of the classes, points and regions alike (matplotlib's tab10 order).
CLASS_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
                "tab:pink", "tab:gray", "tab:olive", "tab:cyan")  # fmt: skip


def decision_grid(
    model: Any, x: Any, resolution: int = 200, margin: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's outputs on a regular grid covering ``x``, as probabilities.

    Args:
        model: anything with ``predict`` returning (M, 1) sigmoid or (M, K) softmax outputs.
        x: (N, 2) points; the grid spans their range plus ``margin`` times it on each side.
        resolution: grid points along each axis.
        margin: padding around the points, as a fraction of their range.

    Returns:
        ``(xs, ys, probabilities)``: the grid's coordinates (resolution,) each, and the
        outputs (resolution, resolution, K) with K = 1 for one sigmoid output; row i, column
        j is the point ``(xs[j], ys[i])``. Outputs outside [0, 1] are read as logits and go
        through a sigmoid (K = 1) or a softmax (K > 1).
    """
    points = _points(x)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * np.where(high > low, high - low, 1.0)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(points.dtype)
    outputs = np.asarray(model.predict(grid), dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.ndim != 2 or outputs.shape[0] != len(grid):
        raise ShapeError(
            "plot_decision_boundary: expected the model to output (M, 1) or (M, K) scores for "
            f"M = {len(grid)} points, got shape {outputs.shape}."
        )
    return xs, ys, _probabilities(outputs).reshape(resolution, resolution, -1)


def _probabilities(outputs: np.ndarray) -> np.ndarray:
    if outputs.min() >= 0 and outputs.max() <= 1:
        return outputs
    if outputs.shape[1] == 1:  # why: a score outside [0, 1] can only be a logit
        return 1.0 / (1.0 + np.exp(-outputs))
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _points(x: Any) -> np.ndarray:
    points = np.asarray(x)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ShapeError(
            f"plot_decision_boundary: expected x of shape (N, 2), got {points.shape}. The plot "
            "needs two input features; pick two columns or project the data to 2-D first."
        )
    if points.dtype.kind != "f":
        points = points.astype(np.float32)
    return points


def plot_decision_boundary(
    model: Any,
    x: Any,
    y: Any = None,
    class_names: Sequence[str] | None = None,
    resolution: int = 200,
    margin: float = 0.1,
    feature_names: Sequence[str] = ("x[0]", "x[1]"),
    to_file: str | os.PathLike | None = None,
    ax: Any = None,
) -> Any:
    """Shade the plane by the classifier's prediction and draw the points on top.

    One sigmoid output: the background is P(class 1), blue (0) through white (0.5) to orange
    (1), the colours of the two classes' points, with a colour bar and the 0.5 contour drawn in black. Softmax outputs (K classes): each
    region takes its class's colour, paler where the model is less sure (the opacity is the
    winning probability), with the boundaries drawn in black. The points are coloured by
    their true class (grey when ``y`` is None).

    Args:
        model: a fitted classifier of 2 inputs (``predict`` gives (M, 1) or (M, K) outputs).
        x: (N, 2) points, usually the training or test inputs.
        y: their class ids (N,) or (N, 1), or one-hot rows (N, K).
        class_names: legend names for the class ids.
        resolution: grid points along each axis.
        margin: padding around the points, as a fraction of their range.
        feature_names: the axis labels.
        to_file: save the figure there too.
        ax: draw into these matplotlib axes instead of a new figure.

    Returns:
        The matplotlib Figure. Its first image holds P(class 1) (one sigmoid output) or the
        predicted class ids (softmax), one pixel per grid point (see ``decision_grid``).

    Raises:
        ShapeError: for x without exactly 2 features.
        ImportError: when matplotlib is missing.

    Example:
        >>> class Above:                       # predicts class 1 above the line y = x
        ...     def predict(self, p): return (p[:, 1] > p[:, 0]).astype("float32")[:, None]
        >>> fig = plot_decision_boundary(Above(), np.array([[0, 0], [1, 1.0]]), [0, 1])
        >>> fig.axes[0].get_xlabel(), fig.axes[0].images[0].get_array().shape
        ('x[0]', (200, 200))
    """
    if not is_model(model):
        raise TypeError(
            "plot_decision_boundary: expected a model with a predict method as the first "
            f"argument, got {type(model).__name__}."
        )
    plt = pyplot("plot_decision_boundary")
    points = _points(x)
    labels = None if y is None else class_ids_of_targets("plot_decision_boundary", y)
    if labels is not None and len(labels) != len(points):
        raise ShapeError(
            f"plot_decision_boundary: expected a label for each of the {len(points)} points, "
            f"got {len(labels)}."
        )
    xs, ys, probabilities = decision_grid(model, points, resolution, margin)
    fig, ax = plt.subplots(figsize=(6.4, 5.2)) if ax is None else (ax.figure, ax)
    extent = _extent(xs, ys)
    if probabilities.shape[-1] == 1:
        _shade_binary(fig, ax, xs, ys, probabilities[..., 0], extent)
    else:
        _shade_classes(ax, xs, ys, probabilities, extent)
    _scatter(ax, points, labels, class_names)
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title("Decision boundary")
    fig.tight_layout()
    save(fig, to_file)
    return fig


def _extent(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float]:
    """Image edges half a grid step beyond the first and last grid points."""
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2
    return (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)


def _shade_binary(fig, ax, xs, ys, p_one, extent) -> None:
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list(
        "class0_class1", [CLASS_COLORS[0], "white", CLASS_COLORS[1]]
    )
    image = ax.imshow(p_one, origin="lower", extent=extent, cmap=cmap, vmin=0, vmax=1,
                      alpha=0.5, aspect="auto", interpolation="nearest")  # fmt: skip
    fig.colorbar(image, ax=ax, label="P(class 1)")
    if p_one.min() < 0.5 < p_one.max():
        ax.contour(xs, ys, p_one, levels=[0.5], colors="black", linewidths=1.2)


def _shade_classes(ax, xs, ys, probabilities, extent) -> None:
    from matplotlib.colors import BoundaryNorm, ListedColormap

    k = probabilities.shape[-1]
    ids = probabilities.argmax(axis=-1)
    confidence = probabilities.max(axis=-1)
    colors = [CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)]
    norm = BoundaryNorm(np.arange(-0.5, k), k)
    alpha = 0.1 + 0.35 * (confidence - 1 / k) / (1 - 1 / k)  # why: chance level is faint
    ax.imshow(ids, origin="lower", extent=extent, cmap=ListedColormap(colors), norm=norm,
              alpha=np.clip(alpha, 0.1, 0.45), aspect="auto", interpolation="nearest")  # fmt: skip
    for c in np.unique(ids) if ids.min() != ids.max() else ():
        others = np.delete(probabilities, c, axis=-1).max(axis=-1)
        lead = probabilities[..., c] - others  # why: zero on c's border, smooth, not pixelated
        ax.contour(xs, ys, lead, levels=[0.0], colors="black", linewidths=1.0)


def _scatter(ax, points, labels, class_names) -> None:
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=18, c="0.3", edgecolors="white", linewidths=0.5)
        return
    for c in np.unique(labels):
        name = class_names[c] if class_names is not None and c < len(class_names) else c
        chosen = labels == c
        ax.scatter(points[chosen, 0], points[chosen, 1], s=20, edgecolors="black",
                   linewidths=0.5, color=CLASS_COLORS[c % len(CLASS_COLORS)],
                   label=f"class {name}" if class_names is None else str(name))  # fmt: skip
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
