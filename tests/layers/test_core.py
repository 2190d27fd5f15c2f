"""Core layers against the layer oracle and PyTorch, plus their errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import Activation, Dense, Dropout, Flatten, Input, Reshape
from tests._oracle import check_layer


def _torch_linear(activation):
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        lin = torch.nn.Linear(layer.kernel.shape[0], layer.units)
        with torch.no_grad():
            lin.weight.copy_(
                torch.from_numpy(layer.kernel.data.T)
            )  # Keras (F, units) -> torch (units, F)
            lin.bias.copy_(torch.from_numpy(layer.bias.data))
            out = lin(torch.from_numpy(x))
            out = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                   "elu": torch.nn.functional.elu, None: lambda t: t}[activation](out)  # fmt: skip
        return out.numpy()

    return forward


@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid", "elu"])
def test_dense_matches_torch_linear_and_gradchecks(activation):
    check_layer(
        lambda **kw: Dense(4, activation=activation, bias_initializer="random_normal", **kw),
        (5, 3), n_weights=2, torch_forward=_torch_linear(activation),
    )  # fmt: skip


def test_dense_on_3d_input_applies_to_last_axis():
    check_layer(lambda **kw: Dense(2, activation="relu", **kw), (3, 4, 5), n_weights=2)


def test_dense_without_bias_has_one_weight():
    layer = check_layer(lambda **kw: Dense(3, use_bias=False, **kw), (4, 2), n_weights=1)
    assert layer.count_params() == 6


def test_dense_rejects_wrong_feature_count_naming_the_layer():
    layer = Dense(2, name="dense_check")
    layer(np.ones((1, 4)))
    with pytest.raises(
        ShapeError, match=r"Dense 'dense_check': expected input of shape \(N, 4\), got \(32, 5\)"
    ):
        layer(np.ones((32, 5)))


def test_dense_rejects_bad_units_and_unknown_arguments():
    with pytest.raises(
        ConfigError, match="The 'units' argument of Dense must be a positive int. Got 0"
    ):
        Dense(0)
    with pytest.raises(ConfigError, match="unexpected argument"):
        Dense(3, activaton="relu")
    with pytest.raises(ConfigError, match="Did you mean 'relu'"):
        Dense(3, activation="rel")


def test_dense_kernel_regularizer_adds_a_loss():
    layer = Dense(2, kernel_regularizer="l2")
    layer(np.ones((1, 3)))
    expected = 0.01 * float((layer.kernel.data**2).sum())
    assert float(sum(loss.item() for loss in layer.losses)) == pytest.approx(expected, rel=1e-5)


def test_set_weights_checks_shapes_and_build_state():
    with pytest.raises(StateError, match="expected a built layer"):
        Dense(2).set_weights([np.ones((3, 2)), np.zeros(2)])
    layer = Dense(2)
    layer(np.ones((1, 3)))
    with pytest.raises(
        ShapeError, match=r"expected weight 'dense\S*/kernel' of shape \(3, 2\), got \(2, 2\)"
    ):
        layer.set_weights([np.ones((2, 2)), np.zeros(2)])


def test_dropout_is_identity_at_inference_and_scales_in_training():
    glassnet.utils.set_random_seed(0)
    layer = Dropout(0.25)
    x = np.ones((200, 50), np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.75)


def test_dropout_gradient_uses_the_same_mask():
    glassnet.utils.set_random_seed(1)
    x = glassnet.tensor(np.ones((4, 6)), requires_grad=True)
    y = Dropout(0.5)(x, training=True)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, y.numpy())


def test_dropout_rejects_rate_outside_unit_interval():
    with pytest.raises(
        ConfigError, match=r"The 'rate' argument of Dropout must be a float in \[0, 1\)"
    ):
        Dropout(1.0)


def test_flatten_reshape_activation_shapes_and_gradients():
    check_layer(lambda **kw: Flatten(**kw), (2, 3, 4), n_weights=0)
    check_layer(lambda **kw: Reshape((4, 3), **kw), (2, 12), n_weights=0)
    check_layer(lambda **kw: Activation("tanh", **kw), (2, 5), n_weights=0)
    with pytest.raises(ShapeError, match=r"cannot reshape samples of shape \(12,\)"):
        Reshape((5, 2))(np.ones((2, 12)))


def test_input_declares_shape_and_rejects_bad_shape():
    x = Input(shape=(4,), name="features")
    assert x.shape == (None, 4) and x.layer.batch_input_shape == (None, 4)
    assert x.layer.name == "features" and x.dtype == np.float32
    assert Input(shape=(None, 3), batch_size=8).shape == (8, None, 3)
    assert Input(batch_shape=(None, 2)).shape == (None, 2)
    with pytest.raises(ConfigError, match="expected positive integer sizes"):
        Input(shape=(0,))
    with pytest.raises(ConfigError, match=r"with batch size -1"):
        Input(shape=(2,), batch_size=-1)
    with pytest.raises(ConfigError, match="expected shape=.* got none"):
        Input()
    with pytest.raises(TypeError, match="placeholder with no values"):
        np.asarray(x)
