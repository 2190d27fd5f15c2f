"""Two-dimensional toy problems: moons, circles, XOR, logic gates, spirals and blobs.

Each returns ``(X, y)``: ``X`` float32 of shape ``(N, F)`` (``F = 2`` except for ``blobs``),
``y`` int64 class labels of shape ``(N,)``. ``moons``, ``circles`` and ``blobs`` are
scikit-learn's generators (imported only when called); ``xor``, ``gates`` and ``spirals``
are written here in NumPy.
"""

from __future__ import annotations

import numpy as np

from glassnet._optional import require
from glassnet.datasets._checks import (
    as_features,
    as_labels,
    check_choice,
    check_float,
    check_int,
    make_rng,
    resolve_seed,
)

__all__ = ["blobs", "circles", "gates", "moons", "spirals", "xor"]

# Truth tables, rows in the order of _GATE_INPUTS: (0,0), (0,1), (1,0), (1,1).
_GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
_GATE_OUTPUTS = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xnor": [1, 0, 0, 1],
}


def _sklearn_datasets(who: str):
    return require(who, "sklearn.datasets", "scikit-learn")


def moons(
    n_samples: int = 1000, *, noise: float = 0.2, random_state: int | None = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: the classic non-linear binary problem.

    The values are exactly those of ``sklearn.datasets.make_moons`` with the same
    arguments (``shuffle=True``), cast to float32. Needs scikit-learn.

    Args:
        n_samples: total number of points; the outer moon gets the extra one when odd.
        noise: standard deviation of the Gaussian noise added to each coordinate.
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Shape:
        X: (N, 2) float32.  y: (N,) int64 in {0, 1}.

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: if ``n_samples < 2``, ``noise < 0`` or ``random_state`` is not a seed.
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y = glassnet.datasets.moons(200, noise=0.1, random_state=0)
        >>> X.shape, X.dtype, y.dtype, sorted(set(y.tolist()))
        ((200, 2), dtype('float32'), dtype('int64'), [0, 1])
    """
    who = "moons"
    n_samples = check_int(who, "n_samples", n_samples, minimum=2)
    noise = check_float(who, "noise", noise)
    seed = resolve_seed(who, random_state)
    X, y = _sklearn_datasets(who).make_moons(n_samples, noise=noise, random_state=seed)
    return as_features(X), as_labels(y)


def circles(
    n_samples: int = 1000,
    *,
    noise: float = 0.1,
    factor: float = 0.5,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one: a binary problem no straight line can split.

    The values are exactly those of ``sklearn.datasets.make_circles`` with the same
    arguments (``shuffle=True``), cast to float32. Label 0 is the outer circle (radius 1),
    label 1 the inner one (radius ``factor``). Needs scikit-learn.

    Args:
        n_samples: total number of points; the outer circle gets the extra one when odd.
        noise: standard deviation of the Gaussian noise added to each coordinate.
        factor: radius of the inner circle relative to the outer one, in (0, 1).
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Shape:
        X: (N, 2) float32.  y: (N,) int64 in {0, 1}.

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: if ``n_samples < 2``, ``noise < 0``, ``factor`` is outside (0, 1) or
            ``random_state`` is not a seed.
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y = glassnet.datasets.circles(100, noise=0.0, factor=0.5)
        >>> float(np.linalg.norm(X[y == 1], axis=1).max())
        0.5...
    """
    who = "circles"
    n_samples = check_int(who, "n_samples", n_samples, minimum=2)
    noise = check_float(who, "noise", noise)
    factor = check_float(who, "factor", factor, minimum=0.0, maximum=1.0, open_interval=True)
    seed = resolve_seed(who, random_state)
    X, y = _sklearn_datasets(who).make_circles(
        n_samples, noise=noise, factor=factor, random_state=seed
    )
    return as_features(X), as_labels(y)


def gates(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate: four rows, the smallest learning problem.

    ``'and'``, ``'or'``, ``'nand'`` and ``'nor'`` are linearly separable (one neuron
    learns them); ``'xor'`` and ``'xnor'`` are not, and need a hidden layer.

    Args:
        kind: one of ``'and'``, ``'or'``, ``'xor'``, ``'nand'``, ``'nor'``, ``'xnor'``.

    Shape:
        X: (4, 2) float32, rows (0, 0), (0, 1), (1, 0), (1, 1).  y: (4,) int64 in {0, 1}.
        For a sigmoid output with binary cross-entropy, use ``y[:, None]`` (shape (4, 1)).

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: for an unknown ``kind``.

    Example:
        >>> X, y = glassnet.datasets.gates("and")
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 0, 0, 1])
    """
    kind = check_choice("gates", "kind", kind, list(_GATE_OUTPUTS))
    return as_features(_GATE_INPUTS), as_labels(_GATE_OUTPUTS[kind])


def xor(
    n_samples: int | None = None, *, noise: float = 0.1, random_state: int | None = 42
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem, in two forms: the 4-row truth table or a noisy cloud of points.

    - ``n_samples=None`` (the default) gives the truth table, as ``gates('xor')``; ``noise``
      and ``random_state`` are then not used.
    - ``n_samples=N`` gives a cloud: the N points are spread evenly over the four corners
      (0, 0), (0, 1), (1, 0), (1, 1) (the first ``N % 4`` corners get one more), each
      moved by Gaussian noise of standard deviation ``noise``, then shuffled. A point's
      label is the XOR of its corner's coordinates, whatever the noise.

    Args:
        n_samples: ``None`` for the truth table, or the number of points (>= 4).
        noise: standard deviation of the Gaussian noise of the cloud form.
        random_state: seed of the cloud form; see the package docstring.

    Shape:
        X: (4, 2) or (N, 2) float32.  y: (4,) or (N,) int64 in {0, 1}.

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: if ``n_samples < 4``, ``noise < 0`` or ``random_state`` is not a seed.

    Example:
        >>> glassnet.datasets.xor()[1].tolist()
        [0, 1, 1, 0]
        >>> X, y = glassnet.datasets.xor(400, noise=0.1, random_state=0)
        >>> X.shape, np.bincount(y).tolist()
        ((400, 2), [200, 200])
    """
    who = "xor"
    if n_samples is None:
        return gates("xor")
    n_samples = check_int(who, "n_samples", n_samples, minimum=4)
    noise = check_float(who, "noise", noise)
    rng = make_rng(who, random_state)
    corner = rng.permutation(np.arange(n_samples) % 4)
    X = _GATE_INPUTS[corner] + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.asarray(_GATE_OUTPUTS["xor"])[corner]
    return as_features(X), as_labels(y)


def spirals(
    n_samples: int = 1000,
    *,
    n_classes: int = 2,
    noise: float = 0.05,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: hard for linear models, easy for an MLP.

    Class k is one arm of 1.5 turns, rotated by ``2*pi*k / n_classes`` from the first.

    Math:
        r     = linspace(0.1, 1, m)          (m points on the arm)
        theta = 2*pi*k / n_classes + 3*pi*r
        x     = (r*cos(theta), r*sin(theta)) + Normal(0, noise**2) per coordinate

    Args:
        n_samples: total number of points, spread evenly over the classes (the first
            ``n_samples % n_classes`` classes get one more).
        n_classes: number of arms, >= 2 (2 and 3 are the classic forms).
        noise: standard deviation of the Gaussian noise added to each coordinate.
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Shape:
        X: (N, 2) float32 within about [-1, 1].  y: (N,) int64 in [0, n_classes).

    Returns:
        ``(X, y)``, shuffled.

    Raises:
        ConfigError: if ``n_classes < 2``, ``n_samples < n_classes``, ``noise < 0`` or
            ``random_state`` is not a seed.

    Example:
        >>> X, y = glassnet.datasets.spirals(300, n_classes=3, random_state=0)
        >>> X.shape, np.bincount(y).tolist()
        ((300, 2), [100, 100, 100])

    Reference:
        The two-spirals benchmark of Lang and Witbrock (1988); the three-arm form is
        the one of the CS231n notes, https://cs231n.github.io/neural-networks-case-study/
    """
    who = "spirals"
    n_classes = check_int(who, "n_classes", n_classes, minimum=2)
    n_samples = check_int(who, "n_samples", n_samples, minimum=n_classes)
    noise = check_float(who, "noise", noise)
    rng = make_rng(who, random_state)
    xs, ys = [], []
    for k in range(n_classes):
        m = n_samples // n_classes + (k < n_samples % n_classes)
        r = np.linspace(0.1, 1.0, m)
        theta = 2.0 * np.pi * k / n_classes + 3.0 * np.pi * r
        xs.append(np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1))
        ys.append(np.full(m, k))
    order = rng.permutation(n_samples)
    X = np.concatenate(xs)[order] + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.concatenate(ys)[order]
    return as_features(X), as_labels(y)


def blobs(
    n_samples: int = 1000,
    *,
    centers: int = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: one isotropic cluster per class, for clustering and easy classification.

    The values are exactly those of ``sklearn.datasets.make_blobs`` with the same
    arguments, cast to float32: the centers are drawn uniformly in [-10, 10] per feature.
    Needs scikit-learn.

    Args:
        n_samples: total number of points, spread evenly over the blobs.
        centers: number of blobs (= classes), >= 1.
        n_features: number of features F, >= 1.
        cluster_std: standard deviation of each blob, > 0.
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Shape:
        X: (N, F) float32.  y: (N,) int64 in [0, centers).

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: for a count below its minimum, ``cluster_std <= 0`` or a bad
            ``random_state``.
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y = glassnet.datasets.blobs(90, centers=3, n_features=4)
        >>> X.shape, np.bincount(y).tolist()
        ((90, 4), [30, 30, 30])
    """
    who = "blobs"
    centers = check_int(who, "centers", centers, minimum=1)
    n_samples = check_int(who, "n_samples", n_samples, minimum=centers)
    n_features = check_int(who, "n_features", n_features, minimum=1)
    cluster_std = check_float(who, "cluster_std", cluster_std, open_interval=True)
    seed = resolve_seed(who, random_state)
    X, y = _sklearn_datasets(who).make_blobs(
        n_samples,
        n_features,
        centers=centers,
        cluster_std=cluster_std,
        random_state=seed,
    )
    return as_features(X), as_labels(y)
