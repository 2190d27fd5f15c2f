"""The raw-array core of convolution: im2col and a GEMM per pass, shared by conv1d, conv2d
and their transpose. Nothing here knows about Tensors; ``glassnet.ops.conv`` wraps it into ops.

Shapes (channels-last, G groups, C = G * Cg input and O = G * Og output channels):
    x: (N, H, W, C).  kernel: (KH, KW, Cg, O).  y: (N, Ho, Wo, O).  M = N * Ho * Wo.

Forward (cross-correlation, as Keras and PyTorch):
    cols = im2col(pad(x))                       (M, KH*KW*Cg) per group
    y    = cols @ kernel.reshape(KH*KW*Cg, Og)  per group (one batched GEMM when G > 1)
Backward, with g = dL/dy as (M, O):
    dL/dkernel = cols^T @ g                     per group
    dL/dx      = crop(col2im(g @ kernel^T))     (KH*KW blocks of (M, Cg), one per offset)
Without groups, each pass runs block by block over the batch (``_BLOCK_BYTES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.ops._im2col import Pads, col2im, crop_image, im2col, pad_image

# why: the GEMMs run over blocks of samples whose window matrix is about 1 MB, so it is
# still in cache when the GEMM reads it; one (N*Ho*Wo, KH*KW*C) matrix for the whole batch
# goes out to memory and back, which made a 32x30x30x32 layer about 1.7x slower (fwd+bwd).
# Small layers fit in one block. The loop runs over cache blocks, never one sample at a time
# unless one sample's windows alone fill the budget.
_BLOCK_BYTES = 1 << 20


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


def _sample_blocks(n: int, rows_per_sample: int, row_bytes: int) -> list[slice]:
    """Slices of the batch whose window matrices take about ``_BLOCK_BYTES`` each."""
    per = max(1, _BLOCK_BYTES // max(rows_per_sample * row_bytes, 1))
    return [slice(start, min(start + per, n)) for start in range(0, n, per)]


def conv_forward(
    x: np.ndarray, kernel: np.ndarray, geo: Geometry, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as an (M, O) matrix, and the padded input the backward pass reads again."""
    xp = pad_image(x, geo.pads)
    kh, kw, cg, o = kernel.shape
    if groups > 1:
        k3 = kernel.reshape(kh * kw * cg, groups, o // groups).transpose(1, 0, 2)
        y3 = np.matmul(_grouped_cols(xp, geo, groups), k3)  # (G, M, Og)
        return y3.transpose(1, 0, 2).reshape(y3.shape[1], o), xp
    (ho, wo), n = geo.out_hw, xp.shape[0]
    k2 = kernel.reshape(kh * kw * cg, o)  # NOTE: explicit sizes: -1 fails when o == 0
    y2 = np.empty((n * ho * wo, o), dtype=np.result_type(xp, kernel))
    for block in _sample_blocks(n, ho * wo, k2.shape[0] * xp.itemsize):
        cols = im2col(xp[block], geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)
        np.matmul(cols, k2, out=y2[block.start * ho * wo : block.stop * ho * wo])
    return y2, xp


def conv_backward(
    g2: np.ndarray, xp: np.ndarray, kernel: np.ndarray, x_shape: tuple[int, ...],
    geo: Geometry, groups: int, need_x: bool, need_kernel: bool,
) -> tuple[np.ndarray | None, np.ndarray | None]:  # fmt: skip
    """(dL/dx as (N, H, W, C), dL/dkernel in the kernel's layout); None where not needed.

    Block by block: the windows are copied again (cheaper than keeping them: they are
    KH*KW times the input) for ``cols^T @ g``, and ``g @ kernel^T`` is added back by col2im.
    """
    if groups > 1:
        return _grouped_backward(g2, xp, kernel, x_shape, geo, groups, need_x, need_kernel)
    kh, kw, cg, o = kernel.shape
    (ho, wo), n = geo.out_hw, xp.shape[0]
    kt = kernel.reshape(kh * kw, cg, o).transpose(0, 2, 1)  # (KH*KW, O, C)
    grad_k = np.zeros((kh * kw * cg, o), dtype=g2.dtype) if need_kernel else None
    grad_xp = np.zeros(xp.shape, dtype=g2.dtype) if need_x else None
    for block in _sample_blocks(n, ho * wo, kh * kw * cg * xp.itemsize):
        g_block = g2[block.start * ho * wo : block.stop * ho * wo]
        if need_kernel:
            cols = im2col(xp[block], geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)
            grad_k += cols.T @ g_block
        if need_x:
            size = block.stop - block.start
            pieces = np.matmul(g_block, kt).reshape(kh * kw, size, ho, wo, cg)
            col2im(pieces, grad_xp[block], geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)
    grad_x = None if grad_xp is None else crop_image(grad_xp, geo.pads, x_shape)
    return grad_x, None if grad_k is None else grad_k.reshape(kernel.shape)


def _grouped_backward(
    g2: np.ndarray, xp: np.ndarray, kernel: np.ndarray, x_shape: tuple[int, ...],
    geo: Geometry, groups: int, need_x: bool, need_kernel: bool,
) -> tuple[np.ndarray | None, np.ndarray | None]:  # fmt: skip
    """``conv_backward`` with groups: batched GEMMs over the groups, the whole batch at once."""
    kh, kw, cg, o = kernel.shape
    og, n, (ho, wo) = o // groups, x_shape[0], geo.out_hw
    gg = g2.reshape(g2.shape[0], groups, og).transpose(1, 0, 2)  # (G, M, Og)
    grad_x = grad_k = None
    if need_kernel:
        cols = _grouped_cols(xp, geo, groups)
        gk = np.matmul(cols.transpose(0, 2, 1), gg)  # (G, KH*KW*Cg, Og)
        grad_k = gk.transpose(1, 0, 2).reshape(kernel.shape)
    if need_x:
        k3 = kernel.reshape(kh * kw * cg, groups, og).transpose(1, 2, 0)  # (G, Og, KH*KW*Cg)
        gc = np.matmul(gg, k3).reshape(groups, n, ho, wo, kh * kw, cg)
        pieces = gc.transpose(4, 1, 2, 3, 0, 5).reshape(kh * kw, n, ho, wo, groups * cg)
        grad_xp = np.zeros(xp.shape, dtype=g2.dtype)
        col2im(pieces, grad_xp, geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)
        grad_x = crop_image(grad_xp, geo.pads, x_shape)
    return grad_x, grad_k


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
    blocks = np.matmul(x.reshape(n * h * w, c), kt).reshape(kh * kw, n, h, w, o)
    full = np.zeros(full_shape, dtype=blocks.dtype)
    return col2im(blocks, full, geo.kernel_hw, geo.out_hw, geo.strides, geo.dilations)


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
