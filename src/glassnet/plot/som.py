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
_HEX_RADIUS = 1 / np.sqrt(3)  # circumradius of a hexagon whose neighbours are 1 apart


def _centres(som: Any) -> np.ndarray:
    """(rows, cols, 2) plot coordinates (x, y) of every node: the grid itself on a rectangular
    map, the node's position in the plane on a hexagonal one."""
    position = np.asarray(som._position, dtype=float).reshape(som.rows, som.cols, 2)
    return position[..., ::-1]  # (row, col) axes -> (x = col, y = row)


def _draw_cells(ax: Any, som: Any, values: np.ndarray, cmap: str) -> Any:
    """Colour each node by ``values`` (rows, cols): squares on a rectangular map, hexagons
    on a hexagonal one (so neighbours look like neighbours); returns the mappable."""
    if som.topology != "hexagonal":
        return ax.imshow(values, cmap=cmap, origin="lower")
    from matplotlib.collections import PolyCollection

    angles = np.deg2rad(np.arange(0, 360, 60))  # a vertex pointing along x: flat top
    corner = _HEX_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    centres = _centres(som).reshape(-1, 2)
    cells = PolyCollection(centres[:, None, :] + corner[None], cmap=cmap, edgecolors="face")
    cells.set_array(np.asarray(values, dtype=float).ravel())
    ax.add_collection(cells)
    low, high = centres.min(0) - 0.6, centres.max(0) + 0.6
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_aspect("equal")
    ax.set_xticks(_centres(som)[0, :, 0], [str(j) for j in range(som.cols)])  # column numbers
    return cells


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
    Nodes are squares on a rectangular map and hexagons on a hexagonal one.

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
    image = _draw_cells(ax, som, som.distance_map(scaling), "bone_r")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="distance to neighbours")
    if data is not None:
        best = som.winners(data)
        where = _centres(som)[best[:, 0], best[:, 1]][:, ::-1]  # (y, x) per sample
        where = where + np.random.default_rng(0).uniform(-0.25, 0.25, where.shape)
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
        image = _draw_cells(ax, som, weights[:, :, i], "coolwarm")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        ax.set_title(str(names[i]))
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    save(fig, to_file)
    return fig
