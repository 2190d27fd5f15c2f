"""Margin (hinge) losses for classifiers that output scores: hinge, squared hinge, categorical
hinge.

As in Keras, ``hinge`` and ``squared_hinge`` expect labels -1 and 1 and convert 0/1 labels to
-1/1 (when every label is 0 or 1). At the hinge point ``1 - y_true * y_pred == 0`` the gradient
is 0, as PyTorch's relu.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.losses.base import LOSSES, BuiltinLoss, prepare_pair
from glassnet.tensor import Tensor

__all__ = [
    "CategoricalHinge",
    "Hinge",
    "SquaredHinge",
    "categorical_hinge",
    "hinge",
    "squared_hinge",
]


def _signed_labels(y_true: Tensor) -> Tensor:
    """0/1 labels become -1/1 (Keras's convert_binary_labels_to_hinge); others stay."""
    t = y_true.data
    if np.all((t == 0) | (t == 1)):
        return Tensor(2 * t - 1)
    return y_true


def _margins(who: str, y_true: Any, y_pred: Any) -> Tensor:
    y_true, y_pred = prepare_pair(who, y_true, y_pred)
    return ops.relu(1.0 - _signed_labels(y_true) * y_pred)


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Hinge loss, averaged over the last axis.

    Math:
        t      = 2 * y_true - 1 if every label is 0 or 1, else y_true
        loss_i = mean_j max(1 - t_ij * y_pred_ij, 0)
        dloss_i/dy_pred_ij = -t_ij / F where 1 - t_ij * y_pred_ij > 0, else 0

    Shape:
        y_true (-1/1 or 0/1), y_pred (scores): (N, ..., F), or (N,) with (N, 1).
        Output: (N, ...).

    Example:
        >>> hinge([[0, 1]], [[0.5, 0.5]]).numpy()
        array([1.], dtype=float32)
    """
    return ops.mean(_margins("hinge", y_true, y_pred), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Squared hinge loss, averaged over the last axis.

    Math:
        m_ij   = max(1 - t_ij * y_pred_ij, 0)     (t as in ``hinge``)
        loss_i = mean_j m_ij**2
        dloss_i/dy_pred_ij = -2 * t_ij * m_ij / F

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).
    """
    m = _margins("squared_hinge", y_true, y_pred)
    return ops.mean(m * m, axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Multi-class hinge: the best wrong class must score 1 below the true class.

    Math:
        pos_i  = sum_c y_true_ic * y_pred_ic
        neg_i  = max_c (1 - y_true_ic) * y_pred_ic
        loss_i = max(neg_i - pos_i + 1, 0)

    Shape:
        y_true (one-hot), y_pred (scores): (N, ..., C).  Output: (N, ...).
    """
    y_true, y_pred = prepare_pair("categorical_hinge", y_true, y_pred, min_rank=2)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.relu(neg - pos + 1.0)


@LOSSES.register("hinge", "Hinge")
class Hinge(BuiltinLoss):
    """Hinge loss; see ``hinge`` for the maths and ``Loss`` for ``reduction``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


@LOSSES.register("squared_hinge", "SquaredHinge")
class SquaredHinge(BuiltinLoss):
    """Squared hinge loss; see ``squared_hinge`` and ``Loss`` for ``reduction``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


@LOSSES.register("categorical_hinge", "CategoricalHinge")
class CategoricalHinge(BuiltinLoss):
    """Categorical hinge loss; see ``categorical_hinge`` and ``Loss`` for ``reduction``."""

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "categorical_hinge"
    ):
        super().__init__(categorical_hinge, reduction=reduction, name=name)
