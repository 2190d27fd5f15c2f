"""``RepeatVector``, ``Permute`` and ``Lambda``: oracle, PyTorch, an LSTM autoencoder that
trains and saves, and Lambda's refusal to be saved."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import LSTM, Dense, Input, Lambda, Permute, RepeatVector, TimeDistributed
from tests._oracle import check_layer


def test_repeat_vector_oracle_and_torch():
    def torch_forward(layer, x):
        import torch

        return torch.from_numpy(x)[:, None, :].expand(-1, 3, -1).numpy()

    check_layer(lambda **o: RepeatVector(3, **o), (2, 4), n_weights=0, torch_forward=torch_forward)


@pytest.mark.parametrize("dims", [(2, 1), (1, 2), (3, 1, 2), (2, 3, 1)])
def test_permute_oracle_and_torch(dims):
    def torch_forward(layer, x):
        import torch

        return torch.from_numpy(x).permute(0, *dims).numpy()

    shape = (2, 3, 4) if len(dims) == 2 else (2, 3, 4, 5)
    check_layer(lambda **o: Permute(dims, **o), shape, n_weights=0, torch_forward=torch_forward)


def test_lambda_gradients_and_output_shape():
    layer = Lambda(lambda x, k: ops.multiply(ops.tanh(x), k), arguments={"k": 3.0})
    x = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float64)
    np.testing.assert_allclose(layer(x.astype(np.float32)).numpy(), 3 * np.tanh(x), rtol=1e-6)
    wide = Lambda(lambda x, k: ops.multiply(ops.tanh(x), k), arguments={"k": 3.0}, dtype="float64")
    assert glassnet.gradcheck(lambda t: wide(t), x, atol=1e-6, rtol=1e-5)
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    assert Lambda(lambda x: x, output_shape=(7,)).compute_output_shape((None, 3)) == (None, 7)
    assert Lambda(lambda x: x, output_shape=lambda s: s[:1] + (5,)).compute_output_shape(
        (None, 3)
    ) == (None, 5)


def _autoencoder():
    glassnet.utils.set_random_seed(0)
    model = glassnet.Sequential(
        [
            Input((6, 2)),
            LSTM(8),
            RepeatVector(6),
            LSTM(8, return_sequences=True),
            TimeDistributed(Dense(2)),
        ]
    )
    model.compile(glassnet.optimizers.Adam(0.02), "mse")
    return model


def test_lstm_autoencoder_trains_saves_and_loads(tmp_path):
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2 * np.pi, 6, dtype=np.float32)
    phase = rng.uniform(0, 2 * np.pi, size=(64, 1)).astype(np.float32)
    x = np.stack([np.sin(t + phase), np.cos(t + phase)], axis=-1)
    model = _autoencoder()
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, epochs=30, batch_size=16, verbose=0)
    after = model.evaluate(x, x, verbose=0)
    assert after < 0.5 * before, (before, after)
    path = tmp_path / "ae.glassnet"
    model.save(path)
    loaded = glassnet.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert [type(lay).__name__ for lay in loaded.layers][1:3] == ["RepeatVector", "LSTM"]


def test_permute_in_a_model_saves_and_loads(tmp_path):
    model = glassnet.Sequential([Input((3, 4)), Permute((2, 1)), Dense(2)])
    x = np.random.default_rng(1).normal(size=(5, 3, 4)).astype(np.float32)
    model.save(tmp_path / "p.glassnet")
    loaded = glassnet.load_model(tmp_path / "p.glassnet")
    assert loaded.predict(x, verbose=0).shape == (5, 4, 2)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_lambda_works_in_fit_but_refuses_to_save(tmp_path):
    glassnet.utils.set_random_seed(0)
    model = glassnet.Sequential([Input((3,)), Dense(4), Lambda(ops.tanh), Dense(1)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ConfigError, match="cannot be saved: glassnet model files never hold code"):
        model.save(tmp_path / "m.glassnet")
    assert not (tmp_path / "m.glassnet").exists()
    model.save_weights(tmp_path / "m.weights.safetensors")


def test_errors():
    with pytest.raises(ConfigError, match="The 'n' argument of RepeatVector must be a positive"):
        RepeatVector(0)
    with pytest.raises(ConfigError, match=r"The 'dims' argument of Permute must be a permutation"):
        Permute((0, 1))
    with pytest.raises(ShapeError, match="Permute"):
        Permute((2, 1))(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="RepeatVector"):
        RepeatVector(2)(np.ones((2, 3, 4)))
    with pytest.raises(TypeError, match="Lambda: expected a callable function, got int"):
        Lambda(3)
    with pytest.raises(ConfigError, match="Lambda: expected output_shape as None, a tuple of"):
        Lambda(ops.tanh, output_shape="wide")
    with pytest.raises(ConfigError, match=r"Write the function as a custom layer \(subclass"):
        Lambda(ops.tanh).get_config()
    with pytest.raises(ConfigError, match="Lambda cannot be loaded from a config: glassnet model"):
        Lambda.from_config({"function": "os.system"})
