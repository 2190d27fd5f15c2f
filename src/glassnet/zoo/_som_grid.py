"""The map side of a self-organizing map: node positions, neighbourhoods, decays, U-matrix.

Everything works on all nodes at once (arrays of shape (K,) or (K, 2), K = rows * cols);
the only loops run over the 8 neighbour offsets of the U-matrix.

The decay functions, the neighbourhood functions and the hexagonal layout follow the
definitions of MiniSom 2.3 (https://github.com/JustGlowing/minisom), so a glassnet map and a
MiniSom map with the same settings compute the same thing.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LR_DECAYS", "NEIGHBORHOODS", "SIGMA_DECAYS", "grid_positions", "u_matrix"]

# ---------------------------------------------------------------- decays over t = 0 .. T-1
# Each maps (initial value p, iteration t (array), total iterations T) to the value at t.
LR_DECAYS = {
    "asymptotic_decay": lambda p, t, T: p / (1 + t / (T / 2)),  # falls to p/3 at t = T
    "inverse_decay_to_zero": lambda p, t, T: p * (T / 100) / (T / 100 + t),
    "linear_decay_to_zero": lambda p, t, T: p * (1 - t / T),
}
SIGMA_DECAYS = {
    "asymptotic_decay": LR_DECAYS["asymptotic_decay"],
    "inverse_decay_to_one": lambda s, t, T: s / (1 + t * (s - 1) / T),
    "linear_decay_to_one": lambda s, t, T: s + t * (1 - s) / T,
}


def grid_positions(rows: int, cols: int, topology: str) -> tuple[np.ndarray, np.ndarray]:
    """(K, 2) integer grid indices (row, col) and (K, 2) positions in the plane.

    Rectangular: the position is the index. Hexagonal: every other column (counted from
    the last) moves half a step along the row axis and columns are sqrt(3)/2 apart, so each
    inner node has six neighbours at distance exactly 1 (MiniSom's layout).
    """
    index = np.stack(np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij"), -1)
    index = index.reshape(-1, 2)
    position = index.astype(np.float64)
    if topology == "hexagonal":
        shifted = (cols - 1 - index[:, 1]) % 2 == 0
        position[:, 0] -= 0.5 * shifted
        position[:, 1] *= np.sqrt(3) / 2
    return index, position


def _gaussian(d: np.ndarray, g: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(-(d**2).sum(1) / (2 * sigma * sigma))


def _mexican_hat(d: np.ndarray, g: np.ndarray, sigma: float) -> np.ndarray:
    p, width = (d**2).sum(1), 2 * sigma * sigma
    return np.exp(-p / width) * (1 - 2 / width * p)


def _bubble(d: np.ndarray, g: np.ndarray, sigma: float) -> np.ndarray:
    return (np.abs(g) < sigma).all(1).astype(np.float64)


def _triangle(d: np.ndarray, g: np.ndarray, sigma: float) -> np.ndarray:
    return np.maximum(sigma - np.abs(g), 0.0).prod(1)


# Each maps (position offsets (K, 2), grid-index offsets (K, 2), sigma) to weights (K,).
# gaussian and mexican_hat use positions in the plane; bubble and triangle use grid indices.
NEIGHBORHOODS = {
    "gaussian": _gaussian,
    "mexican_hat": _mexican_hat,
    "bubble": _bubble,
    "triangle": _triangle,
}

_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def u_matrix(weights: np.ndarray, position: np.ndarray, topology: str, scaling: str) -> np.ndarray:
    """The U-matrix of (rows, cols, F) weights: per node, the sum (or mean) of the distances
    to its neighbours' weights, divided by the largest such value.

    Neighbours: the 8 surrounding nodes on a rectangular map, the 6 adjacent ones (at
    distance 1 in the plane) on a hexagonal map.
    """
    rows, cols, _ = weights.shape
    pos = position.reshape(rows, cols, 2)
    total = np.zeros((rows, cols))
    count = np.zeros((rows, cols))
    for di, dj in _OFFSETS:
        # the block of nodes whose neighbour (i + di, j + dj) lies on the map
        a = np.s_[max(0, -di) : rows - max(0, di), max(0, -dj) : cols - max(0, dj)]
        b = np.s_[max(0, di) : rows + min(0, di), max(0, dj) : cols + min(0, dj)]
        dist = np.sqrt(((weights[a] - weights[b]) ** 2).sum(-1))
        near = np.ones(dist.shape, dtype=bool)
        if topology == "hexagonal":
            near = np.isclose(np.sqrt(((pos[a] - pos[b]) ** 2).sum(-1)), 1.0)
        total[a] += np.where(near, dist, 0.0)
        count[a] += near
    um = total if scaling == "sum" else total / np.maximum(count, 1)
    top = um.max() if um.size else 0.0
    return um / top if top > 0 else um
