"""Reductions: sum, mean, max, min, var, logsumexp.

Each takes NumPy's ``axis`` (None, an int or a tuple) and ``keepdims``. The backward passes
first restore the reduced axes (``_expand``), then broadcast back to the input's shape.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops._util import Axis, normalize_axis
from glassnet.tensor import Tensor, as_tensor


def _expand(grad: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    """Put back the axes a reduction removed, so ``grad`` broadcasts against its input."""
    if keepdims or axes is None:
        return grad
    return np.expand_dims(grad, axes)


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum of elements over ``axis`` (all axes when None).

    Math:
        y     = sum_i x_i
        dL/dx = dL/dy, broadcast back over the summed axes

    Example:
        >>> glassnet.ops.sum(glassnet.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
        array([4., 6.], dtype=float32)
    """
    x = as_tensor(x)
    axes = normalize_axis("sum", axis, x.ndim)
    y = np.sum(x.data, axis=axes, keepdims=keepdims)

    def backward(grad):
        return (np.broadcast_to(_expand(grad, axes, keepdims), x.shape),)

    return Tensor.from_op(np.asarray(y), (x,), backward, "sum")


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (all axes when None).

    Math:
        y     = sum_i x_i / n
        dL/dx = dL/dy / n, broadcast back over the averaged axes
    """
    x = as_tensor(x)
    axes = normalize_axis("mean", axis, x.ndim)
    n = _count(x.shape, axes)
    # why: np.add.reduce skips np.mean's Python-level wrappers (a few us per call).
    y = np.add.reduce(x.data, axis=axes, keepdims=keepdims) / n

    def backward(grad):
        if axes is None:
            return (np.full(x.shape, grad / n, dtype=grad.dtype),)
        return (np.broadcast_to(_expand(grad, axes, keepdims) / n, x.shape),)

    return Tensor.from_op(np.asarray(y, dtype=x.dtype), (x,), backward, "mean")


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Largest element over ``axis``.

    Math:
        y     = max_i x_i
        dL/dx = dL/dy at the maximum, shared equally among ties (as torch.amax)
    """
    return _extreme(x, axis, keepdims, np.max, "max")


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Smallest element over ``axis``.

    Math:
        y     = min_i x_i
        dL/dx = dL/dy at the minimum, shared equally among ties (as torch.amin)
    """
    return _extreme(x, axis, keepdims, np.min, "min")


def _extreme(x: Any, axis: Axis, keepdims: bool, pick: Any, op: str) -> Tensor:
    x = as_tensor(x)
    axes = normalize_axis(op, axis, x.ndim)
    reduced = x.shape if axes is None else [x.shape[a] for a in axes]
    if 0 in reduced:  # NOTE: an empty batch is fine when the reduced axes are not empty
        raise ShapeError(f"{op}: expected a non-empty tensor, got shape {x.shape}.")
    y_kept = pick(x.data, axis=axes, keepdims=True)

    def backward(grad):
        mask = x.data == y_kept
        share = mask / mask.sum(axis=axes, keepdims=True)
        return (_expand(grad, axes, keepdims) * share,)

    y = y_kept if keepdims else np.asarray(pick(x.data, axis=axes))
    return Tensor.from_op(y, (x,), backward, op)


def var(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over ``axis``; ``ddof=0`` (NumPy's default) is the biased estimate.

    A composite of mean, subtract and multiply, so its gradient comes from theirs.

    Math:
        y     = sum_i (x_i - mean(x))**2 / (n - ddof)
        dL/dx = dL/dy * 2 * (x - mean(x)) / (n - ddof)
    """
    x = as_tensor(x)
    axes = normalize_axis("var", axis, x.ndim)
    n = _count(x.shape, axes)
    centred = x - mean(x, axis=axes, keepdims=True)
    return sum(centred * centred, axis=axes, keepdims=keepdims) / (n - ddof)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, without overflow.

    Math:
        m     = max(x)                      (0 where every entry is -inf)
        y     = m + log(sum(exp(x - m)))
        dL/dx = dL/dy * exp(x - y) = dL/dy * softmax(x)
    """
    x = as_tensor(x)
    axes = normalize_axis("logsumexp", axis, x.ndim)
    # why: shifting by the max keeps exp() <= 1; a row of all -inf would give -inf - -inf = nan.
    m = np.max(x.data, axis=axes, keepdims=True, initial=-np.inf)  # an empty axis gives -inf
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        y_kept = np.log(np.sum(np.exp(x.data - m), axis=axes, keepdims=True)) + m

    def backward(grad):
        return (_expand(grad, axes, keepdims) * np.exp(x.data - y_kept),)

    y = y_kept if keepdims else (y_kept.reshape(()) if axes is None else y_kept.squeeze(axes))
    return Tensor.from_op(y, (x,), backward, "logsumexp")
