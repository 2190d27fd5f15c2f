"""Convolution ops, channels-last: conv1d, conv2d (strides, padding, dilation, groups) and
conv2d_transpose. Each is one graph node with one backward, computed by im2col and a GEMM
per pass (run over cache-sized blocks of the batch, see ``glassnet.ops._conv_core``); bias
and a relu/sigmoid/tanh activation can be fused in, as in ``linear``.

Keras's kernel layouts: ``(KW, C/groups, O)`` for conv1d, ``(KH, KW, C/groups, O)`` for
conv2d, ``(KH, KW, O, C)`` for conv2d_transpose. PyTorch stores ``(O, C/groups, KH, KW)``
(and ``(C, O, KH, KW)`` for the transpose), with channels-first images.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.ops._conv_core import (
    Geometry,
    conv_backward,
    conv_forward,
    fresh_padded,
    transpose_cols,
    transpose_crops,
    transpose_forward,
)
from glassnet.ops._im2col import check_rank, int_tuple, output_sizes, resolve_pads
from glassnet.ops._util import pair
from glassnet.ops.linalg import _FUSED_ACTIVATIONS, FUSED_ACTIVATIONS
from glassnet.tensor import Tensor, as_tensor

__all__ = ["conv1d", "conv2d", "conv2d_transpose"]


def _activation(op: str, activation: str | None) -> tuple:
    key = "linear" if activation is None else activation
    if key not in _FUSED_ACTIVATIONS:
        raise ConfigError(
            f"{op}: expected activation in {', '.join(FUSED_ACTIVATIONS)}, got {activation!r}. "
            "Apply other activations after the op."
        )
    return _FUSED_ACTIVATIONS[key]


def _check_channels(op: str, x_shape: tuple, k_shape: tuple, b_shape: Any, groups: Any) -> None:
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ConfigError(f"{op}: expected groups as an int >= 1, got {groups!r}.")
    c, o = x_shape[-1], k_shape[-1]
    if c % groups or o % groups:
        raise ShapeError(
            f"{op}: expected input channels ({c}) and filters ({o}) that groups={groups} "
            "divides evenly. Change groups or the number of channels."
        )
    if k_shape[-2] != c // groups:
        raise ShapeError(
            f"{op}: expected a kernel of shape (..., {c // groups}, {o}) for {c} input channels "
            f"in {groups} group(s), got kernel shape {k_shape}. The kernel's second-to-last axis "
            "must equal the input channels divided by groups."
        )
    if b_shape is not None and tuple(b_shape) != (o,):
        raise ShapeError(f"{op}: expected bias of shape ({o},), got {tuple(b_shape)}.")


def _conv_geometry(
    op: str, x: Tensor, kernel: Tensor, bias: Tensor | None, rank: int,
    strides: Any, padding: Any, dilation_rate: Any, groups: Any,
) -> Geometry:  # fmt: skip
    """Check a conv's arguments and return its 2-D geometry (1-D convs get height 1)."""
    layout = "(N, W, C)" if rank == 1 else "(N, H, W, C)"
    check_rank(op, "input", x.shape, rank + 2, layout)
    check_rank(op, "kernel", kernel.shape, rank + 2, layout.replace("N", "K", 1)[:-2] + "Cg, O)")
    _check_channels(op, x.shape, kernel.shape, None if bias is None else bias.shape, groups)
    strides = int_tuple(op, "strides", strides, rank)
    dilations = int_tuple(op, "dilation_rate", dilation_rate, rank)
    sizes, window = x.shape[1:-1], kernel.shape[:-2]
    pads = resolve_pads(op, padding, sizes, window, strides, dilations)
    out = output_sizes(op, sizes, pads, window, strides, dilations)
    if rank == 1:
        return Geometry((1,) + window, (1,) + out, (1,) + strides, (1,) + dilations,
                        ((0, 0),) + pads)  # fmt: skip
    return Geometry(window, out, strides, dilations, pads)


def _conv(
    op: str, x: Tensor, kernel: Tensor, bias: Tensor | None, geo: Geometry, groups: int,
    activation: str | None,
) -> Tensor:  # fmt: skip
    """One conv node: forward on (N, H, W, C) views of x and the kernel, backward below it."""
    forward, derivative = _activation(op, activation)
    x4 = x.data if x.ndim == 4 else x.data[:, None]
    k4 = kernel.data if kernel.ndim == 4 else kernel.data[None]
    y2, xp = conv_forward(x4, k4, geo, groups)
    if bias is not None:
        y2 += bias.data
    if forward is not None:
        y2 = forward(y2)
    spatial = geo.out_hw if x.ndim == 4 else geo.out_hw[1:]
    y = y2.reshape(x.shape[0], *spatial, k4.shape[-1])

    def backward(grad):
        g = grad if derivative is None else grad * derivative(y)
        g2 = g.reshape(y2.shape)
        grad_x, grad_k = conv_backward(
            g2, xp, k4, x4.shape, geo, groups, x.requires_grad, kernel.requires_grad
        )
        grad_x = None if grad_x is None else grad_x.reshape(x.shape)
        grad_k = None if grad_k is None else grad_k.reshape(kernel.shape)
        grad_b = None
        if bias is not None and bias.requires_grad:
            grad_b = np.ones(g2.shape[0], dtype=g2.dtype) @ g2
        return grad_x, grad_k, grad_b

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    return Tensor.from_op(y, parents, backward, op)


def conv2d(
    x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
    dilation_rate: Any = 1, groups: int = 1, activation: str | None = None,
) -> Tensor:  # fmt: skip
    """2-D convolution (cross-correlation) of channels-last images, with optional bias and a
    fused activation.

    Math:
        z[n, p, q, o] = sum_{i, j, c} xp[n, p*sh + i*dh, q*sw + j*dw, c] * kernel[i, j, c, o]
                        + bias[o]        (xp: x zero-padded; c runs over o's group)
        y     = f(z)                     (f: linear, relu, sigmoid or tanh)
        g     = dL/dy * f'(z)
        dL/dkernel[i, j, c, o] = sum_{n, p, q} xp[n, p*sh + i*dh, q*sw + j*dw, c] * g[n, p, q, o]
        dL/dx = g scattered back through the same windows (col2im), padding cut away
        dL/dbias = sum of g over N, Ho, Wo

    Args:
        x: images (N, H, W, C).
        kernel: (KH, KW, C/groups, O), Keras's layout.
        bias: (O,) or None.
        strides: an int or (sh, sw).
        padding: ``'valid'`` (none), ``'same'`` (TF/Keras: output ceil(H/sh); an odd total
            puts the extra row/column after), an int, or per-axis ints or (before, after) pairs.
        dilation_rate: an int or (dh, dw): kernel taps ``d`` apart.
        groups: split C and O into this many independent groups (C for depthwise).
        activation: ``None``/``'linear'``, ``'relu'``, ``'sigmoid'`` or ``'tanh'``, fused.

    Shape:
        Output: (N, Ho, Wo, O), Ho = (H + pad_top + pad_bottom - (KH - 1) * dh - 1) // sh + 1.

    Raises:
        ShapeError: wrong ranks, channels that do not match the kernel or groups, a bias of
            the wrong shape, or a window larger than the padded input.
        ConfigError: bad strides, dilation_rate, padding, groups or activation.

    Example:
        >>> x, k = np.ones((1, 3, 3, 1), np.float32), np.ones((2, 2, 1, 1), np.float32)
        >>> conv2d(x, k).numpy()[0, :, :, 0]
        array([[4., 4.],
               [4., 4.]], dtype=float32)
    """
    x, kernel = pair(x, kernel)
    bias = None if bias is None else as_tensor(bias, like=kernel)
    geo = _conv_geometry("conv2d", x, kernel, bias, 2, strides, padding, dilation_rate, groups)
    return _conv("conv2d", x, kernel, bias, geo, int(groups), activation)


def conv1d(
    x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
    dilation_rate: Any = 1, groups: int = 1, activation: str | None = None,
) -> Tensor:  # fmt: skip
    """1-D convolution of channels-last sequences: ``conv2d`` on images of height 1.

    Math:
        y[n, p, o] = f(sum_{i, c} xp[n, p*s + i*d, c] * kernel[i, c, o] + bias[o])
        (gradients as in conv2d)

    Args:
        x: sequences (N, W, C).  kernel: (K, C/groups, O).  bias: (O,) or None.
        padding: as conv2d, plus ``'causal'`` (``(K - 1) * d`` zeros before, none after, so
            output step t sees inputs up to t only).
        strides, dilation_rate, groups, activation: as conv2d (one int per argument).

    Shape:
        Output: (N, Wo, O), Wo = (W + pad_before + pad_after - (K - 1) * d - 1) // s + 1.

    Raises:
        ShapeError, ConfigError: as conv2d.
    """
    x, kernel = pair(x, kernel)
    bias = None if bias is None else as_tensor(bias, like=kernel)
    geo = _conv_geometry("conv1d", x, kernel, bias, 1, strides, padding, dilation_rate, groups)
    return _conv("conv1d", x, kernel, bias, geo, int(groups), activation)


def conv2d_transpose(
    x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: str = "valid",
    output_padding: Any = None, dilation_rate: Any = 1, activation: str | None = None,
) -> Tensor:  # fmt: skip
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input), with
    Keras's output sizes: ``padding='same'`` gives (H * sh, W * sw); ``'valid'`` gives
    ((H - 1) * sh + max(KH_eff, sh), ...); ``output_padding`` adds rows/columns at the end.

    Math:
        full[n, p*sh + i*dh, q*sw + j*dw, o] += x[n, p, q, c] * kernel[i, j, o, c]
        z     = full[:, crop_top : crop_top + Ho, crop_left : crop_left + Wo] + bias
        y     = f(z)                    (crops: see ``_conv_core.transpose_crops``)
        g     = dL/dy * f'(z),  G = g placed back into zeros the size of full
        dL/dx[n, p, q, c]      = sum_{i, j, o} G[n, p*sh + i*dh, q*sw + j*dw, o] * kernel[i, j, o, c]
        dL/dkernel[i, j, o, c] = sum_{n, p, q} G[n, p*sh + i*dh, q*sw + j*dw, o] * x[n, p, q, c]

    Args:
        x: images (N, H, W, C).
        kernel: (KH, KW, O, C), Keras's transposed layout (PyTorch: (C, O, KH, KW)).
        bias: (O,) or None.
        strides, dilation_rate: an int or a pair.
        padding: ``'valid'`` or ``'same'``.
        output_padding: None, an int or a pair, each < the stride on its axis.
        activation: as conv2d.

    Shape:
        Output: (N, Ho, Wo, O) as above.

    Raises:
        ShapeError: wrong ranks, a kernel whose last axis is not C, a bias of the wrong shape.
        ConfigError: bad strides, padding, output_padding, dilation_rate or activation.
    """
    op = "conv2d_transpose"
    x, kernel = pair(x, kernel)
    bias = None if bias is None else as_tensor(bias, like=kernel)
    geo, crops, full = _transpose_geometry(
        x, kernel, bias, strides, padding, output_padding, dilation_rate
    )
    forward, derivative = _activation(op, activation)
    n, h, w, c = x.shape
    (top, bottom), (left, right) = crops
    y = transpose_forward(x.data, kernel.data, geo, full)
    y = np.ascontiguousarray(y[:, top : full[1] - bottom, left : full[2] - right])
    if bias is not None:
        y += bias.data
    if forward is not None:
        y = forward(y)

    def backward(grad):
        g = grad if derivative is None else grad * derivative(y)
        cols = transpose_cols(fresh_padded(g, crops, full), geo)  # (N*H*W, KH*KW*O)
        grad_x = grad_k = grad_b = None
        if x.requires_grad:
            grad_x = (cols @ kernel.data.reshape(cols.shape[1], c)).reshape(x.shape)
        if kernel.requires_grad:
            grad_k = (cols.T @ x.data.reshape(n * h * w, c)).reshape(kernel.shape)
        if bias is not None and bias.requires_grad:
            g2 = g.reshape(math.prod(g.shape[:-1]), g.shape[-1])
            grad_b = np.ones(g2.shape[0], dtype=g2.dtype) @ g2
        return grad_x, grad_k, grad_b

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    return Tensor.from_op(y, parents, backward, op)


def _transpose_geometry(
    x: Tensor, kernel: Tensor, bias: Tensor | None, strides: Any, padding: Any,
    output_padding: Any, dilation_rate: Any,
) -> tuple[Geometry, tuple, tuple]:  # fmt: skip
    """Geometry of the conv this op transposes, the output crops, and the full buffer shape."""
    op = "conv2d_transpose"
    check_rank(op, "input", x.shape, 4, "(N, H, W, C)")
    check_rank(op, "kernel", kernel.shape, 4, "(KH, KW, O, C)")
    if kernel.shape[-1] != x.shape[-1]:
        raise ShapeError(
            f"{op}: expected a kernel of shape (KH, KW, O, {x.shape[-1]}) for {x.shape[-1]} input "
            f"channels, got {kernel.shape}. Keras's transposed kernels end with the input "
            "channels: (KH, KW, filters, C)."
        )
    o = kernel.shape[2]
    if bias is not None and bias.shape != (o,):
        raise ShapeError(f"{op}: expected bias of shape ({o},), got {bias.shape}.")
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ConfigError(f"{op}: expected padding 'valid' or 'same', got {padding!r}.")
    strides = int_tuple(op, "strides", strides, 2)
    dilations = int_tuple(op, "dilation_rate", dilation_rate, 2)
    extra = (None, None)
    if output_padding is not None:
        extra = int_tuple(op, "output_padding", output_padding, 2, minimum=0)
        if any(e >= s for e, s in zip(extra, strides)):
            raise ConfigError(
                f"{op}: expected output_padding smaller than strides {strides} on each axis, "
                f"got {extra}. Use output_padding=None for Keras's default size."
            )
    window, sizes = kernel.shape[:2], x.shape[1:3]
    crops, full = [], [x.shape[0]]
    for n, k, s, d, e in zip(sizes, window, strides, dilations, extra):
        k_eff = (k - 1) * d + 1
        before, after = transpose_crops(k_eff, s, padding.lower(), e)
        crops.append((before, after))
        full.append((n - 1) * s + k_eff - min(after, 0))
    full.append(o)
    crops = tuple((b, max(a, 0)) for b, a in crops)
    return Geometry(window, sizes, strides, dilations, ((0, 0), (0, 0))), crops, tuple(full)
