"""Shared data for the MLP workloads: a fixed-seed synthetic data set with MNIST's shape.

60,000 training and 10,000 test images of 28 x 28 pixels in [0, 1], flattened to 784 float32
features, with 10 classes; no download. Each class has 4 "styles": smooth blob images (sparse
random dots blurred twice with a 3 x 3 box filter, scaled to a peak of 1). A sample is one
style of its class, plus up to 0.5 times a random other style (of any class), shifted by up to
2 pixels in each direction, plus Gaussian noise (standard deviation 0.4), clipped to [0, 1].
A linear model does poorly on it and the 784-512-256-10 MLP reaches about 94% test accuracy
after two epochs, so the halves' losses and accuracies show that they learned the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 28
FEATURES = SIDE * SIDE
CLASSES = 10
N_TRAIN = 60_000
N_TEST = 10_000
SIZES = (FEATURES, 512, 256, CLASSES)

_STYLES = 4
_DENSITY = 0.05
_MIX = 0.5
_SHIFT = 2
_NOISE = 0.4


@dataclass(frozen=True)
class MlpProblem:
    """Train/test split (float32 images, int64 labels) and initial parameters.

    ``init`` holds ``(W1, b1, W2, b2, W3, b3)``: Glorot-uniform kernels of shape
    ``(fan_in, fan_out)`` (Keras's ``Dense`` default; ``nn.Linear`` stores the transpose) and
    zero biases, all float32.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    init: tuple[np.ndarray, ...]
    learning_rate: float = 1e-3
    batch_size: int = 128


def make_mlp_problem(seed: int = 0, samples: int | None = None) -> MlpProblem:
    """The synthetic MNIST-shaped data (see the module docstring) and the initial weights.

    ``samples`` makes a smaller problem for quick runs: ``samples`` training samples and at
    most that many test samples (drawn afresh, so not a prefix of the full set).
    """
    n_train = N_TRAIN if samples is None else samples
    n_test = N_TEST if samples is None else min(samples, N_TEST)
    styles = _make_styles(np.random.Generator(np.random.PCG64(seed)))
    x_train, y_train = _make_images(styles, n_train, np.random.Generator(np.random.PCG64(seed + 1)))
    x_test, y_test = _make_images(styles, n_test, np.random.Generator(np.random.PCG64(seed + 2)))
    init_rng = np.random.Generator(np.random.PCG64(seed + 3))
    init: list[np.ndarray] = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        init.append(init_rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32))
        init.append(np.zeros(fan_out, dtype=np.float32))
    return MlpProblem(x_train, y_train, x_test, y_test, tuple(init))


def _blur(images: np.ndarray) -> np.ndarray:
    for axis in (-1, -2):
        images = (np.roll(images, 1, axis) + images + np.roll(images, -1, axis)) / 3
    return images


def _make_styles(rng: np.random.Generator) -> np.ndarray:
    dots = (rng.random((CLASSES * _STYLES, SIDE, SIDE)) < _DENSITY).astype(np.float32)
    border = _SHIFT + 3
    dots[:, :border] = dots[:, -border:] = 0
    dots[:, :, :border] = dots[:, :, -border:] = 0
    styles = _blur(_blur(dots))
    return styles / styles.max(axis=(1, 2), keepdims=True)


def _make_images(
    styles: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, CLASSES, n)
    own = y * _STYLES + rng.integers(0, _STYLES, n)
    other = rng.integers(0, len(styles), n)
    weight = rng.uniform(0.0, _MIX, n).astype(np.float32)[:, None]
    shift = rng.integers(-_SHIFT, _SHIFT + 1, (n, 2))
    x = np.empty((n, FEATURES), dtype=np.float32)
    # why: one group per shift keeps every step a whole-array operation on a slice of the data.
    for dy in range(-_SHIFT, _SHIFT + 1):
        for dx in range(-_SHIFT, _SHIFT + 1):
            rows = np.flatnonzero((shift[:, 0] == dy) & (shift[:, 1] == dx))
            moved = np.roll(styles, (dy, dx), axis=(1, 2)).reshape(len(styles), FEATURES)
            group = moved[own[rows]] + weight[rows] * moved[other[rows]]
            group += rng.standard_normal(group.shape, dtype=np.float32) * np.float32(_NOISE)
            x[rows] = group
    np.clip(x, 0.0, 1.0, out=x)
    return x, y
