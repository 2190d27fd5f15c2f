"""Regression metrics: mean absolute, squared and percentage error, and root mean squared error.

Each is a running mean over samples of a per-sample error (averaged over the last axis), as
Keras computes them; ``RootMeanSquaredError`` takes the square root of the running mean of
squared errors (not the mean of per-batch roots).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.losses.base import EPSILON
from glassnet.metrics.base import METRICS, Mean, MeanMetricWrapper, prepare_pair

__all__ = [
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "RootMeanSquaredError",
]


def _absolute_error(y_true: Any, y_pred: Any) -> np.ndarray:
    t, p = prepare_pair("mean_absolute_error", y_true, y_pred)
    return np.abs(p.astype(np.float64) - t).mean(axis=-1)


def _squared_error(y_true: Any, y_pred: Any) -> np.ndarray:
    t, p = prepare_pair("mean_squared_error", y_true, y_pred)
    return ((p.astype(np.float64) - t) ** 2).mean(axis=-1)


def _percentage_error(y_true: Any, y_pred: Any) -> np.ndarray:
    t, p = prepare_pair("mean_absolute_percentage_error", y_true, y_pred)
    t = t.astype(np.float64)
    return 100.0 * (np.abs(t - p) / np.maximum(np.abs(t), EPSILON)).mean(axis=-1)


@METRICS.register("mean_absolute_error", "mae", "MeanAbsoluteError")
class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean absolute error.

    Math:
        result = sum_i w_i * mean_j |y_pred_ij - y_true_ij| / sum_i w_i

    Example:
        >>> MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        0.25
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(_absolute_error, name=name, dtype=dtype)


@METRICS.register("mean_squared_error", "mse", "MeanSquaredError")
class MeanSquaredError(MeanMetricWrapper):
    """Running mean squared error.

    Math:
        result = sum_i w_i * mean_j (y_pred_ij - y_true_ij)**2 / sum_i w_i

    Example:
        >>> MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        0.25
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(_squared_error, name=name, dtype=dtype)


@METRICS.register("mean_absolute_percentage_error", "mape", "MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean absolute percentage error (``|y_true|`` kept >= 1e-7, as the loss).

    Math:
        result = sum_i w_i * 100 * mean_j |y_true_ij - y_pred_ij| / max(|y_true_ij|, 1e-7)
                 / sum_i w_i
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(_percentage_error, name=name, dtype=dtype)


@METRICS.register("root_mean_squared_error", "rmse", "RootMeanSquaredError")
class RootMeanSquaredError(Mean):
    """Root of the running mean squared error.

    Math:
        result = sqrt(sum_i w_i * mean_j (y_pred_ij - y_true_ij)**2 / sum_i w_i)

    Example:
        >>> RootMeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        0.5
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        super().update_state(_squared_error(y_true, y_pred), sample_weight=sample_weight)

    def result(self) -> float:
        return float(np.sqrt(super().result()))
