"""BatchNormalization and LayerNormalization against the layer oracle and PyTorch.

Mapping to PyTorch: torch ``momentum = 1 - keras momentum``, ``eps = epsilon``; torch's
modules are channels-first, so (N, H, W, C) inputs are permuted to (N, C, H, W) and back.
torch updates ``running_var`` with the unbiased batch variance, Keras and glassnet with the
biased one; ``test_batch_normalization_moving_statistics_match_torch_running_stats`` accounts
for that exactly.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

import glassnet
from glassnet import initializers
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import LAYERS, BatchNormalization, LayerNormalization
from tests._oracle import check_layer

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _uniform(low, high, seed):
    return initializers.RandomUniform(minval=low, maxval=high, seed=seed)


def _batch_norm(**kwargs):
    """A BatchNormalization whose four weights all start away from their trivial values."""
    return BatchNormalization(
        gamma_initializer=_uniform(0.5, 1.5, 1),
        beta_initializer=_uniform(-0.5, 0.5, 2),
        moving_mean_initializer=_uniform(-0.5, 0.5, 3),
        moving_variance_initializer=_uniform(0.5, 2.0, 4),
        **kwargs,
    )


def _torch_batch_norm(torch, layer, channels_last):
    """torch.nn.BatchNorm{1,2}d with the layer's weights and statistics mapped across."""
    channels = layer.moving_mean.shape[0]
    rank = layer.input_spec.ndim
    module = (torch.nn.BatchNorm1d if rank <= 3 else torch.nn.BatchNorm2d)(
        channels, eps=layer.epsilon, momentum=1 - layer.momentum
    )
    with torch.no_grad():
        if layer.gamma is not None:
            module.weight.copy_(torch.from_numpy(layer.gamma.data))
        if layer.beta is not None:
            module.bias.copy_(torch.from_numpy(layer.beta.data))
        module.running_mean.copy_(torch.from_numpy(layer.moving_mean.data))
        module.running_var.copy_(torch.from_numpy(layer.moving_variance.data))
    perm = (0, rank - 1, *range(1, rank - 1)) if channels_last and rank > 2 else None
    back = tuple(int(i) for i in np.argsort(perm)) if perm else None
    return module, perm, back


def _torch_bn_forward(training, channels_last=True):
    if not HAS_TORCH:
        return None

    def forward(layer, x):
        import torch

        module, perm, back = _torch_batch_norm(torch, layer, channels_last)
        module.train(training)
        xt = torch.from_numpy(x)
        with torch.no_grad():
            y = module(xt.permute(*perm) if perm else xt)
            return (y.permute(*back) if back else y).numpy()

    return forward


# ---------------------------------------------------------------- BatchNormalization
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(8, 4), (4, 3, 3, 2)])
def test_batch_normalization_matches_torch_and_gradchecks(shape, training):
    layer = check_layer(
        _batch_norm, shape, n_weights=4, training=training,
        torch_forward=_torch_bn_forward(training),
    )  # fmt: skip
    assert [w.name.split("/")[-1] for w in layer.weights] == [
        "gamma", "beta", "moving_mean", "moving_variance",
    ]  # fmt: skip


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_channels_first_axis_matches_torch(training):
    check_layer(
        lambda **kw: _batch_norm(axis=1, **kw), (4, 3, 2, 5), n_weights=4, training=training,
        torch_forward=_torch_bn_forward(training, channels_last=False),
    )  # fmt: skip


def test_batch_normalization_without_center_and_scale_keeps_only_statistics():
    layer = check_layer(
        lambda **kw: _batch_norm(center=False, scale=False, **kw), (6, 3), n_weights=2,
        training=True, torch_forward=None,
    )  # fmt: skip
    assert layer.gamma is None and layer.beta is None
    assert layer.trainable_weights == []


def test_batch_normalization_training_normalises_with_biased_batch_statistics():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(16, 5)).astype(np.float32)
    y = BatchNormalization(epsilon=1e-3)(x, training=True).numpy()
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)


def test_batch_normalization_training_gradients_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 3, 3, 2)).astype(np.float32)
    r = rng.normal(size=x.shape).astype(np.float32)
    layer = _batch_norm()
    xg = glassnet.tensor(x, requires_grad=True)
    (layer(xg, training=True) * glassnet.tensor(r)).sum().backward()
    module, perm, back = _torch_batch_norm(torch, layer, channels_last=True)
    xt = torch.tensor(x, requires_grad=True)
    y = module(xt.permute(*perm)).permute(*back)
    (y * torch.from_numpy(r)).sum().backward()
    np.testing.assert_allclose(xg.grad, xt.grad.numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(layer.gamma.grad, module.weight.grad.numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(layer.beta.grad, module.bias.grad.numpy(), atol=1e-5, rtol=1e-4)


def test_batch_normalization_moving_statistics_match_torch_running_stats():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    layer = BatchNormalization(momentum=0.9)
    module = torch.nn.BatchNorm2d(3, eps=1e-3, momentum=0.1)  # torch momentum = 1 - keras
    steps, shape = 6, (5, 4, 4, 3)
    for _ in range(steps):
        x = rng.normal(2.0, 3.0, size=shape).astype(np.float32)
        layer(x, training=True)
        module(torch.from_numpy(x).permute(0, 3, 1, 2))
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), module.running_mean.numpy(), rtol=1e-5, atol=1e-6
    )
    # torch averages the unbiased variance (/(n - 1)), Keras the biased one (/n); with n
    # values per channel in every batch and both starting at 1, the parts that came from the
    # batches differ by exactly (n - 1) / n.
    n = 5 * 4 * 4
    start = 0.9**steps
    expected = start + (n - 1) / n * (module.running_var.numpy() - start)
    np.testing.assert_allclose(layer.moving_variance.numpy(), expected, rtol=1e-5)
    assert not np.allclose(layer.moving_variance.numpy(), module.running_var.numpy(), rtol=1e-3)


def test_batch_normalization_moving_update_follows_the_keras_formula():
    x = np.array([[1.0, 0.0], [3.0, 4.0]], np.float32)
    layer = BatchNormalization(momentum=0.8)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.2 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.8 + 0.2 * x.var(0), rtol=1e-6)


def test_batch_normalization_inference_uses_moving_statistics_and_changes_nothing():
    layer = _batch_norm()
    x = np.random.default_rng(3).normal(size=(6, 4)).astype(np.float32)
    y = layer(x).numpy()
    before = layer.get_weights()
    gamma, beta, mean, var = before
    np.testing.assert_allclose(y, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-5)
    layer(x, training=False)
    for old, new in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_batch_normalization_frozen_layer_runs_in_inference_mode_as_keras():
    layer = _batch_norm()
    x = np.random.default_rng(4).normal(size=(6, 4)).astype(np.float32)
    inference = layer(x).numpy()
    layer.trainable = False
    np.testing.assert_array_equal(layer(x, training=True).numpy(), inference)
    assert layer.trainable_weights == []


def test_batch_normalization_moving_statistics_are_non_trainable_weights():
    layer = BatchNormalization()
    layer(np.ones((2, 3)))
    assert layer.trainable_weights == [layer.gamma, layer.beta]
    assert layer.non_trainable_weights == [layer.moving_mean, layer.moving_variance]


def test_batch_normalization_batch_of_one_in_training_raises_naming_the_layer():
    layer = BatchNormalization(name="bn_check")
    with pytest.raises(
        ShapeError,
        match=r"BatchNormalization 'bn_check': expected more than one value per channel in "
        r"training, got input of shape \(1, 4\)",
    ):
        layer(np.ones((1, 4)), training=True)
    assert layer(np.ones((1, 4))).shape == (1, 4)  # inference on one sample is fine


def test_batch_normalization_rejects_wrong_channel_count_naming_the_layer():
    layer = BatchNormalization(name="bn_channels")
    layer(np.ones((2, 3, 3, 4)))
    with pytest.raises(ShapeError, match=r"BatchNormalization 'bn_channels': expected input"):
        layer(np.ones((2, 3, 3, 5)))


def test_batch_normalization_rejects_the_batch_axis():
    with pytest.raises(ShapeError, match="expected axis 0 to be a feature axis"):
        BatchNormalization(axis=0)(np.ones((2, 3)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"momentum": 1.5}, "The 'momentum' argument of BatchNormalization must be a float in "
                            r"\[0, 1\]. Got 1.5"),
        ({"epsilon": 0}, "The 'epsilon' argument of BatchNormalization must be a float > 0"),
        ({"axis": "last"}, "The 'axis' argument of BatchNormalization must be an int"),
        ({"center": "yes"}, "The 'center' argument of BatchNormalization must be True or False"),
        ({"scale": None}, "The 'scale' argument of BatchNormalization must be True or False"),
        ({"gamma_initializer": "onez"}, "Unknown initializer 'onez'"),
    ],
)  # fmt: skip
def test_batch_normalization_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        BatchNormalization(**kwargs)


def test_batch_normalization_keras_defaults():
    layer = BatchNormalization()
    config = layer.get_config()
    assert (config["axis"], config["momentum"], config["epsilon"]) == (-1, 0.99, 1e-3)
    assert config["center"] is True and config["scale"] is True
    assert config["moving_variance_initializer"]["class_name"] == "Ones"


# ---------------------------------------------------------------- LayerNormalization
def _layer_norm(**kwargs):
    return LayerNormalization(
        gamma_initializer=_uniform(0.5, 1.5, 5), beta_initializer=_uniform(-0.5, 0.5, 6), **kwargs
    )


def _torch_ln_forward():
    if not HAS_TORCH:
        return None

    def forward(layer, x):
        import torch

        module = torch.nn.LayerNorm(layer.gamma.shape, eps=layer.epsilon)
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(layer.gamma.data))
            module.bias.copy_(torch.from_numpy(layer.beta.data))
            return module(torch.from_numpy(x)).numpy()

    return forward


@pytest.mark.parametrize(("axis", "shape"), [(-1, (5, 6)), (-1, (2, 3, 6)), ([1, 2], (3, 4, 5))])
def test_layer_normalization_matches_torch_layer_norm_and_gradchecks(axis, shape):
    layer = check_layer(
        lambda **kw: _layer_norm(axis=axis, **kw), shape, n_weights=2,
        torch_forward=_torch_ln_forward(),
    )  # fmt: skip
    assert layer.gamma.shape == shape[-(len(layer._axes)) :]


def test_layer_normalization_over_a_middle_axis_matches_numpy():
    x = np.random.default_rng(7).normal(size=(3, 4, 5)).astype(np.float32)
    layer = check_layer(lambda **kw: _layer_norm(axis=1, **kw), x.shape, n_weights=2)
    gamma, beta = (w.reshape(1, 4, 1) for w in layer.get_weights())
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(layer(x).numpy(), expected * gamma + beta, rtol=1e-4, atol=1e-5)


def test_layer_normalization_is_the_same_in_training_and_without_center_scale():
    x = np.random.default_rng(8).normal(size=(4, 6)).astype(np.float32)
    layer = check_layer(
        lambda **kw: LayerNormalization(center=False, scale=False, **kw), x.shape, n_weights=0
    )
    np.testing.assert_array_equal(layer(x, training=True).numpy(), layer(x).numpy())
    assert LayerNormalization().epsilon == 1e-3  # Keras 3's default (torch: 1e-5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epsilon": -1.0}, "The 'epsilon' argument of LayerNormalization must be a float > 0"),
        ({"axis": []}, "The 'axis' argument of LayerNormalization must be an int or a non-empty"),
        ({"axis": 1.5}, "The 'axis' argument of LayerNormalization"),
        ({"center": 1}, "The 'center' argument of LayerNormalization must be True or False"),
    ],
)
def test_layer_normalization_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        LayerNormalization(**kwargs)


def test_layer_normalization_rejects_the_batch_axis_and_wrong_features():
    with pytest.raises(ShapeError, match=r"LayerNormalization 'ln_batch': expected axis 0"):
        LayerNormalization(axis=[0, 1], name="ln_batch")(np.ones((2, 3)))
    layer = LayerNormalization(name="ln_features")
    layer(np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"LayerNormalization 'ln_features': expected input"):
        layer(np.ones((2, 4)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: _batch_norm(axis=1, gamma_regularizer="l2"),
        lambda: _layer_norm(axis=(1, 2), beta_regularizer="l1"),
    ],
)
def test_normalization_configs_are_json_ready_and_registered(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = LAYERS.get(type(layer).__name__).from_config(config)
    assert clone.get_config() == layer.get_config()
