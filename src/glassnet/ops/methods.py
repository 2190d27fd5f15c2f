"""Operators and methods of ``Tensor``, bound here so the autograd layer knows no op.

``x + y`` calls ``ops.add``, ``x.sum()`` calls ``ops.sum`` and so on; comparisons return
boolean tensors with no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops import activation, arithmetic, discrete, elementwise, linalg, reduce, shape
from glassnet.tensor import Tensor, as_tensor


def _swap(fn):
    def reflected(self, other):
        return fn(other, self)

    return reflected


def _compare(ufunc):
    def compare(self, other):
        try:
            other = as_tensor(other, like=self)
        except TypeError:
            return NotImplemented
        return Tensor(ufunc(self.data, other.data))

    return compare


def _reshape(self, *new_shape: Any) -> Tensor:
    return shape.reshape(self, new_shape[0] if len(new_shape) == 1 else new_shape)


def _transpose(self, *axes: Any) -> Tensor:
    if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
        axes = axes[0]
    return shape.transpose(self, axes or None)


_METHODS = {
    "__add__": arithmetic.add,
    "__radd__": _swap(arithmetic.add),
    "__sub__": arithmetic.subtract,
    "__rsub__": _swap(arithmetic.subtract),
    "__mul__": arithmetic.multiply,
    "__rmul__": _swap(arithmetic.multiply),
    "__truediv__": arithmetic.divide,
    "__rtruediv__": _swap(arithmetic.divide),
    "__pow__": arithmetic.power,
    "__rpow__": _swap(arithmetic.power),
    "__matmul__": linalg.matmul,
    "__rmatmul__": _swap(linalg.matmul),
    "__neg__": arithmetic.negative,
    "__abs__": elementwise.abs,
    "__getitem__": shape.getitem,
    "__lt__": _compare(np.less),
    "__le__": _compare(np.less_equal),
    "__gt__": _compare(np.greater),
    "__ge__": _compare(np.greater_equal),
    "__eq__": _compare(np.equal),
    "__ne__": _compare(np.not_equal),
    "sum": reduce.sum,
    "mean": reduce.mean,
    "max": reduce.max,
    "min": reduce.min,
    "var": reduce.var,
    "reshape": _reshape,
    "transpose": _transpose,
    "squeeze": shape.squeeze,
    "clip": elementwise.clip,
    "argmax": discrete.argmax,
    "exp": elementwise.exp,
    "log": elementwise.log,
    "sqrt": elementwise.sqrt,
    "abs": elementwise.abs,
    "tanh": activation.tanh,
    "sigmoid": activation.sigmoid,
    "relu": activation.relu,
    "softmax": activation.softmax,
    "log_softmax": activation.log_softmax,
}


def bind_tensor_methods() -> None:
    """Attach the operators and methods above to ``Tensor`` (called once on import)."""
    for name, fn in _METHODS.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(lambda self: shape.transpose(self))
    Tensor.__hash__ = object.__hash__
