"""The raw-array core of convolution: one GEMM per pass, shared by conv1d, conv2d and their
transpose. Nothing here knows about Tensors; ``glassnet.ops.conv`` wraps it into ops.

Shapes (channels-last, G groups, C = G * Cg input and O = G * Og output channels):
    x: (N, H, W, C).  kernel: (KH, KW, Cg, O).  y: (N, Ho, Wo, O).  M = N * Ho * Wo.

Forward (cross-correlation, as Keras and PyTorch):
    cols = im2col(pad(x))                       (M, KH*KW*Cg) per group
    y    = cols @ kernel.reshape(KH*KW*Cg, Og)  per group (one batched GEMM when G > 1)
Backward, with g = dL/dy as (M, O):
    dL/dkernel = cols^T @ g                     per group
    dL/dx      = crop(col2im(g @ kernel^T))     (KH*KW blocks of (M, Cg), one per offset)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.ops._im2col import Pads, col2im, crop_image, im2col, pad_image


@dataclass(frozen=True)
class Geometry:
    """Where every window of one convolution lies: kernel, output, strides, dilation, pads."""

    kernel_hw: tuple[int, int]
    out_hw: tuple[int, int]
    strides: tuple[int, int]
    dilations: tuple[int, int]
    pads: Pads

    def padded_shape(self, x_shape: Sequence[int]) -> tuple[int, int, int, int]:
        (top, bottom), (left, right) = self.pads
        n, h, w, c = x_shape
        return (n, h + top + bottom, w + left + right, c)


def _grouped_cols(xp: np.ndarray, geo: Geometry, groups: int) -> np.ndarray:
    """im2col with the groups axis first: (G, N*Ho*Wo, KH*KW*Cg), one copy."""
    n, _, _, c = xp.shape
    cg = c // groups
    (kh, kw), (ho, wo), (sh, sw), (dh, dw) = geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations
    s_n, s_h, s_w, s_c = xp.strides
    view = as_strided(
        xp, (groups, n, ho, wo, kh, kw, cg),
        (s_c * cg, s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c), writeable=False,
    )  # fmt: skip
    return np.ascontiguousarray(view).reshape(groups, n * ho * wo, kh * kw * cg)


def conv_forward(
    x: np.ndarray, kernel: np.ndarray, geo: Geometry, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as an (M, O) matrix, and the (M, KH*KW*Cg) ``cols`` the kernel gradient needs
    ((G, M, KH*KW*Cg) with groups)."""
    xp = pad_image(x, geo.pads)
    kh, kw, cg, o = kernel.shape
    if groups == 1:
        cols = im2col(xp, geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)
        return cols @ kernel.reshape(-1, o), cols
    cols = _grouped_cols(xp, geo, groups)
    k3 = kernel.reshape(kh * kw * cg, groups, o // groups).transpose(1, 0, 2)
    y3 = np.matmul(cols, k3)  # (G, M, Og)
    return y3.transpose(1, 0, 2).reshape(-1, o), cols


def conv_grad_kernel(
    cols: np.ndarray, g2: np.ndarray, kernel_shape: tuple[int, ...], groups: int
) -> np.ndarray:
    """dL/dkernel = cols^T @ g per group, in the kernel's (KH, KW, Cg, O) layout."""
    if groups == 1:
        return (cols.T @ g2).reshape(kernel_shape)
    o = kernel_shape[-1]
    gg = g2.reshape(-1, groups, o // groups).transpose(1, 0, 2)  # (G, M, Og)
    gk = np.matmul(cols.transpose(0, 2, 1), gg)  # (G, KH*KW*Cg, Og)
    return gk.transpose(1, 0, 2).reshape(kernel_shape)


def conv_grad_input(
    g2: np.ndarray, kernel: np.ndarray, x_shape: tuple[int, ...], geo: Geometry, groups: int
) -> np.ndarray:
    """dL/dx = crop(col2im(g @ kernel^T)), as (N, H, W, C)."""
    kh, kw, cg, o = kernel.shape
    n, (ho, wo) = x_shape[0], geo.out_hw
    if groups == 1:
        kt = kernel.reshape(kh * kw, cg, o).transpose(0, 2, 1)  # (KH*KW, O, C)
        blocks = np.matmul(g2, kt).reshape(kh * kw, n, ho, wo, cg)
    else:
        og = o // groups
        gg = g2.reshape(-1, groups, og).transpose(1, 0, 2)  # (G, M, Og)
        k3 = kernel.reshape(kh * kw * cg, groups, og).transpose(1, 2, 0)  # (G, Og, KH*KW*Cg)
        gc = np.matmul(gg, k3).reshape(groups, n, ho, wo, kh * kw, cg)
        blocks = gc.transpose(4, 1, 2, 3, 0, 5).reshape(kh * kw, n, ho, wo, groups * cg)
    padded = col2im(
        blocks, geo.padded_shape(x_shape), geo.kernel_hw, geo.out_hw, geo.strides,
        geo.dilations,
    )  # fmt: skip
    return crop_image(padded, geo.pads, x_shape)


def transpose_crops(
    k_eff: int, stride: int, padding: str, output_padding: int | None
) -> tuple[int, int]:
    """Keras's transposed-convolution output window: (crop_before, crop_after).

    The full output of a transposed convolution has ``(size - 1) * stride + k_eff`` positions;
    Keras keeps the window ``[crop_before, full - crop_after)`` (a negative ``crop_after``
    appends zeros). This is Keras's JAX/TF padding rule written as crops:

        valid: pad_before = k_eff - 1,  pad_after = k_eff - 1 + output_padding
               (output_padding defaults to max(k_eff, stride) - k_eff)
        same:  total = stride + k_eff - 2                  (output_padding None)
                     = k_eff + k_eff % 2 - 2 + output_padding
               pad_before = min(ceil(total / 2), k_eff - 1),  pad_after = total - pad_before
        crop_before = k_eff - 1 - pad_before,  crop_after = k_eff - 1 - pad_after
    """
    if padding == "valid":
        extra = max(k_eff, stride) - k_eff if output_padding is None else output_padding
        before, after = k_eff - 1, k_eff - 1 + extra
    else:
        if output_padding is None:
            total = stride + k_eff - 2
        else:
            total = k_eff + k_eff % 2 - 2 + output_padding
        before = min(total // 2 + total % 2, k_eff - 1)
        after = total - before
    return k_eff - 1 - before, k_eff - 1 - after


def transpose_forward(
    x: np.ndarray, kernel: np.ndarray, geo: Geometry, full_shape: tuple[int, ...]
) -> np.ndarray:
    """The full (uncropped) transposed convolution: col2im(x @ kernel^T), (N, Hf, Wf, O).

    ``kernel`` has Keras's transposed layout (KH, KW, O, C); ``geo.out_hw`` is the input's
    (H, W): the positions of the convolution whose gradient this is.
    """
    kh, kw, o, c = kernel.shape
    n, h, w, _ = x.shape
    kt = kernel.reshape(kh * kw, o, c).transpose(0, 2, 1)  # (KH*KW, C, O)
    blocks = np.matmul(x.reshape(-1, c), kt).reshape(kh * kw, n, h, w, o)
    return col2im(blocks, full_shape, geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)


def transpose_cols(g_full: np.ndarray, geo: Geometry) -> np.ndarray:
    """The windows of the full output gradient: (N*H*W, KH*KW*O)."""
    return im2col(g_full, geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)


def fresh_padded(grad: np.ndarray, crops: Pads, full_shape: tuple[int, ...]) -> np.ndarray:
    """``grad`` placed at ``crops`` inside zeros of ``full_shape`` (the crop's adjoint)."""
    if grad.shape == tuple(full_shape):
        return grad
    out = np.zeros(full_shape, dtype=grad.dtype)
    (top, _), (left, _) = crops
    out[:, top : top + grad.shape[1], left : left + grad.shape[2]] = grad
    return out
