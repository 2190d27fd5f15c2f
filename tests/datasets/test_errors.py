"""Every argument check raises ConfigError with the "who: expected ..., got ..." formula."""

from __future__ import annotations

import sys

import pytest

from glassnet import datasets
from glassnet.errors import ConfigError

# (function, kwargs, message regex)
BAD_ARGUMENTS = [
    (datasets.moons, {"n_samples": 1}, r"moons: expected n_samples to be an int >= 2, got 1\."),
    (datasets.moons, {"n_samples": 10.0}, r"moons: expected n_samples to be an int"),
    (datasets.moons, {"n_samples": True}, r"moons: expected n_samples to be an int"),
    (datasets.moons, {"noise": -0.1}, r"moons: expected noise to be a float in \[0.0, inf\)"),
    (datasets.moons, {"noise": float("nan")}, r"moons: expected noise to be a float"),
    (datasets.moons, {"random_state": -1}, r"moons: expected random_state to be None or an int"),
    (datasets.moons, {"random_state": 2**32}, r"moons: expected random_state"),
    (datasets.moons, {"random_state": "42"}, r"moons: expected random_state"),
    (datasets.circles, {"factor": 1.0}, r"circles: expected factor to be a float in \(0.0, 1.0\)"),
    (datasets.circles, {"factor": 0}, r"circles: expected factor"),
    (datasets.circles, {"noise": "high"}, r"circles: expected noise"),
    (datasets.gates, {"kind": "andd"}, r"gates: expected kind to be one of .*Did you mean 'and'\?"),
    (datasets.gates, {"kind": 1}, r"gates: expected kind to be one of 'and', 'or'.*got 1\."),
    (datasets.xor, {"n_samples": 3}, r"xor: expected n_samples to be an int >= 4, got 3\."),
    (datasets.xor, {"n_samples": 40, "noise": -1}, r"xor: expected noise"),
    (datasets.spirals, {"n_classes": 1}, r"spirals: expected n_classes to be an int >= 2, got 1"),
    (datasets.spirals, {"n_samples": 2, "n_classes": 3}, r"spirals: expected n_samples .* >= 3"),
    (datasets.spirals, {"noise": -0.5}, r"spirals: expected noise"),
    (datasets.blobs, {"centers": 0}, r"blobs: expected centers to be an int >= 1"),
    (datasets.blobs, {"n_features": 0}, r"blobs: expected n_features to be an int >= 1"),
    (datasets.blobs, {"cluster_std": 0.0}, r"blobs: expected cluster_std to be a float in \(0.0"),
    (
        datasets.classification,
        {"n_features": 3, "n_informative": 2, "n_redundant": 2},
        r"classification: expected n_informative \+ n_redundant <= n_features, got 2 \+ 2 > 3",
    ),
    (
        datasets.classification,
        {"n_classes": 3, "n_informative": 1, "n_redundant": 0},
        r"classification: expected n_classes \* n_clusters_per_class <= 2 \*\* n_informative",
    ),
    (datasets.classification, {"n_classes": 1}, r"classification: expected n_classes"),
    (datasets.classification, {"flip_y": 1.5}, r"classification: expected flip_y .*\[0.0, 1.0\]"),
    (datasets.classification, {"class_sep": 0}, r"classification: expected class_sep"),
    (
        datasets.mnist1d,
        {"num_samples": 105},
        r"mnist1d: expected num_samples to be a multiple of 10 .*got 105\. Use 100 or 110\.",
    ),
    (datasets.mnist1d, {"num_samples": 0}, r"mnist1d: expected num_samples to be an int >= 10"),
    (
        datasets.mnist1d,
        {"train_split": 1.0},
        r"mnist1d: expected train_split to be a float in \(0.0, 1.0\)",
    ),
    (
        datasets.mnist1d,
        {"num_samples": 10, "train_split": 0.05},
        r"mnist1d: expected train_split to leave rows in both sets",
    ),
    (datasets.mnist1d, {"seed": -3}, r"mnist1d: expected random_state"),
    (
        datasets.synthetic_time_series,
        {"n_samples": 0},
        r"synthetic_time_series: expected n_samples",
    ),
    (datasets.synthetic_time_series, {"noise": -2.0}, r"synthetic_time_series: expected noise"),
    (
        datasets.synthetic_time_series,
        {"trend": float("inf")},
        r"expected trend to be a finite float",
    ),
    (
        datasets.synthetic_time_series,
        {"start": "yesterday"},
        r"expected start to be a date 'YYYY-MM-DD', got 'yesterday'",
    ),
    (datasets.synthetic_time_series, {"start": None}, r"expected start to be a date"),
    (
        datasets.synthetic_time_series,
        {"seasonalities": ((0.0, 1.0),)},
        r"expected each period to be a float in \(0.0, inf\)",
    ),
    (
        datasets.synthetic_time_series,
        {"seasonalities": (7.0, 3.0)},
        r"expected seasonalities to be a sequence of \(period, amplitude\) pairs",
    ),
    (
        datasets.synthetic_time_series,
        {"seasonalities": 7},
        r"expected seasonalities to be a sequence",
    ),
]


def _id(case) -> str:
    fn, kwargs, _ = case
    return f"{fn.__name__}-{'-'.join(kwargs)}"


@pytest.mark.parametrize(
    ("fn", "kwargs", "match"), BAD_ARGUMENTS, ids=[_id(c) for c in BAD_ARGUMENTS]
)
def test_bad_argument_raises_config_error(fn, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        fn(**kwargs)


def test_config_error_is_a_value_error():
    with pytest.raises(ValueError, match="moons"):
        datasets.moons(0)


SKLEARN_FUNCTIONS = [
    (datasets.moons, {}),
    (datasets.circles, {}),
    (datasets.blobs, {}),
    (datasets.classification, {}),
    (datasets.iris, {}),
    (datasets.digits, {}),
]


@pytest.mark.parametrize(
    ("fn", "kwargs"), SKLEARN_FUNCTIONS, ids=[f.__name__ for f, _ in SKLEARN_FUNCTIONS]
)
def test_missing_sklearn_gives_the_install_line(monkeypatch, fn, kwargs):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=rf"{fn.__name__}: .*pip install scikit-learn$"):
        fn(**kwargs)


def test_missing_mnist1d_gives_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "mnist1d", None)
    monkeypatch.setitem(sys.modules, "mnist1d.data", None)
    with pytest.raises(ImportError, match=r"mnist1d: .*pip install mnist1d$"):
        datasets.mnist1d(10)
