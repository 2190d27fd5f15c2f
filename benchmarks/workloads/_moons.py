"""Shared data for the two-moons workloads: standardised make_moons and seeded initial weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_SAMPLES = 1000
N_TRAIN = 800


@dataclass(frozen=True)
class MoonsProblem:
    """Train/test split and initial parameters, all float32, shared by every implementation.

    ``init`` holds ``(W1, b1, W2, b2, ...)`` with ``W`` of shape ``(fan_in, fan_out)``, the
    layout ``x @ W + b`` expects (PyTorch's ``nn.Linear`` stores the transpose).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    init: tuple[np.ndarray, ...]
    learning_rate: float


def make_moons_problem(
    sizes: tuple[int, ...] = (2, 10, 8, 1),
    learning_rate: float = 0.1,
    seed: int = 0,
    samples: int | None = None,
) -> MoonsProblem:
    """Two moons (1000 samples, noise 0.2), standardised; first 800 train, last 200 test.

    The scaler is fitted on the training part only. Hidden layers get He-normal weights
    (std = sqrt(2 / fan_in), for ReLU), the output layer Glorot-uniform, biases zero, all drawn
    from one ``numpy.random.Generator(seed)``. ``samples`` keeps only the first ``samples``
    training samples (quick runs); the test part stays whole.

    Raises:
        ImportError: when scikit-learn is missing.
    """
    try:
        from sklearn.datasets import make_moons
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        raise ImportError(
            "benchmarks: the moons workloads need scikit-learn: `pip install scikit-learn`."
        ) from None
    x, y = make_moons(n_samples=N_SAMPLES, noise=0.2, random_state=42)
    scaler = StandardScaler().fit(x[:N_TRAIN])
    x = scaler.transform(x).astype(np.float32)
    y = y.astype(np.float32).reshape(-1, 1)
    n_train = N_TRAIN if samples is None else min(samples, N_TRAIN)
    return MoonsProblem(
        x_train=x[:n_train],
        y_train=y[:n_train],
        x_test=x[N_TRAIN:],
        y_test=y[N_TRAIN:],
        init=_initial_weights(sizes, np.random.Generator(np.random.PCG64(seed))),
        learning_rate=learning_rate,
    )


def _initial_weights(sizes: tuple[int, ...], rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    params: list[np.ndarray] = []
    last = len(sizes) - 2
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i < last:
            w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        else:
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        params += [w.astype(np.float32), np.zeros(fan_out, dtype=np.float32)]
    return tuple(params)


def accuracy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Fraction of samples where ``probability > 0.5`` matches the 0/1 label."""
    return float(np.mean((probabilities > 0.5) == (y > 0.5)))
