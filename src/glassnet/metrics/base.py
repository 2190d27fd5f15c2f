"""The ``Metric`` base class, ``Mean`` and ``MeanMetricWrapper``: stateful, NumPy-only.

A metric accumulates over batches: ``update_state(y_true, y_pred, sample_weight=None)`` after
each batch, ``result()`` whenever a number is wanted, ``reset_state()`` at the start of an
epoch. Metrics never build a graph: Tensors are read through ``.data`` and all the counting
is plain NumPy. Accumulators are float64, so counts stay exact past 2**24 samples; ``result()``
returns a Python float (a NumPy array for metrics with several thresholds).

Targets follow the losses' shape rule (``glassnet.losses.base.match_shapes``): ``(N,)`` labels
meet ``(N, 1)`` predictions, rank-1 pairs count as N samples, anything else must match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.losses.base import match_shapes, mismatch_error
from glassnet.registry import Registry
from glassnet.tensor import Tensor, no_grad

__all__ = [
    "METRICS",
    "Mean",
    "MeanMetricWrapper",
    "Metric",
    "as_array",
    "prepare_pair",
]

METRICS = Registry("metric")


# ---------------------------------------------------------------- inputs
def as_array(who: str, what: str, value: Any) -> np.ndarray:
    """``value`` as a numeric ndarray (a Tensor's data, not its graph)."""
    array = value.data if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{who}: expected {what} to be numbers, got dtype {array.dtype}. "
            "Convert it to a numeric NumPy array first."
        )
    return array


def prepare_pair(who: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays in one shape with at least 2 axes (rank-1 pairs become (N, 1)).

    Raises:
        ShapeError: if the shapes differ by more than a trailing axis of size 1.
    """
    t, p = as_array(who, "y_true", y_true), as_array(who, "y_pred", y_pred)
    if t.shape == p.shape and p.ndim >= 2:
        return t, p  # why: the usual case (fit's batches), nothing to align
    true_shape, pred_shape = match_shapes(t.shape, p.shape)
    if true_shape != pred_shape or not pred_shape:
        raise mismatch_error(who, t.shape, p.shape)
    if len(pred_shape) == 1:
        true_shape = pred_shape = pred_shape + (1,)
    return t.reshape(true_shape), p.reshape(pred_shape)


def _samplewise(
    who: str, values: np.ndarray, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    """Reduce ``values`` to one number per sample (Keras's reduce_to_samplewise_values).

    Returns ``(values, weights)``: weighted per-sample values and one weight per sample, or
    None without ``sample_weight``. A weight per sample also weighs every value of it.
    """
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is None:
        per_sample = values.reshape(values.shape[0], -1).mean(axis=1) if values.ndim > 1 else values
        return per_sample, None
    w = np.asarray(as_array(who, "sample_weight", sample_weight), dtype=np.float64)
    values_shape, w_shape = match_shapes(values.shape, w.shape)
    values, w = values.reshape(values_shape), w.reshape(w_shape)
    if w.ndim > 0 and (w.ndim > values.ndim or values.shape[: w.ndim] != w.shape):
        raise ShapeError(
            f"{who}: sample_weight has shape {w.shape} but the values have shape "
            f"{values.shape}. Pass one weight per sample (shape {values.shape[:1]}) or a "
            "single number."
        )
    if values.ndim > max(w.ndim, 1):
        values = values.reshape(values.shape[: max(w.ndim, 1)] + (-1,)).mean(axis=-1)
    w = np.broadcast_to(w, values.shape)
    values = values * w
    if values.ndim > 1:
        values = values.reshape(values.shape[0], -1).mean(axis=1)
        w = w.reshape(w.shape[0], -1).mean(axis=1)
    return values, w


# ---------------------------------------------------------------- base
class Metric:
    """Base class of every metric: a running statistic over batches.

    Subclasses implement ``update_state``, ``result`` and ``reset_state``; ``metric(y_true,
    y_pred)`` updates and returns the result, as in Keras.

    Args:
        name: the key this metric gets in ``History.history`` (``'accuracy'``,
            ``'val_accuracy'``); each class has its Keras name as the default.
        dtype: kept for Keras compatibility (``get_config``); results are Python floats.
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or _snake_case(type(self).__name__)
        self.dtype = None if dtype is None else str(np.dtype(dtype))

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define update_state.")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define result.")

    def reset_state(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define reset_state.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this metric (JSON-friendly)."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Rebuild a metric (with empty state) from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


@METRICS.register("mean", "Mean")
class Mean(Metric):
    """The (weighted) running mean of the values seen: what ``fit`` reports as ``'loss'``.

    Each sample counts once: values with more than one axis are first averaged per sample.
    A trainer tracks the loss with ``Mean(name='loss').update_state(loss, sample_weight=N)``
    (a scalar batch loss weighted by the batch size), as Keras does.

    Math:
        result = sum_i w_i * v_i / sum_i w_i        (w_i = 1 without sample_weight; 0 if empty)

    Example:
        >>> m = Mean(); m.update_state([1, 3, 5, 7]); m.result()
        4.0
        >>> m.update_state(10.0, sample_weight=4); m.result()
        7.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values = as_array(self.name, "values", values)
        if values.ndim == 0:
            values = values.reshape(1)
        per_sample, weights = _samplewise(self.name, values, sample_weight)
        self.total += float(per_sample.sum())
        self.count += float(per_sample.shape[0] if weights is None else weights.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0


class MeanMetricWrapper(Mean):
    """Turn a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample values into a
    running-mean metric (any loss function works too; it runs without recording a graph).

    Args:
        fn: the per-sample function.
        name: the metric's name (default: ``fn.__name__``).
        **kwargs: passed to ``fn`` on every call.

    Example:
        >>> def absolute(y_true, y_pred):
        ...     return np.abs(np.asarray(y_true) - np.asarray(y_pred))
        >>> MeanMetricWrapper(absolute)([1.0, 2.0], [1.5, 2.0])
        0.25
    """

    def __init__(
        self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        if not callable(fn):
            raise TypeError(
                f"MeanMetricWrapper: expected a function fn(y_true, y_pred), got "
                f"{type(fn).__name__}. Pass the metric function itself."
            )
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        with no_grad():
            values = self.fn(y_true, y_pred, **self.fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = METRICS.name_of(self.fn) or getattr(self.fn, "__name__", None)
        config.update(self.fn_kwargs)
        return config


def _snake_case(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
