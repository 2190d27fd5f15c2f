"""explain: one unit's forward and backward pass written out with the model's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError
from glassnet.inspect import explain
from glassnet.layers import Conv1D, Dense, Flatten, Input
from glassnet.models import Model, Sequential


@pytest.fixture
def model():
    glassnet.utils.set_random_seed(0)
    net = Sequential([Dense(4, activation="tanh", input_shape=(3,), name="hidden"),
                      Dense(3, activation="softmax", name="out")])  # fmt: skip
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return net


def test_explain_forward_numbers_are_the_layers_own(model, rng):
    x = rng.normal(size=(5, 3)).astype(np.float32)
    lines = []
    e = explain(model, x, layer="hidden", unit=2, sample=3, print_fn=lines.append)
    kernel, bias = (w.data for w in model.get_layer("hidden").weights)
    np.testing.assert_allclose(e.inputs, x[3])
    np.testing.assert_allclose(e.weights, kernel[:, 2])
    assert e.z == pytest.approx(float(x[3] @ kernel[:, 2] + bias[2]), rel=1e-6)
    assert e.value == pytest.approx(np.tanh(e.z), rel=1e-5)
    assert e.dL_dz is None and e.activation == "tanh"
    text = lines[0]
    assert text.startswith("Unit 2 of layer 'hidden' (Dense, activation tanh), sample 3")
    assert f"{e.products[0]:.4g}" in text and "pass y=..." in text


def test_explain_gradient_chain_matches_autograd(model, rng):
    x = rng.normal(size=(5, 3)).astype(np.float32)
    y = np.array([0, 2, 1, 1, 0])
    e = explain(model, x, layer=0, unit=1, y=y, sample=2, print_fn=None)
    assert e.dy_dz == pytest.approx(1 - e.value**2, rel=1e-5)  # tanh'(z)
    assert e.dL_dz == pytest.approx(e.dL_dy * e.dy_dz, rel=1e-6)
    # the same gradient, straight from backward() on that one example
    hidden = model.get_layer("hidden")
    loss = model.compute_loss(y[2:3], model(x[2:3]))
    loss.backward()
    np.testing.assert_allclose(e.dL_dw, hidden.kernel.grad[:, 1], rtol=1e-4, atol=1e-7)
    assert e.loss == pytest.approx(float(loss.data), rel=1e-6)
    assert e.autograd_difference < 1e-6
    np.testing.assert_allclose(e.dL_da, e.dL_dz * e.weights)


def test_explain_softmax_unit_has_no_elementwise_slope(model, rng):
    x = rng.normal(size=(2, 3)).astype(np.float32)
    e = explain(model, x, layer="out", unit=0, y=np.array([0, 1]), print_fn=None)
    assert e.dy_dz is None and "mixes all units" in str(e)
    assert e.autograd_difference < 1e-6
    probs = model.predict(x[:1])[0]
    assert e.dL_dz == pytest.approx(probs[0] - 1.0, abs=1e-5)  # softmax + cross-entropy


def test_explain_puts_the_gradients_back(model, rng):
    marker = np.zeros((3, 4), np.float32)
    model.get_layer("hidden").kernel.grad = marker
    explain(model, rng.normal(size=(1, 3)), layer="hidden", unit=0, y=[1], print_fn=None)
    assert model.get_layer("hidden").kernel.grad is marker
    assert model.get_layer("out").kernel.grad is None


def test_explain_many_inputs_shows_the_largest_terms(rng):
    wide = Sequential([Dense(2, input_shape=(30,), name="wide")])
    e = explain(wide, rng.normal(size=(30,)), layer="wide", unit=1, top=5, print_fn=None)
    text = str(e)
    assert "25 smaller terms add up to" in text
    biggest = int(np.argmax(np.abs(e.products)))
    assert f"    {biggest:>4} " in text


def test_explain_errors(model, rng):
    x = rng.normal(size=(2, 3))
    with pytest.raises(ConfigError, match="no layer named 'nope'.*Layers: hidden, out"):
        explain(model, x, layer="nope", unit=0)
    with pytest.raises(ConfigError, match=r"expected unit in \[0, 4\)"):
        explain(model, x, layer="hidden", unit=4)
    conv = Sequential([Conv1D(2, 2, input_shape=(4, 1), name="conv"), Flatten(), Dense(1)])
    with pytest.raises(
        ConfigError, match="expected a Dense layer, got layer 'conv' of type Conv1D"
    ):
        explain(conv, np.ones((1, 4, 1)), layer="conv", unit=0)
    inputs = Input(shape=(3,))
    bare = Model(inputs, Dense(1, name="d")(inputs))
    with pytest.raises(ConfigError, match="needs a compiled model"):
        explain(bare, x, layer="d", unit=0, y=[1.0, 2.0])


def test_explain_in_a_functional_model_with_two_outputs(rng):
    inputs = Input(shape=(3,))
    hidden = Dense(4, activation="relu", name="shared")(inputs)
    model = Model(inputs, [Dense(1, name="value")(hidden),
                           Dense(2, activation="softmax", name="kind")(hidden)])  # fmt: skip
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
    x = rng.normal(size=(4, 3)).astype(np.float32)
    targets = [rng.normal(size=(4, 1)), np.array([0, 1, 1, 0])]
    e = explain(model, x, layer="shared", unit=3, y=targets, sample=1, print_fn=None)
    assert e.autograd_difference < 1e-6
    loss = model.compute_loss([t[1:2] for t in targets], model(x[1:2]))
    assert e.loss == pytest.approx(float(loss.data), rel=1e-6)
