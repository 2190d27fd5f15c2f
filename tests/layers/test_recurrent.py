"""Recurrent layers and cells: the layer oracle, fused op vs composed cell, dropout, stateful,
initialisation, config and errors. PyTorch parity is in test_recurrent_torch.py."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    Layer,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
)
from tests._oracle import check_layer

N, T, F, U = 3, 6, 4, 5
MASK = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 1, 0]], dtype=bool)


def _x(seed=0, shape=(N, T, F)):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


LAYERS = {
    "SimpleRNN": (lambda **kw: SimpleRNN(U, **kw), 3),
    "LSTM": (lambda **kw: LSTM(U, **kw), 3),
    "GRU": (lambda **kw: GRU(U, **kw), 3),
    "GRU-reset-before": (lambda **kw: GRU(U, reset_after=False, **kw), 3),
    "LSTM-sequences-backwards": (
        lambda **kw: LSTM(U, return_sequences=True, go_backwards=True, **kw),
        3,
    ),
    "RNN(LSTMCell)": (
        lambda **kw: RNN(LSTMCell(U, dtype=kw.get("dtype")), return_sequences=True, **kw),
        3,
    ),
    "RNN(GRUCell)": (lambda **kw: RNN(GRUCell(U, dtype=kw.get("dtype")), **kw), 3),
    "LSTM-hard-sigmoid": (lambda **kw: LSTM(U, recurrent_activation="hard_sigmoid", **kw), 3),
}


@pytest.mark.parametrize("name", LAYERS)
def test_recurrent_layer_oracle(name):
    make, n_weights = LAYERS[name]
    check_layer(make, (N, T, F), n_weights=n_weights)


# ---------------------------------------------------------------- fused op == composed cell
def _fused_and_stepped(make, x, mask=None, training=False, seed=None):
    fused = make()
    fused(x)
    stepped = make()
    stepped(x)
    stepped.set_weights(fused.get_weights())
    stepped.cell.can_fuse = lambda training: False
    outs = []
    for layer in (fused, stepped):
        if seed is not None:
            layer.cell._rng = np.random.default_rng(seed)
        xt = glassnet.tensor(x, requires_grad=True)
        out = layer(xt, mask=mask, training=training)
        out = out if isinstance(out, list) else [out]
        r = np.random.default_rng(7)
        sum((o * r.standard_normal(o.shape).astype(np.float32)).sum() for o in out).backward()
        outs.append(([o.numpy() for o in out], xt.grad, [w.grad for w in layer.weights]))
    return outs


CELLS = {
    "SimpleRNN": lambda **kw: SimpleRNN(U, **kw),
    "LSTM": lambda **kw: LSTM(U, **kw),
    "GRU": lambda **kw: GRU(U, **kw),
    "GRU-reset-before": lambda **kw: GRU(U, reset_after=False, **kw),
}


@pytest.mark.parametrize("options", [
    {}, {"return_sequences": True, "return_state": True},
    {"go_backwards": True, "return_sequences": True},
    {"zero_output_for_mask": True, "return_sequences": True},
])  # fmt: skip
@pytest.mark.parametrize("kind", CELLS)
def test_fused_op_matches_composed_cell(kind, options):
    """The fused sequence op and stepping the cell's own call give the same values and grads."""
    for mask in (None, MASK):
        fused, stepped = _fused_and_stepped(lambda: CELLS[kind](**options), _x(), mask)
        for a, b in zip(fused[0] + [fused[1]] + fused[2], stepped[0] + [stepped[1]] + stepped[2]):
            np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("kind", CELLS)
def test_input_dropout_is_one_mask_per_sequence_in_both_paths(kind):
    """dropout (no recurrent dropout) runs fused: same mask draw as stepping the cell."""
    fused, stepped = _fused_and_stepped(
        lambda: CELLS[kind](dropout=0.5, seed=3), _x(), training=True, seed=3
    )
    for a, b in zip(fused[0] + [fused[1]], stepped[0] + [stepped[1]]):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-4)
    layer = CELLS[kind](dropout=0.5, seed=3)
    layer(_x())
    assert not np.allclose(layer(_x(), training=True).numpy(), layer(_x(), training=False).numpy())


def test_dropout_masks_follow_keras_implementations():
    """One mask per sequence; with recurrent dropout one per gate (Keras's implementation 1)."""
    cell = LSTMCell(U, dropout=0.5, recurrent_dropout=0.5, seed=0)
    cell.build((None, F))
    x, h = glassnet.tensor(_x()[:, 0]), glassnet.tensor(np.zeros((N, U), np.float32))
    masks = cell.get_dropout_mask(x)
    assert isinstance(masks, list) and len(masks) == 4
    assert cell.get_dropout_mask(x) is masks  # cached for the whole sequence
    values = np.unique(np.concatenate([m.numpy().ravel() for m in masks]))
    np.testing.assert_allclose(values, [0.0, 2.0])  # kept units scaled by 1 / (1 - rate)
    assert len(cell.get_recurrent_dropout_mask(h)) == 4
    assert SimpleRNNCell(U, dropout=0.5, recurrent_dropout=0.5)._mask_count is None
    assert GRUCell(U, recurrent_dropout=0.2)._mask_count == 3
    assert LSTMCell(U, dropout=0.2)._mask_count is None


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_recurrent_dropout_steps_the_cell_and_its_gradient_is_exact(kind):
    """Training with recurrent dropout takes the stepped path; finite differences agree
    (the seeded generator is reset before each evaluation so every one sees the same masks)."""
    wide = CELLS[kind](
        dropout=0.3, recurrent_dropout=0.4, seed=5, dtype="float64", return_sequences=True
    )
    wide(_x().astype(np.float64))
    assert not wide.cell.can_fuse(True) and wide.cell.can_fuse(False)

    def fn(x):
        wide.cell._rng = np.random.default_rng(11)
        return wide(x, training=True)

    glassnet.gradcheck(fn, _x().astype(np.float64), atol=1e-6, rtol=1e-5)
    wide.cell._rng = np.random.default_rng(11)
    first = wide(_x().astype(np.float64), training=True).numpy()
    assert not np.allclose(first, wide(_x().astype(np.float64), training=False).numpy())


# ---------------------------------------------------------------- states
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_stateful_layer_continues_where_the_last_call_stopped(kind):
    x = _x()
    whole = CELLS[kind](return_sequences=True)
    whole(x)
    stateful = CELLS[kind](return_sequences=True, stateful=True)
    stateful(x[:, :2])
    stateful.set_weights(whole.get_weights())
    stateful.reset_states()
    parts = [stateful(x[:, :2]).numpy(), stateful(x[:, 2:]).numpy()]
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole(x).numpy(), atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x[:, :2]).numpy(), parts[0], atol=1e-6)
    with pytest.raises(
        ShapeError, match="keeps the batch size of its first call \\(3\\), got a batch of 2"
    ):
        stateful(x[:2])
    given = [np.ones((N, s), np.float32) for s in stateful.state_size]
    stateful.reset_states(given)
    np.testing.assert_allclose(stateful.states[0], 1.0)


def test_return_state_gives_the_final_states_and_they_can_seed_another_layer():
    encoder = LSTM(U, return_state=True)
    out, h, c = encoder(_x())
    np.testing.assert_allclose(out.numpy(), h.numpy())
    decoder = LSTM(U, return_sequences=True)
    y = decoder(_x(1), initial_state=[h, c])
    y.sum().backward()
    assert encoder.weights[0].grad is not None and np.abs(encoder.weights[0].grad).sum() > 0


def test_compute_output_shape_agrees_with_call():
    for layer in (LSTM(U, return_state=True), GRU(U, return_sequences=True, return_state=True)):
        outs = layer(_x())
        shapes = layer.compute_output_shape((None, T, F))
        assert [tuple(s[1:]) for s in shapes] == [o.shape[1:] for o in outs]


# ---------------------------------------------------------------- initialisation, names
def test_lstm_initialisation_follows_keras():
    layer = LSTM(U, input_shape=(T, F))
    layer.build((None, T, F))
    kernel, recurrent, bias = (w.numpy() for w in layer.weights)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(U), np.ones(U), np.zeros(2 * U)])
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(U), atol=1e-5)
    limit = np.sqrt(6 / (F + 4 * U))
    assert np.abs(kernel).max() <= limit
    assert [w.name for w in layer.weights] == [
        f"{layer.name}/lstm_cell/{n}" for n in ("kernel", "recurrent_kernel", "bias")
    ]
    assert LSTM(U, unit_forget_bias=False)(_x()) is not None


def test_gru_bias_shapes_follow_reset_after():
    layer = GRU(U)
    layer(_x())
    assert [w.shape for w in layer.weights] == [(F, 3 * U), (U, 3 * U), (2, 3 * U)]
    layer = GRU(U, reset_after=False)
    layer(_x())
    assert [w.shape for w in layer.weights][-1] == (3 * U,)


def test_layer_reads_its_cell_arguments_and_config_is_flat_like_keras():
    layer = LSTM(7, dropout=0.1, recurrent_activation="hard_sigmoid", return_sequences=True)
    assert layer.units == 7 and layer.dropout == 0.1 and layer.cell.units == 7
    config = layer.get_config()
    assert "cell" not in config and config["units"] == 7
    assert config["recurrent_activation"] == "hard_sigmoid" and config["return_sequences"]
    clone = LSTM.from_config(config)
    assert clone.get_config() == config


def test_rnn_with_a_custom_cell_steps_it():
    class MinimalRNNCell(Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
            self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units))

        def call(self, inputs, states):
            output = inputs @ self.kernel + states @ self.recurrent_kernel
            return output, output

    layer = RNN(MinimalRNNCell(U), return_sequences=True)
    y = layer(_x())
    k, r = (w.numpy() for w in layer.weights)
    h = np.zeros((N, U), np.float32)
    for t in range(T):
        h = _x()[:, t] @ k + h @ r
    np.testing.assert_allclose(y.numpy()[:, -1], h, rtol=1e-5)


def test_keras_constructor_extras_are_accepted():
    assert LSTM(U, implementation=2, use_cudnn="auto", unroll=True)(_x()).shape == (N, U)


# ---------------------------------------------------------------- errors
def test_recurrent_layer_errors_name_the_layer():
    with pytest.raises(
        ConfigError, match="The 'units' argument of LSTMCell must be a positive int"
    ):
        LSTM(0)
    with pytest.raises(
        ConfigError, match="The 'dropout' argument of GRUCell must be a float in \\[0, 1\\)"
    ):
        GRU(3, dropout=1.5)
    with pytest.raises(
        ConfigError, match="The 'return_sequences' argument of LSTM must be True or False"
    ):
        LSTM(3, return_sequences="yes")
    layer = LSTM(3, name="enc")
    with pytest.raises(
        ShapeError,
        match="LSTM 'enc': expected input of rank 3 \\(N, T, F\\), got shape \\(None, 4\\)",
    ):
        layer(np.zeros((2, 4), np.float32))
    layer(_x())
    with pytest.raises(ShapeError, match="LSTM 'enc': expected input of shape"):
        layer(np.zeros((2, 3, F + 1), np.float32))
    with pytest.raises(
        ShapeError, match="LSTM 'enc': expected mask of shape \\(3, 6\\) \\(N, T\\), got \\(3, 5\\)"
    ):
        layer(_x(), mask=MASK[:, :5])
    with pytest.raises(
        ShapeError,
        match="LSTM 'enc': expected initial states of shapes \\[\\(3, 3\\), \\(3, 3\\)\\]",
    ):
        layer(_x(), initial_state=[np.zeros((3, 3), np.float32)])
    with pytest.raises(ConfigError, match="LSTM 'enc': expected a stateful layer"):
        layer.reset_states()
    with pytest.raises(TypeError, match="RNN: expected a cell"):
        RNN(object())
    with pytest.raises(TypeError, match="RNN: expected one cell, got a list of 2"):
        RNN([LSTMCell(2), LSTMCell(2)])
    with pytest.raises(ConfigError, match="unexpected argument\\(s\\) kernel_constraint"):
        LSTM(3, kernel_constraint="max_norm")
