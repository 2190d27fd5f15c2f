"""``keras.ops``: the Keras 3 op names a custom loss or layer uses, on glassnet tensors."""

from __future__ import annotations

from typing import Any

from glassnet import ops as _ops
from glassnet.ops import (
    abs,
    argmax,
    exp,
    log,
    log1p,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    relu,
    sigmoid,
    softmax,
    softplus,
    sqrt,
    sum,
    tanh,
    var,
    where,
)
from glassnet.tensor import Tensor
from glassnet.tensor import tensor as convert_to_tensor

__all__ = [
    "abs", "argmax", "clip", "concatenate", "convert_to_tensor", "exp", "expand_dims", "log",
    "log1p", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum",
    "one_hot", "relu", "reshape", "sigmoid", "softmax", "softplus", "sqrt", "square", "squeeze",
    "stack", "sum", "tanh", "transpose", "var", "where",
]  # fmt: skip


def clip(x: Any, x_min: float, x_max: float) -> Tensor:
    """Keras's ``ops.clip(x, x_min, x_max)``."""
    return _ops.clip(x, x_min, x_max)


def square(x: Any) -> Tensor:
    return _ops.multiply(x, x)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    return _ops.log_softmax(x, axis=axis)


def one_hot(x: Any, num_classes: int) -> Tensor:
    return _ops.one_hot(x, num_classes)


def reshape(x: Any, newshape: Any) -> Tensor:
    return _ops.reshape(x, newshape)


def transpose(x: Any, axes: Any = None) -> Tensor:
    return _ops.transpose(x, axes)


def expand_dims(x: Any, axis: int) -> Tensor:
    return _ops.expand_dims(x, axis)


def squeeze(x: Any, axis: Any = None) -> Tensor:
    return _ops.squeeze(x, axis)


def concatenate(xs: Any, axis: int = 0) -> Tensor:
    return _ops.concatenate(xs, axis=axis)


def stack(xs: Any, axis: int = 0) -> Tensor:
    return _ops.stack(xs, axis=axis)
