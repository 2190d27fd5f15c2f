"""MultiHeadAttention: the layer oracle, masks, functional models, saving, errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Dense, Embedding, Input, MultiHeadAttention
from glassnet.layers.recurrent.masking import get_mask
from glassnet.models import Model
from tests._oracle import check_layer


class SelfAttention(MultiHeadAttention):
    """``layer(x)`` = ``MultiHeadAttention(x, x)``: the one-input form check_layer calls."""

    def __call__(self, x, *args, **kwargs):
        return super().__call__(x, x, *args, **kwargs)


def _torch_self_attention(layer, x):
    torch = pytest.importorskip("torch")
    from glassnet.layers.attention.torch_layout import mha_torch_state_dict

    module = torch.nn.MultiheadAttention(x.shape[-1], layer.num_heads, batch_first=True)
    sd = mha_torch_state_dict(layer)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    xt = torch.from_numpy(x)
    return module(xt, xt, xt, need_weights=False)[0].detach().numpy()


@pytest.mark.parametrize(
    "kwargs", [{}, {"value_dim": 2, "output_shape": 5}, {"use_bias": False}, {"key_dim": 1}]
)
def test_mha_oracle(kwargs):
    def make(**over):
        layer = SelfAttention(**{"num_heads": 2, "key_dim": 3, **kwargs, **over})
        return layer

    torch_forward = _torch_self_attention if not kwargs else None
    n_weights = 4 if kwargs.get("use_bias") is False else 8
    check_layer(make, (2, 4, 6), n_weights=n_weights, torch_forward=torch_forward)


def test_mha_keras_weight_layout_and_names():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=(2, 5))
    layer(np.zeros((1, 5, 6), np.float32), np.zeros((1, 7, 8), np.float32))
    shapes = {w.name.split("/", 1)[1]: w.shape for w in layer.weights}
    assert shapes == {
        "query/kernel": (6, 2, 3), "query/bias": (2, 3), "key/kernel": (8, 2, 3),
        "key/bias": (2, 3), "value/kernel": (8, 2, 4), "value/bias": (2, 4),
        "attention_output/kernel": (2, 4, 2, 5), "attention_output/bias": (2, 5),
    }  # fmt: skip
    y = layer(np.ones((3, 5, 6), np.float32), np.ones((3, 7, 8), np.float32))
    assert y.shape == (3, 5, 2, 5)
    assert layer.compute_output_shape((None, 5, 6)) == (None, 5, 2, 5)


def test_mha_masked_query_gives_the_output_bias_and_keeps_its_mask():
    layer = MultiHeadAttention(2, 2, bias_initializer="ones")
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype(np.float32)
    keep = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = layer(x, x, query_mask=keep, value_mask=keep)
    np.testing.assert_allclose(y.numpy()[0, 2:], 1.0)  # attention 0, + output bias of ones
    assert np.isfinite(y.numpy()).all()
    np.testing.assert_array_equal(get_mask(y), keep)


def test_mha_reads_the_padding_mask_of_an_embedding():
    ids = np.array([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]])
    emb = Embedding(8, 4, mask_zero=True)
    layer = MultiHeadAttention(2, 2)
    x = emb(ids)
    _, auto = layer(x, x, return_attention_scores=True)
    keep = ids != 0
    _, explicit = layer(x, x, query_mask=keep, value_mask=keep, return_attention_scores=True)
    np.testing.assert_array_equal(auto.numpy(), explicit.numpy())
    np.testing.assert_array_equal(auto.numpy()[0, :, :3, 3:], 0.0)


def test_mha_causal_mask_hides_later_keys():
    layer = MultiHeadAttention(1, 2)
    x = np.random.default_rng(1).normal(size=(1, 4, 3)).astype(np.float32)
    _, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_array_equal(np.triu(scores.numpy()[0, 0], 1), 0.0)
    y_full = layer(x, x, use_causal_mask=True).numpy()
    y_cut = layer(x[:, :2], x[:, :2], use_causal_mask=True).numpy()
    np.testing.assert_allclose(y_full[:, :2], y_cut, rtol=1e-5, atol=1e-6)  # no peeking ahead


def test_mha_dropout_only_in_training_and_repeatable_with_a_seed():
    x = np.random.default_rng(2).normal(size=(2, 6, 4)).astype(np.float32)
    a, b = (MultiHeadAttention(2, 2, dropout=0.5, seed=3) for _ in range(2))
    a(x, x)
    b(x, x)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(x, x).numpy(), a(x, x, training=False).numpy())
    train_a = a(x, x, training=True).numpy()
    assert not np.allclose(train_a, a(x, x).numpy())
    np.testing.assert_array_equal(train_a, b(x, x, training=True).numpy())


def test_mha_in_a_functional_model_trains_and_saves(tmp_path):
    glassnet.utils.set_random_seed(0)
    q_in, v_in = Input((5, 6)), Input((7, 4))
    attended = MultiHeadAttention(2, 3, name="cross")(q_in, v_in, use_causal_mask=False)
    out = Dense(1)(attended)
    model = Model([q_in, v_in], out)
    assert out.shape == (None, 5, 1)
    rng = np.random.default_rng(0)
    q, v = rng.normal(size=(8, 5, 6)), rng.normal(size=(8, 7, 4))
    y = rng.normal(size=(8, 5, 1))
    model.compile("adam", "mse")
    history = model.fit([q, v], y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "mha.glassnet"
    model.save(path)
    loaded = glassnet.load_model(path)
    np.testing.assert_array_equal(
        loaded.predict([q, v], verbose=0), model.predict([q, v], verbose=0)
    )


def test_mha_self_attention_with_mask_in_a_functional_model():
    ids_in = Input((5,), dtype="int64")
    x = Embedding(10, 4, mask_zero=True)(ids_in)
    y, scores = MultiHeadAttention(2, 2)(x, x, return_attention_scores=True)
    model = Model(ids_in, [y, scores])
    ids = np.array([[1, 2, 0, 0, 0], [4, 5, 6, 7, 8]])
    _, s = model.predict(ids, verbose=0)
    np.testing.assert_array_equal(s[0, :, :2, 2:], 0.0)
    assert s.shape == (2, 2, 5, 5)


def test_mha_errors_name_the_layer_and_the_fix():
    layer = MultiHeadAttention(2, 2, name="att")
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(TypeError, match=r"MultiHeadAttention 'att': expected a value sequence"):
        layer(x)
    with pytest.raises(
        ShapeError, match=r"expected query of shape \(N, T, features\), got \(2, 4\)"
    ):
        layer(x[:, 0], x)
    layer(x, x)
    with pytest.raises(ShapeError, match=r"expected value with 4 features \(the layer was built"):
        layer(x, np.zeros((2, 3, 5), np.float32))
    with pytest.raises(ShapeError, match=r"with equal N and S, got \(2, 3, 4\), \(3, 3, 4\)"):
        layer(x, np.zeros((3, 3, 4), np.float32))
    with pytest.raises(
        ShapeError, match=r"'att': expected value_mask of shape \(2, 3\), got \(2, 4\)"
    ):
        layer(x, x, value_mask=np.ones((2, 4), bool))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_heads": 0}, r"The 'num_heads' argument of MultiHeadAttention must be a positive"),
        ({"key_dim": 2.5}, r"The 'key_dim' argument of MultiHeadAttention must be a positive"),
        ({"dropout": 1.0}, r"The 'dropout' argument of MultiHeadAttention must be a float in"),
        ({"attention_axes": (1, 2)}, r"'attention_axes' argument of MultiHeadAttention must be None or 1"),
        ({"output_shape": (0,)}, r"'output_shape' argument of MultiHeadAttention must be None, a"),
        ({"value_dim": -1}, r"'value_dim' argument of MultiHeadAttention must be None or a pos"),
    ],
)  # fmt: skip
def test_mha_bad_hyperparameters_are_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        MultiHeadAttention(**{"num_heads": 2, "key_dim": 2, **kwargs})


def test_mha_attention_axes_of_the_sequence_axis_are_accepted():
    for axes in (None, 1, (1,), -2):
        layer = MultiHeadAttention(1, 2, attention_axes=axes)
        assert layer(np.ones((1, 3, 2)), np.ones((1, 3, 2))).shape == (1, 3, 2)
        assert MultiHeadAttention.from_config(layer.get_config()).attention_axes in (axes, [1])
