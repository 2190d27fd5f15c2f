"""Normalization: the layer oracle, adapt on arrays and batches (Keras's biased variance and
its epsilon clamp), weights saved with the model, and Keras 3 itself (torch backend).

PyTorch has no peer layer; the reference is Keras 3's ``keras.layers.Normalization``."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.data import PyDataset
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import Normalization
from glassnet.layers.normalization_preprocessing import EPSILON
from tests._keras import keras_on_torch
from tests._oracle import check_layer

RNG = np.random.default_rng(0)
DATA = (RNG.normal(size=(50, 3, 4)) * [1.0, 2.0, 3.0, 4.0] + [0.0, 1.0, -2.0, 5.0]).astype(
    np.float32
)


_keras = keras_on_torch


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize(("axis", "shape"), [(-1, (3, 4)), (None, (3, 4)), ((1, 2), (2, 3, 4))])
def test_normalization_oracle(axis, shape, invert) -> None:
    check_layer(lambda **kw: Normalization(axis, invert=invert, **kw), shape, n_weights=2)


def test_normalization_with_fixed_statistics_has_no_weights() -> None:
    layer = check_layer(
        lambda **kw: Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], **kw),
        (2, 3), n_weights=0,
    )  # fmt: skip
    np.testing.assert_allclose(layer(np.array([[3.0, 2.0, 3.5]])).numpy(), [[1.0, 0.0, 1.0]])
    clamped = Normalization(mean=1.0, variance=0.0)(np.array([[1.0, 1.5]])).numpy()
    np.testing.assert_allclose(clamped, [[0.0, 0.5 / EPSILON]], rtol=1e-6)  # std >= 1e-7
    inverse = Normalization(mean=2.0, variance=9.0, invert=True)(np.array([[1.0]])).numpy()
    np.testing.assert_allclose(inverse, [[5.0]])


def test_adapt_on_array_uses_biased_variance() -> None:
    layer = Normalization()
    layer.adapt(DATA)
    flat = DATA.reshape(-1, 4).astype(np.float64)
    np.testing.assert_allclose(layer.mean.numpy(), flat.mean(0), rtol=1e-6)
    np.testing.assert_allclose(layer.variance.numpy(), flat.var(0), rtol=1e-6)
    y = layer(DATA).numpy().reshape(-1, 4)
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(0), 1, atol=1e-5)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_adapt_on_batches_equals_adapt_on_the_whole_array() -> None:
    whole, batched = Normalization(axis=(1, 2)), Normalization(axis=(1, 2))
    whole.adapt(DATA)
    batched.adapt(DATA[i : i + 7] for i in range(0, 50, 7))  # uneven batches, a generator

    class Batches(PyDataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return DATA[10 * i : 10 * i + 10], np.zeros(10)

    dataset = Normalization(axis=(1, 2))
    dataset.adapt(Batches())
    for other in (batched, dataset):
        np.testing.assert_allclose(other.mean.numpy(), whole.mean.numpy(), rtol=1e-5)
        np.testing.assert_allclose(other.variance.numpy(), whole.variance.numpy(), rtol=1e-5)


def test_adapted_statistics_are_saved_with_the_model(tmp_path) -> None:
    layer = Normalization()
    model = glassnet.models.Sequential(
        [glassnet.layers.Input((4,)), layer, glassnet.layers.Dense(2)]
    )
    layer.adapt(DATA.reshape(-1, 4))
    path = tmp_path / "model.glassnet"
    glassnet.io.save_model(model, path)
    loaded = glassnet.io.load_model(path)
    x = DATA[:5, 0]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(loaded.layers[0].mean.numpy(), layer.mean.numpy())


@pytest.mark.parametrize(
    "kwargs", [{}, {"axis": None}, {"axis": (1, 2)}, {"invert": True}, {"axis": 1}]
)
def test_normalization_matches_keras(kwargs) -> None:
    keras = _keras()
    ours, theirs = Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    ours.adapt(DATA)
    theirs.adapt(DATA)
    x = DATA[:6]
    np.testing.assert_allclose(
        ours(x).numpy(), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-4, atol=1e-5
    )


def test_fixed_statistics_match_keras() -> None:
    keras = _keras()
    mean, variance = [0.5, -1.0, 2.0, 0.0], [4.0, 0.25, 1.0, 0.0]
    x = DATA[:6]
    for invert in (False, True):
        ours = Normalization(mean=mean, variance=variance, invert=invert)(x).numpy()
        theirs = keras.layers.Normalization(mean=mean, variance=variance, invert=invert)(x)
        np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-5)
    assert EPSILON == keras.config.epsilon()


def test_normalization_errors() -> None:
    with pytest.raises(ConfigError, match="expected both 'mean' and 'variance', or neither"):
        Normalization(mean=1.0)
    with pytest.raises(ConfigError, match="'variance' argument of Normalization must be None"):
        Normalization(mean=0.0, variance=-1.0)
    with pytest.raises(ConfigError, match="'mean' argument of Normalization must be None"):
        Normalization(mean="a", variance=1.0)
    with pytest.raises(ConfigError, match="'axis' argument of Normalization"):
        Normalization(axis="last")
    with pytest.raises(ShapeError, match="expected axis 0 to name non-batch axes"):
        Normalization(axis=0).adapt(DATA)
    with pytest.raises(ShapeError, match="expected 'mean' broadcastable to the kept"):
        Normalization(mean=[1.0, 2.0], variance=1.0)(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="expected 'variance' broadcastable to the kept"):
        Normalization(mean=0.0, variance=[1.0, 2.0])(np.ones((2, 3)))
    with pytest.raises(StateError, match="expected a layer without fixed statistics to adapt"):
        Normalization(mean=0.0, variance=1.0).adapt(DATA)
    with pytest.raises(ShapeError, match="expected at least one sample to adapt on"):
        Normalization().adapt(np.zeros((0, 4)))
    with pytest.raises(TypeError, match="expected a NumPy array, a PyDataset or an iterable"):
        Normalization().adapt(3)
    with pytest.raises(ShapeError, match="expected input of shape"):
        layer = Normalization()
        layer.adapt(DATA)
        layer.adapt(np.ones((3, 3, 5)))
