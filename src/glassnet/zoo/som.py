"""``SelfOrganizingMap``: Kohonen's map, trained without labels, in vectorised NumPy."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import numpy as np

from glassnet._constraints import is_int, is_real, one_of
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.zoo import _som_grid as grid

__all__ = ["SelfOrganizingMap"]


class SelfOrganizingMap:
    """A self-organizing map: a rows x cols grid of nodes whose weights learn the data.

    Online training (Kohonen): at step t one sample x is drawn, its best matching unit
    (BMU, the node whose weights are nearest) found, and every node moves toward x by the
    learning rate times its neighbourhood weight around the BMU. Learning rate and
    neighbourhood radius shrink with t. All nodes update at once (one NumPy expression);
    the loop runs over steps only.

    Same definitions as MiniSom 2.3: the decay functions (default ``asymptotic_decay``:
    p(t) = p / (1 + 2t / T), so both end at a third of their start), the neighbourhood
    functions, the hexagonal layout, the quantization error (mean distance of each sample
    to its BMU's weights) and the topographic error (share of samples whose best and
    second-best units are not adjacent: grid distance > 1.42 on a rectangular map, i.e.
    the 8 surrounding nodes count as adjacent; not at distance 1 on a hexagonal one).
    One deliberate difference: with ``random_order`` each pass over the data is a fresh
    permutation (every sample is seen once per pass), where MiniSom shuffles the list of
    all T steps; this gives a lower quantization error at the same settings.

    Math:
        b     = argmin_k ||x - w_k||
        w_k  += lr(t) * h(pos_k - pos_b, sigma(t)) * (x - w_k)
        gaussian h = exp(-||pos_k - pos_b||^2 / (2 sigma^2))

    Args:
        rows, cols: map size (a rule of thumb: about 5 * sqrt(N) nodes for N samples).
        input_dim: number of features; if given, the weights start as random unit vectors
            (so ``winner`` works before training). Else they are made from the first data.
        sigma: initial neighbourhood radius, in node spacings (default 1.0).
        learning_rate: initial learning rate (default 0.5).
        neighborhood_function: ``'gaussian'`` (default), ``'mexican_hat'``, ``'bubble'`` or
            ``'triangle'``.
        decay_function: learning-rate decay: ``'asymptotic_decay'`` (default),
            ``'inverse_decay_to_zero'`` or ``'linear_decay_to_zero'``.
        sigma_decay_function: radius decay: ``'asymptotic_decay'`` (default),
            ``'inverse_decay_to_one'`` or ``'linear_decay_to_one'``.
        topology: ``'rectangular'`` (default) or ``'hexagonal'``.
        initialization: how the first ``train`` sets the weights from the data: ``'pca'``
            (default: a grid over the first two principal components), ``'random'``
            (random samples) or None (keep the current weights).
        random_seed: seed of the initial weights and the sample order.

    Raises:
        ConfigError: for an unknown option or a size/rate out of range.

    Example:
        >>> x = np.random.default_rng(0).normal(size=(100, 3))
        >>> som = SelfOrganizingMap(5, 5, sigma=1.5, random_seed=0).fit(x, 500)
        >>> som.weights.shape, som.winner(x[0]) in np.ndindex(5, 5)
        ((5, 5, 3), True)
        >>> bool(som.quantization_error(x) < 1.0)
        True

    Reference:
        Kohonen, "Essentials of the self-organizing map", Neural Networks 37, 2013.
    """

    def __init__(
        self,
        rows: int,
        cols: int,
        input_dim: int | None = None,
        *,
        sigma: float = 1.0,
        learning_rate: float = 0.5,
        neighborhood_function: str = "gaussian",
        decay_function: str = "asymptotic_decay",
        sigma_decay_function: str = "asymptotic_decay",
        topology: str = "rectangular",
        initialization: str | None = "pca",
        random_seed: int | None = None,
    ) -> None:
        for name, value in (("rows", rows), ("cols", cols)):
            if not (is_int(value) and value >= 1):
                raise ConfigError(
                    f"The '{name}' argument of SelfOrganizingMap must be a positive int. "
                    f"Got {value!r}."
                )
        for name, value in (("sigma", sigma), ("learning_rate", learning_rate)):
            if not (is_real(value) and value > 0):
                raise ConfigError(
                    f"The '{name}' argument of SelfOrganizingMap must be a float > 0. "
                    f"Got {value!r}."
                )
        if input_dim is not None and not (is_int(input_dim) and input_dim >= 1):
            raise ConfigError(
                "The 'input_dim' argument of SelfOrganizingMap must be None or a positive "
                f"int. Got {input_dim!r}."
            )
        self.rows, self.cols, self.input_dim = int(rows), int(cols), input_dim
        self.sigma, self.learning_rate = float(sigma), float(learning_rate)
        self.neighborhood_function = one_of(
            "SelfOrganizingMap", "neighborhood_function", neighborhood_function, grid.NEIGHBORHOODS
        )
        self.decay_function = one_of(
            "SelfOrganizingMap", "decay_function", decay_function, grid.LR_DECAYS
        )
        self.sigma_decay_function = one_of(
            "SelfOrganizingMap", "sigma_decay_function", sigma_decay_function, grid.SIGMA_DECAYS
        )
        self.topology = one_of(
            "SelfOrganizingMap", "topology", topology, ("rectangular", "hexagonal")
        )
        self.initialization = one_of(
            "SelfOrganizingMap", "initialization", initialization, ("pca", "random", None)
        )
        self._rng = np.random.default_rng(random_seed)
        self._index, self._position = grid.grid_positions(self.rows, self.cols, self.topology)
        self._neighborhood = grid.NEIGHBORHOODS[self.neighborhood_function]
        self._w: np.ndarray | None = None  # (K, F) float64, K = rows * cols
        self._from_data = False
        if input_dim is not None:
            w = self._rng.uniform(-1, 1, (self.rows * self.cols, int(input_dim)))
            self._w = w / np.linalg.norm(w, axis=1, keepdims=True)

    # ---------------------------------------------------------------- weights
    @property
    def weights(self) -> np.ndarray:
        """The node weights, (rows, cols, F) float64 (a view: writing to it changes the map)."""
        return self._require_weights("weights").reshape(self.rows, self.cols, -1)

    def pca_weights_init(self, data: Any) -> None:
        """Spread the weights over the plane of the data's first two principal components:
        node (i, j) = mean + a_i * pc1 + b_j * pc2 with a, b evenly in [-1, 1]."""
        x = self._check_data("pca_weights_init", data, initialising=True)
        values, vectors = np.linalg.eigh(np.atleast_2d(np.cov(x, rowvar=False)))
        order = np.argsort(values)[::-1]
        pc1 = vectors[:, order[0]]
        pc2 = vectors[:, order[1]] if len(order) > 1 else np.zeros_like(pc1)
        a = np.linspace(-1, 1, self.rows)[:, None, None]
        b = np.linspace(-1, 1, self.cols)[None, :, None]
        self._w = (x.mean(0) + a * pc1 + b * pc2).reshape(self.rows * self.cols, -1)
        self._from_data = True

    def random_weights_init(self, data: Any) -> None:
        """Set each node's weights to a sample drawn at random from the data."""
        x = self._check_data("random_weights_init", data, initialising=True)
        self._w = x[self._rng.integers(0, len(x), self.rows * self.cols)].copy()
        self._from_data = True

    # ---------------------------------------------------------------- training
    def update(self, x: Any, t: int, num_iteration: int) -> tuple[int, int]:
        """One online step on sample x at step t of num_iteration; returns its BMU."""
        w = self._require_weights("update")
        x = np.asarray(x, dtype=np.float64)
        best = int(((w - x) ** 2).sum(1).argmin())
        lr = grid.LR_DECAYS[self.decay_function](self.learning_rate, t, num_iteration)
        sig = grid.SIGMA_DECAYS[self.sigma_decay_function](self.sigma, t, num_iteration)
        d, g = self._position - self._position[best], self._index - self._index[best]
        h = self._neighborhood(d, g, sig)
        w += (lr * h)[:, None] * (x - w)
        return divmod(best, self.cols)

    def train(self, data: Any, num_iteration: int, *, random_order: bool = True) -> None:
        """Train for ``num_iteration`` online steps, one sample each.

        Args:
            data: (N, F) samples.
            num_iteration: number of steps T (the decays run over 0 .. T-1).
            random_order: a fresh permutation of the data for each pass (default), or the
                samples in order, cycling.

        Raises:
            ConfigError: if num_iteration is not a positive int.
            ShapeError: for data that is not (N, F) with the map's F.
        """
        if not (is_int(num_iteration) and num_iteration >= 1):
            raise ConfigError(
                "The 'num_iteration' argument of SelfOrganizingMap.train must be a positive "
                f"int. Got {num_iteration!r}."
            )
        x = self._check_data("train", data, initialising=not self._from_data)
        if not self._from_data and self.initialization is not None:
            init = self.pca_weights_init if self.initialization == "pca" else None
            (init or self.random_weights_init)(x)
        self._from_data = True
        n, steps = len(x), int(num_iteration)
        if random_order:
            order = np.concatenate([self._rng.permutation(n) for _ in range(-(-steps // n))])
        else:
            order = np.arange(steps) % n
        for t in range(steps):
            self.update(x[order[t]], t, steps)

    def fit(self, data: Any, num_iteration: int = 1000, *, random_order: bool = True):
        """``train``, returning the map itself (scikit-learn style)."""
        self.train(data, num_iteration, random_order=random_order)
        return self

    # ---------------------------------------------------------------- reading the map
    def _distances(self, who: str, data: Any) -> tuple[np.ndarray, np.ndarray]:
        x = self._check_data(who, data)
        w = self._require_weights(who)
        d2 = (x * x).sum(1)[:, None] - 2 * x @ w.T + (w * w).sum(1)[None, :]
        return x, np.sqrt(np.maximum(d2, 0.0))  # why: the expanded form can round below 0

    def winner(self, x: Any) -> tuple[int, int]:
        """The (row, col) of the best matching unit of one sample x (F,)."""
        return tuple(int(v) for v in self.winners(np.asarray(x)[None])[0])

    def winners(self, data: Any) -> np.ndarray:
        """(N, 2) int64 (row, col) of each sample's best matching unit."""
        _, d = self._distances("winners", data)
        return self._index[d.argmin(1)]

    def quantization(self, data: Any) -> np.ndarray:
        """(N, F) the weights of each sample's best matching unit."""
        _, d = self._distances("quantization", data)
        return self._w[d.argmin(1)]

    def quantization_error(self, data: Any) -> float:
        """Mean Euclidean distance from each sample to its best matching unit's weights."""
        _, d = self._distances("quantization_error", data)
        return float(d.min(1).mean())

    def topographic_error(self, data: Any) -> float:
        """Share of samples whose two best matching units are not neighbours (see class
        docstring); NaN with a warning on a 1 x 1 map, where it is undefined."""
        _, d = self._distances("topographic_error", data)
        if d.shape[1] == 1:
            warnings.warn("The topographic error is not defined for a 1 x 1 map.", stacklevel=2)
            return float("nan")
        best2 = np.argsort(d, axis=1)[:, :2]
        if self.topology == "hexagonal":
            gap = self._position[best2[:, 0]] - self._position[best2[:, 1]]
            return float(1 - np.isclose(1, np.linalg.norm(gap, axis=1)).mean())
        gap = self._index[best2[:, 0]] - self._index[best2[:, 1]]
        return float((np.linalg.norm(gap, axis=1) > 1.42).mean())

    def distance_map(self, scaling: str = "sum") -> np.ndarray:
        """The U-matrix (rows, cols): each node's summed (``'sum'``) or mean (``'mean'``)
        distance to its neighbours' weights, scaled so the largest is 1. High values mark
        borders between clusters."""
        one_of("SelfOrganizingMap", "scaling", scaling, ("sum", "mean"))
        return grid.u_matrix(self.weights, self._position, self.topology, scaling)

    def activation_response(self, data: Any) -> np.ndarray:
        """(rows, cols) how many samples each node wins."""
        flat = self.winners(data) @ np.array([self.cols, 1])
        return np.bincount(flat, minlength=self.rows * self.cols).reshape(self.rows, self.cols)

    def labels_map(self, data: Any, labels: Any) -> dict[tuple[int, int], Counter]:
        """{(row, col): Counter of the labels of the samples that node wins} (won nodes only)."""
        labels = self._check_labels("labels_map", data, labels)
        result: dict[tuple[int, int], Counter] = {}
        for (r, c), label in zip(self.winners(data).tolist(), labels.tolist()):
            result.setdefault((r, c), Counter())[label] += 1
        return result

    def node_labels(self, data: Any, labels: Any) -> np.ndarray:
        """(rows, cols) the most common label among the samples each node wins; a node that
        wins none takes the label of the labelled node whose weights are nearest."""
        labels = self._check_labels("node_labels", data, labels)
        counts = self.labels_map(data, labels)
        won = np.array([r * self.cols + c for r, c in counts])
        votes = np.array([counter.most_common(1)[0][0] for counter in counts.values()])
        w = self._w
        nearest = ((w[:, None, :] - w[None, won, :]) ** 2).sum(-1).argmin(1)
        return votes[nearest].reshape(self.rows, self.cols)

    # ---------------------------------------------------------------- checks
    def _require_weights(self, who: str) -> np.ndarray:
        if self._w is None:
            raise StateError(
                f"SelfOrganizingMap.{who}: expected a map with weights, got none yet. Train "
                "it (train/fit) or give input_dim when you create it."
            )
        return self._w

    def _check_data(self, who: str, data: Any, initialising: bool = False) -> np.ndarray:
        x = np.asarray(data)
        if x.ndim != 2 or x.dtype.kind not in "biuf" or len(x) == 0:
            raise ShapeError(
                f"SelfOrganizingMap.{who}: expected numeric samples of shape (N, F) with "
                f"N >= 1, got shape {x.shape} and dtype {x.dtype}. Pass a 2-D numeric array, "
                "one sample per row."
            )
        x = x.astype(np.float64)
        if not np.isfinite(x).all():
            raise ValueError(f"SelfOrganizingMap.{who}: expected finite values, got NaN/inf.")
        features = None if (initialising or self._w is None) else self._w.shape[1]
        features = self.input_dim if self.input_dim is not None else features
        if features is not None and x.shape[1] != features:
            raise ShapeError(
                f"SelfOrganizingMap.{who}: expected samples with {features} features, got "
                f"{x.shape[1]}. Pass data with the features the map was trained on."
            )
        return x

    def _check_labels(self, who: str, data: Any, labels: Any) -> np.ndarray:
        labels = np.asarray(labels)
        if labels.ndim != 1 or len(labels) != len(np.asarray(data)):
            raise ShapeError(
                f"SelfOrganizingMap.{who}: expected one label per sample, got labels of "
                f"shape {labels.shape} for {len(np.asarray(data))} samples. Pass a 1-D array "
                "with the label of each row of data."
            )
        return labels
