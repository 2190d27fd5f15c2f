"""Overriding train_step/test_step: glassnet's (x, y, sample_weight) form and Keras 3's (data)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ShapeError
from glassnet.keras.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from glassnet.layers import Dense, Input
from glassnet.models import Model, Sequential


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return x, y


class KerasStyle(Model):
    """The Keras 3 guide's custom train_step, written for glassnet's autograd."""

    def train_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        weights = self.trainable_weights
        for w in weights:
            w.grad = None
        loss.backward()
        self.optimizer.apply([w.grad for w in weights], weights)
        return {"loss": loss}

    def test_step(self, data):
        x, y, _ = unpack_x_y_sample_weight(data)
        return {"loss": self.compute_loss(y=y, y_pred=self(x, training=False)), "seen": len(x)}


def _fit(cls):
    glassnet.utils.set_random_seed(3)
    inputs = Input((3,))
    model = cls(inputs, Dense(1)(inputs))
    model.compile(glassnet.optimizers.SGD(0.05), "mse")
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    return model, history


def test_keras_style_train_step_gets_data_and_trains_like_the_built_in_step():
    ours, history = _fit(KerasStyle)
    assert isinstance(ours, KerasStyle) and type(ours).__name__ == "KerasStyle"
    reference, expected = _fit(Model)
    for a, b in zip(ours.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    x, y = _data()
    logs = ours.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    assert logs["seen"] == 64
    np.testing.assert_allclose(logs["loss"], reference.evaluate(x, y, verbose=0), rtol=1e-6)


def test_keras_style_step_may_fit_without_targets():
    class Reconstruct(Model):  # an autoencoder-like step: the input is the target
        def train_step(self, data):
            x, y, _ = unpack_x_y_sample_weight(data)
            assert y is None
            loss = self.compute_loss(y=x, y_pred=self(x, training=True))
            for w in self.trainable_weights:
                w.grad = None
            loss.backward()
            self.optimizer.apply([w.grad for w in self.trainable_weights], self.trainable_weights)
            return {"loss": loss}

    inputs = Input((3,))
    model = Reconstruct(inputs, Dense(3)(inputs))
    model.compile(glassnet.optimizers.SGD(0.1), "mse")
    x, _ = _data()
    losses = model.fit(x, epochs=20, batch_size=64, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_glassnet_style_override_still_gets_x_y_and_sample_weight():
    seen = []

    class Counting(Sequential):
        def train_step(self, x, y, sample_weight=None):
            seen.append((x.shape, y.shape, None if sample_weight is None else sample_weight.shape))
            return super().train_step(x, y, sample_weight)

    model = Counting([Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    x, y = _data()
    model.fit(x, y, batch_size=32, epochs=1, sample_weight=np.ones(64), verbose=0)
    assert seen == [((32, 3), (32, 1), (32,))] * 2
    with pytest.raises(glassnet.errors.ConfigError, match="expected both x and y, got y=None"):
        model.fit(x, verbose=0)


def test_pack_and_unpack_follow_keras():
    x = np.ones((2, 1))
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight([x, x]) == ([x, x],)
    assert pack_x_y_sample_weight(x, 1) == (x, 1)
    assert pack_x_y_sample_weight(x, 1, 2) == (x, 1, 2)
    assert unpack_x_y_sample_weight(x)[0] is x
    assert unpack_x_y_sample_weight((x,))[1:] == (None, None)
    assert unpack_x_y_sample_weight([1, 2, 3]) == (1, 2, 3)
    with pytest.raises(ValueError, match=r"expected data as x, \(x,\), \(x, y\) or \(x, y, s"):
        unpack_x_y_sample_weight((1, 2, 3, 4))


def test_optimizer_apply_pairs_gradients_with_variables():
    w = glassnet.tensor(np.ones(2, np.float32), requires_grad=True)
    opt = glassnet.optimizers.SGD(0.5)
    assert opt.apply([np.ones(2, np.float32)], [w]) == 1
    np.testing.assert_array_equal(w.data, [0.5, 0.5])
    with pytest.raises(ShapeError, match=r"SGD.apply: expected one gradient per variable, got 2"):
        opt.apply([np.ones(2), np.ones(2)], [w])
