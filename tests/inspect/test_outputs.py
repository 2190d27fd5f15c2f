"""layer_outputs: every layer's output, for Sequential, functional and subclassed models."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.inspect import layer_outputs
from glassnet.layers import Add, Dense, Dropout, Input
from glassnet.models import Model, Sequential


def test_layer_outputs_sequential_matches_layer_by_layer(rng):
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(2)])
    x = rng.normal(size=(5, 3)).astype(np.float32)
    outs = layer_outputs(model, x)
    first, second = model.layers
    assert list(outs) == [first.name, second.name]
    hidden = np.maximum(x @ first.kernel.data + first.bias.data, 0)
    np.testing.assert_allclose(outs[first.name], hidden, rtol=1e-6)
    np.testing.assert_allclose(outs[second.name], model.predict(x), rtol=1e-6)


def test_layer_outputs_functional_shared_layer_and_nested_model(rng):
    inputs = Input(shape=(3,))
    shared = Dense(3, name="shared")
    h = shared(shared(inputs))
    inner = Sequential([Dense(5, input_shape=(3,), name="inner_a"), Dense(3, name="inner_b")],
                       name="inner")  # fmt: skip
    model = Model(inputs, Add(name="sum")([h, inner(h)]))
    x = rng.normal(size=(2, 3)).astype(np.float32)
    outs = layer_outputs(model, x)
    assert list(outs) == ["shared", "shared:1", "inner", "sum"]
    np.testing.assert_allclose(outs["sum"], model.predict(x), rtol=1e-6)
    opened = layer_outputs(model, x, expand_nested=True)
    assert list(opened) == ["shared", "shared:1", "inner_a", "inner_b", "sum"]
    np.testing.assert_allclose(opened["inner_b"], outs["inner"], rtol=1e-6)


def test_layer_outputs_subclassed_model(rng):
    class TwoStep(Model):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = Dense(4, activation="tanh")
            self.head = Dense(1)

        def call(self, x, training=None):
            return self.head(self.hidden(x)) + ops.sum(x, axis=1, keepdims=True)

    model = TwoStep()
    x = rng.normal(size=(3, 2)).astype(np.float32)
    outs = layer_outputs(model, x)  # builds the model on its first call
    assert [v.shape for v in outs.values()] == [(3, 4), (3, 1)]
    np.testing.assert_allclose(outs[model.hidden.name], np.tanh(x @ model.hidden.kernel.data),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_layer_outputs_training_flag_reaches_the_layers():
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dropout(0.5, input_shape=(100,))])
    x = np.ones((4, 100), np.float32)
    assert (layer_outputs(model, x)[model.layers[0].name] == 1).all()
    dropped = layer_outputs(model, x, training=True)[model.layers[0].name]
    assert set(np.unique(dropped)) == {0.0, 2.0}


def test_layer_outputs_leaves_the_layers_unwatched_even_after_an_error(rng):
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="expected input of shape"):
        layer_outputs(model, np.ones((2, 4), np.float32))
    assert "call" not in vars(model.layers[0])
    layer_outputs(model, np.ones((2, 3), np.float32))
    assert "call" not in vars(model.layers[0])
