"""Ops with integer results and no gradient: one_hot, argmax."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops._util import single_axis
from glassnet.tensor import Tensor, as_tensor


def one_hot(indices: Any, num_classes: int, dtype: Any = None) -> Tensor:
    """Encode integer class ids as one-hot rows (no gradient).

    Shape:
        indices: any shape of integers in [0, num_classes).  Output: indices.shape + (num_classes,).

    Raises:
        ConfigError: if ``num_classes`` is not a positive int.
        ShapeError: if an index is negative or >= num_classes, or indices are not integers.

    Example:
        >>> one_hot(glassnet.tensor([0, 2]), 3).numpy()
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    ids = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or num_classes < 1
    ):
        raise ConfigError(
            f"one_hot: expected num_classes to be a positive int, got {num_classes!r}."
        )
    if ids.dtype.kind not in "iu":
        raise ShapeError(
            f"one_hot: expected integer class ids, got dtype {ids.dtype}. "
            "Convert labels with .astype(int) first."
        )
    if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
        bad = ids.min() if ids.min() < 0 else ids.max()
        raise ShapeError(
            f"one_hot: expected class ids in [0, {num_classes - 1}], got {bad}. "
            "Check num_classes or the labels."
        )
    out = np.zeros(ids.shape + (int(num_classes),), dtype=dtype or backend.floatx())
    np.put_along_axis(out, ids[..., None], 1, axis=-1)
    return Tensor(out)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest value along ``axis`` (of the flattened tensor when None); no gradient.

    Example:
        >>> argmax(glassnet.tensor([[1.0, 3.0], [5.0, 2.0]]), axis=1).numpy()
        array([1, 0])
    """
    x = as_tensor(x)
    if axis is not None:
        axis = single_axis("argmax", axis, x.ndim)
    return Tensor(np.asarray(np.argmax(x.data, axis=axis, keepdims=keepdims)))
