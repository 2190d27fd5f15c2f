"""The ``Loss`` base class, the target shape rule, reductions and sample weights.

Every loss comes in two forms, as in Keras: a function ``f(y_true, y_pred, **kwargs)`` that
returns one loss value per sample, and a class (``Loss`` subclass) that calls the function and
then applies ``sample_weight`` and ``reduction``. The classes are what ``compile`` and a
hand-written loop use; the functions are what they delegate to.

Targets follow one rule, Keras's ``squeeze_or_expand_to_same_rank``: when the ranks of
``y_true`` and ``y_pred`` differ by one and the longer shape ends in an axis of size 1, that
axis is dropped (or, when the shorter one is rank 1, the shorter one gains it). So ``(N,)``
labels meet ``(N, 1)`` predictions. Any other difference is a ``ShapeError``: a loss never
broadcasts mismatched targets.

A rank-1 pair ``(N,)`` and ``(N,)`` is read as N samples of one value each (as if both were
``(N, 1)``), so the functions always return ``(N,)``. NOTE: Keras would average a rank-1 pair
into one scalar; glassnet keeps one loss per sample, which is what ``sample_weight`` needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet._constraints import is_real as _is_real
from glassnet.errors import ConfigError, ShapeError
from glassnet.registry import Registry
from glassnet.tensor import Tensor, as_tensor

__all__ = [
    "EPSILON",
    "LOSSES",
    "BuiltinLoss",
    "REDUCTIONS",
    "Loss",
    "LossFunctionWrapper",
    "check_args",
    "match_shapes",
    "prepare_pair",
    "reduce_weighted_values",
    "to_array",
]

LOSSES = Registry("loss", module="losses")

# Keras's backend.epsilon(): clips probabilities away from 0 and 1 before a log.
EPSILON = 1e-7

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none")
# Without sample weights, each of these is the plain mean of the losses.
_PLAIN_MEANS = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


# ---------------------------------------------------------------- argument checks
def _is_pos_weight(value: Any) -> bool:
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    return (
        array.dtype.kind in "iuf" and array.ndim <= 1 and bool(np.all(np.isfinite(array)))
    ) and bool(np.all(array > 0))


# One rule per argument name: the names mean the same thing in every loss that takes them.
_ARG_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "from_logits": (lambda v: isinstance(v, (bool, np.bool_)), "a bool"),
    "apply_class_balancing": (lambda v: isinstance(v, (bool, np.bool_)), "a bool"),
    "label_smoothing": (lambda v: _is_real(v) and 0 <= v <= 1, "a float in [0, 1]"),
    "delta": (lambda v: _is_real(v) and v > 0, "a float > 0"),
    "alpha": (lambda v: _is_real(v) and 0 <= v <= 1, "a float in [0, 1]"),
    "gamma": (lambda v: _is_real(v) and v >= 0, "a float >= 0"),
    "margin": (lambda v: _is_real(v) and v >= 0, "a float >= 0"),
    "axis": (lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool), "an int"),
    "ignore_class": (
        lambda v: v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool)),
        "an int or None",
    ),
    "pos_weight": (_is_pos_weight, "a float > 0 or a 1-D array of floats > 0 (one per output)"),
}


def check_args(owner: str, **kwargs: Any) -> None:
    """Check loss hyper-parameters against the shared rules in ``_ARG_RULES``.

    Raises:
        ConfigError: ``The 'delta' argument of Huber must be a float > 0. Got -1.``
    """
    for name, value in kwargs.items():
        rule = _ARG_RULES.get(name)
        if rule is not None and not rule[0](value):
            raise ConfigError(f"The '{name}' argument of {owner} must be {rule[1]}. Got {value!r}.")


def _check_reduction(owner: str, reduction: Any) -> str:
    if reduction is None:
        return "none"
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        known = ", ".join(repr(r) for r in REDUCTIONS)
        raise ConfigError(
            f"The 'reduction' argument of {owner} must be one of {known} (or None). "
            f"Got {reduction!r}."
        )
    return reduction


# ---------------------------------------------------------------- targets
def to_array(who: str, what: str, value: Any) -> np.ndarray:
    """``value`` (a Tensor, array or nested list) as an ndarray, or a TypeError naming it."""
    if isinstance(value, Tensor):
        return value.data
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{who}: could not turn {what} into an array ({err}). Pass one NumPy array with "
            "the same number of values in every row."
        ) from None


def _numeric(who: str, what: str, value: Any) -> np.ndarray:
    array = to_array(who, what, value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{who}: expected {what} to be numbers, got dtype {array.dtype}. "
            "Convert it to a numeric NumPy array first."
        )
    return array


def as_prediction(who: str, y_pred: Any) -> Tensor:
    """``y_pred`` as a float Tensor: a float Tensor is used as is (its graph kept); anything
    else becomes the default float dtype (float32), so NumPy float64 data never up-casts."""
    if isinstance(y_pred, Tensor) and y_pred.dtype.kind == "f":
        return y_pred
    array = _numeric(who, "y_pred", y_pred)
    return Tensor(np.asarray(array, dtype=backend.floatx()))


def as_target(who: str, y_true: Any, like: Tensor) -> Tensor:
    """``y_true`` as a Tensor in the dtype of ``like`` (a same-dtype Tensor keeps its graph)."""
    if isinstance(y_true, Tensor) and y_true.dtype == like.dtype:
        return y_true
    array = _numeric(who, "y_true", y_true)
    return Tensor(np.asarray(array, dtype=like.dtype))


def match_shapes(
    true_shape: tuple[int, ...], pred_shape: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Apply Keras's one squeeze/expand rule to a pair of shapes.

    When the ranks differ by one and the longer shape ends in 1, drop that axis, except that
    a rank-1 partner gains a trailing 1 instead. Other pairs come back unchanged.

    Example:
        >>> match_shapes((32,), (32, 1))
        ((32, 1), (32, 1))
        >>> match_shapes((8, 5, 1), (8, 5))
        ((8, 5), (8, 5))
    """
    a, b = tuple(true_shape), tuple(pred_shape)
    if len(a) == len(b) + 1 and a and a[-1] == 1:
        return (a, b + (1,)) if len(b) == 1 else (a[:-1], b)
    if len(b) == len(a) + 1 and b and b[-1] == 1:
        return (a + (1,), b) if len(a) == 1 else (a, b[:-1])
    return a, b


def mismatch_error(who: str, true_shape: tuple, pred_shape: tuple) -> ShapeError:
    return ShapeError(
        f"{who}: y_true has shape {tuple(true_shape)} but y_pred has shape "
        f"{tuple(pred_shape)}. They must match (a trailing axis of size 1 is the only "
        "difference allowed)."
    )


def prepare_pair(who: str, y_true: Any, y_pred: Any, *, min_rank: int = 1) -> tuple[Tensor, Tensor]:
    """Convert, check and align ``y_true`` and ``y_pred`` for the loss named ``who``.

    Returns Tensors of one shape with at least 2 axes: rank-1 pairs become ``(N, 1)``.

    Raises:
        ShapeError: if the shapes differ by more than the trailing-1 rule allows, or
            ``y_pred`` has fewer than ``min_rank`` axes.
    """
    if type(y_pred) is Tensor and type(y_true) is Tensor:
        p, t = y_pred.data, y_true.data
        if p.dtype.kind == "f" and t.dtype == p.dtype and t.shape == p.shape and p.ndim >= 2:
            if p.ndim >= min_rank:
                return y_true, y_pred  # why: the usual case (fit's batches), nothing to align
    y_pred = as_prediction(who, y_pred)
    y_true = as_target(who, y_true, y_pred)
    if y_pred.ndim == 0:
        raise ShapeError(
            f"{who}: expected y_pred with a batch axis (N, ...), got a scalar. "
            "Pass one prediction per sample."
        )
    if y_pred.ndim < min_rank:
        raise ShapeError(
            f"{who}: expected y_pred of shape (N, ..., C) with at least {min_rank} axes, got "
            f"shape {y_pred.shape}. Add the batch axis, for example y[None, :] for one sample."
        )
    true_shape, pred_shape = match_shapes(y_true.shape, y_pred.shape)
    if true_shape != pred_shape:
        raise mismatch_error(who, y_true.shape, y_pred.shape)
    if len(pred_shape) == 1:
        true_shape = pred_shape = pred_shape + (1,)
    if y_true.shape != true_shape:
        y_true = ops.reshape(y_true, true_shape)
    if y_pred.shape != pred_shape:
        y_pred = ops.reshape(y_pred, pred_shape)
    return y_true, y_pred


def class_axis(who: str, axis: int, ndim: int) -> int:
    """``axis`` as a non-negative index into a rank-``ndim`` y_pred, or a ShapeError."""
    if not -ndim <= axis < ndim:
        raise ShapeError(
            f"{who}: axis {axis} is out of range for y_pred of rank {ndim}. "
            f"Use an axis in [{-ndim}, {ndim - 1}] (the classes axis, usually -1)."
        )
    return axis % ndim


# ---------------------------------------------------------------- reduction
def _weights_for(who: str, sample_weight: Any, losses: Tensor) -> np.ndarray:
    """``sample_weight`` as an array that lines up with ``losses`` (no silent broadcasting)."""
    w = np.asarray(_numeric(who, "sample_weight", sample_weight), dtype=losses.dtype)
    if w.ndim == losses.ndim + 1 and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    if w.ndim == 0 or w.shape == losses.shape:
        return w
    if w.ndim < losses.ndim and w.shape == losses.shape[: w.ndim]:
        # why: one weight per sample also weighs every time step / pixel of that sample.
        return w.reshape(w.shape + (1,) * (losses.ndim - w.ndim))
    raise ShapeError(
        f"{who}: sample_weight has shape {w.shape} but the losses have shape {losses.shape}. "
        f"Pass one weight per sample (shape {losses.shape[:1]}), one per loss value "
        f"(shape {losses.shape}) or a single number."
    )


def reduce_weighted_values(
    losses: Any,
    sample_weight: Any = None,
    reduction: str | None = "sum_over_batch_size",
    *,
    mask: np.ndarray | None = None,
    who: str = "loss",
) -> Tensor:
    """Weight per-sample losses, then reduce them as ``reduction`` says (see ``Loss``).

    ``mask`` (True where a value counts) is folded into the weights as Keras does: for the
    mean reductions the masked-out values are left out of the count as well.
    """
    reduction = _check_reduction(who, reduction)
    losses = as_tensor(losses)
    weights = None if sample_weight is None else _weights_for(who, sample_weight, losses)
    if mask is not None:
        m = np.asarray(mask, dtype=losses.dtype).reshape(losses.shape)
        if reduction in ("sum_over_batch_size", "mean"):
            valid = m.sum()
            m = m * (m.size / valid if valid else 0.0)
        weights = m if weights is None else weights * m
    values = losses if weights is None else losses * weights
    if reduction == "none":
        return values
    if weights is None and reduction != "sum" and values.size:
        # why: with no weights every mean reduction is the plain mean: one node, not two.
        return ops.mean(values)
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        count = float(np.broadcast_to(weights, values.shape).sum())
    else:
        count = float(values.size)
    # why: an empty batch (or all-zero weights) gives 0, not nan, as Keras's divide_no_nan.
    return total / count if count else total * 0.0


# ---------------------------------------------------------------- classes
class Loss:
    """Base class of every loss: ``loss(y_true, y_pred, sample_weight=None)`` -> Tensor.

    Subclasses implement ``call(y_true, y_pred)`` returning one loss per sample; ``__call__``
    then weights and reduces them. Any Loss can be handed to ``compile(loss=...)`` or used in
    a hand-written loop (``loss(y, model(x)).backward()``).

    Args:
        name: the loss's name (a subclass gives its Keras name as the default).
        reduction: how the weighted per-sample losses become the returned value:

            - ``'sum_over_batch_size'`` (default) and its alias ``'mean'``: their sum
              divided by the number of loss values (zero-weighted samples still count);
            - ``'sum'``: their sum;
            - ``'mean_with_sample_weight'``: their sum divided by the sum of the weights
              (a true weighted mean; same as the default without ``sample_weight``);
            - ``'none'`` or None: no reduction, one value per sample.

            An empty batch reduces to 0.

    Math:
        l_i  = call(y_true, y_pred)_i * w_i           (w_i = sample_weight, 1 if omitted)
        loss = sum_i l_i / N   |   sum_i l_i   |   sum_i l_i / sum_i w_i   |   l

    ``sample_weight`` may be a number, one weight per sample ``(N,)`` or ``(N, 1)``, or one per
    loss value; anything else is a ``ShapeError``.

    Raises:
        ConfigError: for an unknown ``reduction``.
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size"):
        if name is not None and not isinstance(name, str):
            raise ConfigError(
                f"The 'name' argument of {type(self).__name__} must be a string or None. "
                f"Got {name!r}."
            )
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = _check_reduction(type(self).__name__, reduction)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if sample_weight is None and self.reduction in _PLAIN_MEANS:
            mean = self._batch_mean(y_true, y_pred)
            if mean is not None:
                return mean
        losses, mask = self._losses_and_mask(y_true, y_pred)
        return reduce_weighted_values(
            losses, sample_weight, self.reduction, mask=mask, who=self.name
        )

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        """Per-sample losses; subclasses must define this."""
        raise NotImplementedError(
            f"{type(self).__name__}: a Loss subclass must define call(y_true, y_pred) "
            "returning one loss per sample."
        )

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple[Tensor, np.ndarray | None]:
        return as_tensor(self.call(y_true, y_pred)), None

    def _batch_mean(self, y_true: Any, y_pred: Any) -> Tensor | None:
        """The unweighted mean loss as one fused graph node, or None where the loss has none
        (then ``__call__`` averages ``call``'s per-sample losses with ``ops.mean``)."""
        return None

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this loss (JSON-friendly)."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Rebuild a loss from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class LossFunctionWrapper(Loss):
    """Turn any function ``fn(y_true, y_pred, **kwargs)`` into a ``Loss``.

    This is how custom losses work: any plain function built from ``glassnet.ops`` that
    returns per-sample losses (or one scalar) gets ``reduction`` and ``sample_weight`` for
    free, and its gradient comes from the ops it uses. Before calling ``fn``, the wrapper
    turns both arguments into Tensors (``y_true`` in ``y_pred``'s dtype) and applies the
    trailing-1 shape rule, as Keras does; ``fn`` checks anything else itself.

    Args:
        fn: the loss function.
        reduction, name: see ``Loss`` (``name`` defaults to ``fn.__name__``).
        **kwargs: passed to ``fn`` on every call (and saved by ``get_config``).

    Example:
        >>> def squared(y_true, y_pred):
        ...     return glassnet.ops.mean((y_pred - y_true) ** 2, axis=-1)
        >>> loss = LossFunctionWrapper(squared)
        >>> loss(np.array([[1.0], [2.0]]), np.array([[1.5], [2.0]])).item()
        0.125
    """

    # why: built-in functions convert and check their own inputs (and name themselves in
    # errors), so their classes set this to True and skip the generic preparation.
    _prepares_targets = False

    def __init__(
        self,
        fn: Callable[..., Any],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not callable(fn):
            raise TypeError(
                f"LossFunctionWrapper: expected a function fn(y_true, y_pred), got "
                f"{type(fn).__name__}. Pass the loss function itself."
            )
        check_args(type(self).__name__, **kwargs)
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction)
        self.fn = fn
        self.fn_kwargs = kwargs
        for key, value in kwargs.items():
            setattr(self, key, value)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        if self._prepares_targets:
            return self.fn(y_true, y_pred, **self.fn_kwargs)
        y_pred = as_prediction(self.name, y_pred)
        y_true = as_target(self.name, y_true, y_pred)
        true_shape, pred_shape = match_shapes(y_true.shape, y_pred.shape)
        if true_shape != y_true.shape:
            y_true = ops.reshape(y_true, true_shape)
        if pred_shape != y_pred.shape:
            y_pred = ops.reshape(y_pred, pred_shape)
        return as_tensor(self.fn(y_true, y_pred, **self.fn_kwargs))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if not self._prepares_targets:
            config["fn"] = LOSSES.name_of(self.fn) or getattr(self.fn, "__name__", None)
        config.update({k: _jsonable(v) for k, v in self.fn_kwargs.items()})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        config = dict(config)
        if cls is LossFunctionWrapper:
            name = config.pop("fn", None)
            known = isinstance(name, str) and (name in LOSSES or name.lower() in LOSSES)
            fn = LOSSES.get(name) if known else None
            if fn is None or isinstance(fn, type):
                raise ConfigError(
                    f"LossFunctionWrapper: expected 'fn' to name a registered loss function, "
                    f"got {name!r}. Register it first with "
                    "@glassnet.losses.LOSSES.register('my_loss')."
                )
            return cls(fn, **config)
        return cls(**config)


class BuiltinLoss(LossFunctionWrapper):
    """The class form of one of glassnet's loss functions (which check their own inputs)."""

    _prepares_targets = True


def _jsonable(value: Any) -> Any:
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.generic,)):
        return value.item()
    return value


def _snake_case(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper()):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
