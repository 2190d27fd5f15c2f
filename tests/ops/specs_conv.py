# ruff: noqa: E501  (a table: one op per entry reads better than wrapped lines)
"""Oracle table for the convolution, pooling and upsampling ops (glassnet/ops/conv.py,
pooling.py, upsampling.py): finite differences in float64 and PyTorch in float32.

The PyTorch references are channels-first: each one permutes (N, H, W, C) to (N, C, H, W)
and back, maps Keras's kernel layout to PyTorch's, and writes TF/Keras 'same' padding as an
explicit (possibly asymmetric) ``F.pad``, computed here independently of glassnet.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from tests._oracle import Case, ErrorCase, OpSpec

_ACT = {None: lambda z: z, "linear": lambda z: z, "relu": torch.relu,
        "sigmoid": torch.sigmoid, "tanh": torch.tanh}  # fmt: skip


def _pair(v, rank):
    return (v,) * rank if isinstance(v, int) else tuple(v)


def _tf_same(n, k, s, d):
    """TF's 'same' padding for one axis: (before, after), the odd one after."""
    k_eff = (k - 1) * d + 1
    total = max((math.ceil(n / s) - 1) * s + k_eff - n, 0)
    return total // 2, total - total // 2


def _pads(padding, sizes, kernel, strides, dilations):
    if padding == "valid":
        return [(0, 0)] * len(sizes)
    if padding == "same":
        return [_tf_same(n, k, s, d) for n, k, s, d in zip(sizes, kernel, strides, dilations)]
    if padding == "causal":
        return [((kernel[0] - 1) * dilations[0], 0)]
    if isinstance(padding, int):
        return [(padding, padding)] * len(sizes)
    return [(p, p) if isinstance(p, int) else tuple(p) for p in padding]


def _torch_pad(x_cf, pads, value=0.0):
    """F.pad of a channels-first tensor with one (before, after) pair per spatial axis."""
    flat = [v for pair in reversed(pads) for v in pair]
    return F.pad(x_cf, flat, value=value)


def _torch_conv(
    x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1, activation=None
):
    rank = x.ndim - 2
    strides, dilations = _pair(strides, rank), _pair(dilation_rate, rank)
    pads = _pads(padding, x.shape[1:-1], kernel.shape[:-2], strides, dilations)
    x_cf = _torch_pad(torch.movedim(x, -1, 1), pads)
    weight = kernel.permute(-1, -2, *range(rank))  # (K..., Cg, O) -> (O, Cg, K...)
    conv = F.conv1d if rank == 1 else F.conv2d
    y = conv(x_cf, weight, bias, stride=strides, dilation=dilations, groups=groups)
    return _ACT[activation](torch.movedim(y, 1, -1))


def _keras_transpose_size(n, k, s, d, padding, output_padding):
    """keras.src.backend.common.backend_utils._get_output_shape_given_tf_padding."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        return (n - 1) * s + k_eff + extra
    return n * s if output_padding is None else (n - 1) * s + k_eff % 2 + output_padding


def _torch_conv_transpose(
    x,
    kernel,
    bias=None,
    strides=1,
    padding="valid",
    output_padding=None,
    dilation_rate=1,
    activation=None,
):
    """TF's definition: the input gradient of conv2d(padding) over an input of Keras's size.

    PyTorch's full transposed convolution is that gradient before the padding is cut away:
    extend it with zeros where the conv never read, then cut TF's 'same' (or no) padding.
    """
    strides, dilations = _pair(strides, 2), _pair(dilation_rate, 2)
    extra = (None, None) if output_padding is None else _pair(output_padding, 2)
    weight = kernel.permute(3, 2, 0, 1)  # (KH, KW, O, C) -> (C, O, KH, KW)
    full = F.conv_transpose2d(x.permute(0, 3, 1, 2), weight, stride=strides, dilation=dilations)
    window = []
    for axis, (n, k, s, d, e) in enumerate(
        zip(x.shape[1:3], kernel.shape[:2], strides, dilations, extra)
    ):
        size = _keras_transpose_size(n, k, s, d, padding, e)
        before = 0 if padding == "valid" else _tf_same(size, k, s, d)[0]
        have = full.shape[2 + axis]
        if before + size > have:
            pad = [0, 0, 0, 0]
            pad[1 if axis == 1 else 3] = before + size - have
            full = F.pad(full, pad)
        window.append(slice(before, before + size))
    y = full[:, :, window[0], window[1]].permute(0, 2, 3, 1)
    return _ACT[activation](y if bias is None else y + bias)


def _torch_max_pool(x, pool_size=2, strides=None, padding="valid"):
    rank = x.ndim - 2
    pool = _pair(pool_size, rank)
    strides = pool if strides is None else _pair(strides, rank)
    pads = _pads(padding, x.shape[1:-1], pool, strides, (1,) * rank)
    x_cf = _torch_pad(torch.movedim(x, -1, 1), pads, value=-math.inf)
    pool_fn = F.max_pool1d if rank == 1 else F.max_pool2d
    return torch.movedim(pool_fn(x_cf, pool, strides), 1, -1)


def _torch_avg_pool(x, pool_size=2, strides=None, padding="valid"):
    """Sum of real values / number of real values in each window (TF's 'same' average)."""
    rank = x.ndim - 2
    pool = _pair(pool_size, rank)
    strides = pool if strides is None else _pair(strides, rank)
    pads = _pads(padding, x.shape[1:-1], pool, strides, (1,) * rank)
    x_cf = torch.movedim(x, -1, 1)
    pool_fn = F.avg_pool1d if rank == 1 else F.avg_pool2d
    total = pool_fn(_torch_pad(x_cf, pads), pool, strides) * math.prod(pool)
    count = pool_fn(_torch_pad(torch.ones_like(x_cf), pads), pool, strides) * math.prod(pool)
    return torch.movedim(total / count, 1, -1)


def _torch_upsampling(x, size=2, interpolation="nearest"):
    scale = _pair(size, 2)
    extra = {} if interpolation == "nearest" else {"align_corners": False}
    y = F.interpolate(x.permute(0, 3, 1, 2), scale_factor=scale, mode=interpolation, **extra)
    return y.permute(0, 2, 3, 1)


SPECS = [
    OpSpec("conv2d", ops.conv2d, _torch_conv,
           [Case((2, 5, 6, 3), (3, 3, 3, 4), (4,)),
            Case((2, 5, 6, 6), (3, 3, 6, 4), (4,)),  # C > 4: windows copied row by row
            Case((2, 7, 6, 5), (3, 2, 5, 3), strides=2, padding="same", activation="relu"),
            Case((1, 7, 7, 8), (3, 3, 8, 2), dilation_rate=2, padding="same"),
            Case((2, 5, 5, 2), (2, 2, 2, 3)),
            Case((1, 1, 1, 3), (1, 1, 3, 2), (2,)),
            Case((2, 7, 6, 2), (3, 3, 2, 3), (3,), strides=2),
            Case((2, 7, 8, 2), (3, 2, 2, 3), strides=(2, 3)),
            Case((2, 5, 6, 2), (3, 3, 2, 3), (3,), padding="same"),
            Case((2, 6, 5, 2), (2, 2, 2, 3), padding="same"),
            Case((1, 7, 8, 2), (4, 3, 2, 2), (2,), strides=2, padding="same"),
            Case((1, 7, 7, 2), (3, 3, 2, 2), strides=(1, 3), padding="same"),
            Case((2, 7, 8, 2), (3, 3, 2, 3), dilation_rate=2),
            Case((1, 6, 7, 2), (2, 3, 2, 2), (2,), dilation_rate=(2, 1), padding="same"),
            Case((1, 9, 9, 2), (3, 3, 2, 2), strides=2, dilation_rate=2),
            Case((2, 5, 5, 4), (3, 3, 2, 6), (6,), groups=2),
            Case((2, 5, 5, 3), (3, 3, 1, 6), (6,), groups=3, padding="same"),
            Case((1, 6, 6, 4), (2, 2, 1, 4), groups=4, strides=2),
            Case((2, 4, 5, 2), (3, 3, 2, 2), padding=1),
            Case((2, 4, 5, 2), (2, 3, 2, 2), padding=((1, 0), (0, 2))),
            Case((2, 5, 5, 2), (3, 3, 2, 3), (3,), activation="relu"),
            Case((2, 5, 5, 2), (3, 3, 2, 3), (3,), activation="sigmoid", padding="same"),
            Case((2, 5, 5, 2), (3, 3, 2, 3), activation="tanh", strides=2)],
           errors=[ErrorCase(((2, 5, 5), (3, 3, 5, 4)), {}, ShapeError, r"conv2d: expected input of rank 4 \(N, H, W, C\), got shape \(2, 5, 5\)"),
                   ErrorCase(((1, 5, 5, 2), (3, 3, 2)), {}, ShapeError, r"conv2d: expected kernel of rank 4"),
                   ErrorCase(((1, 5, 5, 3), (3, 3, 2, 4)), {}, ShapeError, r"conv2d: expected a kernel of shape \(\.\.\., 3, 4\) for 3 input channels"),
                   ErrorCase(((1, 5, 5, 4), (3, 3, 2, 3)), {"groups": 2}, ShapeError, r"conv2d: expected input channels \(4\) and filters \(3\) that groups=2 divides"),
                   ErrorCase(((1, 2, 2, 1), (3, 3, 1, 1)), {}, ShapeError, r"conv2d: the window \(size 3, dilation 1: 3 positions\) is larger than the padded input"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"dilation_rate": 3}, ShapeError, r"conv2d: the window \(size 3, dilation 3: 7 positions\)"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 2), (3,)), {}, ShapeError, r"conv2d: expected bias of shape \(2,\), got \(3,\)"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"padding": "full"}, ConfigError, r"conv2d: expected padding 'valid', 'same', an int"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"padding": "causal"}, ConfigError, r"conv2d: expected padding 'valid', 'same'"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"strides": 0}, ConfigError, r"conv2d: expected strides as an int or 2 ints >= 1, got 0"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"strides": (1, 2, 1)}, ConfigError, r"conv2d: expected strides as an int or 2 ints"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"groups": 0}, ConfigError, r"conv2d: expected groups as an int >= 1"),
                   ErrorCase(((1, 5, 5, 1), (3, 3, 1, 1)), {"activation": "softmax"}, ConfigError, r"conv2d: expected activation in linear, relu")]),
    OpSpec("conv1d", ops.conv1d, _torch_conv,
           [Case((2, 9, 3), (3, 3, 4), (4,)),
            Case((2, 10, 1), (5, 1, 3), (3,), strides=2),
            Case((2, 9, 6), (3, 6, 4), (4,), padding="same"),
            Case((2, 8, 2), (4, 2, 3), padding="same"),
            Case((2, 9, 2), (3, 2, 2), (2,), padding="same", strides=2),
            Case((2, 8, 2), (3, 2, 3), (3,), padding="causal", dilation_rate=2),
            Case((2, 8, 2), (3, 2, 2), padding=1, strides=2),
            Case((2, 8, 4), (3, 1, 4), groups=4, activation="relu")],
           errors=[ErrorCase(((2, 8, 2, 1), (3, 2, 2)), {}, ShapeError, r"conv1d: expected input of rank 3 \(N, W, C\)"),
                   ErrorCase(((2, 8, 3), (3, 2, 2)), {}, ShapeError, r"conv1d: expected a kernel of shape \(\.\.\., 3, 2\)"),
                   ErrorCase(((2, 2, 1), (5, 1, 1)), {}, ShapeError, r"conv1d: the window \(size 5")]),
    OpSpec("conv2d_transpose", ops.conv2d_transpose, _torch_conv_transpose,
           [Case((2, 3, 4, 3), (3, 3, 2, 3), (2,)),
            Case((1, 3, 3, 2), (3, 3, 6, 2), (6,), strides=2),  # O > 4
            Case((1, 3, 4, 5), (3, 3, 7, 5), padding="same", strides=(2, 1)),
            Case((2, 3, 3, 2), (3, 3, 2, 2), strides=2),
            Case((1, 3, 4, 2), (2, 2, 3, 2), (3,), strides=2),
            Case((1, 3, 3, 2), (2, 2, 2, 2), strides=3),
            Case((2, 3, 4, 2), (3, 3, 2, 2), (2,), padding="same"),
            Case((1, 3, 4, 2), (3, 3, 2, 2), strides=2, padding="same"),
            Case((1, 3, 3, 2), (4, 4, 2, 2), strides=2, padding="same"),
            Case((1, 3, 4, 2), (3, 2, 2, 2), strides=(2, 3), padding="same"),
            Case((1, 3, 3, 2), (3, 3, 2, 2), strides=2, output_padding=1),
            Case((1, 3, 3, 2), (3, 3, 2, 2), strides=2, padding="same", output_padding=0),
            Case((1, 3, 3, 2), (3, 3, 2, 2), strides=3, padding="same", output_padding=(2, 1)),
            Case((1, 3, 3, 2), (3, 3, 2, 2), dilation_rate=2),
            Case((1, 3, 3, 2), (3, 3, 2, 2), (2,), padding="same", dilation_rate=(1, 2)),
            Case((2, 3, 3, 2), (3, 3, 2, 2), (2,), strides=2, activation="relu")],
           errors=[ErrorCase(((1, 3, 3, 2), (3, 3, 2, 3)), {}, ShapeError, r"conv2d_transpose: expected a kernel of shape \(KH, KW, O, 2\)"),
                   ErrorCase(((1, 3, 3), (3, 3, 2, 3)), {}, ShapeError, r"conv2d_transpose: expected input of rank 4"),
                   ErrorCase(((1, 3, 3, 2), (3, 3, 2, 2)), {"strides": 2, "output_padding": 2}, ConfigError, r"conv2d_transpose: expected output_padding smaller than strides \(2, 2\)"),
                   ErrorCase(((1, 3, 3, 2), (3, 3, 2, 2)), {"padding": "causal"}, ConfigError, r"conv2d_transpose: expected padding 'valid' or 'same'")]),
    OpSpec("max_pool2d", ops.max_pool2d, _torch_max_pool,
           [Case((2, 6, 6, 3)),
            Case((2, 7, 7, 2), pool_size=3, strides=2),
            Case((2, 5, 7, 2), padding="same"),
            Case((1, 6, 7, 2), pool_size=(2, 3), strides=(1, 2)),
            Case((1, 5, 6, 2), pool_size=3, strides=1, padding="same"),
            Case((1, 5, 5, 1), pool_size=2, strides=3)],
           errors=[ErrorCase(((2, 6, 3),), {}, ShapeError, r"max_pool2d: expected input of rank 4"),
                   ErrorCase(((1, 1, 4, 1),), {}, ShapeError, r"max_pool2d: the window \(size 2"),
                   ErrorCase(((1, 4, 4, 1),), {"padding": 1}, ConfigError, r"max_pool2d: expected padding 'valid' or 'same'"),
                   ErrorCase(((1, 4, 4, 1),), {"pool_size": 0}, ConfigError, r"max_pool2d: expected pool_size as an int or 2 ints >= 1")]),
    OpSpec("max_pool1d", ops.max_pool1d, _torch_max_pool,
           [Case((2, 8, 3)), Case((2, 9, 2), pool_size=3, strides=2), Case((2, 7, 2), padding="same")],
           errors=[ErrorCase(((2, 8),), {}, ShapeError, r"max_pool1d: expected input of rank 3 \(N, W, C\)")]),
    OpSpec("avg_pool2d", ops.avg_pool2d, _torch_avg_pool,
           [Case((2, 6, 6, 3)),
            Case((2, 6, 5, 2), pool_size=3, strides=1),
            Case((2, 5, 7, 2), padding="same"),
            Case((1, 5, 5, 2), pool_size=3, strides=2, padding="same"),
            Case((1, 6, 7, 2), pool_size=(3, 2), strides=(2, 1))],
           errors=[ErrorCase(((1, 4, 4, 1),), {"strides": -1}, ConfigError, r"avg_pool2d: expected strides as an int or 2 ints >= 1")]),
    OpSpec("avg_pool1d", ops.avg_pool1d, _torch_avg_pool,
           [Case((2, 8, 3)), Case((2, 9, 2), pool_size=3, strides=2, padding="same"), Case((2, 7, 2), pool_size=4, strides=1)]),
    OpSpec("upsampling2d", ops.upsampling2d, _torch_upsampling,
           [Case((2, 3, 4, 2)), Case((1, 2, 3, 2), size=(2, 3)),
            Case((2, 3, 4, 2), interpolation="bilinear"), Case((1, 3, 2, 2), size=(3, 2), interpolation="bilinear")],
           errors=[ErrorCase(((1, 2, 2, 1),), {"interpolation": "bicubic"}, ConfigError, r"upsampling2d: expected interpolation in nearest, bilinear"),
                   ErrorCase(((2, 2, 1),), {}, ShapeError, r"upsampling2d: expected input of rank 4")]),
]  # fmt: skip
