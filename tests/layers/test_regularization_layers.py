"""GaussianDropout, SpatialDropout1D/2D, ActivityRegularization and Identity: the layer
oracle, Keras's scaling and mask sharing, activity losses in ``model.losses``, and torch."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    ActivityRegularization,
    Dense,
    GaussianDropout,
    Identity,
    SpatialDropout1D,
    SpatialDropout2D,
)
from tests._oracle import check_layer


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda **kw: Identity(**kw), (3, 4)),
        (lambda **kw: ActivityRegularization(0.1, 0.2, **kw), (3, 4)),
        (lambda **kw: GaussianDropout(0.3, **kw), (3, 4)),
        (lambda **kw: SpatialDropout1D(0.3, **kw), (2, 5, 3)),
        (lambda **kw: SpatialDropout2D(0.3, **kw), (2, 3, 3, 2)),
    ],
)
def test_regularization_layers_oracle_at_inference(make, shape) -> None:
    layer = check_layer(make, shape, n_weights=0)
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)


@pytest.mark.parametrize(
    ("cls", "shape", "shared"),
    [(SpatialDropout1D, (64, 7, 16), (1,)), (SpatialDropout2D, (64, 4, 5, 16), (1, 2))],
)
def test_spatial_dropout_mask_is_shared_over_spatial_axes_and_scaled(cls, shape, shared) -> None:
    x = np.ones(shape, np.float32)
    y = cls(0.25, seed=1)(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    first = y[(slice(None),) + (slice(0, 1),) * len(shared)]
    np.testing.assert_array_equal(y, np.broadcast_to(first, shape))  # same over space
    kept = (first > 0).mean()
    assert 0.65 < kept < 0.85  # per (sample, channel), about 1 - rate
    assert len(np.unique(first.reshape(shape[0], -1), axis=0)) > 1  # differs per sample


def test_spatial_dropout_gradient_is_the_mask() -> None:
    layer = SpatialDropout1D(0.5, seed=3)
    x = glassnet.Tensor(np.ones((4, 3, 5), np.float32), requires_grad=True)
    y = layer(x, training=True)
    glassnet.ops.sum(y).backward()
    np.testing.assert_array_equal(x.grad, y.numpy())


def test_gaussian_dropout_noise_has_mean_one_and_keras_stddev() -> None:
    rate = 0.4
    y = GaussianDropout(rate, seed=0)(np.ones((200, 500), np.float32), training=True).numpy()
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(y.std() - np.sqrt(rate / (1 - rate))) < 0.01
    assert GaussianDropout(0.0)(np.ones((2, 2)), training=True).numpy().tolist() == [[1, 1]] * 2


def test_gaussian_dropout_matches_its_formula_from_the_same_generator() -> None:
    x = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    y = GaussianDropout(0.2, seed=7)(x, training=True).numpy()
    noise = 1 + np.sqrt(0.2 / 0.8) * np.random.default_rng(7).standard_normal((3, 4))
    np.testing.assert_allclose(y, x * noise.astype(np.float32), rtol=1e-6)


@pytest.mark.parametrize("cls", [GaussianDropout, SpatialDropout1D, SpatialDropout2D])
@pytest.mark.parametrize("rate", [-0.1, 1.0, "half", None])
def test_dropout_layers_reject_bad_rate(cls, rate) -> None:
    with pytest.raises(ConfigError, match=rf"'rate' argument of {cls.__name__} must be a float"):
        cls(rate)


def test_spatial_dropout_rejects_wrong_rank_and_channels_first() -> None:
    with pytest.raises(ShapeError, match="expected input of rank 3"):
        SpatialDropout1D(0.5)(np.ones((2, 3)))
    with pytest.raises(ConfigError, match="'data_format' argument of SpatialDropout2D"):
        SpatialDropout2D(0.5, data_format="channels_first")
    with pytest.raises(ConfigError, match="'seed' argument of GaussianDropout"):
        GaussianDropout(0.5, seed=-1)


def test_activity_regularization_penalty_value_and_gradient() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    layer = ActivityRegularization(l1=0.1, l2=0.01)
    t = glassnet.Tensor(x, requires_grad=True)
    layer(t)
    (penalty,) = layer.losses
    expected = 0.1 * np.abs(x).sum() + 0.01 * (x**2).sum()
    np.testing.assert_allclose(penalty.numpy(), expected, rtol=1e-6)
    penalty.backward()
    np.testing.assert_allclose(t.grad, 0.1 * np.sign(x) + 0.02 * x, rtol=1e-6)
    assert ActivityRegularization()(x) is not None and ActivityRegularization().losses == []


def test_activity_regularization_enters_model_losses_and_fit() -> None:
    glassnet.utils.set_random_seed(0)
    model = glassnet.models.Sequential(
        [glassnet.layers.Input((3,)), Dense(2), ActivityRegularization(l2=1.0)]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 3), np.float32)
    out = model(x)
    assert len(model.losses) == 1
    np.testing.assert_allclose(model.losses[0].numpy(), (out.numpy() ** 2).sum(), rtol=1e-5)
    plain = glassnet.models.Sequential([glassnet.layers.Input((3,)), Dense(2)])
    plain.compile(optimizer="sgd", loss="mse")
    plain.set_weights(model.get_weights())
    y = np.zeros((4, 2), np.float32)
    assert model.evaluate(x, y, verbose=0) > plain.evaluate(x, y, verbose=0)


@pytest.mark.parametrize("name", ["l1", "l2"])
def test_activity_regularization_rejects_negative_factors(name) -> None:
    with pytest.raises(ConfigError, match=rf"'{name}' argument of ActivityRegularization"):
        ActivityRegularization(**{name: -1.0})


def test_identity_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
    np.testing.assert_array_equal(Identity()(x).numpy(), torch.nn.Identity()(torch.from_numpy(x)))
