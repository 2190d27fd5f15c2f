"""SimpleRNN, LSTM, GRU and Bidirectional against nn.RNN/nn.LSTM/nn.GRU, weights mapped across.

Random weights throughout (a wrong gate order passes with constant ones): the layers are built
with their initializers and their biases replaced by random values. Each case compares the
outputs, dL/dx, dL/d(initial states) and every weight's gradient.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from glassnet.layers import GRU, LSTM, Bidirectional, SimpleRNN  # noqa: E402
from tests.layers._recurrent_torch import compare_with_torch  # noqa: E402
from tests.ops.specs_recurrent import torch_gru  # noqa: E402

N, T, F, U = 3, 7, 4, 5
LENGTHS = [7, 4, 1]

KINDS = {
    "SimpleRNN": lambda **kw: SimpleRNN(U, **kw),
    "SimpleRNN-relu": lambda **kw: SimpleRNN(U, activation="relu", **kw),
    "LSTM": lambda **kw: LSTM(U, **kw),
    "GRU": lambda **kw: GRU(U, **kw),
}
OPTIONS = {
    "last": {},
    "sequences": {"return_sequences": True},
    "state": {"return_state": True},
    "sequences+state": {"return_sequences": True, "return_state": True},
    "backwards": {"go_backwards": True, "return_sequences": True},
    "backwards-last+state": {"go_backwards": True, "return_state": True},
}


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, T, F)).astype(np.float32)


def _randomize(layer, seed=1):
    """Random values for every weight (biases included): gate mix-ups cannot cancel out."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.weights]
    )
    return layer


def _built(make, **kw):
    layer = make(**kw)
    layer(_inputs())
    return _randomize(layer)


def _states(layer, seed=2):
    rng = np.random.default_rng(seed)
    sizes = layer.state_size
    return [rng.normal(size=(N, s)).astype(np.float32) for s in sizes]


@pytest.mark.parametrize("option", OPTIONS, ids=str)
@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_recurrent_layer_matches_torch(kind, option):
    compare_with_torch(_built(KINDS[kind], **OPTIONS[option]), _inputs())


@pytest.mark.parametrize("option", ["last", "sequences+state", "backwards", "backwards-last+state"])
@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_recurrent_layer_with_mask_matches_torch(kind, option):
    compare_with_torch(_built(KINDS[kind], **OPTIONS[option]), _inputs(), lengths=LENGTHS)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_recurrent_layer_zero_output_for_mask_matches_torch(kind):
    layer = _built(KINDS[kind], return_sequences=True, zero_output_for_mask=True)
    compare_with_torch(layer, _inputs(), lengths=LENGTHS)


@pytest.mark.parametrize("option", ["last", "sequences+state", "backwards"])
@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_recurrent_layer_initial_state_matches_torch(kind, option):
    layer = _built(KINDS[kind], **OPTIONS[option])
    compare_with_torch(layer, _inputs(), initial_state=_states(layer), lengths=LENGTHS)


def test_recurrent_layer_without_bias_matches_torch():
    for make in (
        lambda: LSTM(U, use_bias=False),
        lambda: GRU(U, use_bias=False, return_sequences=True),
    ):
        compare_with_torch(_built(lambda make=make, **kw: make()), _inputs())


@pytest.mark.parametrize("option", ["last", "sequences", "state", "sequences+state"])
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_bidirectional_matches_torch(kind, option):
    layer = Bidirectional(KINDS[kind](**OPTIONS[option]))
    layer(_inputs())
    _randomize(layer)
    compare_with_torch(layer, _inputs())
    compare_with_torch(layer, _inputs(3), lengths=LENGTHS)


def test_bidirectional_initial_state_matches_torch():
    layer = Bidirectional(LSTM(U, return_sequences=True, return_state=True))
    layer(_inputs())
    _randomize(layer)
    states = _states(layer.forward_layer) + _states(layer.backward_layer, seed=5)
    compare_with_torch(layer, _inputs(), initial_state=states, lengths=LENGTHS)


def test_gru_reset_before_matches_step_by_step_torch():
    """nn.GRU has no reset-before form: the reference is the recurrence written in torch ops."""
    import glassnet

    layer = _built(KINDS["GRU"], reset_after=False, return_sequences=True)
    mask = np.array([[1] * 7, [1] * 4 + [0] * 3, [1] + [0] * 6], dtype=bool)
    x = glassnet.tensor(_inputs(), requires_grad=True)
    ours = layer(x, mask=mask)
    weights = [torch.tensor(w.data, requires_grad=True) for w in layer.weights]
    xt = torch.tensor(_inputs(), requires_grad=True)
    theirs = torch_gru(xt, *weights, mask=mask, reset_after=False)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-5, rtol=1e-4)
    r = np.random.default_rng(3).standard_normal(ours.shape).astype(np.float32)
    (ours * r).sum().backward()
    (theirs * torch.from_numpy(r)).sum().backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), atol=1e-5, rtol=1e-4)
    for w, t in zip(layer.weights, weights):
        np.testing.assert_allclose(w.grad, t.grad.numpy(), atol=1e-5, rtol=1e-4)


def test_torch_reference_catches_a_gate_mix_up():
    """The comparison is sharp: swapping two gate blocks of the kernel must fail it."""
    layer = _built(KINDS["LSTM"])
    kernel = layer.weights[0].data
    kernel[:, :U], kernel[:, U : 2 * U] = kernel[:, U : 2 * U].copy(), kernel[:, :U].copy()
    module_layer = _built(KINDS["LSTM"])
    module_layer.set_weights(layer.get_weights())
    kernel[:, :U], kernel[:, U : 2 * U] = kernel[:, U : 2 * U].copy(), kernel[:, :U].copy()
    from tests.layers import _recurrent_torch as ref

    module = ref.torch_module(module_layer)  # built from the swapped weights
    ours = layer(_inputs()).numpy()
    theirs = ref.torch_forward(layer, module, torch.tensor(_inputs()))[0].detach().numpy()
    assert np.abs(ours - theirs).max() > 1e-3
