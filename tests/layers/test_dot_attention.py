"""``Attention`` and ``AdditiveAttention``: the oracle (float64 gradients, config round trip),
a NumPy formula, Keras 3 itself (torch backend) with the same weights, masks and errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import AdditiveAttention, Attention, Embedding, Input
from glassnet.layers.recurrent.masking import get_mask
from tests._keras import keras_on_torch
from tests._oracle import check_layer

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 3, 4)).astype(np.float32)
V = RNG.normal(size=(2, 5, 4)).astype(np.float32)
K = RNG.normal(size=(2, 5, 4)).astype(np.float32)
V_MASK = np.array([[1, 1, 0, 1, 0], [1, 0, 1, 1, 1]], bool)
Q_MASK = np.array([[1, 1, 0], [1, 1, 1]], bool)


def _self_attention(cls, call_kwargs):
    """``cls`` called as ``layer(x)`` = ``layer([x, x], **call_kwargs)`` (for check_layer)."""

    def __call__(self, x, **kwargs):
        return cls.__call__(self, [x, x], **{**call_kwargs, **kwargs})

    def compute_output_shape(self, shape):
        return cls.compute_output_shape(self, [shape, shape])

    return type(cls.__name__, (cls,), {"__call__": __call__,
                                       "compute_output_shape": compute_output_shape})  # fmt: skip


SELF_MASK = np.array([[1, 1, 0, 1], [1, 0, 1, 1]], bool)
ORACLE_CASES = [
    (Attention, {}, {}, 0),
    (Attention, {"use_scale": True}, {"use_causal_mask": True}, 1),
    (Attention, {"score_mode": "concat"}, {"mask": [None, SELF_MASK]}, 1),
    (Attention, {"score_mode": "concat", "use_scale": True}, {"use_causal_mask": True}, 2),
    (Attention, {"use_scale": True}, {"mask": [SELF_MASK, SELF_MASK]}, 1),
    (AdditiveAttention, {}, {"mask": [None, SELF_MASK], "use_causal_mask": True}, 1),
    (AdditiveAttention, {"use_scale": False}, {}, 0),
]


@pytest.mark.parametrize(("cls", "init", "call", "n_weights"), ORACLE_CASES)
def test_oracle(cls, init, call, n_weights):
    wrapped = _self_attention(cls, call)
    check_layer(lambda **o: wrapped(**init, **o), (2, 4, 3), n_weights=n_weights)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_formulas_with_masks():
    """Forward and scores against NumPy: dot (scaled), concat and additive, with both masks
    and the causal mask (no query fully masked)."""
    hidden = ~(V_MASK[:, None, :] & np.tri(3, 5, dtype=bool))
    expected_scores = {
        "dot": 0.7 * Q @ np.swapaxes(K, 1, 2),
        "concat": 1.3 * np.tanh(0.7 * (Q[:, :, None] + K[:, None])).sum(-1),
    }
    for mode, z in expected_scores.items():
        layer = Attention(use_scale=True, score_mode=mode)
        layer([Q, V, K])
        layer.set_weights([np.float32(0.7)] + ([np.float32(1.3)] if mode == "concat" else []))
        y, p = layer([Q, V, K], mask=[Q_MASK, V_MASK], use_causal_mask=True,
                     return_attention_scores=True)  # fmt: skip
        want_p = _softmax(np.where(hidden, -np.inf, z))
        np.testing.assert_allclose(p.numpy(), want_p, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(
            y.numpy(), (want_p @ V) * Q_MASK[..., None], rtol=1e-5, atol=1e-6
        )
        np.testing.assert_array_equal(get_mask(y), Q_MASK)
    layer = AdditiveAttention()
    layer([Q, V, K])
    w = layer.get_weights()[0]
    y = layer([Q, V, K], mask=[None, V_MASK]).numpy()
    z = (w * np.tanh(Q[:, :, None] + K[:, None])).sum(-1)
    np.testing.assert_allclose(y, _softmax(np.where(V_MASK[:, None], z, -np.inf)) @ V, rtol=1e-5)


def test_masks_come_from_embedding_in_a_model():
    ids = np.array([[3, 4, 0, 0], [5, 6, 7, 0]])
    inp = Input((4,), dtype="int32")
    e = Embedding(10, 3, mask_zero=True)(inp)
    out = Attention()([e, e])
    model = glassnet.models.Model(inp, out)
    emb = model.layers[1]
    x = emb(ids)
    want = Attention()([x, x], mask=[ids != 0, ids != 0]).numpy()
    np.testing.assert_allclose(model.predict(ids, verbose=0), want, rtol=1e-6)
    assert np.all(want[0, 2:] == 0)  # padded queries give 0, as Keras


def test_dropout_drops_returned_scores_with_seed():
    layer = Attention(dropout=0.5, seed=1)
    _, p = layer([Q, V], training=True, return_attention_scores=True)
    _, p_eval = layer([Q, V], return_attention_scores=True)
    kept = p.numpy() != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(p.numpy()[kept], 2 * p_eval.numpy()[kept], rtol=1e-5)
    _, again = Attention(dropout=0.5, seed=1)([Q, V], training=True, return_attention_scores=True)
    np.testing.assert_array_equal(again.numpy(), p.numpy())


_keras = keras_on_torch


KERAS_CASES = [
    (Attention, {}, {}),
    (Attention, {"use_scale": True}, {"use_causal_mask": True}),
    (Attention, {"score_mode": "concat", "use_scale": True}, {"mask": [Q_MASK, V_MASK]}),
    (Attention, {"score_mode": "concat"}, {"mask": [None, V_MASK], "use_causal_mask": True}),
    (AdditiveAttention, {}, {"mask": [Q_MASK, V_MASK], "use_causal_mask": True}),
    (AdditiveAttention, {"use_scale": False}, {}),
]


@pytest.mark.parametrize(("cls", "init", "call"), KERAS_CASES)
@pytest.mark.parametrize("with_key", [False, True])
def test_against_keras(cls, init, call, with_key):
    keras = _keras()
    inputs = [Q, V, K] if with_key else [Q, V]
    ours = cls(**init)
    ours(inputs)
    ours.set_weights([w + 0.3 for w in ours.get_weights()])
    theirs = getattr(keras.layers, cls.__name__)(**init)
    theirs.build([x.shape for x in inputs])
    theirs.set_weights(ours.get_weights())
    mask = call.get("mask")
    kwargs = {**call, "return_attention_scores": True}
    y, p = ours(inputs, **kwargs)
    if mask is not None:
        kwargs["mask"] = [None if m is None else keras.ops.convert_to_tensor(m) for m in mask]
    ky, kp = theirs([keras.ops.convert_to_tensor(x) for x in inputs], **kwargs)
    np.testing.assert_allclose(y.numpy(), ky.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(p.numpy(), kp.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.get_config()["use_scale"] == theirs.get_config()["use_scale"]


def test_config_matches_keras_names():
    assert set(Attention().get_config()) >= {"use_scale", "score_mode", "dropout", "seed"}
    assert "score_mode" not in AdditiveAttention().get_config()
    assert AdditiveAttention().use_scale is True and Attention().use_scale is False


def test_save_and_load(tmp_path):
    inp_q, inp_v = Input((3, 4)), Input((5, 4))
    out = AdditiveAttention()([inp_q, inp_v])
    model = glassnet.models.Model([inp_q, inp_v], out)
    path = tmp_path / "m.glassnet"
    model.save(path)
    loaded = glassnet.load_model(path)
    np.testing.assert_allclose(loaded.predict([Q, V], verbose=0), model.predict([Q, V], verbose=0))


def test_errors():
    with pytest.raises(
        ConfigError, match="The 'score_mode' argument of Attention must be 'dot' or"
    ):
        Attention(score_mode="general")
    with pytest.raises(ConfigError, match="The 'dropout' argument of AdditiveAttention must be"):
        AdditiveAttention(dropout=1.0)
    with pytest.raises(TypeError, match=r"expected a list \[query, value\] or \[query, value, key"):
        Attention()(Q)
    with pytest.raises(TypeError, match="got a list of 1. Call it as layer"):
        Attention()([Q])
    with pytest.raises(ShapeError, match=r"expected query, value and key of shape \(N, T, dim\)"):
        Attention()([Q[0], V[0]])
    with pytest.raises(ShapeError, match="with equal N and Tv and key features equal to the"):
        Attention()([Q, V, K[:, :4]])
    with pytest.raises(ValueError, match=r"expected mask as a list \[query_mask, value_mask\]"):
        Attention()([Q, V], mask=V_MASK)
    with pytest.raises(ShapeError, match=r"expected value_mask of shape \(2, 5\) \(N, T\)"):
        Attention()([Q, V], mask=[None, Q_MASK])
