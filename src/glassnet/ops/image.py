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
from glassnet.ops.shape import reshape
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
    """Map integer indices outside [0, size) back inside; also say which were inside.

    why: folding once with ``where`` is several times cheaper than ``mod``; the general
    rule runs only when an index lies more than one period outside.
    """
    inside = (index >= 0) & (index < size)
    if fill_mode == "nearest" or fill_mode == "constant":
        return np.clip(index, 0, size - 1), inside
    if fill_mode == "wrap":  # a b c d | a b c d
        fixed = np.where(index < 0, index + size, index)
        fixed = np.where(fixed >= size, fixed - size, fixed)
    elif fill_mode == "reflect":  # d c b a | a b c d | d c b a
        fixed = np.where(index < 0, -1 - index, index)
        fixed = np.where(fixed >= size, 2 * size - 1 - fixed, fixed)
    else:  # mirror: d c b | a b c d | c b a
        fixed = np.abs(index)
        fixed = np.where(fixed >= size, 2 * size - 2 - fixed, fixed)
    if fixed.size and (fixed.min() < 0 or fixed.max() >= size):
        fixed = _fix_far(index, size, fill_mode)
    return fixed, inside


def _fix_far(index: np.ndarray, size: int, fill_mode: str) -> np.ndarray:
    """The general (periodic) rule of ``_fix_index``, for indices any distance away."""
    if fill_mode == "wrap":
        return np.mod(index, size)
    period = 2 * size if fill_mode == "reflect" else max(2 * size - 2, 1)
    fixed = np.mod(index, period)
    return np.where(fixed >= size, period - (fill_mode == "reflect") - fixed, fixed)


def _corners(x_in, y_in, height, width, interpolation, fill_mode, dtype):
    """Rows of the (N*H*W, C) image table each output pixel blends, with their weights.

    Returns ``rows`` (K, N, H, W) integer, ``weights`` (K, N, H, W) and ``inside``
    (K, N, H, W) bool, with K = 4 bilinear corners (or 1 nearest pixel).
    """
    n = x_in.shape[0]
    itype = np.int32 if n * height * width < 2**31 else np.int64
    base = np.arange(n, dtype=itype)[:, None, None] * height
    if interpolation == "nearest":
        ix, inside_x = _fix_index(np.rint(x_in).astype(itype), width, fill_mode)
        iy, inside_y = _fix_index(np.rint(y_in).astype(itype), height, fill_mode)
        rows = ((base + iy) * width + ix)[None]
        return rows, np.ones(rows.shape, dtype), (inside_x & inside_y)[None]
    x0, y0 = np.floor(x_in), np.floor(y_in)
    fx, fy = (x_in - x0).astype(dtype), (y_in - y0).astype(dtype)
    x0, y0 = x0.astype(itype), y0.astype(itype)
    xs = [_fix_index(x0, width, fill_mode), _fix_index(x0 + 1, width, fill_mode)]
    ys = [_fix_index(y0, height, fill_mode), _fix_index(y0 + 1, height, fill_mode)]
    wx, wy = [1 - fx, fx], [1 - fy, fy]
    rows = np.empty((4, *x_in.shape), itype)
    weights = np.empty((4, *x_in.shape), dtype)
    inside = np.empty((4, *x_in.shape), bool)
    for k, (j, i) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):  # (y, x) corner offsets
        (iy, in_y), (ix, in_x) = ys[j], xs[i]
        np.add((base + iy) * width, ix, out=rows[k])
        np.multiply(wy[j], wx[i], out=weights[k])
        np.logical_and(in_y, in_x, out=inside[k])
    return rows, weights, inside


def _gather_rows(table: Tensor, rows: np.ndarray) -> Tensor:
    """``table[rows]`` for a 2-D table: a gather forward, a scatter-add backward.

    Math:
        y[k]          = table[rows[k]]
        dL/dtable[r]  = sum of dL/dy[k] over every k with rows[k] == r

    why: ``np.take`` is several times faster than fancy indexing, and one ``bincount`` per
    channel several times faster than ``np.add.at`` (a loop over channels, not pixels).
    """
    y = np.take(table.data, rows, axis=0)

    def backward(grad):
        flat_rows = rows.reshape(-1)
        if not table.shape[1]:  # no channels: nothing to scatter (and nothing to stack)
            return (np.zeros(table.shape, grad.dtype),)
        flat_grad = grad.reshape(flat_rows.size, table.shape[1])
        columns = [
            np.bincount(flat_rows, weights=flat_grad[:, c], minlength=table.shape[0])
            for c in range(table.shape[1])
        ]
        return (np.stack(columns, axis=1).astype(grad.dtype, copy=False),)

    return Tensor.from_op(y, (table,), backward, "gather_rows")


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
    dtype = images.dtype
    rows, weights, inside = _corners(x_in, y_in, height, width, interpolation, fill_mode, dtype)
    if fill_mode == "constant":
        fill = (weights * ~inside).sum(axis=0)[..., None] * dtype.type(fill_value)
        weights = weights * inside
    picked = _gather_rows(reshape(images, (n * height * width, channels)), rows)
    out = reduce_sum(multiply(picked, weights[..., None]), axis=0)
    if fill_mode == "constant" and fill_value != 0:
        out = add(out, fill)
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
