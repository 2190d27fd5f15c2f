"""Regression losses: mean squared / absolute / percentage / squared-log error, Huber, log-cosh.

Each function returns one loss per sample, averaging over the last axis; each class calls its
function and then applies ``sample_weight`` and ``reduction`` (see ``Loss``). Shapes follow the
rule in ``glassnet.losses.base``: ``(N,)`` targets meet ``(N, 1)`` predictions, anything else
must match exactly. Gradients come from the ops each function is built from.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet import ops
from glassnet.losses.base import (
    EPSILON,
    LOSSES,
    BuiltinLoss,
    check_args,
    prepare_pair,
)
from glassnet.tensor import Tensor

__all__ = [
    "Huber",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "huber",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
]

_LOG2 = math.log(2.0)


# ---------------------------------------------------------------- functions
def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of squared errors over the last axis.

    Math:
        loss_i         = mean_j (y_pred_ij - y_true_ij)**2
        dloss_i/dy_pred_ij = 2 * (y_pred_ij - y_true_ij) / F

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Raises:
        ShapeError: if the shapes differ by more than a trailing axis of size 1.

    Example:
        >>> mean_squared_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).numpy()
        array([0.5, 0.5], dtype=float32)
    """
    y_true, y_pred = prepare_pair("mean_squared_error", y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error * error, axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of absolute errors over the last axis.

    Math:
        loss_i         = mean_j |y_pred_ij - y_true_ij|
        dloss_i/dy_pred_ij = sign(y_pred_ij - y_true_ij) / F    (0 where they are equal)

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Raises:
        ShapeError: if the shapes differ by more than a trailing axis of size 1.
    """
    y_true, y_pred = prepare_pair("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean absolute error as a percentage of ``|y_true|`` (kept >= 1e-7), over the last axis.

    Math:
        d_ij   = max(|y_true_ij|, 1e-7)
        loss_i = 100 * mean_j |y_true_ij - y_pred_ij| / d_ij
        dloss_i/dy_pred_ij = 100 * sign(y_pred_ij - y_true_ij) / (F * d_ij)

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Raises:
        ShapeError: if the shapes differ by more than a trailing axis of size 1.
    """
    y_true, y_pred = prepare_pair("mean_absolute_percentage_error", y_true, y_pred)
    # why: a zero target would divide by zero; Keras divides by max(|y_true|, epsilon).
    scale = ops.maximum(ops.abs(y_true), EPSILON)
    return 100.0 * ops.mean(ops.abs((y_true - y_pred) / scale), axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean squared difference of ``log(1 + y)``, values below 1e-7 raised to 1e-7.

    Math:
        a_ij   = log(1 + max(y_pred_ij, 1e-7)),  b_ij = log(1 + max(y_true_ij, 1e-7))
        loss_i = mean_j (a_ij - b_ij)**2
        dloss_i/dy_pred_ij = 2 * (a_ij - b_ij) / (F * (1 + y_pred_ij))   (0 below 1e-7)

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).
    """
    y_true, y_pred = prepare_pair("mean_squared_logarithmic_error", y_true, y_pred)
    diff = ops.log1p(ops.maximum(y_pred, EPSILON)) - ops.log1p(ops.maximum(y_true, EPSILON))
    return ops.mean(diff * diff, axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber loss: squared error near 0, absolute error beyond ``delta``.

    Math:
        e_ij   = y_pred_ij - y_true_ij
        h_ij   = 0.5 * e_ij**2                      if |e_ij| <= delta
                 delta * |e_ij| - 0.5 * delta**2    otherwise
        loss_i = mean_j h_ij
        dloss_i/dy_pred_ij = clip(e_ij, -delta, delta) / F

    Args:
        delta: where the quadratic part turns linear, a float > 0.

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Raises:
        ConfigError: if ``delta`` is not a float > 0.
        ShapeError: if the shapes differ by more than a trailing axis of size 1.

    Example:
        >>> huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().round(3)
        array([0.18, 0.13], dtype=float32)
    """
    check_args("huber", delta=delta)
    y_true, y_pred = prepare_pair("huber", y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * error * error
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error.data <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of ``log(cosh(y_pred - y_true))``: like MSE/2 near 0, like MAE far away.

    Math:
        x_ij   = y_pred_ij - y_true_ij
        loss_i = mean_j log(cosh(x_ij)) = mean_j (x_ij + softplus(-2 x_ij) - log 2)
        dloss_i/dy_pred_ij = tanh(x_ij) / F

    The softplus form never overflows, even where cosh(x) would (|x| > 89 in float32).

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Example:
        >>> float(log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).numpy().mean())
        0.108...
    """
    y_true, y_pred = prepare_pair("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - _LOG2, axis=-1)


# ---------------------------------------------------------------- classes
@LOSSES.register("mean_squared_error", "mse", "MeanSquaredError")
class MeanSquaredError(BuiltinLoss):
    """Mean squared error; see ``mean_squared_error`` for the maths and ``Loss`` for
    ``reduction`` and ``sample_weight``.

    Example:
        >>> MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).item()
        0.5
    """

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "mean_squared_error"
    ):
        super().__init__(mean_squared_error, reduction=reduction, name=name)


@LOSSES.register("mean_absolute_error", "mae", "MeanAbsoluteError")
class MeanAbsoluteError(BuiltinLoss):
    """Mean absolute error; see ``mean_absolute_error`` and ``Loss`` for ``reduction``."""

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "mean_absolute_error"
    ):
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


@LOSSES.register("mean_absolute_percentage_error", "mape", "MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(BuiltinLoss):
    """Mean absolute percentage error; see ``mean_absolute_percentage_error`` and ``Loss``."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
    ):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name)


@LOSSES.register("mean_squared_logarithmic_error", "msle", "MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(BuiltinLoss):
    """Mean squared logarithmic error; see ``mean_squared_logarithmic_error`` and ``Loss``."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
    ):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name)


@LOSSES.register("huber", "huber_loss", "Huber")
class Huber(BuiltinLoss):
    """Huber loss with threshold ``delta`` (default 1.0); see ``huber`` and ``Loss``.

    Example:
        >>> round(Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).item(), 3)
        0.155
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "huber_loss",
    ):
        super().__init__(huber, reduction=reduction, name=name, delta=delta)


@LOSSES.register("log_cosh", "logcosh", "LogCosh")
class LogCosh(BuiltinLoss):
    """Log-cosh loss; see ``log_cosh`` for the maths and ``Loss`` for ``reduction``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "log_cosh"):
        super().__init__(log_cosh, reduction=reduction, name=name)
