"""Regression metrics against sklearn.metrics over several update_state batches."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import metrics
from glassnet.errors import ShapeError

skm = pytest.importorskip("sklearn.metrics")


def _feed(metric, y, p, w=None, sizes=(5, 11, 1, 7)):
    start = 0
    for n in sizes:
        part = slice(start, start + n)
        metric.update_state(y[part], p[part], None if w is None else w[part])
        start += n
    return metric.result()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("outputs", [None, 1, 3])
def test_regression_metrics_match_sklearn(rng, weighted, outputs):
    shape = (24,) if outputs is None else (24, outputs)
    y, p = rng.normal(size=shape), rng.normal(size=shape)
    y = np.where(np.abs(y) < 0.1, 0.5, y)
    w = rng.uniform(0, 2, 24) if weighted else None
    assert _feed(metrics.MeanAbsoluteError(), y, p, w) == pytest.approx(
        skm.mean_absolute_error(y, p, sample_weight=w), rel=1e-12
    )
    assert _feed(metrics.MeanSquaredError(), y, p, w) == pytest.approx(
        skm.mean_squared_error(y, p, sample_weight=w), rel=1e-12
    )
    assert _feed(metrics.MeanAbsolutePercentageError(), y, p, w) == pytest.approx(
        100 * skm.mean_absolute_percentage_error(y, p, sample_weight=w), rel=1e-12
    )
    rmse = _feed(metrics.RootMeanSquaredError(), y, p, w)
    if outputs in (None, 1):  # sklearn averages per-output roots; Keras the root of the mean
        assert rmse == pytest.approx(skm.root_mean_squared_error(y, p, sample_weight=w))
    assert rmse == pytest.approx(np.sqrt(skm.mean_squared_error(y, p, sample_weight=w)))


def test_regression_metrics_accept_n_targets_with_n1_predictions(rng):
    y, p = rng.normal(size=10), rng.normal(size=(10, 1))
    m = metrics.MeanAbsoluteError()
    m.update_state(y, p)
    assert m.result() == pytest.approx(np.abs(y - p[:, 0]).mean())


def test_regression_metric_errors():
    with pytest.raises(ShapeError, match=r"mean_squared_error: y_true has shape \(4, 2\)"):
        metrics.MeanSquaredError().update_state(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ShapeError, match=r"sample_weight has shape \(3,\) but the values"):
        metrics.MeanAbsoluteError().update_state(np.zeros(4), np.zeros(4), np.ones(3))
