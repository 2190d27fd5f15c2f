"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k.

Each metric is a running mean (``MeanMetricWrapper``) of a per-sample NumPy function with the
Keras name (``binary_accuracy``, ``categorical_accuracy``, ...), also usable on its own. All
compare ``argmax`` or a threshold, so ``y_pred`` may hold probabilities or logits (for
``BinaryAccuracy`` on logits, pass ``threshold=0.0``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.metrics.base import METRICS, MeanMetricWrapper, as_array, prepare_pair

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


# ---------------------------------------------------------------- helpers
def _scores(who: str, y_pred: Any) -> np.ndarray:
    p = as_array(who, "y_pred", y_pred)
    if p.ndim < 2:
        raise ShapeError(
            f"{who}: expected y_pred of shape (N, ..., C) with class scores on the last axis, "
            f"got shape {p.shape}. Add the batch axis, for example y[None, :] for one sample."
        )
    return p


def _labels(who: str, y_true: Any, p: np.ndarray) -> np.ndarray:
    """Integer class ids shaped like ``p`` without its last axis (a trailing 1 is dropped)."""
    t = as_array(who, "y_true", y_true)
    given = t.shape
    if t.ndim == p.ndim and t.shape[-1:] == (1,):
        t = t.reshape(t.shape[:-1])
    if t.shape != p.shape[:-1]:
        raise ShapeError(
            f"{who}: y_true has shape {given} but y_pred has shape {p.shape}. Expected integer "
            f"class ids of shape {p.shape[:-1]} (or {p.shape[:-1] + (1,)}); for one-hot "
            "targets use the non-sparse metric."
        )
    if t.size and (t.min() < 0 or t.max() >= p.shape[-1] or np.any(t != np.round(t))):
        bad = t[(t < 0) | (t >= p.shape[-1]) | (t != np.round(t))].flat[0]
        raise ShapeError(
            f"{who}: expected integer class ids in [0, {p.shape[-1] - 1}] (y_pred has "
            f"{p.shape[-1]} classes), got {bad}. Check the labels."
        )
    return t.astype(np.int64)


def _in_top_k(labels: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """True where the label's score is at least the k-th largest score (ties count as in)."""
    scores = np.where(np.isnan(scores), -np.inf, scores)
    if k >= scores.shape[-1]:
        return np.ones(labels.shape, dtype=bool)
    kth = -np.partition(-scores, k - 1, axis=-1)[..., k - 1]
    target = np.take_along_axis(scores, labels[..., None], axis=-1)[..., 0]
    return target >= kth


def _check_k(owner: str, k: Any) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"The 'k' argument of {owner} must be an int >= 1. Got {k!r}.")


# ---------------------------------------------------------------- functions
def accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """Fraction of exactly equal values per sample (for predictions that are labels).

    Example:
        >>> accuracy([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        array([0., 1., 1., 1.])
    """
    t, p = prepare_pair("accuracy", y_true, y_pred)
    return (t == p).mean(axis=-1)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """Fraction of 0/1 labels matched by ``y_pred > threshold``, per sample.

    Example:
        >>> binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        array([1., 1., 1., 0.])
    """
    t, p = prepare_pair("binary_accuracy", y_true, y_pred)
    return (t == (p > threshold)).mean(axis=-1)


def categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1 where ``argmax(y_pred) == argmax(y_true)`` (one-hot targets), per sample.

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        array([0., 1.])
    """
    who = "categorical_accuracy"
    t, p = prepare_pair(who, y_true, _scores(who, y_pred))
    return (np.argmax(t, axis=-1) == np.argmax(p, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1 where ``argmax(y_pred) == y_true`` (integer labels), per sample.

    Example:
        >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        array([0., 1.])
    """
    who = "sparse_categorical_accuracy"
    p = _scores(who, y_pred)
    return (np.argmax(p, axis=-1) == _labels(who, y_true, p)).astype(np.float64)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1 where the one-hot target's class is among the ``k`` highest scores, per sample."""
    who = "top_k_categorical_accuracy"
    _check_k(who, k)
    t, p = prepare_pair(who, y_true, _scores(who, y_pred))
    return _in_top_k(np.argmax(t, axis=-1), p, k).astype(np.float64)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1 where the integer label is among the ``k`` highest scores, per sample.

    Example:
        >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
        array([0., 1.])
    """
    who = "sparse_top_k_categorical_accuracy"
    _check_k(who, k)
    p = _scores(who, y_pred)
    return _in_top_k(_labels(who, y_true, p), p, k).astype(np.float64)


# ---------------------------------------------------------------- classes
@METRICS.register("accuracy", "acc", "Accuracy")
class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly (for predicted labels, not scores).

    NOTE: ``compile(metrics=['accuracy'])`` does not use this class: ``metrics.resolve``
    picks binary, categorical or sparse categorical accuracy from the loss, as Keras does.

    Example:
        >>> m = Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
        >>> m.result()
        0.5
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)


@METRICS.register("binary_accuracy", "BinaryAccuracy")
class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches 0/1 labels.

    Args:
        threshold: the decision threshold, 0.5 for probabilities (use 0.0 for logits).

    Raises:
        ConfigError: if ``threshold`` is not a finite number.

    Example:
        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> m.result()
        0.75
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float, np.integer, np.floating))
            or not math.isfinite(threshold)
        ):
            raise ConfigError(
                f"The 'threshold' argument of BinaryAccuracy must be a finite float (0.5 for "
                f"probabilities, 0.0 for logits). Got {threshold!r}."
            )
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if sample_weight is not None:
            super().update_state(y_true, y_pred, sample_weight=sample_weight)
            return
        # why: the unweighted case, which fit's compiled "accuracy" runs every batch, counts
        # the hits directly: the sum of the per-sample means is hits * N / size.
        t, p = prepare_pair("binary_accuracy", y_true, y_pred)
        if p.size:
            n = p.shape[0]
            self.total += int(np.count_nonzero(t == (p > self.threshold))) * n / p.size
            self.count += n


@METRICS.register("categorical_accuracy", "CategoricalAccuracy")
class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches the one-hot target's class.

    Example:
        >>> m = CategoricalAccuracy()
        >>> m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
        0.3
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


@METRICS.register("sparse_categorical_accuracy", "SparseCategoricalAccuracy")
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches integer labels.

    Example:
        >>> m = SparseCategoricalAccuracy()
        >>> m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


@METRICS.register("top_k_categorical_accuracy", "TopKCategoricalAccuracy")
class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the ``k`` (default 5) highest scores.

    Raises:
        ConfigError: if ``k`` is not an int >= 1.
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        _check_k("TopKCategoricalAccuracy", k)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


@METRICS.register("sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy")
class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` (default 5) highest scores.

    Raises:
        ConfigError: if ``k`` is not an int >= 1.
    """

    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ):
        _check_k("SparseTopKCategoricalAccuracy", k)
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
