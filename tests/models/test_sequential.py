"""Sequential models: building, summary, fit/evaluate/predict, callbacks and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import EarlyStopping, LambdaCallback
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import Dense, Dropout, Input
from glassnet.models import Sequential


def _moons():
    from glassnet.datasets import moons

    x, y = moons(1000, noise=0.2, random_state=42)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x[:800], y[:800], x[800:], y[800:]


def test_sequential_builds_from_input_shape_and_counts_params():
    model = Sequential(
        [Dense(10, activation="relu", input_shape=(2,)), Dense(8, activation="relu"), Dense(1)]
    )
    assert model.built and model.count_params() == 2 * 10 + 10 + 10 * 8 + 8 + 8 + 1
    model2 = Sequential()
    model2.add(Input(shape=(3,)))
    model2.add(Dense(4))
    assert model2.count_params() == 16 and len(model2.layers) == 1


def test_summary_shows_shapes_and_params():
    model = Sequential(
        [Dense(10, activation="relu", input_dim=2, name="hidden"), Dense(1, name="out")], name="seq"
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "seq"' in text and "hidden (Dense)" in text and "(N, 10)" in text
    assert "Total params: 41" in text and "Trainable params: 41" in text


def test_seed_moons_network_learns_with_fit():
    glassnet.utils.set_random_seed(42)
    x_train, y_train, x_test, y_test = _moons()
    model = Sequential([
        Dense(10, activation="relu", input_shape=(2,)),
        Dense(8, activation="relu"),
        Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, epochs=150, batch_size=32, validation_split=0.2, verbose=0
    )
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(x_test, y_test)
    assert acc >= 0.95, f"test accuracy {acc:.3f}"
    proba = model.predict(x_test)
    assert proba.shape == (200, 1) and proba.dtype == np.float32


def test_fit_is_repeatable_with_a_seed():
    x_train, y_train, _, _ = _moons()

    def run():
        glassnet.utils.set_random_seed(3)
        model = Sequential(
            [
                Dense(8, activation="relu", input_shape=(2,)),
                Dropout(0.2),
                Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        model.fit(x_train, y_train, epochs=3, verbose=0)
        return np.concatenate([w.ravel() for w in model.get_weights()])

    assert run().tobytes() == run().tobytes()


def test_early_stopping_restores_best_weights_and_stops():
    glassnet.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = _moons()
    model = Sequential(
        [Dense(16, activation="relu", input_shape=(2,)), Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    stopper = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    seen = []
    history = model.fit(x_train, y_train, epochs=200, validation_data=(x_test, y_test), verbose=0,
                        callbacks=[stopper, LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))])  # fmt: skip
    assert len(history.history["loss"]) < 200 and stopper.stopped_epoch > 0
    assert seen == list(range(len(seen)))


def test_early_stopping_warns_about_missing_monitor():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(
        UserWarning, match="monitor 'val_acc' is not in the logs; available keys: loss"
    ):
        model.fit(
            np.ones((4, 2)),
            np.ones((4, 1)),
            epochs=1,
            verbose=0,
            callbacks=[EarlyStopping(monitor="val_acc")],
        )


def test_fit_errors_are_clear():
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(StateError, match="Call model.compile"):
        model.fit(np.ones((4, 2)), np.ones(4))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ShapeError, match="x has 4, y has 3"):
        model.fit(np.ones((4, 2)), np.ones(3), verbose=0)
    with pytest.raises(ValueError, match="expected finite values in x, got 1 NaN"):
        model.fit(np.array([[1.0, np.nan], [1.0, 2.0]]), np.ones(2), verbose=0)
    with pytest.raises(
        ConfigError, match=r"The 'batch_size' argument of fit must be a positive int. Got 0"
    ):
        model.fit(np.ones((4, 2)), np.ones(4), batch_size=0, verbose=0)
    with pytest.raises(ShapeError, match=r"expected input of shape \(N, 2\), got \(4, 3\)"):
        model.fit(np.ones((4, 3)), np.ones(4), verbose=0)
    with pytest.raises(TypeError, match="expected x to hold numbers"):
        model.predict(np.array([["a", "b"]]))


def test_verbose_progress_prints_keras_style_lines(capsys):
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((64, 2)), np.ones(64), epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "loss:" in out


def test_config_round_trip_gives_identical_predictions():
    model = Sequential(
        [
            Dense(5, activation="tanh", input_shape=(3,)),
            Dropout(0.1),
            Dense(2, activation="softmax"),
        ]
    )
    clone = Sequential.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(7, 3))
    np.testing.assert_array_equal(clone.predict(x), model.predict(x))


def test_model_set_weights_checks_count_and_shapes_like_a_layer():
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    with pytest.raises(ShapeError, match=r"Sequential 'sequential\S*': expected 4 arrays, got 2"):
        model.set_weights(model.get_weights()[:2])
    bad = model.get_weights()
    bad[0] = np.zeros((3, 3))
    with pytest.raises(
        ShapeError, match=r"expected weight 'dense\S*/kernel' of shape \(2, 3\), got \(3, 3\)"
    ):
        model.set_weights(bad)
