"""RBFNetwork: fits sin(x) on [-3, 3] to MSE < 0.01 and the moons to >= 0.95 held-out accuracy."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError
from glassnet.layers import RBF
from glassnet.zoo import RBFNetwork


def _sine(n=200):
    x = np.linspace(-3, 3, n, dtype=np.float32)[:, None]
    return x, np.sin(x)


def test_rbf_network_fits_sine_to_mse_below_0_01():
    glassnet.utils.set_random_seed(0)
    x, y = _sine()
    model = RBFNetwork(10)
    model.compile(optimizer=glassnet.optimizers.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    x_test = np.random.default_rng(1).uniform(-3, 3, (500, 1)).astype(np.float32)
    mse = float(((model.predict(x_test, verbose=0) - np.sin(x_test)) ** 2).mean())
    assert mse < 0.01


def test_rbf_network_classifies_moons_held_out_at_0_95():
    model_selection = pytest.importorskip("sklearn.model_selection")
    glassnet.utils.set_random_seed(0)
    x, y = glassnet.datasets.moons(1000, noise=0.2, random_state=0)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x, y, test_size=0.3, random_state=0, stratify=y
    )
    model = RBFNetwork(20, 2, task="classification")
    model.compile(optimizer=glassnet.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
    accuracy = (model.predict(x_test, verbose=0).argmax(1) == y_test).mean()
    assert accuracy >= 0.95


def test_first_fit_places_centres_by_kmeans_and_later_fits_keep_them():
    x, y = _sine(64)
    model = RBFNetwork(4, seed=3)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=0, verbose=0)  # no gradient step: only the k-means placement
    expected = RBF(4).adapt(x, seed=3)
    np.testing.assert_allclose(model.rbf.centers.numpy(), expected.centers.numpy())
    np.testing.assert_allclose(model.rbf.widths.numpy(), expected.widths.numpy())
    model.rbf.centers.data[...] = 7.0
    model.fit(x, y, epochs=0, verbose=0)
    assert (model.rbf.centers.numpy() == 7.0).all()  # not placed again


def test_rbf_network_layers_and_save_load_round_trip(tmp_path):
    model = RBFNetwork(5, 3, task="classification", input_dim=2, shared_width=True)
    assert [type(layer).__name__ for layer in model.layers] == ["RBF", "Dense"]
    assert model.layers[1].activation is glassnet.activations.get("softmax")
    assert model.count_params() == 5 * 2 + 1 + 5 * 3 + 3
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    model.save(tmp_path / "rbf.glassnet")
    loaded = glassnet.load_model(tmp_path / "rbf.glassnet")
    assert isinstance(loaded, RBFNetwork) and loaded.task == "classification"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_rbf_network_rejects_an_unknown_task():
    with pytest.raises(ConfigError, match=r"RBFNetwork: expected task 'regression' or 'class"):
        RBFNetwork(3, task="clustering")
