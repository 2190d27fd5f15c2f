"""classification, iris and digits: sizes, dtypes, names and scikit-learn parity."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import datasets

sk_datasets = pytest.importorskip("sklearn.datasets")


def test_classification_equal_to_sklearn_for_the_seed_example():
    kwargs = {"n_features": 20, "n_informative": 15, "n_redundant": 5, "random_state": 42}
    X, y = datasets.classification(1000, **kwargs)
    X_ref, y_ref = sk_datasets.make_classification(1000, n_classes=2, **kwargs)
    assert X.shape == (1000, 20)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


def test_classification_multiclass_labels_and_seeding():
    X1, y1 = datasets.classification(
        300, n_features=6, n_informative=4, n_classes=4, random_state=1
    )
    X2, y2 = datasets.classification(
        300, n_features=6, n_informative=4, n_classes=4, random_state=1
    )
    X3, _ = datasets.classification(300, n_features=6, n_informative=4, n_classes=4, random_state=2)
    assert X1.shape == (300, 6)
    assert set(y1.tolist()) == {0, 1, 2, 3}
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_iris_size_dtypes_and_classes():
    X, y = datasets.iris()
    assert X.shape == (150, 4)
    assert y.shape == (150,)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    np.testing.assert_array_equal(X, sk_datasets.load_iris().data.astype(np.float32))


def test_iris_return_names():
    X, y, features, classes = datasets.iris(return_names=True)
    assert X.shape == (150, 4)
    assert features == (
        "sepal length (cm)",
        "sepal width (cm)",
        "petal length (cm)",
        "petal width (cm)",
    )
    assert classes == ("setosa", "versicolor", "virginica")


def test_digits_size_dtypes_and_range():
    X, y = datasets.digits()
    assert X.shape == (1797, 64)
    assert y.shape == (1797,)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    assert X.min() == 0.0
    assert X.max() == 16.0
    assert set(y.tolist()) == set(range(10))


def test_digits_as_images_is_channels_last_and_matches_sklearn_images():
    X, y = datasets.digits(as_images=True)
    assert X.shape == (1797, 8, 8, 1)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X[..., 0], sk_datasets.load_digits().images)


def test_digits_return_names():
    X, y, features, classes = datasets.digits(return_names=True)
    assert len(features) == 64
    assert features[:2] == ("pixel_0_0", "pixel_0_1")
    assert classes == tuple(str(d) for d in range(10))
