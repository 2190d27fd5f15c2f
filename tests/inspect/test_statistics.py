"""LayerStatistics / layer_statistics: gradient norms, activations, dead and saturated units."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet
from glassnet.inspect import LayerStatistics, layer_statistics
from glassnet.inspect.statistics import PERCENTILES
from glassnet.layers import Activation, Dense
from glassnet.models import Sequential


def _model(*layers, loss="mse"):
    model = Sequential(list(layers))
    model.compile(optimizer="sgd", loss=loss)
    return model


def test_layer_statistics_gradient_norm_is_the_norm_of_each_layers_weight_gradients(rng):
    model = _model(Dense(4, activation="relu", input_shape=(3,)), Dense(1))
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    snap = layer_statistics(model, x, y, batch_size=16)
    loss = model.compute_loss(y, model(x, training=False))
    loss.backward()
    for layer in model.layers:
        expected = np.sqrt(sum(np.sum(w.grad.astype(np.float64) ** 2) for w in layer.weights))
        assert snap["layers"][layer.name]["gradient_norm"] == pytest.approx(expected, rel=1e-5)
    assert snap["percentiles"] == list(PERCENTILES)


def test_layer_statistics_counts_dead_relu_units():
    hidden = Dense(4, activation="relu", input_shape=(2,))
    model = _model(hidden, Dense(1))
    hidden.set_weights([np.array([[-1.0, -2.0, 1.0, 0.5], [-1.0, -1.0, 1.0, 0.5]]),
                        np.array([-0.5, 0.0, 0.0, 0.1])])  # fmt: skip
    x = np.random.default_rng(1).random((20, 2))  # positive: units 0 and 1 never fire
    entry = layer_statistics(model, x, np.zeros((20, 1)))["layers"][hidden.name]
    assert entry["dead_fraction"] == 0.5
    assert entry["saturated_fraction"] is None
    out = np.maximum(x @ hidden.kernel.data + hidden.bias.data, 0)
    assert entry["activation_mean"] == pytest.approx(out.mean(), rel=1e-5)
    assert entry["activation_std"] == pytest.approx(out.std(), rel=1e-4)
    assert entry["activation_percentiles"][-1] == pytest.approx(out.max(), rel=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_layer_statistics_counts_saturated_outputs(activation):
    hidden = Dense(2, activation=activation, input_shape=(1,))
    model = _model(hidden, Dense(1))
    hidden.set_weights([np.array([[50.0, 0.01]]), np.zeros(2)])
    x = np.linspace(0.5, 1.0, 10)[:, None]  # unit 0 pinned at the top, unit 1 in the middle
    entry = layer_statistics(model, x, np.zeros((10, 1)))["layers"][hidden.name]
    assert entry["saturated_fraction"] == 0.5
    assert entry["dead_fraction"] is None


def test_layer_statistics_without_targets_has_no_gradients(rng):
    model = _model(Dense(3, input_shape=(2,)), Activation("relu"))
    snap = layer_statistics(model, rng.normal(size=(8, 2)))
    dense, act = model.layers
    assert snap["layers"][dense.name]["gradient_norm"] is None
    assert snap["layers"][act.name]["activation"] == "relu"
    assert snap["layers"][act.name]["dead_fraction"] is not None


def test_layer_statistics_changes_nothing_in_the_model(rng):
    model = _model(Dense(3, activation="relu", input_shape=(2,)), Dense(1))
    before = model.get_weights()
    marker = np.full((2, 3), 7.0, np.float32)
    model.layers[0].kernel.grad = marker
    layer_statistics(model, rng.normal(size=(8, 2)), rng.normal(size=(8, 1)))
    assert model.layers[0].kernel.grad is marker
    assert model.layers[1].kernel.grad is None
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert all("call" not in vars(layer) for layer in model.layers)


def _fit(callbacks, x, y, epochs=3):
    glassnet.utils.set_random_seed(3)
    model = _model(Dense(5, activation="relu", input_shape=(2,)), Dense(3, activation="tanh"),
                   Dense(1))  # fmt: skip
    model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks,
              validation_data=(x * 1000, y))  # fmt: skip
    return model


def test_layer_statistics_callback_records_every_epoch_in_the_documented_format(rng):
    x, y = rng.random((32, 2)), rng.random((32, 1))
    stats = LayerStatistics()
    model = _fit([stats], x, y)
    history = json.loads(json.dumps(stats.history))  # plain, JSON-ready values
    assert history["epochs"] == [0, 1, 2]
    assert list(history["layers"]) == [layer.name for layer in model.layers]
    relu, tanh, linear = (history["layers"][layer.name] for layer in model.layers)
    assert (relu["activation"], tanh["activation"], linear["activation"]) == ("relu", "tanh",
                                                                              "linear")  # fmt: skip
    for entry in (relu, tanh, linear):
        assert all(len(entry[k]) == 3 for k in ("gradient_norm", "activation_mean",
                                                  "dead_fraction", "saturated_fraction"))  # fmt: skip
        assert all(len(p) == len(PERCENTILES) for p in entry["activation_percentiles"])
        assert all(g > 0 for g in entry["gradient_norm"])
    assert relu["saturated_fraction"] == [None] * 3 and tanh["dead_fraction"] == [None] * 3
    # the validation inputs are 1000x larger: had they been recorded, this would show it
    assert max(p[-1] for p in relu["activation_percentiles"]) < 50
    assert all("call" not in vars(layer) for layer in model.layers)
    assert (
        stats.latest()["layers"][model.layers[0].name]["gradient_norm"] == relu["gradient_norm"][-1]
    )


def test_layer_statistics_callback_does_not_change_training(rng):
    x, y = rng.random((32, 2)), rng.random((32, 1))
    plain = _fit([], x, y)
    watched = _fit([LayerStatistics()], x, y)
    for a, b in zip(plain.get_weights(), watched.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_layer_statistics_every_and_bad_argument(rng):
    stats = LayerStatistics(every=2)
    _fit([stats], rng.random((16, 2)), rng.random((16, 1)), epochs=5)
    assert stats.history["epochs"] == [0, 2, 4]
    with pytest.raises(ValueError, match="'every' argument of LayerStatistics must be an int"):
        LayerStatistics(every=0)
