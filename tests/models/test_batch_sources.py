"""fit/evaluate/predict on a PyDataset or a generator of batches, as Keras accepts them."""

from __future__ import annotations

import io

import numpy as np
import pytest

import glassnet
from glassnet.data import PyDataset
from glassnet.errors import ConfigError
from glassnet.layers import Dense
from glassnet.models import Sequential
from glassnet.models.callbacks import ProgbarLogger


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, weights=None):
        super().__init__()
        self.x, self.y, self.batch_size, self.weights = x, y, batch_size, weights
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        if self.weights is not None:
            return self.x[rows], self.y[rows], self.weights[rows]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _data(n=96):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1).astype(np.float32)


def _model(seed=0):
    glassnet.utils.set_random_seed(seed)
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1)])
    model.compile(glassnet.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def test_pydataset_trains_exactly_like_the_same_arrays_unshuffled():
    x, y = _data()
    a, b = _model(), _model()
    data = Batches(x, y, 32)
    ha = a.fit(data, epochs=3, verbose=0)
    hb = b.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha.history == hb.history
    assert data.epochs_ended == 3


def test_generator_with_steps_per_epoch_and_dataset_validation():
    x, y = _data()

    def forever():
        while True:
            for i in range(0, len(x), 16):
                yield x[i : i + 16], y[i : i + 16]

    model = _model()
    history = model.fit(forever(), steps_per_epoch=6, epochs=4, verbose=0,
                        validation_data=Batches(x, y, 48))  # fmt: skip
    assert len(history.history["loss"]) == 4 and "val_mae" in history.history
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(Batches(x, y, 50)) == pytest.approx(model.evaluate(x, y), rel=1e-5)


def test_predict_on_a_dataset_and_on_a_generator_of_x_only():
    x, y = _data()
    model = _model()
    expected = model.predict(x)
    np.testing.assert_allclose(model.predict(Batches(x, y, 40)), expected, rtol=1e-6)
    gen = (x[i : i + 10] for i in range(0, len(x), 10))
    np.testing.assert_allclose(model.predict(gen), expected, rtol=1e-6)


def test_sample_weights_from_the_batches_are_used():
    x, y = _data()
    w = np.zeros(len(x), np.float32)
    w[:48] = 1.0
    model = _model()
    loss, mae = model.evaluate(Batches(x, y, 32, weights=w))
    plain_loss, plain_mae = _model().evaluate(x[:48], y[:48])
    # Keras's rule: the loss divides the weighted sum by the batch size, metrics by the weights.
    assert loss == pytest.approx(plain_loss * 48 / 96, rel=1e-5)
    assert mae == pytest.approx(plain_mae, rel=1e-5)


def test_exhausted_generator_warns_and_stops():
    x, y = _data()
    gen = ((x[i : i + 32], y[i : i + 32]) for i in range(0, len(x), 32))
    model = _model()
    with pytest.warns(UserWarning, match="data ran out at epoch 2"):
        history = model.fit(gen, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 1


def test_progress_bar_without_a_known_step_count():
    x, y = _data()
    gen = ((x[i : i + 32], y[i : i + 32]) for i in range(0, len(x), 32))
    stream = io.StringIO()
    model = _model()
    model.fit(gen, epochs=1, verbose=0, callbacks=[ProgbarLogger(1, stream=stream)])
    assert "3/3" in stream.getvalue() or "3/Unknown" in stream.getvalue()


def test_batch_source_errors():
    x, y = _data()
    model = _model()
    with pytest.raises(ConfigError, match="so y and sample_weight must be None"):
        model.fit(Batches(x, y, 32), y, verbose=0)
    with pytest.raises(ConfigError, match=r"expected each batch as a tuple \(x, y\)"):
        model.fit(iter([x[:4]]), verbose=0)
    with pytest.raises(ConfigError, match="validation_split works only with array data"):
        model.fit(Batches(x, y, 32), validation_split=0.2, verbose=0)
    with pytest.raises(
        ConfigError, match="'steps_per_epoch' argument of fit must be a positive int"
    ):
        model.fit(Batches(x, y, 32), steps_per_epoch=0, verbose=0)
