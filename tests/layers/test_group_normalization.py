"""GroupNormalization and UnitNormalization against the layer oracle and PyTorch
(``torch.nn.GroupNorm`` on the channels-first input, ``F.normalize``)."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import initializers
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import GroupNormalization, UnitNormalization
from tests._oracle import check_layer


def _group_norm(groups, **kwargs):
    return GroupNormalization(
        groups,
        gamma_initializer=initializers.RandomUniform(0.5, 1.5, seed=1),
        beta_initializer=initializers.RandomUniform(-0.5, 0.5, seed=2),
        **kwargs,
    )


def _torch_group_norm(layer, x):
    torch = pytest.importorskip("torch")
    channels = layer.gamma.shape[0]
    module = torch.nn.GroupNorm(layer._groups, channels, eps=layer.epsilon)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.gamma.data))
        module.bias.copy_(torch.from_numpy(layer.beta.data))
    axis = layer._axis
    first = np.moveaxis(x, axis, 1)  # channels-last -> channels-first
    out = module(torch.from_numpy(np.ascontiguousarray(first))).detach().numpy()
    return np.moveaxis(out, 1, axis)


@pytest.mark.parametrize(
    ("groups", "shape", "axis"),
    [(2, (3, 4), -1), (1, (2, 5, 6), -1), (3, (2, 4, 3, 6), -1), (-1, (2, 5, 4), -1),
     (2, (2, 4, 5), 1)],
)  # fmt: skip
def test_group_normalization_oracle_and_torch(groups, shape, axis) -> None:
    check_layer(
        lambda **kw: _group_norm(groups, axis=axis, **kw),
        shape,
        n_weights=2,
        torch_forward=_torch_group_norm,
    )


def test_group_normalization_without_center_and_scale_has_no_weights() -> None:
    layer = check_layer(lambda **kw: GroupNormalization(2, center=False, scale=False, **kw),
                        (2, 3, 4), n_weights=0)  # fmt: skip
    y = layer(np.random.default_rng(0).normal(size=(2, 3, 4))).numpy().reshape(2, 3, 2, 2)
    np.testing.assert_allclose(y.mean(axis=(1, 3)), 0, atol=1e-6)


def test_group_normalization_keras_defaults() -> None:
    layer = GroupNormalization()
    assert (layer.groups, layer.axis, layer.epsilon, layer.center, layer.scale) == (
        32, -1, 1e-3, True, True,
    )  # fmt: skip


def test_group_normalization_rejects_groups_that_do_not_divide_channels() -> None:
    with pytest.raises(ShapeError, match="expected a channel count divisible by groups=3"):
        GroupNormalization(3)(np.ones((2, 4)))
    with pytest.raises(ShapeError, match="expected a channel count divisible by groups=32"):
        GroupNormalization()(np.ones((2, 4)))
    with pytest.raises(ConfigError, match="'groups' argument of GroupNormalization"):
        GroupNormalization(0)
    with pytest.raises(ConfigError, match="'epsilon' argument of GroupNormalization"):
        GroupNormalization(2, epsilon=0)
    with pytest.raises(ShapeError, match="expected axis 0 to be a feature axis"):
        GroupNormalization(2, axis=0)(np.ones((2, 4)))


def _torch_normalize(layer, x):
    torch = pytest.importorskip("torch")
    axes = layer._axes
    t = torch.from_numpy(x)
    if len(axes) == 1:
        return torch.nn.functional.normalize(t, dim=axes[0]).numpy()
    norm = t.pow(2).sum(dim=axes, keepdim=True).sqrt().clamp_min(1e-12)
    return (t / norm).numpy()


@pytest.mark.parametrize(("axis", "shape"), [(-1, (3, 4)), (1, (2, 3, 4)), ([1, 2], (2, 3, 4))])
def test_unit_normalization_oracle_and_torch(axis, shape) -> None:
    check_layer(lambda **kw: UnitNormalization(axis, **kw), shape, n_weights=0,
                torch_forward=_torch_normalize)  # fmt: skip


def test_unit_normalization_keeps_a_zero_vector_zero_and_checks_axis() -> None:
    np.testing.assert_array_equal(UnitNormalization()(np.zeros((1, 3))).numpy(), 0)
    with pytest.raises(ConfigError, match="'axis' argument of UnitNormalization"):
        UnitNormalization(axis="last")
    with pytest.raises(ShapeError, match="expected axis 3 to be a feature axis"):
        UnitNormalization(axis=3)(np.ones((2, 4)))
