"""The few TensorFlow names that Keras programs use, on glassnet tensors.

Keras tutorials write ``import tensorflow as tf`` and then use ``tf.keras`` and a handful of
TensorFlow 2 maths in custom losses (``tf.reduce_mean``, ``tf.abs``, ``tf.clip_by_value``,
``tf.where``...). ``from glassnet.keras import tf_compat as tf`` lets such a program run with
only that import changed. This is not TensorFlow: only these names exist, each one a thin
call of a ``glassnet.ops`` function (so gradients flow), with TensorFlow's argument names.
TensorFlow 1 names that TensorFlow 2 removed (``tf.log``) are absent here as there.

Example:
    >>> import numpy as np
    >>> from glassnet.keras import tf_compat as tf
    >>> tf.reduce_mean(tf.abs(np.array([[1.0, -3.0]])), axis=-1).numpy()
    array([2.])
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from glassnet import keras
from glassnet import ops as _ops
from glassnet.keras.ops import square
from glassnet.ops import abs, exp, maximum, minimum, sqrt, where
from glassnet.ops import log as _log  # why: TensorFlow 2 has tf.math.log, not tf.log
from glassnet.tensor import Tensor
from glassnet.tensor import tensor as convert_to_tensor

__all__ = [
    "abs", "clip_by_value", "convert_to_tensor", "exp", "keras", "math", "maximum", "minimum",
    "reduce_max", "reduce_mean", "reduce_min", "reduce_sum", "sqrt", "square", "where",
]  # fmt: skip


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``tf.reduce_mean``: the mean over ``axis`` (all axes when None)."""
    return _ops.mean(input_tensor, axis=axis, keepdims=keepdims)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``tf.reduce_sum``: the sum over ``axis`` (all axes when None)."""
    return _ops.sum(input_tensor, axis=axis, keepdims=keepdims)


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``tf.reduce_max``: the largest value over ``axis`` (all axes when None)."""
    return _ops.max(input_tensor, axis=axis, keepdims=keepdims)


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``tf.reduce_min``: the smallest value over ``axis`` (all axes when None)."""
    return _ops.min(input_tensor, axis=axis, keepdims=keepdims)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any) -> Tensor:
    """``tf.clip_by_value``: ``t`` limited to [min, max]; the bounds may be tensors.

    Math:
        y = minimum(maximum(t, clip_value_min), clip_value_max)
    """
    return minimum(maximum(t, clip_value_min), clip_value_max)


math = SimpleNamespace(
    abs=abs, exp=exp, log=_log, maximum=maximum, minimum=minimum, reduce_max=reduce_max,
    reduce_mean=reduce_mean, reduce_min=reduce_min, reduce_sum=reduce_sum, sqrt=sqrt,
    square=square,
)  # fmt: skip
"""``tf.math``: the same functions under TensorFlow's ``math`` namespace."""
