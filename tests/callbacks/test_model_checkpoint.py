"""ModelCheckpoint: when it saves, what path it fills in, and a real save/load round trip."""

from __future__ import annotations

import os

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import LambdaCallback, ModelCheckpoint
from glassnet.errors import ConfigError
from tests.callbacks._helpers import drive_logs, moons_model, moons_split, recording_model


def _saved(model):
    return [(kind, os.path.basename(path)) for kind, path, _, _ in model.calls]


def test_checkpoint_saves_every_epoch_with_epoch_and_logs_in_the_name(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    drive_logs(cb, model, [{"val_loss": 1.0}, {"val_loss": 1.5}, {"val_loss": 0.75}])
    assert _saved(model) == [
        ("save", "ckpt-01-1.00.keras"),
        ("save", "ckpt-02-1.50.keras"),
        ("save", "ckpt-03-0.75.keras"),
    ]
    assert all(overwrite is True for _, _, overwrite, _ in model.calls)


def test_checkpoint_save_best_only_saves_when_the_monitor_improves(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "{epoch}.keras", save_best_only=True)
    values = [1.0, 0.8, 0.9, 0.7, 0.7, 0.69]
    drive_logs(cb, model, [{"val_loss": v, "loss": 9.0} for v in values])
    assert _saved(model) == [("save", f"{e}.keras") for e in (1, 2, 4, 6)]
    assert cb.best == 0.69
    # the best is kept across fit calls (Keras): a worse value in a new run does not save
    drive_logs(cb, model, [{"val_loss": 0.695}, {"val_loss": 0.5}])
    assert _saved(model)[4:] == [("save", "2.keras")]


@pytest.mark.parametrize(
    ("monitor", "mode", "saved_epochs"),
    [
        ("val_accuracy", "auto", [1, 2, 4]),
        ("val_accuracy", "max", [1, 2, 4]),
        ("val_accuracy", "min", [1, 3]),
        ("val_loss", "auto", [1, 3]),
    ],
)
def test_checkpoint_mode_picks_the_direction(monitor, mode, saved_epochs, tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(
        tmp_path / "{epoch}.keras", monitor=monitor, mode=mode, save_best_only=True
    )
    drive_logs(cb, model, [{monitor: v} for v in [0.5, 0.6, 0.4, 0.7]])
    assert _saved(model) == [("save", f"{e}.keras") for e in saved_epochs]


def test_checkpoint_initial_value_threshold_is_the_first_value_to_beat(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(
        tmp_path / "{epoch}.keras", save_best_only=True, initial_value_threshold=0.75
    )
    drive_logs(cb, model, [{"val_loss": v} for v in [1.0, 0.8, 0.75, 0.7]])
    assert _saved(model) == [("save", "4.keras")]


def test_checkpoint_save_weights_only_calls_save_weights(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "w.weights.safetensors", save_weights_only=True)
    drive_logs(cb, model, [{"val_loss": 1.0}])
    assert _saved(model) == [("save_weights", "w.weights.safetensors")]


def test_checkpoint_every_n_batches_counts_across_epochs(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "b-{epoch}-{batch}.keras", save_freq=3)
    x, y = np.ones((8, 2), np.float32), np.ones((8, 1), np.float32)
    model.fit(x, y, epochs=2, batch_size=2, verbose=0, callbacks=[cb])  # 4 batches per epoch
    assert _saved(model) == [("save", "b-1-3.keras"), ("save", "b-2-2.keras")]


def test_checkpoint_saves_the_weights_of_that_moment(tmp_path):
    x, y, x_val, y_val = moons_split()
    model = recording_model()
    weights_at_end = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: weights_at_end.append(model.get_weights()))
    model.fit(x, y, epochs=3, batch_size=50, validation_data=(x_val, y_val), verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / "{epoch}.keras"), record])  # fmt: skip
    assert len(model.calls) == 3
    for (_, _, _, saved), expected in zip(model.calls, weights_at_end):
        assert all(np.array_equal(a, b) for a, b in zip(saved, expected))
    assert not all(np.array_equal(a, b) for a, b in zip(model.calls[0][3], model.calls[2][3]))


def test_checkpoint_creates_missing_folders(tmp_path):
    model = recording_model()
    folders = []
    model.save = lambda path, overwrite=True: folders.append(os.path.isdir(os.path.dirname(path)))
    drive_logs(ModelCheckpoint(tmp_path / "a" / "b" / "m.keras"), model, [{"val_loss": 1.0}])
    assert folders == [True]


def test_checkpoint_warns_and_saves_when_the_monitor_is_missing(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "m.keras", save_best_only=True)
    with pytest.warns(UserWarning) as record:
        drive_logs(cb, model, [{"loss": 1.0}])
    assert str(record[0].message) == (
        "ModelCheckpoint: monitor 'val_loss' is not in the logs; available keys: loss. "
        "Saving the model anyway (save_best_only)."
    )
    assert _saved(model) == [("save", "m.keras")]


def test_checkpoint_verbose_messages(tmp_path, capsys):
    model = recording_model()
    path = str(tmp_path / "m.keras")
    drive_logs(ModelCheckpoint(path, save_best_only=True, verbose=1), model,
               [{"val_loss": 0.5}, {"val_loss": 0.6}])  # fmt: skip
    drive_logs(ModelCheckpoint(path, verbose=1), model, [{"val_loss": 0.5}])
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert lines == [
        f"Epoch 1: val_loss improved from inf to 0.50000, saving model to {path}",
        "Epoch 2: val_loss did not improve from 0.50000",
        f"Epoch 1: saving model to {path}",
    ]


def test_checkpoint_filepath_field_missing_from_the_logs(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint("ckpt-{epoch:02d}-{val_acc:.2f}.keras")
    with pytest.raises(ConfigError) as info:
        drive_logs(cb, model, [{"loss": 0.5, "val_loss": 0.4}])
    assert str(info.value) == (
        "ModelCheckpoint: cannot fill in filepath 'ckpt-{epoch:02d}-{val_acc:.2f}.keras' from "
        "epoch, loss, val_loss (KeyError: 'val_acc'). Use only those names as fields, e.g. "
        "'ckpt-{epoch:02d}-{val_loss:.2f}.keras', and pass validation data for the val_ keys."
    )
    assert model.calls == []


@pytest.mark.parametrize("bad", ["batch", 0, -2, 1.5, True])
def test_checkpoint_save_freq_must_be_epoch_or_a_positive_int(bad):
    with pytest.raises(ConfigError) as info:
        ModelCheckpoint("m.keras", save_freq=bad)
    assert str(info.value) == (
        f"The 'save_freq' argument of ModelCheckpoint must be 'epoch' or an int >= 1. Got {bad!r}."
    )


def test_checkpoint_unknown_mode_is_an_error():
    with pytest.raises(ConfigError, match="ModelCheckpoint: expected mode 'auto', 'min' or 'max'"):
        ModelCheckpoint("m.keras", mode="best")


def test_checkpoint_best_model_round_trips_through_load_model(tmp_path):
    x, y, x_val, y_val = moons_split()
    model = moons_model(learning_rate=3.0)  # a rate that overshoots, so some epochs get worse
    predictions = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: predictions.append(model.predict(x_val)))
    path = tmp_path / "best.keras"
    history = model.fit(x, y, epochs=8, batch_size=30, validation_data=(x_val, y_val), verbose=0,
                        callbacks=[ModelCheckpoint(path, save_best_only=True), record])  # fmt: skip
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert best != len(val_loss) - 1, "pick a run whose last epoch is not its best"
    assert not np.array_equal(predictions[best], predictions[-1])
    loaded = glassnet.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x_val), predictions[best])


def test_checkpoint_best_weights_round_trip_through_load_weights(tmp_path):
    x, y, x_val, y_val = moons_split()
    model = moons_model(learning_rate=3.0)
    predictions = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: predictions.append(model.predict(x_val)))
    path = tmp_path / "best.weights.safetensors"
    cb = ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True, save_weights_only=True)
    history = model.fit(x, y, epochs=8, batch_size=30, validation_data=(x_val, y_val), verbose=0,
                        callbacks=[cb, record])  # fmt: skip
    best = int(np.argmax(history.history["val_accuracy"]))  # first of the ties, as "improved"
    assert not np.array_equal(predictions[best], predictions[-1])
    fresh = moons_model(learning_rate=3.0, seed=1)
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(x_val), predictions[best])
