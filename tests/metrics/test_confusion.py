"""Precision, Recall and AUC against sklearn.metrics over several update_state batches."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import metrics
from glassnet.errors import ConfigError, ShapeError

skm = pytest.importorskip("sklearn.metrics")

BATCHES = (13, 40, 2, 25)


def _feed(metric, y, p, w=None):
    """Update in uneven batches; return the result."""
    start = 0
    for n in BATCHES:
        stop = start + n if n != BATCHES[-1] else len(y)
        metric.update_state(y[start:stop], p[start:stop], None if w is None else w[start:stop])
        start = stop
    return metric.result()


def _binary(rng, n=120, outputs=1):
    return rng.integers(0, 2, (n, outputs)), rng.uniform(size=(n, outputs))


@pytest.mark.parametrize("weighted", [False, True])
def test_precision_and_recall_match_sklearn(rng, weighted):
    y, p = _binary(rng)
    w = rng.uniform(0, 2, len(y)) if weighted else None
    predicted = (p > 0.5).ravel()
    assert _feed(metrics.Precision(), y, p, w) == pytest.approx(
        skm.precision_score(y.ravel(), predicted, sample_weight=w), abs=1e-12
    )
    assert _feed(metrics.Recall(), y, p, w) == pytest.approx(
        skm.recall_score(y.ravel(), predicted, sample_weight=w), abs=1e-12
    )


def test_precision_and_recall_flatten_multi_label(rng):
    y, p = _binary(rng, outputs=3)
    assert _feed(metrics.Precision(), y, p) == pytest.approx(
        skm.precision_score(y, p > 0.5, average="micro")
    )
    assert _feed(metrics.Recall(), y, p) == pytest.approx(
        skm.recall_score(y, p > 0.5, average="micro")
    )


def test_precision_and_recall_several_thresholds(rng):
    y, p = _binary(rng)
    thresholds = [0.2, 0.5, 0.8]
    precision = _feed(metrics.Precision(thresholds=thresholds), y, p)
    recall = _feed(metrics.Recall(thresholds=thresholds), y, p)
    assert isinstance(precision, np.ndarray) and precision.shape == (3,)
    for i, t in enumerate(thresholds):
        assert precision[i] == pytest.approx(skm.precision_score(y.ravel(), p.ravel() > t))
        assert recall[i] == pytest.approx(skm.recall_score(y.ravel(), p.ravel() > t))


def test_precision_and_recall_class_id(rng):
    y, p = _binary(rng, outputs=4)
    assert _feed(metrics.Precision(class_id=2), y, p) == pytest.approx(
        skm.precision_score(y[:, 2], p[:, 2] > 0.5)
    )
    assert _feed(metrics.Recall(class_id=2), y, p) == pytest.approx(
        skm.recall_score(y[:, 2], p[:, 2] > 0.5)
    )


def test_precision_top_k_keeps_only_the_best_scores():
    # Keras's documented example: of four tied scores the first two count as predictions.
    m = metrics.Precision(top_k=2)
    m.update_state([[0, 0, 1, 1]], [[1, 1, 1, 1]])
    assert m.result() == 0.0
    m = metrics.Precision(top_k=4)
    m.update_state([[0, 0, 1, 1]], [[1, 1, 1, 1]])
    assert m.result() == 0.5
    m = metrics.Recall(top_k=1)
    m.update_state([[0, 1, 1, 0]], [[0.1, 0.9, 0.8, 0.2]])
    assert m.result() == 0.5


def test_precision_recall_keras_documented_values():
    m = metrics.Precision()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert m.result() == 1.0
    m = metrics.Recall()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert m.result() == 1.0
    assert metrics.Precision().result() == 0.0


# ---------------------------------------------------------------- AUC
def _keras_auc_reference(y, p, w, num_thresholds=200):
    """Keras's algorithm written the slow, obvious way: every threshold compared."""
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds = np.array([-1e-7, *inner, 1 + 1e-7])
    y, p, w = y.ravel().astype(bool), p.ravel(), w.ravel()
    above = p[None, :] > thresholds[:, None]
    tp, fp = (above & y) @ w, (above & ~y) @ w
    fn, tn = (~above & y) @ w, (~above & ~y) @ w
    tpr, fpr = tp / (tp + fn), fp / (fp + tn)
    return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2))


@pytest.mark.parametrize("weighted", [False, True])
def test_auc_equals_keras_algorithm_and_approximates_sklearn(rng, weighted):
    y, p = _binary(rng, n=400)
    p = np.clip(p * 0.7 + y * 0.3, 0, 1)  # informative scores
    w = rng.uniform(0, 2, len(y)) if weighted else np.ones(len(y))
    ours = _feed(metrics.AUC(), y, p, w if weighted else None)
    assert ours == pytest.approx(_keras_auc_reference(y, p, w), abs=1e-12)
    assert ours == pytest.approx(skm.roc_auc_score(y.ravel(), p.ravel(), sample_weight=w), abs=5e-3)


def test_auc_more_thresholds_converge_to_exact(rng):
    y, p = _binary(rng, n=300)
    exact = skm.roc_auc_score(y.ravel(), p.ravel())
    assert _feed(metrics.AUC(num_thresholds=5000), y, p) == pytest.approx(exact, abs=2e-4)


def test_auc_minoring_and_majoring_bound_the_area(rng):
    y, p = _binary(rng, n=300)
    low = _feed(metrics.AUC(num_thresholds=20, summation_method="minoring"), y, p)
    mid = _feed(metrics.AUC(num_thresholds=20), y, p)
    high = _feed(metrics.AUC(num_thresholds=20, summation_method="majoring"), y, p)
    assert low <= mid <= high


def test_auc_pr_curve_approximates_average_precision(rng):
    y, p = _binary(rng, n=500)
    p = np.clip(p * 0.6 + y * 0.4, 0, 1)
    ours = _feed(metrics.AUC(curve="PR"), y, p)
    assert ours == pytest.approx(skm.average_precision_score(y.ravel(), p.ravel()), abs=2e-2)
    majoring = _feed(metrics.AUC(curve="PR", summation_method="majoring"), y, p)
    assert 0 < ours <= majoring <= 1


def test_auc_multi_label_averages_label_aucs(rng):
    y, p = _binary(rng, n=300, outputs=3)
    ours = _feed(metrics.AUC(multi_label=True, num_thresholds=2000), y, p)
    assert ours == pytest.approx(skm.roc_auc_score(y, p, average="macro"), abs=2e-3)
    weights = np.array([1.0, 0.0, 3.0])
    weighted = _feed(
        metrics.AUC(multi_label=True, num_thresholds=2000, label_weights=weights), y, p
    )
    per_label = [skm.roc_auc_score(y[:, i], p[:, i]) for i in range(3)]
    assert weighted == pytest.approx(np.dot(per_label, weights) / 4, abs=2e-3)


def test_auc_from_logits_and_explicit_thresholds(rng):
    y, logits = rng.integers(0, 2, 200), rng.normal(size=200)
    ours = _feed(metrics.AUC(from_logits=True, num_thresholds=1000), y, logits)
    assert ours == pytest.approx(skm.roc_auc_score(y, logits), abs=3e-3)
    explicit = metrics.AUC(thresholds=[0.5])
    explicit.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert explicit.result() == 0.75
    assert explicit.get_config()["thresholds"] == [0.5]


def test_auc_keras_documented_values():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == 0.75
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert m.result() == 1.0
    assert metrics.AUC().result() == 0.0


def test_confusion_metric_errors():
    with pytest.raises(ValueError, match="precision: expected y_true of 0/1 labels, got 2"):
        metrics.Precision().update_state([0, 2], [0.1, 0.9])
    with pytest.raises(ValueError, match=r"expected y_pred of probabilities in \[0, 1\].*"
                       r"AUC\(from_logits=True\)"):  # fmt: skip
        metrics.AUC().update_state([0, 1], [-2.0, 3.0])
    with pytest.raises(ShapeError, match=r"class_id=5 is out of range for y_pred of shape"):
        metrics.Recall(class_id=5).update_state([[0, 1]], [[0.2, 0.8]])
    with pytest.raises(ShapeError, match=r"sample_weight has shape \(3,\) but y_pred has shape"):
        metrics.Precision().update_state([0, 1], [0.2, 0.8], sample_weight=[1, 1, 1])
    with pytest.raises(ShapeError, match="label_weights has shape \\(2,\\) but y_pred has 3"):
        metrics.AUC(label_weights=[1, 2]).update_state(np.eye(3), np.eye(3))
    with pytest.raises(ShapeError, match="expected 3 labels on the last axis"):
        metrics.AUC(multi_label=True, num_labels=3).update_state(np.eye(2), np.eye(2))
    m = metrics.AUC(multi_label=True)
    m.update_state(np.eye(3), np.eye(3))
    with pytest.raises(ShapeError, match="as in earlier batches"):
        m.update_state(np.eye(2), np.eye(2))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: metrics.AUC(num_thresholds=1), "The 'num_thresholds' argument of AUC must be"),
        (lambda: metrics.AUC(curve="PRGAIN"), "The 'curve' argument of AUC must be 'ROC' or 'PR'"),
        (lambda: metrics.AUC(summation_method="mid"), "The 'summation_method' argument of AUC"),
        (lambda: metrics.AUC(thresholds=[0.5, 1.5]), "thresholds' argument of AUC must lie in"),
        (lambda: metrics.Precision(thresholds=["a"]), "The 'thresholds' argument of Precision"),
        (lambda: metrics.Recall(top_k=0), "The 'top_k' argument of Recall must be"),
        (lambda: metrics.Precision(class_id=-1), "The 'class_id' argument of Precision must be"),
    ],
)
def test_confusion_metric_constructor_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make()
