"""Activation layers against the layer oracle and PyTorch, plus their argument errors."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from glassnet import initializers
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import ELU, LAYERS, LeakyReLU, Maxout, PReLU, ReLU, Softmax
from tests._oracle import check_layer

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _torch_fn(fn):
    """``fn(torch, layer, x_torch) -> y_torch`` as a ``check_layer`` torch_forward.

    None without torch, so the finite-difference half of ``check_layer`` still runs.
    """
    if not HAS_TORCH:
        return None

    def forward(layer, x):
        import torch

        with torch.no_grad():
            return fn(torch, layer, torch.from_numpy(x)).numpy()

    return forward


def _alpha_init():
    return initializers.RandomUniform(minval=0.1, maxval=0.5, seed=3)


# ---------------------------------------------------------------- LeakyReLU, ELU, ReLU
def test_leaky_relu_default_slope_is_keras_layer_default():
    assert LeakyReLU().negative_slope == 0.3
    y = LeakyReLU()(np.array([[-10.0, 0.0, 5.0]])).numpy()
    np.testing.assert_allclose(y, [[-3.0, 0.0, 5.0]])


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4, 2)])
def test_leaky_relu_matches_torch_and_gradchecks(shape):
    forward = _torch_fn(lambda torch, layer, x: torch.nn.LeakyReLU(0.3)(x))
    check_layer(lambda **kw: LeakyReLU(**kw), shape, n_weights=0, torch_forward=forward)


def test_elu_matches_torch_and_gradchecks():
    forward = _torch_fn(lambda torch, layer, x: torch.nn.ELU(alpha=0.5)(x))
    check_layer(lambda **kw: ELU(alpha=0.5, **kw), (4, 6), n_weights=0, torch_forward=forward)
    assert ELU().alpha == 1.0


def test_relu_default_matches_torch_and_gradchecks():
    forward = _torch_fn(lambda torch, layer, x: torch.relu(x))
    check_layer(lambda **kw: ReLU(**kw), (4, 6), n_weights=0, torch_forward=forward)


def test_relu_with_cap_slope_and_threshold_matches_torch_formula():
    def reference(torch, layer, x):
        return torch.where(x > 0.5, torch.clamp(x, max=1.5), 0.1 * (x - 0.5))

    check_layer(
        lambda **kw: ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5, **kw),
        (5, 6), n_weights=0, torch_forward=_torch_fn(reference),
    )  # fmt: skip


# ---------------------------------------------------------------- Softmax
@pytest.mark.parametrize(("axis", "shape"), [(-1, (3, 5)), (1, (2, 4, 3))])
def test_softmax_matches_torch_and_gradchecks(axis, shape):
    forward = _torch_fn(lambda torch, layer, x: torch.softmax(x, dim=axis))
    check_layer(lambda **kw: Softmax(axis=axis, **kw), shape, n_weights=0, torch_forward=forward)


def test_softmax_over_several_axes_normalises_them_jointly():
    def reference(torch, layer, x):
        return torch.exp(x - torch.logsumexp(x, dim=(1, 2), keepdim=True))

    layer = check_layer(
        lambda **kw: Softmax(axis=[1, 2], **kw), (2, 3, 4), n_weights=0,
        torch_forward=_torch_fn(reference),
    )  # fmt: skip
    y = layer(np.random.default_rng(1).normal(size=(2, 3, 4))).numpy()
    np.testing.assert_allclose(y.sum(axis=(1, 2)), 1.0, rtol=1e-6)


def test_softmax_rejects_axis_out_of_range_at_call():
    with pytest.raises(ShapeError, match="axis 2 is out of range"):
        Softmax(axis=2)(np.ones((2, 3)))


# ---------------------------------------------------------------- PReLU
def test_prelu_matches_torch_prelu_per_feature_and_gradchecks():
    def reference(torch, layer, x):
        prelu = torch.nn.PReLU(num_parameters=layer.alpha.shape[0])
        prelu.weight.copy_(torch.from_numpy(layer.alpha.data))
        return prelu(x)

    layer = check_layer(
        lambda **kw: PReLU(alpha_initializer=_alpha_init(), **kw), (6, 4), n_weights=1,
        torch_forward=_torch_fn(reference),
    )  # fmt: skip
    assert layer.alpha.shape == (4,)
    assert layer.alpha.name.endswith("/alpha")


def test_prelu_shared_over_space_matches_torch_prelu_per_channel():
    def reference(torch, layer, x):
        channels = layer.alpha.shape[-1]
        prelu = torch.nn.PReLU(num_parameters=channels)
        prelu.weight.copy_(torch.from_numpy(layer.alpha.data.reshape(channels)))
        return prelu(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)  # NHWC -> NCHW -> NHWC

    layer = check_layer(
        lambda **kw: PReLU(alpha_initializer=_alpha_init(), shared_axes=[1, 2], **kw),
        (2, 3, 4, 5), n_weights=1, torch_forward=_torch_fn(reference),
    )  # fmt: skip
    assert layer.alpha.shape == (1, 1, 5)
    assert layer(np.ones((3, 7, 2, 5))).shape == (3, 7, 2, 5)  # shared axes may change size


def test_prelu_starts_as_relu_with_keras_default_zeros():
    layer = PReLU()
    y = layer(np.array([[-2.0, 3.0]])).numpy()
    np.testing.assert_array_equal(y, [[0.0, 3.0]])
    assert layer.trainable_weights == [layer.alpha]


def test_prelu_rejects_wrong_feature_count_naming_the_layer():
    layer = PReLU(name="prelu_check")
    layer(np.ones((2, 4)))
    with pytest.raises(ShapeError, match=r"PReLU 'prelu_check': expected input of shape"):
        layer(np.ones((2, 5)))


# ---------------------------------------------------------------- Maxout
def _torch_maxout(torch, layer, x):
    linear = torch.nn.Linear(layer.kernel.shape[0], layer.kernel.shape[1])
    linear.weight.copy_(torch.from_numpy(layer.kernel.data.T))  # (F, U*P) -> (U*P, F)
    linear.bias.copy_(torch.from_numpy(layer.bias.data))
    z = linear(x)
    return z.reshape(*z.shape[:-1], layer.units, layer.pieces).amax(dim=-1)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_maxout_matches_torch_linear_then_max_and_gradchecks(shape):
    layer = check_layer(
        lambda **kw: Maxout(3, 2, bias_initializer="random_normal", **kw), shape,
        n_weights=2, torch_forward=_torch_fn(_torch_maxout),
    )  # fmt: skip
    assert layer.kernel.shape == (4, 6)
    assert layer.compute_output_shape((None, 4)) == (None, 3)


def test_maxout_takes_the_max_of_each_group_of_pieces():
    layer = Maxout(2, 3, use_bias=False)
    layer(np.ones((1, 1)))
    layer.set_weights([np.array([[1.0, 5.0, 2.0, -1.0, -4.0, -2.0]])])
    np.testing.assert_array_equal(layer(np.array([[1.0]])).numpy(), [[5.0, -1.0]])
    np.testing.assert_array_equal(layer(np.array([[-1.0]])).numpy(), [[-1.0, 4.0]])


# ---------------------------------------------------------------- configs and errors
LAYER_FACTORIES = [
    lambda: LeakyReLU(0.1),
    lambda: ELU(0.7),
    lambda: ReLU(max_value=6.0),
    lambda: Softmax(axis=(1, 2)),
    lambda: PReLU(alpha_regularizer="l2", shared_axes=1),
    lambda: Maxout(4, 3, kernel_regularizer="l1"),
]


@pytest.mark.parametrize("make", LAYER_FACTORIES)
def test_activation_layer_configs_are_json_ready_and_registered(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = LAYERS.get(type(layer).__name__).from_config(config)
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: LeakyReLU(-0.1), "The 'negative_slope' argument of LeakyReLU must be a float"),
        (lambda: LeakyReLU(None), "The 'negative_slope' argument of LeakyReLU"),
        (lambda: ELU("big"), "The 'alpha' argument of ELU must be a finite float. Got 'big'"),
        (lambda: ReLU(max_value=-1.0), "The 'max_value' argument of ReLU must be None or a float"),
        (lambda: ReLU(negative_slope=-1.0), "The 'negative_slope' argument of ReLU"),
        (lambda: ReLU(threshold=-0.5), "The 'threshold' argument of ReLU must be a float >= 0"),
        (lambda: Softmax(axis="x"), "The 'axis' argument of Softmax must be an int or a list"),
        (lambda: PReLU(shared_axes=[0]), "The 'shared_axes' argument of PReLU must be None or"),
        (lambda: Maxout(0, 2), "The 'units' argument of Maxout must be a positive int. Got 0"),
        (lambda: Maxout(3, 1.5), "The 'pieces' argument of Maxout must be a positive int"),
        (lambda: Maxout(3, 2, use_bias="yes"), "The 'use_bias' argument of Maxout must be True"),
    ],
)  # fmt: skip
def test_activation_layer_rejects_bad_arguments(make, match):
    with pytest.raises(ConfigError, match=match):
        make()


def test_prelu_rejects_shared_axes_beyond_the_input_rank_at_build():
    with pytest.raises(ConfigError, match=r"must name axes of the input \(1 to 1"):
        PReLU(shared_axes=[2])(np.ones((2, 3)))
