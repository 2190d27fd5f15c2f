"""Positional embeddings: learned, sinusoidal, token + position."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    Embedding,
    PositionEmbedding,
    SinusoidalPositionEncoding,
    TokenAndPositionEmbedding,
)
from glassnet.layers.recurrent.masking import get_mask
from glassnet.tensor import Tensor
from tests._oracle import check_layer


def _torch_position(layer, x):
    torch = pytest.importorskip("torch")
    emb = torch.nn.Embedding.from_pretrained(torch.from_numpy(layer.get_weights()[0]))
    return emb(torch.arange(x.shape[1])).expand(x.shape).numpy()


def test_position_embedding_oracle():
    check_layer(lambda **kw: PositionEmbedding(6, **kw), (2, 4, 3), n_weights=1,
                torch_forward=_torch_position)  # fmt: skip


def test_position_embedding_start_index_and_gradient():
    layer = PositionEmbedding(5)
    x = np.zeros((2, 3, 2), np.float32)
    layer(x)
    table = layer.get_weights()[0]
    y = layer(x, start_index=2)
    np.testing.assert_array_equal(y.numpy()[1], table[2:5])
    y.sum().backward()
    np.testing.assert_array_equal(layer.embeddings.grad, [[0, 0], [0, 0], [2, 2], [2, 2], [2, 2]])
    with pytest.raises(
        ShapeError,
        match=r"expected at most 5 positions \(sequence_length\), got 3 steps from position 3",
    ):
        layer(x, start_index=3)
    with pytest.raises(ShapeError, match=r"expected start_index as an int >= 0, got -1"):
        layer(x, start_index=-1)


def test_sinusoidal_encoding_is_the_papers_formula():
    steps, d = 7, 6
    y = SinusoidalPositionEncoding()(np.zeros((2, steps, d), np.float32))
    expected = np.empty((steps, d))
    for pos in range(steps):
        for i in range(0, d, 2):  # PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos
            expected[pos, i] = math.sin(pos / 10000 ** (i / d))
            expected[pos, i + 1] = math.cos(pos / 10000 ** (i / d))
    assert y.shape == (2, steps, d) and y.dtype == np.float32
    np.testing.assert_allclose(y.numpy()[1], expected, rtol=1e-6, atol=1e-7)
    shifted = SinusoidalPositionEncoding()(np.zeros((1, 3, d)), start_index=4)
    np.testing.assert_allclose(shifted.numpy()[0], expected[4:], rtol=1e-6, atol=1e-7)


def test_sinusoidal_encoding_config_and_no_weights():
    layer = SinusoidalPositionEncoding(max_wavelength=100.0, name="pe")
    clone = SinusoidalPositionEncoding.from_config(layer.get_config())
    x = np.zeros((1, 4, 4), np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), clone(x).numpy())
    assert layer.weights == [] and clone.max_wavelength == 100.0
    with pytest.raises(
        ConfigError,
        match=r"The 'max_wavelength' argument of SinusoidalPositionEncoding must be a float > 0",
    ):
        SinusoidalPositionEncoding(max_wavelength=0)


def test_token_and_position_embedding_is_the_sum_of_both_and_masks():
    ids = np.array([[1, 2, 0], [3, 3, 3]])
    layer = TokenAndPositionEmbedding(5, 4, 2, mask_zero=True)
    y = layer(ids)
    tokens, positions = layer.get_weights()
    np.testing.assert_allclose(y.numpy(), tokens[ids] + positions[:3])
    np.testing.assert_array_equal(get_mask(y), ids != 0)
    emb = Embedding(5, 2)
    emb(ids)
    emb.set_weights([tokens])
    pos = PositionEmbedding(4)
    pos(emb(ids))
    pos.set_weights([positions])
    np.testing.assert_allclose(y.numpy(), (emb(ids) + pos(emb(ids))).numpy())
    r = np.random.default_rng(0).normal(size=y.shape).astype(np.float32)
    (y * Tensor(r)).sum().backward()
    grad_tokens = np.zeros_like(tokens)
    np.add.at(grad_tokens, ids, r)
    np.testing.assert_allclose(layer.token_embeddings.grad, grad_tokens, rtol=1e-6)
    np.testing.assert_allclose(layer.position_embeddings.grad[:3], r.sum(axis=0), rtol=1e-6)
    np.testing.assert_array_equal(layer.position_embeddings.grad[3:], 0.0)


def test_token_and_position_embedding_config_and_errors():
    layer = TokenAndPositionEmbedding(5, 3, 2, name="tpe")
    clone = TokenAndPositionEmbedding.from_config(layer.get_config())
    ids = np.array([[1, 2, 4]])
    layer(ids)
    clone(ids)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(layer(ids).numpy(), clone(ids).numpy())
    assert [w.name for w in layer.weights] == [
        "tpe/token_embedding/embeddings", "tpe/position_embedding/embeddings"
    ]  # fmt: skip
    with pytest.raises(
        ShapeError, match=r"TokenAndPositionEmbedding 'tpe': expected ids in \[0, 4\], got 5"
    ):
        layer(np.array([[5]]))
    with pytest.raises(
        ShapeError, match=r"expected at most 3 positions \(sequence_length\), got 4 steps"
    ):
        layer(np.array([[1, 1, 1, 1]]))
    with pytest.raises(
        ConfigError,
        match=r"The 'embedding_dim' argument of TokenAndPositionEmbedding must be a positive int",
    ):
        TokenAndPositionEmbedding(5, 3, 0)


def test_sinusoidal_encoding_through_the_layer_oracle():
    check_layer(lambda **kw: SinusoidalPositionEncoding(**kw), (2, 4, 6), n_weights=0)
