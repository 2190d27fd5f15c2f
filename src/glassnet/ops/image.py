"""Image geometry: ``affine_transform``, one projective grid per image, sampled in one gather.

``affine_transform`` is Keras's ``keras.ops.image.affine_transform`` for channels-last images.
It is a composite: the four bilinear corners of every output pixel are read with one
``getitem`` (integer-array gather) and blended with ``multiply`` and ``sum``, so its gradient
with respect to the images comes from theirs (the transform gets none). There is no Python
loop over images or pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops.arithmetic import add, multiply
from glassnet.ops.reduce import sum as reduce_sum
from glassnet.ops.shape import getitem, reshape
from glassnet.tensor import Tensor, as_tensor

__all__ = ["FILL_MODES", "INTERPOLATIONS", "affine_transform", "source_coordinates"]

FILL_MODES = ("constant", "nearest", "reflect", "wrap", "mirror")
INTERPOLATIONS = ("bilinear", "nearest")


def source_coordinates(transform: np.ndarray, height: int, width: int) -> tuple:
    """Where each output pixel reads from: ``(x_in, y_in)``, each of shape (N, H, W).

    Pixel centres sit at integer coordinates; x is the column, y the row (y points down).

    Math:
        k    = c0 * x + c1 * y + 1
        x_in = (a0 * x + a1 * y + a2) / k
        y_in = (b0 * x + b1 * y + b2) / k
    with ``transform[n] = [a0, a1, a2, b0, b1, b2, c0, c1]``.
    """
    t = np.asarray(transform, dtype=np.float64)[:, :, None, None]
    y = np.arange(height, dtype=np.float64)[:, None]
    x = np.arange(width, dtype=np.float64)[None, :]
    k = t[:, 6] * x + t[:, 7] * y + 1.0
    x_in = (t[:, 0] * x + t[:, 1] * y + t[:, 2]) / k
    y_in = (t[:, 3] * x + t[:, 4] * y + t[:, 5]) / k
    return x_in, y_in


def _fix_index(index: np.ndarray, size: int, fill_mode: str) -> tuple:
    """Map integer indices outside [0, size) back inside; also say which were inside."""
    inside = (index >= 0) & (index < size)
    if fill_mode == "nearest" or fill_mode == "constant":
        fixed = np.clip(index, 0, size - 1)
    elif fill_mode == "wrap":
        fixed = np.mod(index, size)
    elif fill_mode == "reflect":  # d c b a | a b c d | d c b a
        fixed = np.mod(index, 2 * size)
        fixed = np.where(fixed >= size, 2 * size - 1 - fixed, fixed)
    else:  # mirror: d c b | a b c d | c b a
        period = max(2 * (size - 1), 1)
        fixed = np.mod(index, period)
        fixed = np.where(fixed >= size, period - fixed, fixed)
    return fixed, inside


def _corners(x_in, y_in, height, width, interpolation, fill_mode):
    """Integer corners (K, N, H, W) of each sample point, with their weights and validity."""
    if interpolation == "nearest":
        xs, ys = np.rint(x_in)[None], np.rint(y_in)[None]
        weights = np.ones_like(xs)
    else:
        x0, y0 = np.floor(x_in), np.floor(y_in)
        fx, fy = x_in - x0, y_in - y0
        xs = np.stack([x0, x0 + 1, x0, x0 + 1])
        ys = np.stack([y0, y0, y0 + 1, y0 + 1])
        weights = np.stack([(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx])
    ix, inside_x = _fix_index(xs.astype(np.int64), width, fill_mode)
    iy, inside_y = _fix_index(ys.astype(np.int64), height, fill_mode)
    return ix, iy, weights, inside_x & inside_y


def affine_transform(
    images: Any,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> Tensor:
    """Apply one projective transform per image, as ``keras.ops.image.affine_transform``.

    ``transform`` maps each *output* pixel (x, y) to the *input* point it reads from (see
    ``source_coordinates``). Points that fall outside the image are filled by ``fill_mode``:

    - ``'constant'``: ``(k k k k | a b c d | k k k k)`` with k = ``fill_value``; each
      bilinear corner outside the image counts as k.
    - ``'nearest'``: ``(a a a a | a b c d | d d d d)``.
    - ``'reflect'``: ``(d c b a | a b c d | d c b a)``, about the edge of the last pixel.
    - ``'wrap'``: ``(a b c d | a b c d | a b c d)``.
    - ``'mirror'``: ``(c d c b | a b c d | c b a b)``, about the centre of the last pixel.

    Math:
        (x_in, y_in) = transform applied to (x, y)       (see source_coordinates)
        x0 = floor(x_in), fx = x_in - x0   (same for y)
        out[y, x] = (1-fy)(1-fx) img[y0, x0] + (1-fy) fx img[y0, x0+1]
                  + fy (1-fx) img[y0+1, x0] + fy fx img[y0+1, x0+1]
        dL/dimg   = each corner's weight times dL/dout, added back at that corner
                    (the transform gets no gradient)

    Args:
        images: (N, H, W, C) or one image (H, W, C).
        transform: (N, 8) or (8,) rows ``[a0, a1, a2, b0, b1, b2, c0, c1]``.
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        fill_mode: one of ``FILL_MODES`` (default ``'constant'``, as Keras).
        fill_value: the value k of ``'constant'`` mode.

    Shape:
        images: (N, H, W, C) or (H, W, C).  Output: same shape, the images' float dtype.

    Raises:
        ShapeError: for images that are not rank 3 or 4, or a transform of the wrong shape.
        ConfigError: for an unknown ``interpolation`` or ``fill_mode``.

    Example:
        >>> img = np.arange(9.0).reshape(1, 3, 3, 1)
        >>> shift_right = [1, 0, -1, 0, 1, 0, 0, 0]        # read from one column to the left
        >>> affine_transform(img, shift_right).numpy()[0, :, :, 0]
        array([[0., 0., 1.],
               [0., 3., 4.],
               [0., 6., 7.]])
    """
    images = as_tensor(images)
    if images.dtype.kind != "f":  # why: uint8 pixels would truncate the blending weights
        images = Tensor(images.data.astype(backend.floatx()))
    _check_args(images.shape, interpolation, fill_mode)
    single = images.ndim == 3
    if single:
        images = reshape(images, (1, *images.shape))
    n, height, width, channels = images.shape
    transform = _check_transform(transform, n)
    x_in, y_in = source_coordinates(transform, height, width)
    ix, iy, weights, inside = _corners(x_in, y_in, height, width, interpolation, fill_mode)
    dtype = images.dtype
    if fill_mode == "constant":
        fill = (weights * ~inside).sum(axis=0)[..., None] * fill_value
        weights = weights * inside
    flat_index = (np.arange(n)[:, None, None] * height + iy) * width + ix
    picked = getitem(reshape(images, (n * height * width, channels)), flat_index)
    out = reduce_sum(multiply(picked, weights[..., None].astype(dtype)), axis=0)
    if fill_mode == "constant" and fill_value != 0:
        out = add(out, fill.astype(dtype))
    return reshape(out, out.shape[1:]) if single else out


def _check_args(shape: tuple, interpolation: str, fill_mode: str) -> None:
    if len(shape) not in (3, 4):
        raise ShapeError(
            f"affine_transform: expected images of shape (N, H, W, C) or (H, W, C), got "
            f"{shape}. Add a channel axis to grey images: x[..., None]."
        )
    if interpolation not in INTERPOLATIONS:
        raise ConfigError(
            f"affine_transform: expected interpolation in {INTERPOLATIONS}, got {interpolation!r}."
        )
    if fill_mode not in FILL_MODES:
        raise ConfigError(
            f"affine_transform: expected fill_mode in {FILL_MODES}, got {fill_mode!r}."
        )


def _check_transform(transform: Any, n: int) -> np.ndarray:
    t = np.asarray(transform, dtype=np.float64)
    if t.ndim == 1:
        t = t[None]
    if t.ndim != 2 or t.shape[1] != 8 or t.shape[0] not in (1, n):
        raise ShapeError(
            f"affine_transform: expected a transform of shape ({n}, 8) or (8,), got "
            f"{np.shape(transform)}. Give one row [a0, a1, a2, b0, b1, b2, c0, c1] per image."
        )
    return np.broadcast_to(t, (n, 8))
