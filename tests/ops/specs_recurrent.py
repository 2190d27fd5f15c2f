# ruff: noqa: E501  (a table: one op per entry reads better than wrapped lines)
"""Oracle table for the fused recurrent ops (glassnet/ops/recurrent.py).

The PyTorch side is the same recurrence written step by step with torch ops and differentiated
by torch's autograd (an independent implementation of the Keras equations). The layers'
tests (tests/layers/test_recurrent*.py) check the same ops once more through ``nn.RNN``,
``nn.LSTM`` and ``nn.GRU`` with the weights mapped across.
"""

from __future__ import annotations

import numpy as np
import torch

from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from tests._oracle import Case, ErrorCase, OpSpec

_ACT = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda x: x}

# A mask with leading, trailing and interior gaps, and one fully kept sample.
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 1]], dtype=bool)


def _zeros(x, units):
    return torch.zeros(x.shape[0], units, dtype=x.dtype)


def _keep(mask, t, new, old):
    """Keras's masking rule: the new state where the step is kept, the old one elsewhere."""
    if mask is None:
        return new
    return torch.where(torch.as_tensor(mask[:, t, None]), new, old)


def torch_simple_rnn(x, kernel, recurrent, bias=None, h0=None, mask=None, activation="tanh"):
    h = _zeros(x, recurrent.shape[0]) if h0 is None else h0
    xw = x @ kernel + (0 if bias is None else bias)
    out = []
    for t in range(x.shape[1]):
        h = _keep(mask, t, _ACT[activation](xw[:, t] + h @ recurrent), h)
        out.append(h)
    return torch.stack(out, dim=1)


def torch_lstm(
    x,
    kernel,
    recurrent,
    bias=None,
    h0=None,
    c0=None,
    mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    u = recurrent.shape[0]
    h = _zeros(x, u) if h0 is None else h0
    c = _zeros(x, u) if c0 is None else c0
    act, rec = _ACT[activation], _ACT[recurrent_activation]
    xw = x @ kernel + (0 if bias is None else bias)
    hs, cs = [], []
    for t in range(x.shape[1]):
        zi, zf, zc, zo = torch.split(xw[:, t] + h @ recurrent, u, dim=1)
        c_new = rec(zf) * c + rec(zi) * act(zc)
        h_new = rec(zo) * act(c_new)
        h, c = _keep(mask, t, h_new, h), _keep(mask, t, c_new, c)
        hs.append(h)
        cs.append(c)
    return [torch.stack(hs, dim=1), torch.stack(cs, dim=1)]


def torch_gru(
    x,
    kernel,
    recurrent,
    bias=None,
    h0=None,
    mask=None,
    reset_after=True,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    u = recurrent.shape[0]
    h = _zeros(x, u) if h0 is None else h0
    act, rec = _ACT[activation], _ACT[recurrent_activation]
    b_in, b_rec = (
        (None, None) if bias is None else ((bias[0], bias[1]) if reset_after else (bias, None))
    )
    xw = x @ kernel + (0 if b_in is None else b_in)
    out = []
    for t in range(x.shape[1]):
        xz, xr, xh = torch.split(xw[:, t], u, dim=1)
        if reset_after:
            mz, mr, mh = torch.split(h @ recurrent + (0 if b_rec is None else b_rec), u, dim=1)
            z, r = rec(xz + mz), rec(xr + mr)
            hh = act(xh + r * mh)
        else:
            mz, mr = torch.split(h @ recurrent[:, : 2 * u], u, dim=1)
            z, r = rec(xz + mz), rec(xr + mr)
            hh = act(xh + (r * h) @ recurrent[:, 2 * u :])
        h = _keep(mask, t, z * h + (1 - z) * hh, h)
        out.append(h)
    return torch.stack(out, dim=1)


SPECS = [
    OpSpec("simple_rnn", ops.simple_rnn, torch_simple_rnn,
           [Case((3, 5, 2), (2, 4), (4, 4)), Case((3, 5, 2), (2, 4), (4, 4), (4,), (3, 4)),
            Case((3, 5, 2), (2, 4), (4, 4), (4,), (3, 4), mask=MASK),
            Case((2, 4, 3), (3, 3), (3, 3), (3,), activation="relu"), Case((2, 4, 1), (1, 3), (3, 3), activation="sigmoid"),
            Case((2, 4, 3), (3, 3), (3, 3), (3,), (2, 3), mask=MASK[1:, :4], activation="linear")],
           low=-1.0, high=1.0, avoid=[0.0],
           errors=[ErrorCase(((3, 5, 2), (2, 4), (4, 3)), {}, ShapeError, r"simple_rnn: expected recurrent_kernel of shape \(U, 1\*U\), got \(4, 3\)"),
                   ErrorCase(((3, 5, 2), (2, 3), (4, 4)), {}, ShapeError, r"simple_rnn: expected kernel of shape \(F, 4\) to match recurrent_kernel \(4, 4\), got \(2, 3\)"),
                   ErrorCase(((3, 5), (2, 4), (4, 4)), {}, ShapeError, r"simple_rnn: expected inputs of shape \(N, T, 2\) \(the kernel's rows, at least one step\), got \(3, 5\)"),
                   ErrorCase(((3, 5, 2), (2, 4), (4, 4), (3,)), {}, ShapeError, r"simple_rnn: expected bias of shape \(4,\), got \(3,\)"),
                   ErrorCase(((3, 5, 2), (2, 4), (4, 4), (4,), (2, 4)), {}, ShapeError, r"simple_rnn: expected initial_state of shape \(3, 4\) \(N, U\), got \(2, 4\)"),
                   ErrorCase(((3, 5, 2), (2, 4), (4, 4)), {"mask": MASK[:, :4]}, ShapeError, r"simple_rnn: expected mask of shape \(3, 5\) \(N, T\), got \(3, 4\)"),
                   ErrorCase(((3, 5, 2), (2, 4), (4, 4)), {"activation": "gelu"}, ConfigError, r"simple_rnn: expected an activation in tanh, sigmoid, relu, linear, got 'gelu'")]),
    OpSpec("lstm", ops.lstm, torch_lstm,
           [Case((3, 5, 2), (2, 8), (2, 8)), Case((3, 5, 2), (2, 12), (3, 12), (12,), (3, 3), (3, 3)),
            Case((3, 5, 2), (2, 12), (3, 12), (12,), (3, 3), (3, 3), mask=MASK),
            Case((2, 4, 3), (3, 8), (2, 8), (8,), activation="relu", recurrent_activation="sigmoid"),
            Case((2, 4, 1), (1, 8), (2, 8), (8,), (2, 2), (2, 2), mask=MASK[1:, :4], activation="linear", recurrent_activation="tanh")],
           low=-1.0, high=1.0, avoid=[0.0],
           errors=[ErrorCase(((3, 5, 2), (2, 8), (2, 6)), {}, ShapeError, r"lstm: expected recurrent_kernel of shape \(U, 4\*U\), got \(2, 6\)"),
                   ErrorCase(((3, 5, 3), (2, 8), (2, 8)), {}, ShapeError, r"lstm: expected inputs of shape \(N, T, 2\)"),
                   ErrorCase(((3, 5, 2), (2, 8), (2, 8), (8,), (3, 2), (3, 3)), {}, ShapeError, r"lstm: expected initial_c of shape \(3, 2\)")]),
    OpSpec("gru", ops.gru, torch_gru,
           [Case((3, 5, 2), (2, 9), (3, 9)), Case((3, 5, 2), (2, 9), (3, 9), (2, 9), (3, 3)),
            Case((3, 5, 2), (2, 9), (3, 9), (2, 9), (3, 3), mask=MASK),
            Case((3, 5, 2), (2, 9), (3, 9), (9,), reset_after=False),
            Case((3, 5, 2), (2, 9), (3, 9), (9,), (3, 3), reset_after=False, mask=MASK),
            Case((2, 4, 3), (3, 6), (2, 6), (2, 6), (2, 2), activation="relu", recurrent_activation="tanh")],
           low=-1.0, high=1.0, avoid=[0.0],
           errors=[ErrorCase(((3, 5, 2), (2, 9), (3, 9), (2, 9)), {"reset_after": False}, ShapeError, r"gru: expected bias of shape \(9,\), got \(2, 9\)"),
                   ErrorCase(((3, 5, 2), (2, 9), (3, 9), (9,)), {}, ShapeError, r"gru: expected bias of shape \(2, 9\), got \(9,\)"),
                   ErrorCase(((3, 5, 2), (2, 9), (3, 6)), {}, ShapeError, r"gru: expected recurrent_kernel of shape \(U, 3\*U\)")]),
]  # fmt: skip
