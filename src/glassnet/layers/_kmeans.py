"""A small seeded k-means (k-means++ start, then Lloyd's iterations) in NumPy.

Used by ``RBF.adapt`` to place the kernel centres on the data. Every step is a whole-array
NumPy call; the only Python loops run over the k centres (k-means++) and the iterations.
"""

from __future__ import annotations

import numpy as np

__all__ = ["kmeans"]


def _sq_distances(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """(N, K) squared Euclidean distances, clipped at 0 (the expanded form can round below)."""
    d2 = (x * x).sum(1)[:, None] - 2.0 * x @ centers.T + (centers * centers).sum(1)[None, :]
    return np.maximum(d2, 0.0)


def _plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: each next centre is drawn with probability ~ squared distance."""
    centers = np.empty((k, x.shape[1]), dtype=x.dtype)
    centers[0] = x[rng.integers(len(x))]
    closest = _sq_distances(x, centers[:1])[:, 0]
    for j in range(1, k):
        total = closest.sum()
        # why: when every point already sits on a centre, any point is as good as another.
        p = closest / total if total > 0 else np.full(len(x), 1.0 / len(x))
        centers[j] = x[rng.choice(len(x), p=p)]
        closest = np.minimum(closest, _sq_distances(x, centers[j : j + 1])[:, 0])
    return centers


def kmeans(
    x: np.ndarray, k: int, *, seed: int = 0, max_iter: int = 100, tol: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster the rows of ``x`` into ``k`` groups.

    Lloyd's algorithm from a k-means++ start: assign each row to its nearest centre, move each
    centre to the mean of its rows, until no centre moves more than ``tol`` (relative to the
    data's spread) or ``max_iter`` passes. An empty cluster takes the row farthest from its
    centre.

    Args:
        x: (N, F) data, N >= k.
        k: number of clusters.
        seed: seed of the NumPy generator (same seed and data: same centres).
        max_iter: most Lloyd iterations.
        tol: stop when the largest centre move is below ``tol * std(x)``.

    Returns:
        ``(centers, labels)``: (k, F) float64 centres and (N,) int64 cluster ids.

    Example:
        >>> x = np.array([[0.0], [0.1], [5.0], [5.1]])
        >>> centers, labels = kmeans(x, 2, seed=0)
        >>> np.sort(centers[:, 0]).round(2)
        array([0.05, 5.05])
    """
    x = np.asarray(x, dtype=np.float64)
    rng = np.random.default_rng(seed)
    centers = _plus_plus(x, k, rng)
    scale = float(x.std()) or 1.0
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(max_iter):
        d2 = _sq_distances(x, centers)
        labels = d2.argmin(1)
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, x)
        new = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centers)
        spread = d2[np.arange(len(x)), labels]
        for j in np.flatnonzero(counts == 0):  # rare: re-seed empty clusters
            far = int(spread.argmax())
            new[j], spread[far] = x[far], 0.0
        moved = float(np.abs(new - centers).max())
        centers = new
        if moved <= tol * scale:
            break
    return centers, _sq_distances(x, centers).argmin(1)
