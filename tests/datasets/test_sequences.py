"""mnist1d (generated offline) and synthetic_time_series."""

from __future__ import annotations

import random
import socket

import numpy as np
import pytest

from glassnet import datasets

# ---------------------------------------------------------------------------------- mnist1d


@pytest.fixture(scope="module")
def mnist1d_default():
    pytest.importorskip("mnist1d")
    return datasets.mnist1d()


def test_mnist1d_defaults_are_the_paper_split(mnist1d_default):
    x_train, y_train, x_test, y_test = mnist1d_default
    assert x_train.shape == (4000, 40)
    assert y_train.shape == (4000,)
    assert x_test.shape == (1000, 40)
    assert y_test.shape == (1000,)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    assert set(y_train.tolist()) == set(range(10))
    all_y = np.concatenate([y_train, y_test])
    assert np.bincount(all_y).tolist() == [500] * 10
    all_x = np.concatenate([x_train, x_test])
    assert float(all_x.mean()) == pytest.approx(0.0, abs=1e-5)
    assert float(all_x.std()) == pytest.approx(1.0, abs=1e-5)


def test_mnist1d_equal_to_the_package_generator():
    mnist1d_data = pytest.importorskip("mnist1d.data")
    x_train, y_train, x_test, y_test = datasets.mnist1d(200, seed=3)
    args = mnist1d_data.get_dataset_args()
    args.num_samples, args.seed = 200, 3
    ref = mnist1d_data.make_dataset(args)
    np.testing.assert_array_equal(x_train, ref["x"].astype(np.float32))
    np.testing.assert_array_equal(y_train, ref["y"])
    np.testing.assert_array_equal(x_test, ref["x_test"].astype(np.float32))
    np.testing.assert_array_equal(y_test, ref["y_test"])


def test_mnist1d_seeding_and_split():
    pytest.importorskip("mnist1d")
    a = datasets.mnist1d(100, seed=1, train_split=0.5)
    b = datasets.mnist1d(100, seed=1, train_split=0.5)
    c = datasets.mnist1d(100, seed=2, train_split=0.5)
    assert a[0].shape == (50, 40)
    assert a[2].shape == (50, 40)
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0], c[0])


def test_mnist1d_as_sequences_adds_a_feature_axis():
    pytest.importorskip("mnist1d")
    x_train, _, x_test, _ = datasets.mnist1d(50, seed=0, as_sequences=True)
    assert x_train.shape == (40, 40, 1)
    assert x_test.shape == (10, 40, 1)


def test_mnist1d_never_touches_the_network_or_disk(monkeypatch, tmp_path):
    pytest.importorskip("mnist1d")

    def refuse(*args, **kwargs):
        raise AssertionError("mnist1d tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.chdir(tmp_path)
    x_train, y_train, x_test, y_test = datasets.mnist1d(100, seed=0)
    assert x_train.shape == (80, 40)
    assert list(tmp_path.iterdir()) == []


def test_mnist1d_keeps_global_random_state():
    # why: mnist1d's make_dataset seeds NumPy's legacy global generator and Python's
    # random module; datasets.mnist1d must leave both as it found them.
    pytest.importorskip("mnist1d")
    numpy_before = np.random.get_state()[1].copy()  # noqa: NPY002
    python_before = random.getstate()
    datasets.mnist1d(20, seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_before)  # noqa: NPY002
    assert random.getstate() == python_before


# ---------------------------------------------------------------------------- time series


def _design(t: np.ndarray) -> np.ndarray:
    """Columns: level, trend and the three default cycles."""
    cycles = [np.sin(2 * np.pi * t / period) for period in (365.25, 30.4, 7.0)]
    return np.stack([np.ones_like(t), t, *cycles], axis=1)


def test_time_series_shapes_dtypes_and_dates():
    dates, values = datasets.synthetic_time_series(1000)
    assert dates.shape == values.shape == (1000,)
    assert dates.dtype == np.dtype("datetime64[D]")
    assert values.dtype == np.float32
    assert dates[0] == np.datetime64("2020-01-01")
    assert dates[-1] == np.datetime64("2022-09-26")
    assert (np.diff(dates) == np.timedelta64(1, "D")).all()


def test_time_series_has_the_seed_trend_and_seasonalities():
    _, values = datasets.synthetic_time_series(1000, random_state=0)
    t = np.arange(1000, dtype=np.float64)
    coef, *_ = np.linalg.lstsq(_design(t), values.astype(np.float64), rcond=None)
    expected = np.array([100.0, 0.02, 10.0, 5.0, 3.0])
    tolerance = np.array([0.5, 0.001, 0.3, 0.3, 0.3])
    assert (np.abs(coef - expected) < tolerance).all(), coef
    residual = values - _design(t) @ coef
    assert float(residual.std()) == pytest.approx(2.0, rel=0.1)
    # what a learner would see: values rise with time, and the detrended series follows
    # the yearly and weekly cycles
    assert np.corrcoef(t, values)[0, 1] > 0.3
    detrended = values - (coef[0] + coef[1] * t)
    assert np.corrcoef(detrended, np.sin(2 * np.pi * t / 365.25))[0, 1] > 0.6
    assert np.corrcoef(detrended, np.sin(2 * np.pi * t / 7.0))[0, 1] > 0.15


def test_time_series_without_noise_is_the_formula():
    _, values = datasets.synthetic_time_series(500, noise=0.0)
    t = np.arange(500, dtype=np.float64)
    expected = _design(t) @ np.array([100.0, 0.02, 10.0, 5.0, 3.0])
    np.testing.assert_allclose(values, expected.astype(np.float32), rtol=1e-6)


def test_time_series_custom_components_and_start():
    dates, values = datasets.synthetic_time_series(
        30, start="2024-02-27", level=0.0, trend=1.0, seasonalities=(), noise=0.0
    )
    assert str(dates[2]) == "2024-02-29"
    np.testing.assert_array_equal(values, np.arange(30, dtype=np.float32))


def test_time_series_seeding():
    _, a = datasets.synthetic_time_series(200, random_state=1)
    _, b = datasets.synthetic_time_series(200, random_state=1)
    _, c = datasets.synthetic_time_series(200, random_state=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
