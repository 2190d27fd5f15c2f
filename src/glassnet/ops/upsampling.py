"""Upsampling of channels-last images by whole factors: nearest neighbour or bilinear."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.ops._im2col import check_rank, int_tuple
from glassnet.tensor import Tensor, as_tensor

__all__ = ["upsampling2d"]

_INTERPOLATIONS = ("nearest", "bilinear")


def _linear_weights(n: int, factor: int, dtype: Any) -> np.ndarray:
    """The (n * factor, n) matrix of 1-D linear interpolation with half-pixel centres.

    Output position o samples the input at ``(o + 0.5) / factor - 0.5``, clamped to
    [0, n - 1], from its two neighbours (PyTorch's ``align_corners=False``; Keras's resize).
    """
    src = np.clip((np.arange(n * factor) + 0.5) / factor - 0.5, 0, n - 1)
    low = np.floor(src).astype(int)
    high = np.minimum(low + 1, n - 1)
    frac = src - low
    weights = np.zeros((n * factor, n))
    rows = np.arange(n * factor)
    np.add.at(weights, (rows, low), 1 - frac)
    np.add.at(weights, (rows, high), frac)
    return weights.astype(dtype)


def upsampling2d(x: Any, size: Any = 2, interpolation: str = "nearest") -> Tensor:
    """Repeat (nearest) or linearly interpolate (bilinear) rows and columns by ``size``.

    Math:
        nearest:  y[n, p, q, c] = x[n, p // sh, q // sw, c]
                  dL/dx[n, i, j, c] = sum of dL/dy over the sh x sw block it was copied to
        bilinear: y = A_h @ x @ A_w^T per image and channel (A: ``_linear_weights``)
                  dL/dx = A_h^T @ dL/dy @ A_w

    Args:
        x: images (N, H, W, C).
        size: an int or (sh, sw), each >= 1 (default 2).
        interpolation: ``'nearest'`` (default) or ``'bilinear'``.

    Shape:
        Output: (N, H * sh, W * sw, C).

    Raises:
        ShapeError: input not of rank 4.
        ConfigError: bad size or interpolation.

    Example:
        >>> upsampling2d(np.array([[[[1.0], [2.0]]]], np.float32)).numpy()[0, :, :, 0]
        array([[1., 1., 2., 2.],
               [1., 1., 2., 2.]], dtype=float32)
    """
    op = "upsampling2d"
    x = as_tensor(x)
    check_rank(op, "input", x.shape, 4, "(N, H, W, C)")
    sh, sw = int_tuple(op, "size", size, 2)
    if interpolation not in _INTERPOLATIONS:
        raise ConfigError(
            f"{op}: expected interpolation in {', '.join(_INTERPOLATIONS)}, got {interpolation!r}."
        )
    n, h, w, c = x.shape
    if interpolation == "nearest":
        y = np.broadcast_to(x.data[:, :, None, :, None], (n, h, sh, w, sw, c))
        y = y.reshape(n, h * sh, w * sw, c)

        def backward(grad):
            return (grad.reshape(n, h, sh, w, sw, c).sum(axis=(2, 4)),)

        return Tensor.from_op(y, (x,), backward, op)
    a_h = _linear_weights(h, sh, x.dtype)
    a_w = _linear_weights(w, sw, x.dtype)
    rows = np.matmul(a_h, x.data.reshape(n, h, w * c)).reshape(n * h * sh, w, c)
    y = np.matmul(a_w, rows).reshape(n, h * sh, w * sw, c)

    def backward(grad):
        g_rows = np.matmul(a_w.T, grad.reshape(n * h * sh, w * sw, c))
        return (np.matmul(a_h.T, g_rows.reshape(n, h * sh, w * c)).reshape(x.shape),)

    return Tensor.from_op(y, (x,), backward, op)
