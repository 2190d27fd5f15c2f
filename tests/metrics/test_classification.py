"""Accuracy metrics against sklearn.metrics over several update_state batches."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import metrics
from glassnet.errors import ConfigError, ShapeError
from glassnet.metrics import BinaryAccuracy, MeanMetricWrapper, binary_accuracy

skm = pytest.importorskip("sklearn.metrics")

BATCHES = (7, 16, 1, 9)


def _batches(rng, make, weighted):
    """Feed ``make(rng, n)`` batches; return the concatenated (y_true, y_pred, weights)."""
    parts = [make(rng, n) + (rng.uniform(0, 2, n) if weighted else None,) for n in BATCHES]
    cat = [np.concatenate([p[i] for p in parts]) if parts[0][i] is not None else None
           for i in range(3)]  # fmt: skip
    return parts, cat


def _feed(metric, parts):
    for y_true, y_pred, w in parts:
        metric.update_state(y_true, y_pred, sample_weight=w)
    return metric.result()


@pytest.mark.parametrize("weighted", [False, True])
def test_binary_accuracy_matches_sklearn(rng, weighted):
    def make(rng, n):
        return rng.integers(0, 2, (n, 1)).astype(float), rng.uniform(size=(n, 1))

    parts, (y, p, w) = _batches(rng, make, weighted)
    expected = skm.accuracy_score(y.ravel(), p.ravel() > 0.5, sample_weight=w)
    assert _feed(metrics.BinaryAccuracy(), parts) == pytest.approx(expected, abs=1e-12)


def test_binary_accuracy_threshold_for_logits(rng):
    y, logits = rng.integers(0, 2, 20), rng.normal(size=20)
    metric = metrics.BinaryAccuracy(threshold=0.0)
    metric.update_state(y, logits)
    assert metric.result() == pytest.approx(skm.accuracy_score(y, logits > 0))


@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_accuracy_matches_sklearn(rng, weighted):
    def make(rng, n):
        return np.eye(4)[rng.integers(0, 4, n)], rng.uniform(size=(n, 4))

    parts, (y, p, w) = _batches(rng, make, weighted)
    expected = skm.accuracy_score(y.argmax(1), p.argmax(1), sample_weight=w)
    assert _feed(metrics.CategoricalAccuracy(), parts) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("trailing_one", [False, True])
def test_sparse_categorical_accuracy_matches_sklearn(rng, weighted, trailing_one):
    def make(rng, n):
        labels = rng.integers(0, 5, n)
        return (labels[:, None] if trailing_one else labels), rng.normal(size=(n, 5))

    parts, (y, p, w) = _batches(rng, make, weighted)
    expected = skm.accuracy_score(y.ravel(), p.argmax(1), sample_weight=w)
    assert _feed(metrics.SparseCategoricalAccuracy(), parts) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_top_k_accuracy_matches_sklearn(rng, k, weighted):
    def make(rng, n):
        return rng.integers(0, 5, n), rng.normal(size=(n, 5))

    parts, (y, p, w) = _batches(rng, make, weighted)
    expected = skm.top_k_accuracy_score(y, p, k=k, sample_weight=w, labels=range(5))
    sparse = metrics.SparseTopKCategoricalAccuracy(k=k)
    assert _feed(sparse, parts) == pytest.approx(expected, abs=1e-12)
    one_hot = [(np.eye(5)[t], s, wt) for t, s, wt in parts]
    dense = metrics.TopKCategoricalAccuracy(k=k)
    assert _feed(dense, one_hot) == pytest.approx(expected, abs=1e-12)


def test_top_k_counts_ties_as_in_and_k_beyond_classes():
    assert metrics.sparse_top_k_categorical_accuracy([0], [[0.5, 0.5, 0.9]], k=2)[0] == 1.0
    assert metrics.sparse_top_k_categorical_accuracy([0], [[0.1, 0.5, 0.9]], k=9)[0] == 1.0


@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_exact_match_matches_sklearn(rng, weighted):
    def make(rng, n):
        return rng.integers(0, 3, n), rng.integers(0, 3, n)

    parts, (y, p, w) = _batches(rng, make, weighted)
    assert _feed(metrics.Accuracy(), parts) == pytest.approx(
        skm.accuracy_score(y, p, sample_weight=w), abs=1e-12
    )


def test_accuracy_metrics_keras_documented_values():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert m.result() == 0.75
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert m.result() == 0.5
    m = metrics.CategoricalAccuracy()
    assert m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]) == 0.5
    m = metrics.SparseCategoricalAccuracy()
    m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)
    m = metrics.TopKCategoricalAccuracy(k=1)
    m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    assert m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]) == 0.5


def test_binary_accuracy_multi_label_counts_each_sample_once():
    m = metrics.BinaryAccuracy()
    m.update_state([[1, 0], [1, 1]], [[0.9, 0.9], [0.9, 0.9]], sample_weight=[1.0, 3.0])
    assert m.result() == pytest.approx((0.5 * 1 + 1.0 * 3) / 4)


def test_accuracy_metrics_reset_state(rng):
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1], [[1.0, 0.0], [1.0, 0.0]])
    m.reset_state()
    assert m.result() == 0.0
    m.update_state([0], [[1.0, 0.0]])
    assert m.result() == 1.0


def test_accuracy_metric_errors():
    with pytest.raises(ShapeError, match=r"binary_accuracy: y_true has shape \(4, 2\) but y_pred"):
        metrics.BinaryAccuracy().update_state(np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ShapeError, match=r"expected integer class ids in \[0, 2\].*got 3"):
        metrics.SparseCategoricalAccuracy().update_state([3], [[0.1, 0.2, 0.7]])
    with pytest.raises(ShapeError, match=r"Expected integer class ids of shape \(2,\)"):
        metrics.SparseCategoricalAccuracy().update_state(np.eye(3)[:2], np.eye(3)[:2])
    with pytest.raises(ShapeError, match="expected y_pred of shape \\(N, ..., C\\)"):
        metrics.CategoricalAccuracy().update_state([0, 1], [0.2, 0.8])
    with pytest.raises(ConfigError, match="The 'k' argument of TopKCategoricalAccuracy must be"):
        metrics.TopKCategoricalAccuracy(k=0)
    with pytest.raises(ConfigError, match="The 'threshold' argument of BinaryAccuracy must be"):
        metrics.BinaryAccuracy(threshold=float("nan"))
    with pytest.raises(TypeError, match="expected y_pred to be numbers"):
        metrics.BinaryAccuracy().update_state([1], ["x"])


@pytest.mark.parametrize("shape", [(7,), (7, 1), (7, 3), (7, 2, 3)])
def test_binary_accuracy_counts_like_the_mean_of_its_per_sample_values(shape):
    rng = np.random.default_rng(1)
    fast, reference = (
        BinaryAccuracy(threshold=0.3),
        MeanMetricWrapper(binary_accuracy, threshold=0.3),
    )
    for _ in range(3):
        y, p = rng.integers(0, 2, shape), rng.random(shape)
        fast.update_state(y, p)
        reference.update_state(y, p)
    assert fast.count == reference.count
    assert fast.result() == pytest.approx(reference.result(), rel=1e-12)
    with pytest.raises(ShapeError, match=r"binary_accuracy: y_true has shape \(7, 4\) but y_pred"):
        fast.update_state(np.ones((7, 4)), np.ones((7, 5)))
