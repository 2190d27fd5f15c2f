# ruff: noqa: E501  (a table: one op per entry reads better than wrapped lines)
"""Oracle table for the primitive ops of issue 2: one OpSpec per op, its cases and errors.

Torch counterparts use PyTorch's names (dim, keepdim); where PyTorch differs in signature the
lambda maps glassnet's NumPy-style arguments across.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from tests._oracle import Case, ErrorCase, OpSpec, Raw


def _reduce(name):
    """Map glassnet's (axis=None, keepdims=False) onto a torch reduction."""

    def fn(x, axis=None, keepdims=False, **kw):
        op = getattr(torch, name)
        if axis is None:
            y = op(x, dim=tuple(range(x.ndim)), **kw) if name != "sum" else x.sum()
            return y.reshape([1] * x.ndim) if keepdims else y
        return op(x, dim=axis, keepdim=keepdims, **kw)

    return fn


def _torch_var(x, axis=None, keepdims=False, ddof=0):
    dims = tuple(range(x.ndim)) if axis is None else axis
    return torch.var(x, dim=dims, keepdim=keepdims, correction=ddof)


def _torch_pad(x, pad_width):
    widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    flat = [int(v) for pair in widths[::-1] for v in pair]
    return F.pad(x, flat)


BINARY = [Case((3, 4), (3, 4)), Case((2, 3, 4), (4,)), Case((3, 1), (1, 5)), Case((5,), ())]

SPECS = [
    OpSpec("add", ops.add, torch.add, BINARY,
           errors=[ErrorCase(((2, 3), (4,)), {}, ShapeError, r"add: expected shapes that broadcast")]),
    OpSpec("subtract", ops.subtract, torch.sub, BINARY),
    OpSpec("multiply", ops.multiply, torch.mul, BINARY),
    OpSpec("divide", ops.divide, torch.div, BINARY, low=0.5, high=2.0),
    OpSpec("power", ops.power, torch.pow,
           [Case((3, 4), (3, 4)), Case((2, 3), ()), Case((4,), Raw(2.0)), Case((4,), Raw(3))],
           low=0.5, high=2.0),
    OpSpec("negative", ops.negative, torch.neg, [Case((3, 4)), Case(())]),
    OpSpec("exp", ops.exp, torch.exp, [Case((3, 4))]),
    OpSpec("log", ops.log, torch.log, [Case((3, 4))], low=0.2, high=3.0),
    OpSpec("log1p", ops.log1p, torch.log1p, [Case((3, 4))], low=-0.5, high=2.0),
    OpSpec("sqrt", ops.sqrt, torch.sqrt, [Case((3, 4))], low=0.2, high=3.0),
    OpSpec("abs", ops.abs, torch.abs, [Case((3, 4))], avoid=[0.0]),
    OpSpec("clip", ops.clip,
           lambda x, a_min=None, a_max=None: torch.clamp(x, min=a_min, max=a_max),
           [Case((4, 5), a_min=-0.5, a_max=0.7), Case((6,), a_min=0.1), Case((6,), a_max=0.2)],
           avoid=[-0.5, 0.7, 0.1, 0.2],
           errors=[ErrorCase(((3,),), {}, ConfigError, r"clip: expected at least one of"),
                   ErrorCase(((3,),), {"a_min": 1.0, "a_max": 0.0}, ConfigError, r"a_min <= a_max")]),
    OpSpec("where", ops.where, torch.where,
           [Case(np.array([[True, False, True], [False, False, True]]), (2, 3), (2, 3)),
            Case(np.array([True, False, True]), (2, 3), ())]),
    OpSpec("maximum", ops.maximum, torch.maximum,
           [Case((3, 4), (3, 4)), Case((2, 3), (3,)),
            Case(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0]))]),
    OpSpec("minimum", ops.minimum, torch.minimum,
           [Case((3, 4), (3, 4)), Case((2, 3), (3,)),
            Case(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0]))]),
    OpSpec("sum", ops.sum, _reduce("sum"),
           [Case((3, 4)), Case((3, 4), axis=0), Case((2, 3, 4), axis=(0, 2), keepdims=True),
            Case((2, 3), axis=-1), Case((2, 3), keepdims=True)],
           errors=[ErrorCase(((2, 3),), {"axis": 2}, ShapeError,
                             r"sum: axis 2 is out of range for a tensor of rank 2")]),
    OpSpec("mean", ops.mean, _reduce("mean"),
           [Case((3, 4)), Case((3, 4), axis=1), Case((2, 3, 4), axis=(1, 2), keepdims=True)],
           errors=[ErrorCase(((2, 3),), {"axis": -3}, ShapeError, r"mean: axis -3 is out of range")]),
    OpSpec("max", ops.max, _reduce("amax"),
           [Case((3, 4)), Case((3, 4), axis=0), Case((2, 3, 4), axis=(0, 2), keepdims=True),
            Case(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]), axis=1)]),
    OpSpec("min", ops.min, _reduce("amin"),
           [Case((3, 4)), Case((3, 4), axis=1), Case(np.array([[1.0, 1.0, 3.0]]), axis=1)]),
    OpSpec("var", ops.var, _torch_var,
           [Case((5, 4)), Case((5, 4), axis=0), Case((3, 4, 2), axis=(0, 2), keepdims=True),
            Case((6, 3), axis=0, ddof=1)]),
    OpSpec("logsumexp", ops.logsumexp,
           lambda x, axis=None, keepdims=False: torch.logsumexp(
               x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims),
           [Case((3, 4), axis=1), Case((3, 4), axis=0, keepdims=True), Case((2, 3))],
           low=-5, high=5),
    OpSpec("reshape", ops.reshape, lambda x, shape: x.reshape(shape),
           [Case((3, 4), shape=(2, 6)), Case((2, 3, 4), shape=(-1, 4)), Case((6,), shape=(2, 3))],
           errors=[ErrorCase(((2, 3),), {"shape": (4,)}, ShapeError,
                             r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\)")]),
    OpSpec("transpose", ops.transpose,
           lambda x, axes=None: x.permute(*(axes if axes is not None else range(x.ndim - 1, -1, -1))),
           [Case((3, 4)), Case((2, 3, 4), axes=(1, 2, 0))],
           errors=[ErrorCase(((2, 3),), {"axes": (0, 0)}, ShapeError,
                             r"transpose: expected a permutation")]),
    OpSpec("expand_dims", ops.expand_dims, lambda x, axis: torch.unsqueeze(x, axis),
           [Case((3, 4), axis=0), Case((3, 4), axis=-1), Case((3, 4), axis=1)]),
    OpSpec("squeeze", ops.squeeze,
           lambda x, axis=None: x.squeeze() if axis is None else x.squeeze(axis),
           [Case((3, 1, 4)), Case((1, 3, 1), axis=0)],
           errors=[ErrorCase(((3, 2),), {"axis": 1}, ShapeError,
                             r"squeeze: expected axis 1 to have size 1, got size 2")]),
    OpSpec("concatenate", lambda *xs, axis=0: ops.concatenate(list(xs), axis=axis),
           lambda *xs, axis=0: torch.cat(list(xs), dim=axis),
           [Case((2, 3), (4, 3)), Case((2, 3), (2, 1), (2, 2), axis=1)],
           errors=[ErrorCase(((2, 3), (2, 4)), {"axis": 0}, ShapeError,
                             r"concatenate: expected every tensor to have the shape of the first")]),
    OpSpec("stack", lambda *xs, axis=0: ops.stack(list(xs), axis=axis),
           lambda *xs, axis=0: torch.stack(list(xs), dim=axis),
           [Case((2, 3), (2, 3)), Case((2, 3), (2, 3), (2, 3), axis=-1)]),
    OpSpec("split", ops.split,
           lambda x, indices_or_sections, axis=0: list(torch.tensor_split(x, indices_or_sections, dim=axis)),
           [Case((6, 2), Raw(3)), Case((2, 7), Raw([2, 5]), axis=1)],
           errors=[ErrorCase(((5, 2), Raw(2)), {}, ShapeError, r"split: expected a number of sections")]),
    OpSpec("getitem", ops.getitem, lambda x, index: x[index],
           [Case((4, 5), index=(slice(1, 3), slice(None, None, 2))),
            Case((4, 5), index=(Ellipsis, 0)),
            Case((4, 5), index=np.array([0, 2, 2, 3])),
            Case((4, 5), index=(np.array([0, 1, 1]), np.array([4, 0, 0]))),
            Case((3, 4), index=(slice(None), None, 1))],
           errors=[ErrorCase(((2, 3),), {"index": 5}, ShapeError, r"getitem: index 5 does not fit")]),
    OpSpec("pad", ops.pad, _torch_pad,
           [Case((2, 3), pad_width=1), Case((2, 3, 4), pad_width=((0, 0), (1, 2), (2, 0)))],
           errors=[ErrorCase(((2, 3),), {"pad_width": 1, "mode": "reflect"}, ConfigError,
                             r"pad: expected mode='constant'")]),
    OpSpec("matmul", ops.matmul, torch.matmul,
           [Case((3, 4), (4, 5)), Case((2, 3, 4), (4, 5)), Case((2, 3, 4), (2, 4, 2)),
            Case((4,), (4, 3)), Case((3, 4), (4,)), Case((2, 1, 3, 4), (5, 4, 2))],
           errors=[ErrorCase(((2, 3), (4, 5)), {}, ShapeError,
                             r"matmul: cannot multiply \(2, 3\) by \(4, 5\); inner sizes 3 and 4 differ")]),
    OpSpec("tanh", ops.tanh, torch.tanh, [Case((3, 4))]),
    OpSpec("sigmoid", ops.sigmoid, torch.sigmoid, [Case((3, 4))], low=-6, high=6),
    OpSpec("relu", ops.relu, torch.relu, [Case((3, 4))], avoid=[0.0]),
    OpSpec("softplus", ops.softplus, F.softplus, [Case((3, 4))], low=-6, high=6),
    OpSpec("softmax", ops.softmax, lambda x, axis=-1: torch.softmax(x, dim=axis),
           [Case((3, 5)), Case((2, 3, 4), axis=1)], low=-4, high=4,
           errors=[ErrorCase(((2, 3),), {"axis": 2}, ShapeError, r"softmax: axis 2 is out of range")]),
    OpSpec("log_softmax", ops.log_softmax, lambda x, axis=-1: torch.log_softmax(x, dim=axis),
           [Case((3, 5)), Case((2, 3, 4), axis=0)], low=-4, high=4),
    OpSpec("one_hot", ops.one_hot,
           lambda i, num_classes: F.one_hot(i, num_classes),
           [Case(np.array([0, 2, 1, 2]), num_classes=3), Case(np.array([[1], [0]]), num_classes=2)],
           grad=False, check_dtype=False,
           errors=[ErrorCase((np.array([0, 3]),), {"num_classes": 3}, ShapeError,
                             r"one_hot: expected class ids in \[0, 2\], got 3"),
                   ErrorCase((np.array([0.5]),), {"num_classes": 3}, ShapeError,
                             r"one_hot: expected integer class ids")]),
    OpSpec("argmax", ops.argmax,
           lambda x, axis=None, keepdims=False: torch.argmax(x, dim=axis, keepdim=keepdims),
           [Case((3, 4)), Case((3, 4), axis=1), Case((2, 3, 4), axis=0, keepdims=True)],
           grad=False),
]  # fmt: skip


def _torch_linear(x, kernel, bias=None, activation=None):
    z = x @ kernel + (0 if bias is None else bias)
    return {
        None: z,
        "linear": z,
        "relu": torch.relu(z),
        "sigmoid": torch.sigmoid(z),
        "tanh": torch.tanh(z),
    }[activation]


def _composed_linear(x, kernel, bias=None, activation=None):
    """The composed reference for the fused op: matmul, add, activation as separate nodes."""
    z = ops.matmul(x, kernel) + (0 if bias is None else bias)
    return {
        None: z,
        "linear": z,
        "relu": ops.relu(z),
        "sigmoid": ops.sigmoid(z),
        "tanh": ops.tanh(z),
    }[activation]


SPECS.append(
    OpSpec("linear", ops.linear, _torch_linear,
           [Case((5, 3), (3, 4), (4,)), Case((5, 3), (3, 4), (4,), activation="relu"),
            Case((5, 3), (3, 4), (4,), activation="sigmoid"), Case((2, 5, 3), (3, 4), (4,), activation="tanh"),
            Case((5, 3), (3, 2), activation="linear")],
           errors=[ErrorCase(((5, 3), (4, 2), (2,)), {}, ShapeError, r"linear: expected input with last axis 4"),
                   ErrorCase(((5, 3), (3, 2), (3,)), {}, ShapeError, r"linear: expected bias of shape \(2,\)"),
                   ErrorCase(((5, 3), (3, 2)), {"activation": "elu"}, ConfigError, r"linear: expected activation in")])
)  # fmt: skip
