"""The fused recurrent ops beyond the oracle table: their graphs, outputs and scratch buffers."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.ops._recurrent_core import Workspace

N, T, F, U = 3, 6, 2, 4


def _weights(seed=0, gates=4):
    rng = np.random.default_rng(seed)
    shapes = [(N, T, F), (F, gates * U), (U, gates * U), (gates * U,)]
    return [glassnet.tensor(rng.normal(scale=0.7, size=s).astype(np.float32), requires_grad=True)
            for s in shapes]  # fmt: skip


def _grads(tensors):
    return [t.grad.copy() for t in tensors]


def _reset(tensors):
    for t in tensors:
        t.grad = None


def test_lstm_graphs_alive_at_once_keep_their_own_buffers():
    """A second forward pass before the first backward must not reuse the first's buffers."""
    a, b = _weights(0), _weights(1)
    ops.lstm(*a)[0].sum().backward()
    expected = _grads(a)
    _reset(a)
    h_a = ops.lstm(*a)[0]
    ops.lstm(*b)[0].sum().backward()  # runs, frees and recycles its own buffers in between
    h_b = ops.lstm(*b)[0]  # takes buffers while h_a's graph still holds its own
    h_a.sum().backward()
    for got, want in zip(_grads(a), expected):
        np.testing.assert_array_equal(got, want)
    assert h_b.requires_grad


def test_lstm_backward_twice_with_retain_graph_adds_up():
    w = _weights()
    h, _ = ops.lstm(*w)
    loss = (h * h).sum()
    loss.backward(retain_graph=True)
    once = _grads(w)
    loss.backward()
    for got, first in zip(_grads(w), once):
        np.testing.assert_allclose(got, 2 * first, rtol=1e-6)


@pytest.mark.parametrize("use", ["h", "c", "both"])
def test_lstm_cell_state_output_hands_its_gradient_to_the_shared_backward(use):
    w = _weights()
    h, c = ops.lstm(*w)
    loss = {"h": h.sum(), "c": (c * 2.0).sum(), "both": h.sum() + (c * 2.0).sum()}[use]
    loss.backward()
    got = _grads(w)
    _reset(w)
    ref_h, ref_c = _composed_lstm(*w)  # the reference: the same recurrence in primitive ops
    ref = {"h": ref_h.sum(), "c": (ref_c * 2.0).sum(),
           "both": ref_h.sum() + (ref_c * 2.0).sum()}[use]  # fmt: skip
    ref.backward()
    for a, b in zip(got, _grads(w)):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-4)


def _composed_lstm(x, kernel, recurrent, bias):
    h = c = glassnet.tensor(np.zeros((N, U), np.float32))
    hs, cs = [], []
    for t in range(T):
        zi, zf, zc, zo = ops.split(ops.linear(x[:, t], kernel, bias) + h @ recurrent, 4, axis=1)
        c = ops.sigmoid(zf) * c + ops.sigmoid(zi) * ops.tanh(zc)
        h = ops.sigmoid(zo) * ops.tanh(c)
        hs.append(h)
        cs.append(c)
    return ops.stack(hs, axis=1), ops.stack(cs, axis=1)


def test_inference_forward_returns_its_buffers():
    from glassnet.ops._recurrent_core import WORKSPACE

    w = _weights()
    with glassnet.no_grad():
        ops.lstm(*w)
    before = WORKSPACE._bytes
    with glassnet.no_grad():
        ops.lstm(*w)
    assert WORKSPACE._bytes == before


def test_workspace_is_bounded_and_drops_the_shapes_used_longest_ago():
    pool = Workspace(per_shape=2, max_bytes=1000)
    arrays = [pool.take((10,), "float32") for _ in range(3)]
    pool.give(*arrays)
    assert pool._bytes == 80  # two kept per shape
    assert pool.take((10,), "float32") is arrays[1]
    for n in range(20, 400, 20):  # many shapes, as batches of varying length would give
        pool.give(np.empty(n, "float32"))
    assert pool._bytes <= 1000 and ((380,), "<f4") in pool._free
    assert ((20,), "<f4") not in pool._free
