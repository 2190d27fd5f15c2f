"""Two-dimensional toy problems: shapes, dtypes, labels, seeding, scikit-learn parity."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import datasets

sk_datasets = pytest.importorskip("sklearn.datasets")

# (name, function, kwargs, n_features, n_classes): every seeded generator in the module.
GENERATORS = [
    ("moons", datasets.moons, {"n_samples": 301, "noise": 0.2}, 2, 2),
    ("circles", datasets.circles, {"n_samples": 301, "noise": 0.1}, 2, 2),
    ("xor", datasets.xor, {"n_samples": 301, "noise": 0.1}, 2, 2),
    ("spirals2", datasets.spirals, {"n_samples": 301, "n_classes": 2}, 2, 2),
    ("spirals3", datasets.spirals, {"n_samples": 301, "n_classes": 3}, 2, 3),
    ("blobs", datasets.blobs, {"n_samples": 301, "centers": 4, "n_features": 3}, 3, 4),
]
IDS = [g[0] for g in GENERATORS]


@pytest.mark.parametrize(("name", "fn", "kwargs", "n_features", "n_classes"), GENERATORS, ids=IDS)
def test_generator_shapes_dtypes_and_labels(name, fn, kwargs, n_features, n_classes):
    X, y = fn(**kwargs, random_state=0)
    assert X.shape == (301, n_features)
    assert y.shape == (301,)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    assert X.flags.c_contiguous
    assert np.isfinite(X).all()
    assert set(np.unique(y).tolist()) == set(range(n_classes))
    # every class gets n // k or n // k + 1 rows
    assert np.bincount(y).max() - np.bincount(y).min() <= 1


@pytest.mark.parametrize(("name", "fn", "kwargs", "n_features", "n_classes"), GENERATORS, ids=IDS)
def test_generator_same_seed_same_data_other_seed_other_data(
    name, fn, kwargs, n_features, n_classes
):
    X1, y1 = fn(**kwargs, random_state=7)
    X2, y2 = fn(**kwargs, random_state=7)
    X3, _ = fn(**kwargs, random_state=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize(("name", "fn", "kwargs", "n_features", "n_classes"), GENERATORS, ids=IDS)
def test_generator_none_seed_follows_set_random_seed(name, fn, kwargs, n_features, n_classes):
    import glassnet

    glassnet.utils.set_random_seed(3)
    X1, _ = fn(**kwargs, random_state=None)
    X2, _ = fn(**kwargs, random_state=None)
    glassnet.utils.set_random_seed(3)
    X3, _ = fn(**kwargs, random_state=None)
    assert not np.array_equal(X1, X2)
    np.testing.assert_array_equal(X1, X3)


def test_moons_defaults_match_the_seed_example():
    X, y = datasets.moons()
    X_ref, y_ref = sk_datasets.make_moons(n_samples=1000, noise=0.2, random_state=42)
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize(("n_samples", "noise", "seed"), [(100, 0.0, 0), (257, 0.3, 5)])
def test_moons_equal_to_sklearn(n_samples, noise, seed):
    X, y = datasets.moons(n_samples, noise=noise, random_state=seed)
    X_ref, y_ref = sk_datasets.make_moons(n_samples, noise=noise, random_state=seed)
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize(
    ("n_samples", "noise", "factor", "seed"), [(100, 0.0, 0.5, 0), (257, 0.05, 0.3, 5)]
)
def test_circles_equal_to_sklearn(n_samples, noise, factor, seed):
    X, y = datasets.circles(n_samples, noise=noise, factor=factor, random_state=seed)
    X_ref, y_ref = sk_datasets.make_circles(
        n_samples, noise=noise, factor=factor, random_state=seed
    )
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


def test_blobs_equal_to_sklearn():
    X, y = datasets.blobs(150, centers=3, n_features=5, cluster_std=0.5, random_state=1)
    X_ref, y_ref = sk_datasets.make_blobs(150, 5, centers=3, cluster_std=0.5, random_state=1)
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("xor", [0, 1, 1, 0]),
        ("nand", [1, 1, 1, 0]),
        ("nor", [1, 0, 0, 0]),
        ("xnor", [1, 0, 0, 1]),
    ],
)
def test_gates_truth_tables(kind, expected):
    X, y = datasets.gates(kind)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, expected)
    bits = X.astype(bool)
    truth = {
        "and": bits[:, 0] & bits[:, 1],
        "or": bits[:, 0] | bits[:, 1],
        "xor": bits[:, 0] ^ bits[:, 1],
    }
    truth.update(nand=~truth["and"], nor=~truth["or"], xnor=~truth["xor"])
    np.testing.assert_array_equal(y, truth[kind])


def test_xor_default_is_the_truth_table():
    X, y = datasets.xor()
    X_gate, y_gate = datasets.gates("xor")
    np.testing.assert_array_equal(X, X_gate)
    np.testing.assert_array_equal(y, y_gate)


def test_xor_cloud_labels_follow_nearest_corner_when_noise_is_small():
    X, y = datasets.xor(1000, noise=0.05, random_state=0)
    corner = (X > 0.5).astype(np.int64)
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])
    assert np.bincount(corner[:, 0] * 2 + corner[:, 1]).tolist() == [250, 250, 250, 250]


def test_xor_cloud_without_noise_sits_on_the_corners():
    X, y = datasets.xor(8, noise=0.0, random_state=0)
    assert sorted(map(tuple, X.tolist())) == sorted(
        [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)] * 2
    )


def test_spirals_arms_lie_on_the_formula_without_noise():
    X, y = datasets.spirals(200, n_classes=2, noise=0.0, random_state=0)
    r = np.linalg.norm(X, axis=1)
    assert r.min() == pytest.approx(0.1, abs=1e-6)
    assert r.max() == pytest.approx(1.0, abs=1e-6)
    theta = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / 2 + 3 * np.pi * r
    np.testing.assert_allclose(np.cos(theta - expected), 1.0, atol=1e-5)


def test_spirals_are_not_linearly_separable():
    from sklearn.linear_model import LogisticRegression

    X, y = datasets.spirals(600, n_classes=2, random_state=0)
    accuracy = LogisticRegression().fit(X, y).score(X, y)
    assert accuracy < 0.8
