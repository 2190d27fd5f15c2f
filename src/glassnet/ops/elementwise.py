"""Element-wise maths: exp, log, log1p, sqrt, abs, clip, where, maximum, minimum."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.ops._util import broadcast_error, pair
from glassnet.tensor import Tensor, as_tensor


def exp(x: Any) -> Tensor:
    """Element-wise ``e ** x``.

    Math:
        y     = exp(x)
        dL/dx = dL/dy * y
    """
    x = as_tensor(x)
    y = np.exp(x.data)

    def backward(grad):
        return (grad * y,)

    return Tensor.from_op(y, (x,), backward, "exp")


def log(x: Any) -> Tensor:
    """Element-wise natural logarithm (x > 0).

    Math:
        y     = log(x)
        dL/dx = dL/dy / x
    """
    x = as_tensor(x)

    def backward(grad):
        return (grad / x.data,)

    return Tensor.from_op(np.log(x.data), (x,), backward, "log")


def log1p(x: Any) -> Tensor:
    """Element-wise ``log(1 + x)``, accurate for small x (x > -1).

    Math:
        y     = log(1 + x)
        dL/dx = dL/dy / (1 + x)
    """
    x = as_tensor(x)

    def backward(grad):
        return (grad / (1 + x.data),)

    return Tensor.from_op(np.log1p(x.data), (x,), backward, "log1p")


def sqrt(x: Any) -> Tensor:
    """Element-wise square root (x >= 0).

    Math:
        y     = sqrt(x)
        dL/dx = dL/dy / (2 * y)
    """
    x = as_tensor(x)
    y = np.sqrt(x.data)

    def backward(grad):
        return (grad / (2 * y),)

    return Tensor.from_op(y, (x,), backward, "sqrt")


def abs(x: Any) -> Tensor:  # noqa: A001 - NumPy's name
    """Element-wise absolute value.

    Math:
        y     = |x|
        dL/dx = dL/dy * sign(x)     (0 at x == 0, as in PyTorch)
    """
    x = as_tensor(x)

    def backward(grad):
        return (grad * np.sign(x.data),)

    return Tensor.from_op(np.abs(x.data), (x,), backward, "abs")


def clip(x: Any, a_min: float | None = None, a_max: float | None = None) -> Tensor:
    """Limit values to ``[a_min, a_max]`` (either bound may be None).

    Math:
        y     = min(max(x, a_min), a_max)
        dL/dx = dL/dy where a_min <= x <= a_max, else 0   (bounds inclusive, as in PyTorch)

    Raises:
        ConfigError: if both bounds are None, or a_min > a_max.
    """
    x = as_tensor(x)
    if a_min is None and a_max is None:
        raise ConfigError("clip: expected at least one of a_min and a_max, got neither.")
    if a_min is not None and a_max is not None and a_min > a_max:
        raise ConfigError(f"clip: expected a_min <= a_max, got a_min={a_min}, a_max={a_max}.")
    lo = -np.inf if a_min is None else a_min
    hi = np.inf if a_max is None else a_max
    y = np.clip(x.data, lo, hi).astype(x.dtype, copy=False)

    def backward(grad):
        return (grad * ((x.data >= lo) & (x.data <= hi)),)

    return Tensor.from_op(y, (x,), backward, "clip")


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """Pick ``x`` where ``condition`` is true and ``y`` elsewhere (with broadcasting).

    Math:
        out   = x if condition else y
        dL/dx = dL/dout * condition,  dL/dy = dL/dout * (1 - condition)
        (condition gets no gradient)
    """
    mask = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    mask = mask.astype(bool, copy=False)
    x, y = pair(x, y)
    try:
        out = np.where(mask, x.data, y.data)
    except ValueError:
        raise broadcast_error("where", x, y) from None

    def backward(grad):
        zero = np.zeros((), dtype=grad.dtype)
        grad_x = np.where(mask, grad, zero) if x.requires_grad else None
        grad_y = np.where(mask, zero, grad) if y.requires_grad else None
        return grad_x, grad_y

    return Tensor.from_op(out, (x, y), backward, "where")


def maximum(a: Any, b: Any) -> Tensor:
    """Element-wise larger of ``a`` and ``b``.

    Math:
        y     = max(a, b)
        dL/da = dL/dy * [a > b] + dL/dy / 2 * [a == b]   (ties split, as in PyTorch)
    """
    return _extremum(a, b, np.maximum, "maximum")


def minimum(a: Any, b: Any) -> Tensor:
    """Element-wise smaller of ``a`` and ``b``.

    Math:
        y     = min(a, b)
        dL/da = dL/dy * [a < b] + dL/dy / 2 * [a == b]   (ties split, as in PyTorch)
    """
    return _extremum(a, b, np.minimum, "minimum")


def _extremum(a: Any, b: Any, pick: np.ufunc, op: str) -> Tensor:
    a, b = pair(a, b)
    try:
        y = pick(a.data, b.data)
    except ValueError:
        raise broadcast_error(op, a, b) from None

    def backward(grad):
        # why: share of the gradient each operand gets: 1 where it won, 1/2 on a tie.
        share_a = (a.data == y).astype(grad.dtype) - 0.5 * (a.data == b.data)
        grad_a = grad * share_a if a.requires_grad else None
        grad_b = grad * (1 - share_a) if b.requires_grad else None
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, op)
