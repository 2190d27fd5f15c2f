"""Sliding windows over channels-last images: argument checks, padding, im2col and col2im.

Every convolution and pooling op works on 2-D images ``(N, H, W, C)``; the 1-D ops view a
sequence ``(N, W, C)`` as an image of height 1. Two raw-array helpers do the heavy lifting,
both whole-array NumPy with at most one Python loop over the kernel offsets:

- ``im2col`` copies every window into one row of a matrix, ``(N*Ho*Wo, KH*KW*C)``, so a
  convolution is a single matrix product with the kernel reshaped to ``(KH*KW*C, O)``;
- ``col2im`` is its adjoint: it adds each kernel offset's block of values back to the input
  positions that offset read (overlapping windows add up).

Padding arithmetic follows TensorFlow/Keras: ``'same'`` pads ``total = max((ceil(n/s) - 1) * s
+ k_eff - n, 0)`` with ``total // 2`` before and the rest after (the extra one goes after),
where ``k_eff = (k - 1) * d + 1`` is the dilated kernel size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.errors import ConfigError, ShapeError

Pads = tuple[tuple[int, int], ...]


def is_int(value: Any) -> bool:
    """True for an int (NumPy integers included), never for a bool."""
    # why: the same test as glassnet._constraints.is_int, without importing that module
    # when `import glassnet` loads the ops.
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def int_tuple(op: str, name: str, value: Any, rank: int, minimum: int = 1) -> tuple[int, ...]:
    """``value`` (an int or ``rank`` ints, each >= ``minimum``) as a tuple of ``rank`` ints.

    Raises:
        ConfigError: ``conv2d: expected strides as an int or 2 ints >= 1, got (0, 1).``
    """
    items = (value,) * rank if is_int(value) else value
    if (
        not isinstance(items, (tuple, list))
        or len(items) != rank
        or not all(is_int(v) and v >= minimum for v in items)
    ):
        raise ConfigError(
            f"{op}: expected {name} as an int or {rank} ints >= {minimum}, got {value!r}. "
            f"For example {name}={max(minimum, 1)} or {name}={(max(minimum, 1),) * rank}."
        )
    return tuple(int(v) for v in items)


def check_rank(op: str, name: str, shape: tuple[int, ...], rank: int, layout: str) -> None:
    """Raise a ShapeError unless ``shape`` has ``rank`` axes (``layout`` names them)."""
    if len(shape) != rank:
        raise ShapeError(
            f"{op}: expected {name} of rank {rank} {layout}, got shape {shape} (rank "
            f"{len(shape)}). Reshape it, e.g. add a batch or channel axis with x[None] or "
            "x[..., None]."
        )


def same_pads(size: int, k_eff: int, stride: int) -> tuple[int, int]:
    """TF/Keras 'same' padding of one axis: (before, after), the extra one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k_eff - size, 0)
    return total // 2, total - total // 2


def resolve_pads(
    op: str,
    padding: Any,
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> Pads:
    """``padding`` as one (before, after) pair per spatial axis.

    ``padding`` is ``'valid'``, ``'same'``, ``'causal'`` (1-D only: ``k_eff - 1`` before), an
    int (the same on every side), or one int or (before, after) pair per spatial axis.
    """
    rank = len(sizes)
    k_eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return ((0, 0),) * rank
        if mode == "same":
            return tuple(same_pads(n, k, s) for n, k, s in zip(sizes, k_eff, strides))
        if mode == "causal" and rank == 1:
            return ((k_eff[0] - 1, 0),)
        raise _padding_error(op, padding, rank)
    return _explicit_pads(op, padding, rank)


def _padding_error(op: str, padding: Any, rank: int) -> ConfigError:
    causal = ", 'causal'" if rank == 1 else ""
    return ConfigError(
        f"{op}: expected padding 'valid', 'same'{causal}, an int >= 0 or {rank} ints or "
        f"(before, after) pairs, got {padding!r}."
    )


def _explicit_pads(op: str, padding: Any, rank: int) -> Pads:
    items = (padding,) * rank if is_int(padding) else padding
    pads = []
    if isinstance(items, (tuple, list)) and len(items) == rank:
        for item in items:
            pair = (item, item) if is_int(item) else item
            if (
                isinstance(pair, (tuple, list))
                and len(pair) == 2
                and all(is_int(v) and v >= 0 for v in pair)
            ):
                pads.append((int(pair[0]), int(pair[1])))
    if len(pads) != rank:
        raise _padding_error(op, padding, rank)
    return tuple(pads)


def output_sizes(
    op: str,
    sizes: Sequence[int],
    pads: Pads,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> tuple[int, ...]:
    """Spatial output sizes ``(n + before + after - k_eff) // s + 1``; ShapeError if < 1."""
    out = []
    for n, (lo, hi), k, s, d in zip(sizes, pads, kernel, strides, dilations):
        k_eff = (k - 1) * d + 1
        if n + lo + hi < k_eff:
            raise ShapeError(
                f"{op}: the window (size {k}, dilation {d}: {k_eff} positions) is larger than "
                f"the padded input ({n} + {lo + hi} padding = {n + lo + hi}) on a spatial axis "
                f"of input sizes {tuple(sizes)}. Use padding='same', a smaller kernel or a "
                "larger input."
            )
        out.append((n + lo + hi - k_eff) // s + 1)
    return tuple(out)


def pad_image(x: np.ndarray, pads: Pads, value: float = 0.0) -> np.ndarray:
    """``x`` (N, H, W, C) with ``pads`` ((top, bottom), (left, right)) of ``value`` around it."""
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    xp = np.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    xp[:, top : top + h, left : left + w] = x
    return xp


def crop_image(xp: np.ndarray, pads: Pads, shape: tuple[int, ...]) -> np.ndarray:
    """The inverse of ``pad_image``: the (N, H, W, C) block of ``xp`` inside the padding."""
    (top, _), (left, _) = pads
    return xp[:, top : top + shape[1], left : left + shape[2]]


def window(
    xp: np.ndarray, i: int, j: int, out_hw: Sequence[int], strides: Sequence[int],
    dilations: Sequence[int],
) -> np.ndarray:  # fmt: skip
    """The view of ``xp`` that kernel offset (i, j) reads for every output position."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, strides, dilations
    top, left = i * dh, j * dw
    return xp[:, top : top + sh * (ho - 1) + 1 : sh, left : left + sw * (wo - 1) + 1 : sw]


def im2col(
    xp: np.ndarray, kernel_hw: Sequence[int], out_hw: Sequence[int], strides: Sequence[int],
    dilations: Sequence[int],
) -> np.ndarray:  # fmt: skip
    """Every window of the padded image ``xp`` as one row of a matrix.

    Math:
        cols[(n, p, q), (i, j, c)] = xp[n, p*sh + i*dh, q*sw + j*dw, c]

    Shape:
        xp: (N, Hp, Wp, C).  Returns: (N*Ho*Wo, KH*KW*C).

    why: a copy runs at memory speed only when its innermost run is long. A window row
    holds KW*C values side by side in ``xp``, long enough for most layers; with 1 to 4
    channels (the first layer) the copy goes channel by channel instead, in runs of Wo
    values, into a (KH*KW*C, N*Ho*Wo) array returned transposed (a free view).
    """
    n, _, _, c = xp.shape
    (kh, kw), (ho, wo), (sh, sw), (dh, dw) = kernel_hw, out_hw, strides, dilations
    if c <= 4:
        planes = np.ascontiguousarray(np.moveaxis(xp, -1, 0))  # (C, N, Hp, Wp)
        p_c, p_n, p_h, p_w = planes.strides
        view = as_strided(
            planes, (kh, kw, c, n, ho, wo), (p_h * dh, p_w * dw, p_c, p_n, p_h * sh, p_w * sw),
            writeable=False,
        )  # fmt: skip
        return np.ascontiguousarray(view).reshape(kh * kw * c, n * ho * wo).T
    s_n, s_h, s_w, s_c = xp.strides
    view = as_strided(
        xp, (n, ho, wo, kh, kw, c), (s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c),
        writeable=False,
    )  # fmt: skip
    return np.ascontiguousarray(view).reshape(n * ho * wo, kh * kw * c)


def col2im(
    blocks: np.ndarray, out: np.ndarray, kernel_hw: Sequence[int], out_hw: Sequence[int],
    strides: Sequence[int], dilations: Sequence[int],
) -> np.ndarray:  # fmt: skip
    """The adjoint of ``im2col``: add each kernel offset's block back where it was read.

    Math:
        out[n, p*sh + i*dh, q*sw + j*dw, c] += blocks[i*KW + j, n, p, q, c]   for all i, j, p, q

    Shape:
        blocks: (KH*KW, N, Ho, Wo, C), one block per kernel offset (row-major over i, j).
        out: (N, Hp, Wp, C), added to in place (pass zeros) and returned.

    why: one contiguous block per offset keeps NumPy's inner loop long (a row of Wo*C
    values) instead of C values at a time; that makes this 2-3x faster than scattering the
    (N, Ho, Wo, KH, KW, C) layout.
    """
    kh, kw = kernel_hw
    for i in range(kh):
        for j in range(kw):
            target = window(out, i, j, out_hw, strides, dilations)
            np.add(target, blocks[i * kw + j], out=target)
    return out
