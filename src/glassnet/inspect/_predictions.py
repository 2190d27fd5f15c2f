"""Turning ``(model, x, y)`` or ``(y_true, y_pred)`` into arrays, and scores into class ids.

Shared by the evaluation functions (``glassnet.inspect.evaluation``) and the plots that take a
model or predictions (``glassnet.plot``). Nothing here imports matplotlib or scikit-learn at
module level.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._optional import require
from glassnet.errors import ShapeError

__all__ = ["class_ids_of_scores", "class_ids_of_targets", "is_model", "require", "resolve"]


def is_model(obj: Any) -> bool:
    """True for anything with a callable ``predict`` (a glassnet model, a scikit-learn one)."""
    return callable(getattr(obj, "predict", None))


def resolve(who: str, first: Any, second: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` from ``(model, x, y)`` (predicting x) or from ``(y_true, y_pred)``.

    Raises:
        ValueError: when a model comes without x and y, or arrays come with a third argument.
        ShapeError: when y_true and y_pred hold different numbers of samples.
    """
    if is_model(first):
        if second is None or y is None:
            raise ValueError(
                f"{who}: expected (model, x, y), got a model without "
                f"{'x and y' if second is None and y is None else 'x' if second is None else 'y'}."
                f" Call {who}(model, x, y), or {who}(y_true, y_pred) with predictions."
            )
        y_true, y_pred = np.asarray(y), first.predict(second)
        if isinstance(y_pred, (list, tuple, dict)):
            raise ValueError(
                f"{who}: expected a model with one output, got {len(y_pred)} outputs. "
                f"Predict yourself and call {who}(y_true, y_pred) for the output you want."
            )
    else:
        if y is not None:
            raise TypeError(
                f"{who}: expected (model, x, y) or (y_true, y_pred), got three arguments but "
                f"the first is a {type(first).__name__}, not a model with a predict method."
            )
        if second is None:
            raise ValueError(f"{who}: expected (y_true, y_pred), got y_true alone.")
        y_true, y_pred = np.asarray(first), second
    y_pred = np.asarray(y_pred)
    if y_true.ndim == 0 or y_pred.ndim == 0 or len(y_true) != len(y_pred):
        raise ShapeError(
            f"{who}: expected as many predictions as targets, got y_true of shape "
            f"{y_true.shape} and y_pred of shape {y_pred.shape}."
        )
    return y_true, y_pred


def class_ids_of_targets(who: str, y_true: Any) -> np.ndarray:
    """Class ids (N,) from ids (N,) or (N, 1), or from one-hot rows (N, K)."""
    array = np.asarray(y_true)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2:
        return array.argmax(axis=1)
    if array.ndim != 1:
        raise ShapeError(
            f"{who}: expected y_true as class ids (N,) or (N, 1), or one-hot rows (N, K), "
            f"got shape {array.shape}."
        )
    if array.dtype.kind == "f" and not np.all(array == np.round(array)):
        raise ValueError(
            f"{who}: expected integer class ids in y_true, got fractional values. Pass the "
            "labels as y_true and the model's outputs as y_pred."
        )
    return array.astype(np.int64)


def class_ids_of_scores(who: str, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """Predicted class ids (N,) from a model's outputs, whatever their form.

    - ``(N, K)`` with K > 1 (softmax probabilities or logits): the argmax of each row;
    - ``(N, 1)`` or ``(N,)`` floats with fractions (sigmoid probabilities): 1 where the score
      is above ``threshold`` (pass ``threshold=0.0`` for logits);
    - ``(N,)`` or ``(N, 1)`` whole numbers: already class ids.
    """
    array = np.asarray(y_pred)
    if array.ndim == 2 and array.shape[1] > 1:
        return array.argmax(axis=1)
    if array.ndim == 2:
        array = array[:, 0]
    if array.ndim != 1:
        raise ShapeError(
            f"{who}: expected y_pred as scores (N, K), (N, 1) or (N,), or class ids (N,), "
            f"got shape {array.shape}."
        )
    if array.dtype.kind == "f" and not np.all(array == np.round(array)):
        return (array > threshold).astype(np.int64)
    return array.astype(np.int64)


def binary_or_class_scores(who: str, y_pred: Any) -> np.ndarray:
    """Scores as (N,) for one sigmoid output, or (N, K) for K > 1 outputs."""
    array = np.asarray(y_pred, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:
        return array[:, 0]
    if array.ndim == 1 or (array.ndim == 2 and array.shape[1] > 1):
        return array
    raise ShapeError(f"{who}: expected scores (N,), (N, 1) or (N, K), got shape {array.shape}.")
