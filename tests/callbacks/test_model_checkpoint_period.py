"""ModelCheckpoint(period=N): glassnet's "every N epochs" (Keras 3 has only every N batches)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import ModelCheckpoint
from glassnet.errors import ConfigError
from tests.callbacks._helpers import drive_logs, recording_model


def _saved(model):
    return [os.path.basename(path) for _, path, _, _ in model.calls]


def test_period_saves_after_every_nth_epoch(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.keras", period=3)
    drive_logs(cb, model, [{"val_loss": 1.0}] * 7)
    assert _saved(model) == ["ckpt-03.keras", "ckpt-06.keras"]


def test_period_counts_epoch_numbers_so_a_resumed_run_saves_at_the_same_epochs(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "{epoch}.keras", period=2)
    cb.set_model(model)
    cb.on_train_begin({})
    for epoch in range(3, 8):  # fit(..., initial_epoch=3, epochs=8)
        cb.on_epoch_begin(epoch, {})
        cb.on_epoch_end(epoch, {"val_loss": 1.0})
    assert _saved(model) == ["4.keras", "6.keras", "8.keras"]


def test_period_with_save_best_only_compares_only_at_those_epochs(tmp_path):
    model = recording_model()
    cb = ModelCheckpoint(tmp_path / "{epoch}.keras", save_best_only=True, period=2)
    values = [0.1, 0.5, 0.05, 0.8, 0.7, 0.4]  # the bests of epochs 1 and 3 are never seen
    drive_logs(cb, model, [{"val_loss": v} for v in values])
    assert _saved(model) == ["2.keras", "6.keras"]
    assert cb.best == 0.4


def test_period_with_real_files_and_weights_only(tmp_path):
    glassnet.utils.set_random_seed(0)
    model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    cb = ModelCheckpoint(str(tmp_path / "w-{epoch}.weights.safetensors"),
                         save_weights_only=True, period=2)  # fmt: skip
    model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=5, verbose=0, callbacks=[cb])
    assert sorted(os.listdir(tmp_path)) == ["w-2.weights.safetensors", "w-4.weights.safetensors"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_period_must_be_a_positive_int(bad):
    with pytest.raises(ConfigError, match="The 'period' argument of ModelCheckpoint must be an"):
        ModelCheckpoint("x.keras", period=bad)


def test_period_with_save_freq_in_batches_is_refused():
    with pytest.raises(ConfigError, match="expected period=1 when save_freq is a number of"):
        ModelCheckpoint("x.keras", save_freq=10, period=2)
