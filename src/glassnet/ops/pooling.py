"""Pooling ops, channels-last: max_pool1d/2d and avg_pool1d/2d with Keras's arguments
(``pool_size=2``, ``strides=None`` meaning ``pool_size``, ``padding='valid'|'same'``).

Both loop over the pool's offsets (4 for a 2x2 pool), never over pixels: each offset is one
strided view of the padded input (``_im2col.window``), compared or added whole-array.

'same' padding follows TF/Keras: max pooling never picks a padded value (pads are -inf), and
average pooling divides by the number of real values in each window, not by the pool size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.ops._conv_core import Geometry
from glassnet.ops._im2col import (
    check_rank,
    crop_image,
    int_tuple,
    output_sizes,
    pad_image,
    resolve_pads,
    window,
)
from glassnet.tensor import Tensor, as_tensor

__all__ = ["avg_pool1d", "avg_pool2d", "max_pool1d", "max_pool2d"]


def _pool_geometry(
    op: str, x: Tensor, rank: int, pool_size: Any, strides: Any, padding: Any
) -> Geometry:
    """Check a pool's arguments; return its 2-D geometry (1-D pools get height 1)."""
    check_rank(op, "input", x.shape, rank + 2, "(N, W, C)" if rank == 1 else "(N, H, W, C)")
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ConfigError(f"{op}: expected padding 'valid' or 'same', got {padding!r}.")
    pool = int_tuple(op, "pool_size", pool_size, rank)
    strides = pool if strides is None else int_tuple(op, "strides", strides, rank)
    ones = (1,) * rank
    sizes = x.shape[1:-1]
    pads = resolve_pads(op, padding, sizes, pool, strides, ones)
    out = output_sizes(op, sizes, pads, pool, strides, ones)
    if rank == 1:
        return Geometry((1,) + pool, (1,) + out, (1,) + strides, (1, 1), ((0, 0),) + pads)
    return Geometry(pool, out, strides, (1, 1), pads)


def _offsets(geo: Geometry) -> list[tuple[int, int]]:
    kh, kw = geo.kernel_hw
    return [(i, j) for i in range(kh) for j in range(kw)]


def _as_image(x: np.ndarray) -> np.ndarray:
    return x if x.ndim == 4 else x[:, None]


def _max_pool(op: str, x: Tensor, geo: Geometry) -> Tensor:
    """One max-pool node; ties go to the first offset in row-major order, as in PyTorch.

    why: plain ufuncs only. ``np.copyto(..., where=)`` and ``np.where`` on these strided
    views cost about 10x a ``np.maximum``, so the maximum is a chain of ``np.maximum`` and
    the backward rebuilds each offset's first-maximum mask with boolean ops.
    """
    x4 = _as_image(x.data)
    xp = pad_image(x4, geo.pads, -np.inf)
    views = [window(xp, i, j, geo.out_hw, geo.strides, geo.dilations) for i, j in _offsets(geo)]
    y = views[0].copy()
    for view in views[1:]:
        np.maximum(y, view, out=y)
    overlapping = any(s < k for s, k in zip(geo.strides, geo.kernel_hw))

    def backward(grad):
        g4 = _as_image(grad)
        grad_xp = np.zeros(xp.shape, dtype=grad.dtype)
        taken = None
        for (i, j), view in zip(_offsets(geo), views):
            first = view == y  # this offset holds the maximum ...
            if taken is None:
                taken = first.copy()
            else:
                first &= ~taken  # ... and no earlier offset did
                taken |= first
            target = window(grad_xp, i, j, geo.out_hw, geo.strides, geo.dilations)
            if overlapping:
                target += g4 * first
            else:
                np.multiply(g4, first, out=target)
        return (crop_image(grad_xp, geo.pads, x4.shape).reshape(x.shape),)

    return Tensor.from_op(y.reshape(_out_shape(x, y)), (x,), backward, op)


def _window_counts(geo: Geometry, sizes: tuple[int, int]) -> np.ndarray | float:
    """How many real (unpadded) values each window holds: (Ho, Wo, 1), or a float if all."""
    if not any(lo or hi for lo, hi in geo.pads):
        return float(geo.kernel_hw[0] * geo.kernel_hw[1])
    per_axis = []
    for n, k, s, (lo, _), out in zip(sizes, geo.kernel_hw, geo.strides, geo.pads, geo.out_hw):
        start = np.arange(out) * s - lo
        per_axis.append(np.minimum(start + k, n) - np.maximum(start, 0))
    return np.outer(per_axis[0], per_axis[1])[:, :, None]


def _avg_pool(op: str, x: Tensor, geo: Geometry) -> Tensor:
    x4 = _as_image(x.data)
    xp = pad_image(x4, geo.pads)
    offsets = _offsets(geo)
    total = None
    for i, j in offsets:
        view = window(xp, i, j, geo.out_hw, geo.strides, geo.dilations)
        total = view.copy() if total is None else np.add(total, view, out=total)
    counts = _window_counts(geo, x4.shape[1:3])
    scale = (1.0 / counts) if isinstance(counts, float) else (1.0 / counts).astype(x.dtype)
    y = total * scale
    overlapping = any(s < k for s, k in zip(geo.strides, geo.kernel_hw))

    def backward(grad):
        g4 = _as_image(grad) * scale
        grad_xp = np.zeros(xp.shape, dtype=grad.dtype)
        for i, j in offsets:
            target = window(grad_xp, i, j, geo.out_hw, geo.strides, geo.dilations)
            if overlapping:
                target += g4
            else:
                target[...] = g4
        return (crop_image(grad_xp, geo.pads, x4.shape).reshape(x.shape),)

    return Tensor.from_op(y.reshape(_out_shape(x, y)), (x,), backward, op)


def _out_shape(x: Tensor, y4: np.ndarray) -> tuple[int, ...]:
    return y4.shape if x.ndim == 4 else (y4.shape[0], y4.shape[2], y4.shape[3])


def max_pool2d(x: Any, pool_size: Any = 2, strides: Any = None, padding: str = "valid") -> Tensor:
    """Maximum over each pool_size window of channels-last images.

    Math:
        y[n, p, q, c] = max_{i, j} xp[n, p*sh + i, q*sw + j, c]     (xp: x padded with -inf)
        dL/dx = dL/dy routed to the first position that held the maximum (0 elsewhere;
                overlapping windows add up)

    Args:
        x: images (N, H, W, C).
        pool_size: an int or (ph, pw) (default 2).
        strides: an int, a pair, or None for pool_size.
        padding: ``'valid'`` or ``'same'`` (output ceil(H / sh); padding is never the maximum).

    Shape:
        Output: (N, Ho, Wo, C); valid: Ho = (H - ph) // sh + 1.

    Raises:
        ShapeError: input not of rank 4, or a pool larger than the input with 'valid'.
        ConfigError: bad pool_size, strides or padding.

    Example:
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
        >>> max_pool2d(x).numpy()[0, :, :, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)
    """
    x = as_tensor(x)
    return _max_pool(
        "max_pool2d", x, _pool_geometry("max_pool2d", x, 2, pool_size, strides, padding)
    )


def max_pool1d(x: Any, pool_size: Any = 2, strides: Any = None, padding: str = "valid") -> Tensor:
    """Maximum over each window of channels-last sequences (N, W, C); see ``max_pool2d``.

    Math:
        y[n, p, c] = max_i xp[n, p*s + i, c];  dL/dx routed to the first maximum
    """
    x = as_tensor(x)
    return _max_pool(
        "max_pool1d", x, _pool_geometry("max_pool1d", x, 1, pool_size, strides, padding)
    )


def avg_pool2d(x: Any, pool_size: Any = 2, strides: Any = None, padding: str = "valid") -> Tensor:
    """Mean over each pool_size window of channels-last images.

    Math:
        y[n, p, q, c] = sum_{i, j} xp[n, p*sh + i, q*sw + j, c] / count[p, q]
        dL/dx = dL/dy / count, spread over every position of its window (windows add up)
        count = pool area with 'valid'; with 'same' only the real (unpadded) values count,
        as in TF/Keras (PyTorch's count_include_pad=False)

    Args:
        x: images (N, H, W, C).  pool_size, strides, padding: as ``max_pool2d``.

    Shape:
        Output: (N, Ho, Wo, C), as ``max_pool2d``.

    Raises:
        ShapeError, ConfigError: as ``max_pool2d``.
    """
    x = as_tensor(x)
    return _avg_pool(
        "avg_pool2d", x, _pool_geometry("avg_pool2d", x, 2, pool_size, strides, padding)
    )


def avg_pool1d(x: Any, pool_size: Any = 2, strides: Any = None, padding: str = "valid") -> Tensor:
    """Mean over each window of channels-last sequences (N, W, C); see ``avg_pool2d``.

    Math:
        y[n, p, c] = sum_i xp[n, p*s + i, c] / count[p];  dL/dx = dL/dy / count per window
    """
    x = as_tensor(x)
    return _avg_pool(
        "avg_pool1d", x, _pool_geometry("avg_pool1d", x, 1, pool_size, strides, padding)
    )
