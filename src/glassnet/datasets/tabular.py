"""Tabular classification data: a synthetic generator and two small real data sets.

All three come from scikit-learn (imported only when called; the real data sets ship
inside scikit-learn, so nothing is downloaded). Features are float32, labels int64.
"""

from __future__ import annotations

import numpy as np

from glassnet._optional import require
from glassnet.datasets._checks import (
    as_features,
    as_labels,
    check_float,
    check_int,
    resolve_seed,
)
from glassnet.errors import ConfigError

__all__ = ["classification", "digits", "iris"]


def classification(
    n_samples: int = 1000,
    *,
    n_features: int = 20,
    n_informative: int = 2,
    n_redundant: int = 2,
    n_classes: int = 2,
    n_clusters_per_class: int = 2,
    class_sep: float = 1.0,
    flip_y: float = 0.01,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """A random n-class problem: Gaussian clusters on the vertices of a hypercube.

    The values are exactly those of ``sklearn.datasets.make_classification`` with the same
    arguments, cast to float32; the defaults are scikit-learn's. The informative features
    come first, then the redundant ones (linear mixes of them), then pure noise; with
    ``shuffle=True`` (scikit-learn's default) the columns are then permuted. Needs
    scikit-learn.

    Args:
        n_samples: total number of rows N.
        n_features: total number of features F.
        n_informative: features that carry the class signal.
        n_redundant: features that are linear combinations of the informative ones.
            ``n_informative + n_redundant`` must be at most ``n_features``.
        n_classes: number of classes, >= 2.
        n_clusters_per_class: Gaussian clusters per class; ``n_classes *
            n_clusters_per_class`` must be at most ``2 ** n_informative``.
        class_sep: size of the hypercube; larger is easier, > 0.
        flip_y: fraction of labels flipped at random (label noise), in [0, 1].
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Shape:
        X: (N, F) float32.  y: (N,) int64 in [0, n_classes).

    Returns:
        ``(X, y)``.

    Raises:
        ConfigError: for counts below their minimum or that do not fit together, or a
            ``class_sep``, ``flip_y`` or ``random_state`` out of range.
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y = glassnet.datasets.classification(
        ...     1000, n_features=20, n_informative=15, n_redundant=5, random_state=42)
        >>> X.shape, X.dtype, y.dtype
        ((1000, 20), dtype('float32'), dtype('int64'))
    """
    who = "classification"
    n_features = check_int(who, "n_features", n_features, minimum=1)
    n_informative = check_int(who, "n_informative", n_informative, minimum=1)
    n_redundant = check_int(who, "n_redundant", n_redundant, minimum=0)
    n_classes = check_int(who, "n_classes", n_classes, minimum=2)
    n_clusters_per_class = check_int(who, "n_clusters_per_class", n_clusters_per_class, minimum=1)
    n_samples = check_int(who, "n_samples", n_samples, minimum=n_classes)
    class_sep = check_float(who, "class_sep", class_sep, open_interval=True)
    flip_y = check_float(who, "flip_y", flip_y, maximum=1.0)
    if n_informative + n_redundant > n_features:
        raise ConfigError(
            f"{who}: expected n_informative + n_redundant <= n_features, got "
            f"{n_informative} + {n_redundant} > {n_features}. Raise n_features or lower "
            "the other two."
        )
    if n_classes * n_clusters_per_class > 2**n_informative:
        raise ConfigError(
            f"{who}: expected n_classes * n_clusters_per_class <= 2 ** n_informative, got "
            f"{n_classes} * {n_clusters_per_class} > 2 ** {n_informative}. Raise "
            "n_informative or lower n_clusters_per_class."
        )
    seed = resolve_seed(who, random_state)
    X, y = require(who, "sklearn.datasets", "scikit-learn").make_classification(
        n_samples,
        n_features,
        n_informative=n_informative,
        n_redundant=n_redundant,
        n_classes=n_classes,
        n_clusters_per_class=n_clusters_per_class,
        class_sep=class_sep,
        flip_y=flip_y,
        random_state=seed,
    )
    return as_features(X), as_labels(y)


def _names(bunch) -> tuple[tuple[str, ...], tuple[str, ...]]:
    features = tuple(str(name) for name in bunch.feature_names)
    targets = tuple(str(name) for name in bunch.target_names)
    return features, targets


def iris(*, return_names: bool = False) -> tuple:
    """Fisher's iris flowers: 150 rows, 4 measurements in cm, 3 species (50 of each).

    Loaded from the copy inside scikit-learn (``sklearn.datasets.load_iris``), so it works
    offline. The rows are in the file's order, sorted by species: shuffle or split them
    (stratified) before training.

    Args:
        return_names: also return the feature names and the class names.

    Shape:
        X: (150, 4) float32 (sepal length, sepal width, petal length, petal width).
        y: (150,) int64 in {0, 1, 2} (setosa, versicolor, virginica).

    Returns:
        ``(X, y)``, or ``(X, y, feature_names, target_names)`` with ``return_names=True``;
        the names are tuples of str.

    Raises:
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y, features, classes = glassnet.datasets.iris(return_names=True)
        >>> X.shape, np.bincount(y).tolist(), classes
        ((150, 4), [50, 50, 50], ('setosa', 'versicolor', 'virginica'))
    """
    bunch = require("iris", "sklearn.datasets", "scikit-learn").load_iris()
    X, y = as_features(bunch.data), as_labels(bunch.target)
    return (X, y, *_names(bunch)) if return_names else (X, y)


def digits(*, as_images: bool = False, return_names: bool = False) -> tuple:
    """Handwritten digits at 8x8 pixels: 1797 images of 0-9, grey levels 0 to 16.

    Loaded from the copy inside scikit-learn (``sklearn.datasets.load_digits``), so it
    works offline. The pixel values are kept as they are (0..16): divide by 16 to put
    them in [0, 1].

    Args:
        as_images: return ``X`` as channels-last images (N, 8, 8, 1) for convolutional
            layers, instead of flat rows (N, 64).
        return_names: also return the feature names (``'pixel_<row>_<col>'``) and the
            class names (``'0'`` to ``'9'``).

    Shape:
        X: (1797, 64) float32, or (1797, 8, 8, 1) with ``as_images=True``.
        y: (1797,) int64 in [0, 10).

    Returns:
        ``(X, y)``, or ``(X, y, feature_names, target_names)`` with ``return_names=True``;
        the names are tuples of str.

    Raises:
        ImportError: if scikit-learn is not installed.

    Example:
        >>> X, y = glassnet.datasets.digits()
        >>> X.shape, float(X.max()), y[:5].tolist()
        ((1797, 64), 16.0, [0, 1, 2, 3, 4])
        >>> glassnet.datasets.digits(as_images=True)[0].shape
        (1797, 8, 8, 1)
    """
    bunch = require("digits", "sklearn.datasets", "scikit-learn").load_digits()
    X, y = as_features(bunch.data), as_labels(bunch.target)
    if as_images:
        X = X.reshape(-1, 8, 8, 1)
    return (X, y, *_names(bunch)) if return_names else (X, y)
