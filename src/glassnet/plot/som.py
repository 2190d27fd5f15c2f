"""``plot_u_matrix`` and ``plot_component_planes``: pictures of a trained ``SelfOrganizingMap``."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_component_planes", "plot_u_matrix"]

_MARKERS = "osD^v<>ph*"


def plot_u_matrix(
    som: Any,
    data: Any = None,
    labels: Any = None,
    *,
    scaling: str = "sum",
    to_file: str | os.PathLike | None = None,
    ax: Any = None,
) -> Any:
    """Draw the map's U-matrix: light cells sit inside clusters, dark ridges between them.

    Each cell is a node, coloured by ``som.distance_map(scaling)`` (its distance to its
    neighbours' weights). With ``data`` and ``labels``, each sample is drawn as a marker of
    its label's colour on its best matching unit (jittered a little so piles show).
    Nodes are drawn as squares on hexagonal maps too.

    Args:
        som: a trained ``glassnet.zoo.SelfOrganizingMap``.
        data: optional (N, F) samples to place on the map.
        labels: optional (N,) labels of ``data`` (one marker and colour each).
        scaling: ``'sum'`` or ``'mean'`` (see ``SelfOrganizingMap.distance_map``).
        to_file: save the figure there too.
        ax: draw into these matplotlib axes instead of a new figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: when matplotlib is missing.
        ShapeError: for labels without data, or not one label per sample.

    Example:
        >>> som = glassnet.zoo.SelfOrganizingMap(4, 4, random_seed=0)
        >>> x = np.random.default_rng(0).normal(size=(40, 3))
        >>> fig = plot_u_matrix(som.fit(x, 200), x, labels=(x[:, 0] > 0).astype(int))
        >>> fig.axes[0].get_title()
        'U-matrix (4 x 4 map)'
    """
    plt = pyplot("plot_u_matrix")
    if labels is not None and (data is None or len(np.asarray(labels)) != len(data)):
        raise ShapeError("plot_u_matrix: expected data and one label per sample with labels.")
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6, 5))
    image = ax.imshow(som.distance_map(scaling), cmap="bone_r", origin="lower")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="distance to neighbours")
    if data is not None:
        where = som.winners(data).astype(float)
        where += np.random.default_rng(0).uniform(-0.25, 0.25, where.shape)
        names = np.zeros(len(where), int) if labels is None else np.asarray(labels)
        for k, name in enumerate(np.unique(names)):
            pick = names == name
            ax.scatter(where[pick, 1], where[pick, 0], s=22, marker=_MARKERS[k % 10],
                       facecolors="none", edgecolors=f"C{k}", label=str(name))  # fmt: skip
        if labels is not None:
            ax.legend(loc="upper left", bbox_to_anchor=(1.25, 1.0), fontsize=8)
    ax.set_title(f"U-matrix ({som.rows} x {som.cols} map)")
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    save(fig, to_file)
    return fig


def plot_component_planes(
    som: Any,
    feature_names: Sequence[str] | None = None,
    *,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Draw one heatmap per input feature: the value of that feature in each node's weights.

    Similar planes mean correlated features; a plane that changes where the U-matrix has a
    ridge shows which feature separates those clusters.

    Args:
        som: a trained ``glassnet.zoo.SelfOrganizingMap``.
        feature_names: one name per feature (default ``feature 0``, ``feature 1``, ...).
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: when matplotlib is missing.
        ShapeError: if the number of names is not the number of features.

    Example:
        >>> som = glassnet.zoo.SelfOrganizingMap(3, 3, input_dim=2, random_seed=0)
        >>> fig = plot_component_planes(som, ["width", "height"])
        >>> [a.get_title() for a in fig.axes if a.get_title()]
        ['width', 'height']
    """
    plt = pyplot("plot_component_planes")
    weights = som.weights
    features = weights.shape[-1]
    names = [f"feature {i}" for i in range(features)] if feature_names is None else feature_names
    if len(names) != features:
        raise ShapeError(
            f"plot_component_planes: expected {features} feature names, got {len(names)}."
        )
    cols = min(features, 4)
    rows = math.ceil(features / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        if i >= features:
            ax.axis("off")
            continue
        image = ax.imshow(weights[:, :, i], cmap="coolwarm", origin="lower")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        ax.set_title(str(names[i]))
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    save(fig, to_file)
    return fig
