"""``keras.backend`` (imported as ``K``): configuration, and Keras 2's maths for custom losses.

Keras 3 keeps ``epsilon``, ``floatx``, ``set_floatx`` and ``image_data_format`` here. Keras 2
also had the maths that many custom losses still call (``K.mean``, ``K.log``, ``K.clip``...);
they are kept under their Keras 2 names and argument order, each a ``glassnet.ops`` call, so
such a loss runs unchanged. New code should use ``keras.ops``.

Example:
    >>> import numpy as np
    >>> from glassnet.keras import backend as K
    >>> K.mean(K.log(np.array([1.0, np.e])) * 2).item()
    1.0
"""

from __future__ import annotations

from typing import Any

from glassnet import backend as _backend
from glassnet import ops as _ops
from glassnet.keras.ops import square
from glassnet.ops import abs, exp, log, maximum, minimum, sqrt
from glassnet.tensor import Tensor

__all__ = [
    "abs", "clip", "epsilon", "exp", "floatx", "image_data_format", "log", "max", "maximum",
    "mean", "min", "minimum", "set_floatx", "sqrt", "square", "sum",
]  # fmt: skip

_EPSILON = 1e-7


def epsilon() -> float:
    """The fuzz factor Keras adds to avoid dividing by zero or taking log(0): 1e-7."""
    return _EPSILON


def floatx() -> str:
    """The default float dtype's name, ``'float32'`` unless changed by ``set_floatx``."""
    return _backend.floatx().name


def set_floatx(value: str) -> None:
    """Set the default float dtype (``'float32'`` or ``'float64'``)."""
    _backend.set_floatx(value)


def image_data_format() -> str:
    """Always ``'channels_last'``: images are (N, H, W, C) in glassnet."""
    return "channels_last"


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Keras 2's ``K.mean``."""
    return _ops.mean(x, axis=axis, keepdims=keepdims)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Keras 2's ``K.sum``."""
    return _ops.sum(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Keras 2's ``K.max``."""
    return _ops.max(x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Keras 2's ``K.min``."""
    return _ops.min(x, axis=axis, keepdims=keepdims)


def clip(x: Any, min_value: float, max_value: float) -> Tensor:
    """Keras 2's ``K.clip(x, min_value, max_value)``."""
    return _ops.clip(x, min_value, max_value)
