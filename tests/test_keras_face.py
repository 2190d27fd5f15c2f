"""glassnet.keras: the import paths Keras users type reach the same engine."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.errors import ShapeError


def test_keras_paths_are_the_glassnet_objects():
    from glassnet.keras.layers import Dense
    from glassnet.keras.models import Sequential

    assert Dense is glassnet.layers.Dense and Sequential is glassnet.models.Sequential
    assert keras.Sequential is Sequential and keras.Input is glassnet.layers.Input
    assert keras.optimizers.Adam is glassnet.optimizers.Adam
    assert keras.callbacks.EarlyStopping is glassnet.callbacks.EarlyStopping


def test_to_categorical_matches_keras_and_rejects_bad_labels():
    np.testing.assert_array_equal(keras.utils.to_categorical([1, 0], 3), [[0, 1, 0], [1, 0, 0]])
    assert keras.utils.to_categorical(np.array([[2], [0]])).shape == (2, 3)
    with pytest.raises(ShapeError, match=r"expected labels in \[0, 1\], got 2"):
        keras.utils.to_categorical([0, 2], 2)


def test_keras_ops_build_a_custom_loss_that_trains():
    ops = keras.ops

    def clipped_mae(y_true, y_pred):
        return ops.mean(ops.clip(ops.abs(y_true - y_pred), 0.0, 10.0), axis=-1)

    glassnet.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 64, dtype=np.float32)[:, None]
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=clipped_mae)
    history = model.fit(x, 3 * x, epochs=40, verbose=0)
    assert history.history["loss"][-1] < 0.25 * history.history["loss"][0]
    assert ops.square(glassnet.tensor([3.0])).item() == 9.0
