"""Sequence data: MNIST-1D (generated offline) and a synthetic daily time series.

``mnist1d`` needs the ``mnist1d`` package (imported only when called);
``synthetic_time_series`` is NumPy only.
"""

from __future__ import annotations

import random as _pyrandom
from collections.abc import Sequence

import numpy as np

from glassnet._optional import require
from glassnet.datasets._checks import (
    as_features,
    as_labels,
    check_float,
    check_int,
    make_rng,
    resolve_seed,
)
from glassnet.errors import ConfigError

__all__ = ["mnist1d", "synthetic_time_series"]

# The yearly, monthly and weekly cycles of the generator in the seed text: (period, amplitude).
_DEFAULT_SEASONALITIES = ((365.25, 10.0), (30.4, 5.0), (7.0, 3.0))


def mnist1d(
    num_samples: int = 5000,
    *,
    train_split: float = 0.8,
    seed: int | None = 42,
    as_sequences: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST-1D: ten 1-D digit templates, padded, scaled, shifted, sheared and noised.

    A small benchmark (40 features, 10 classes) on which MLPs, CNNs and RNNs differ as
    they do on MNIST, yet that trains in seconds on a CPU. The samples are generated here
    by the ``mnist1d`` package's own ``make_dataset`` with the paper's settings (template
    length 12, padding 36-60, max translation 48, ...); nothing is downloaded and no file
    is written. The defaults give the paper's 4000 training and 1000 test rows.

    ``make_dataset`` seeds NumPy's and Python's global generators; this function restores
    both afterwards, so calling it does not change any other random stream.

    Args:
        num_samples: total number of rows, a multiple of 10 (an equal number per digit).
        train_split: fraction of the rows that go to the training set, in (0, 1).
        seed: seed of the generation (42 is the paper's); see the package docstring for
            ``None``.
        as_sequences: return the inputs as sequences (N, 40, 1) for recurrent and
            1-D convolutional layers, instead of flat rows (N, 40).

    Shape:
        x_train: (N_train, 40) float32, or (N_train, 40, 1) with ``as_sequences=True``;
        N_train = int(num_samples * train_split).  y_train: (N_train,) int64 in [0, 10).
        x_test, y_test: the same for the remaining num_samples - N_train rows.

    Returns:
        ``(x_train, y_train, x_test, y_test)``. The inputs are standardised over the whole
        set (mean 0, standard deviation 1).

    Raises:
        ConfigError: if ``num_samples`` is not a positive multiple of 10, ``train_split``
            leaves either set empty, or ``seed`` is not a seed.
        ImportError: if the ``mnist1d`` package is not installed.

    Example:
        >>> x_train, y_train, x_test, y_test = glassnet.datasets.mnist1d(100, seed=0)
        >>> x_train.shape, y_train.shape, x_test.shape, x_train.dtype, y_train.dtype
        ((80, 40), (80,), (20, 40), dtype('float32'), dtype('int64'))

    Reference:
        Greydanus and Kobak, "Scaling Down Deep Learning with MNIST-1D", ICML 2024.
        https://github.com/greydanus/mnist1d
    """
    who = "mnist1d"
    num_samples = check_int(who, "num_samples", num_samples, minimum=10)
    if num_samples % 10:
        raise ConfigError(
            f"{who}: expected num_samples to be a multiple of 10 (one tenth per digit), "
            f"got {num_samples}. Use {num_samples - num_samples % 10} or "
            f"{num_samples - num_samples % 10 + 10}."
        )
    train_split = check_float(
        who, "train_split", train_split, minimum=0.0, maximum=1.0, open_interval=True
    )
    n_train = int(num_samples * train_split)
    if not 0 < n_train < num_samples:
        raise ConfigError(
            f"{who}: expected train_split to leave rows in both sets, got {train_split} of "
            f"{num_samples} rows ({n_train} for training). Use more samples or a split "
            "nearer 0.5."
        )
    seed = resolve_seed(who, seed)
    data = require(who, "mnist1d.data", "mnist1d")

    args = data.get_dataset_args()
    args.num_samples = num_samples
    args.train_split = train_split
    args.seed = seed
    # NOTE: make_dataset calls np.random.seed and random.seed; keep the caller's streams.
    numpy_state, python_state = np.random.get_state(), _pyrandom.getstate()  # noqa: NPY002
    try:
        dataset = data.make_dataset(args)
    finally:
        np.random.set_state(numpy_state)  # noqa: NPY002
        _pyrandom.setstate(python_state)

    x_train, x_test = as_features(dataset["x"]), as_features(dataset["x_test"])
    if as_sequences:
        x_train, x_test = x_train[..., None], x_test[..., None]
    return x_train, as_labels(dataset["y"]), x_test, as_labels(dataset["y_test"])


def _check_seasonalities(who: str, seasonalities: object) -> list[tuple[float, float]]:
    pairs = []
    try:
        for period, amplitude in seasonalities:  # type: ignore[union-attr]
            period = check_float(who, "each period", period, open_interval=True)
            amplitude = check_float(who, "each amplitude", amplitude, minimum=-np.inf)
            pairs.append((period, amplitude))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(
            f"{who}: expected seasonalities to be a sequence of (period, amplitude) pairs, "
            f"got {seasonalities!r}. Pass for example ((365.25, 10.0), (7.0, 3.0))."
        ) from exc
    return pairs


def synthetic_time_series(
    n_samples: int = 1000,
    *,
    start: str = "2020-01-01",
    level: float = 100.0,
    trend: float = 0.02,
    seasonalities: Sequence[tuple[float, float]] = _DEFAULT_SEASONALITIES,
    noise: float = 2.0,
    random_state: int | None = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """A daily series with a linear trend, yearly/monthly/weekly cycles and Gaussian noise.

    The generator of the "Time Series Prediction with RNN/LSTM" example, without pandas:
    the dates are a NumPy ``datetime64[D]`` array (``pandas.Series(values, index=dates)``
    rebuilds the example's series). The noise comes from a seeded generator, so the
    values are repeatable but not the example's own draws from NumPy's global state.

    Math:
        t = 0, 1, ..., N - 1                                   (days)
        value[t] = level + trend * t
                   + sum over (period, amplitude) of amplitude * sin(2*pi*t / period)
                   + Normal(0, noise**2)

    Args:
        n_samples: number of days N.
        start: the first date, as an ISO string ``'YYYY-MM-DD'``.
        level: the value at t = 0 before cycles and noise.
        trend: growth per day.
        seasonalities: ``(period in days, amplitude)`` pairs; the default is the yearly
            (365.25, 10), monthly (30.4, 5) and weekly (7, 3) cycles. Pass ``()`` for none.
        noise: standard deviation of the Gaussian noise, >= 0.
        random_state: seed of the noise; see the package docstring.

    Shape:
        dates: (N,) datetime64[D].  values: (N,) float32.

    Returns:
        ``(dates, values)``. To learn from it, cut it into windows of shape (N, T, 1).

    Raises:
        ConfigError: if ``n_samples < 1``, ``start`` is not a date, a period is <= 0,
            ``noise < 0`` or ``random_state`` is not a seed.

    Example:
        >>> dates, values = glassnet.datasets.synthetic_time_series(1000)
        >>> str(dates[0]), str(dates[-1]), values.shape, values.dtype
        ('2020-01-01', '2022-09-26', (1000,), dtype('float32'))
    """
    who = "synthetic_time_series"
    n_samples = check_int(who, "n_samples", n_samples, minimum=1)
    level = check_float(who, "level", level, minimum=-np.inf)
    trend = check_float(who, "trend", trend, minimum=-np.inf)
    noise = check_float(who, "noise", noise)
    pairs = _check_seasonalities(who, seasonalities)
    try:
        first = np.datetime64(start, "D")
        if np.isnat(first) or not isinstance(start, str):
            raise ValueError("not a date string")  # internal: caught just below
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{who}: expected start to be a date 'YYYY-MM-DD', got {start!r}. "
            "Pass for example '2020-01-01'."
        ) from exc
    rng = make_rng(who, random_state)

    t = np.arange(n_samples, dtype=np.float64)
    values = level + trend * t
    for period, amplitude in pairs:
        values = values + amplitude * np.sin(2.0 * np.pi * t / period)
    values = values + rng.normal(0.0, noise, n_samples)
    dates = first + np.arange(n_samples)
    return dates, as_features(values)
