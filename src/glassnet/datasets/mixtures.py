"""Mixtures of Gaussians: the ring of modes a GAN must cover without collapsing onto a few."""

from __future__ import annotations

import numpy as np

from glassnet.datasets._checks import as_features, as_labels, check_float, check_int, make_rng

__all__ = ["gaussian_ring", "ring_centres"]


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The ``modes`` centres of ``gaussian_ring``, evenly spaced on a circle, the first at
    ``(radius, 0)``; shape ``(modes, 2)``, float64.

    Example:
        >>> glassnet.datasets.ring_centres(4, radius=1.0).round(6).tolist()
        [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]
    """
    modes = check_int("ring_centres", "modes", modes, minimum=1)
    radius = check_float("ring_centres", "radius", radius)
    angles = 2.0 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def gaussian_ring(
    n_samples: int = 1000,
    *,
    modes: int = 8,
    radius: float = 2.0,
    std: float = 0.1,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """An equal mixture of ``modes`` Gaussians on a circle: the standard test of GAN mode
    collapse (a collapsed generator puts its samples on a few of the modes).

    Math:
        k ~ Uniform{0, ..., modes - 1},   x = ring_centres(modes, radius)[k] + Normal(0, std**2 I)

    Args:
        n_samples: number of points.
        modes: number of Gaussians, evenly spaced on the circle.
        radius: the circle's radius.
        std: standard deviation of each Gaussian (per coordinate).
        random_state: seed; see the package docstring (``help(glassnet.datasets)``).

    Returns:
        ``(X, y)``: X float32 (N, 2), y int64 (N,) the mode of each point.

    Raises:
        ConfigError: if ``n_samples`` or ``modes`` is not a positive int, ``radius`` or ``std``
            is negative, or ``random_state`` is not a seed.

    Example:
        >>> X, y = glassnet.datasets.gaussian_ring(400, random_state=0)
        >>> X.shape, int(y.max()) + 1
        ((400, 2), 8)
    """
    who = "gaussian_ring"
    n_samples = check_int(who, "n_samples", n_samples, minimum=1)
    std = check_float(who, "std", std)
    centres = ring_centres(modes, radius)
    rng = make_rng(who, random_state)
    y = rng.integers(0, len(centres), n_samples)
    X = centres[y] + rng.normal(0.0, std, size=(n_samples, 2))
    return as_features(X), as_labels(y)
