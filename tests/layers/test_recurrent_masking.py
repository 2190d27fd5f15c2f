"""Embedding, Masking, the mask mechanism, and the Bidirectional/TimeDistributed wrappers."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Dense,
    Embedding,
    Masking,
    SimpleRNN,
    TimeDistributed,
)
from glassnet.layers.recurrent import get_mask
from glassnet.models import Sequential
from tests._oracle import check_layer

IDS = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]])


def _x(seed=0, shape=(3, 5, 4)):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# ---------------------------------------------------------------- Embedding
def test_embedding_looks_up_rows_and_sums_their_gradients():
    layer = Embedding(10, 3)
    y = layer(IDS)
    table = layer.weights[0].numpy()
    np.testing.assert_array_equal(y.numpy(), table[IDS])
    (y * 2.0).sum().backward()
    counts = np.bincount(IDS.ravel(), minlength=10)[:, None]
    np.testing.assert_allclose(layer.weights[0].grad, 2.0 * np.broadcast_to(counts, (10, 3)))
    assert get_mask(y) is None
    assert np.abs(table).max() <= 0.05  # Keras's 'uniform': RandomUniform(-0.05, 0.05)


def test_embedding_matches_torch_and_round_trips_its_config():
    torch = pytest.importorskip("torch")
    layer = Embedding(10, 3, mask_zero=True, name="emb")
    y = layer(IDS)
    module = torch.nn.Embedding(10, 3)
    module.weight.data = torch.from_numpy(layer.weights[0].numpy().copy())
    np.testing.assert_allclose(y.numpy(), module(torch.from_numpy(IDS)).detach().numpy())
    clone = Embedding.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    np.testing.assert_array_equal(get_mask(y), IDS != 0)
    assert layer.compute_output_shape((None, 5)) == (None, 5, 3)


def test_embedding_weights_argument_and_float_ids():
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    layer = Embedding(4, 3, weights=[table])
    np.testing.assert_array_equal(layer(np.array([[1.0, 3.0]])).numpy(), table[[[1, 3]]])


def test_embedding_errors():
    with pytest.raises(ShapeError, match="Embedding 'e': expected ids in \\[0, 9\\], got 10"):
        Embedding(10, 2, name="e")(np.array([[1, 10]]))
    with pytest.raises(ShapeError, match="expected ids in \\[0, 9\\], got -1"):
        Embedding(10, 2)(np.array([[-1, 2]]))
    with pytest.raises(
        ConfigError, match="The 'output_dim' argument of Embedding must be a positive int"
    ):
        Embedding(10, 0)
    with pytest.warns(UserWarning, match="input_length"):
        Embedding(10, 2, input_length=5)


# ---------------------------------------------------------------- Masking and mask flow
def test_masking_zeroes_and_marks_padded_steps():
    x = _x()
    x[0, 3:] = 0.0
    x[2, 1] = -1.0
    layer = Masking(mask_value=-1.0)
    y = layer(x)
    keep = np.any(x != -1.0, axis=-1)
    np.testing.assert_array_equal(get_mask(y), keep)
    np.testing.assert_array_equal(y.numpy(), x * keep[..., None])
    assert Masking.from_config(layer.get_config()).mask_value == -1.0
    check_layer(lambda **kw: Masking(**kw), (3, 5, 4), n_weights=0)
    with pytest.raises(
        ConfigError, match="The 'mask_value' argument of Masking must be a finite float"
    ):
        Masking(mask_value="pad")


@pytest.mark.parametrize("make", [lambda: LSTM(4), lambda: GRU(4, return_sequences=True),
                                  lambda: Bidirectional(SimpleRNN(4, return_sequences=True))],
                         ids=["LSTM", "GRU", "Bidirectional"])  # fmt: skip
def test_embedding_mask_reaches_the_recurrent_layer(make):
    embed = Embedding(10, 3, mask_zero=True)
    rnn = make()
    y = rnn(embed(IDS))
    explicit = rnn(glassnet.Tensor(embed(IDS).data), mask=IDS != 0)
    np.testing.assert_allclose(y.numpy(), explicit.numpy())
    unmasked = rnn(glassnet.Tensor(embed(IDS).data))
    assert not np.allclose(y.numpy(), unmasked.numpy())


def test_masked_steps_carry_states_and_repeat_outputs():
    x = _x()
    layer = LSTM(4, return_sequences=True, return_state=True)
    mask = np.ones((3, 5), dtype=bool)
    mask[0, 2] = False  # an interior gap
    out, h, c = layer(x, mask=mask)
    np.testing.assert_array_equal(out.numpy()[0, 2], out.numpy()[0, 1])
    no_gap = layer(np.delete(x[:1], 2, axis=1))
    np.testing.assert_allclose(h.numpy()[0], no_gap[1].numpy()[0], atol=1e-6)
    np.testing.assert_allclose(c.numpy()[0], no_gap[2].numpy()[0], atol=1e-6)
    np.testing.assert_array_equal(get_mask(out), mask)


def test_stacked_sequences_keep_the_mask_and_a_sequential_model_trains_with_it():
    glassnet.utils.set_random_seed(0)
    model = Sequential([Embedding(10, 4, mask_zero=True), LSTM(6, return_sequences=True),
                        GRU(5), Dense(1)])  # fmt: skip
    model.compile(optimizer="adam", loss="mse")
    y = np.array([[1.0], [0.5], [-1.0]], dtype=np.float32)
    model.fit(IDS, y, epochs=3, batch_size=3, verbose=0)
    padded = np.concatenate([IDS, np.zeros((3, 3), IDS.dtype)], axis=1)
    np.testing.assert_allclose(model.predict(padded), model.predict(IDS), atol=1e-6)


# ---------------------------------------------------------------- Bidirectional
def test_bidirectional_builds_fresh_forward_and_backward_copies():
    inner = LSTM(3, name="enc", return_sequences=True)
    layer = Bidirectional(inner)
    layer(_x())
    assert layer.forward_layer.name == "forward_enc" and layer.backward_layer.name == "backward_enc"
    assert not layer.forward_layer.go_backwards and layer.backward_layer.go_backwards
    assert len(layer.weights) == 6 and not inner.built
    assert layer.forward_layer.zero_output_for_mask and layer.backward_layer.zero_output_for_mask


@pytest.mark.parametrize("merge_mode", ["sum", "mul", "ave", None])
def test_bidirectional_merge_modes(merge_mode):
    layer = Bidirectional(GRU(3, return_sequences=True), merge_mode=merge_mode)
    out = layer(_x())
    y = layer.forward_layer(_x()).numpy()
    y_rev = layer.backward_layer(_x()).numpy()[:, ::-1]
    expected = {"sum": y + y_rev, "mul": y * y_rev, "ave": (y + y_rev) / 2, None: None}[merge_mode]
    if merge_mode is None:
        np.testing.assert_allclose(out[0].numpy(), y, atol=1e-6)
        np.testing.assert_allclose(out[1].numpy(), y_rev, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), expected, atol=1e-6)


def test_bidirectional_oracle_config_and_errors():
    check_layer(
        lambda **kw: Bidirectional(LSTM(3, dtype=kw.get("dtype")), **kw), (2, 4, 3), n_weights=6
    )
    layer = Bidirectional(GRU(3, return_state=True), merge_mode="sum")
    outs = layer(_x())
    assert [o.shape for o in outs] == [(3, 3), (3, 3), (3, 3)]
    assert [tuple(s) for s in layer.compute_output_shape((None, 5, 4))] == [(None, 3)] * 3
    clone = Bidirectional.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    backward = LSTM(3, go_backwards=True, activation="relu")
    custom = Bidirectional(LSTM(3), backward_layer=backward)
    custom(_x())
    assert custom.backward_layer is backward
    with pytest.raises(
        ConfigError, match="The 'merge_mode' argument of Bidirectional must be one of"
    ):
        Bidirectional(LSTM(3), merge_mode="max")
    with pytest.raises(TypeError, match="Bidirectional: expected 'layer' to be a recurrent layer"):
        Bidirectional(Dense(3))
    with pytest.raises(ConfigError, match="different go_backwards"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3))
    with pytest.raises(ConfigError, match="the same return_sequences"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3, go_backwards=True, return_sequences=True))


# ---------------------------------------------------------------- TimeDistributed
def test_time_distributed_applies_the_layer_at_every_step():
    dense = Dense(2)
    layer = TimeDistributed(dense)
    x = _x()
    y = layer(x)
    np.testing.assert_allclose(
        y.numpy(), x @ dense.weights[0].numpy() + dense.weights[1].numpy(), atol=1e-6
    )
    assert layer.compute_output_shape((None, 5, 4)) == (None, 5, 2)
    check_layer(
        lambda **kw: TimeDistributed(Dense(2, dtype=kw.get("dtype")), **kw), (3, 5, 4), n_weights=2
    )
    masked = layer(Masking()(np.concatenate([x, np.zeros((3, 2, 4), np.float32)], axis=1)))
    assert get_mask(masked).shape == (3, 7) and not get_mask(masked)[:, 5:].any()
    with pytest.raises(TypeError, match="TimeDistributed: expected a Layer"):
        TimeDistributed("dense")
    with pytest.raises(ShapeError, match="expected input of rank >= 3 \\(N, T, ...\\)"):
        TimeDistributed(Dense(2))(np.zeros((3, 4), np.float32))


def test_recurrent_models_save_and_load(tmp_path):
    from glassnet.io import load_model, save_model

    model = Sequential([
        Embedding(10, 4, mask_zero=True),
        Bidirectional(LSTM(3, return_sequences=True)),
        TimeDistributed(Dense(2)),
        GRU(3, reset_after=False),
        Dense(1),
    ])  # fmt: skip
    model(IDS)
    save_model(model, tmp_path / "rnn.keras")
    loaded = load_model(tmp_path / "rnn.keras")
    np.testing.assert_array_equal(loaded.predict(IDS), model.predict(IDS))
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
