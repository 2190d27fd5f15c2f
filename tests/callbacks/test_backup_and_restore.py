"""BackupAndRestore in one process: when it saves, what it restores, when it deletes, errors.

The cross-process resume (kill, start again, compare SHA-256) is in tests/io/test_resume.py.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import glassnet
import glassnet.keras.callbacks as keras_callbacks
from glassnet.callbacks import BackupAndRestore, Callback
from glassnet.errors import ConfigError, ModelFileError, StateError
from glassnet.io.checkpoint import _read
from glassnet.layers import BatchNormalization, Dense, Dropout
from glassnet.models import Sequential


class Interrupt(Callback):
    """Raise as epoch ``epoch`` begins, or after its batch ``batch`` when that is given."""

    def __init__(self, epoch: int, batch: int | None = None) -> None:
        super().__init__()
        self.epoch, self.batch, self._now = epoch, batch, -1

    def on_epoch_begin(self, epoch, logs=None):
        self._now = epoch
        if self.batch is None and epoch == self.epoch:
            raise RuntimeError("interrupted")

    def on_train_batch_end(self, batch, logs=None):
        if self._now == self.epoch and batch == self.batch:
            raise RuntimeError("interrupted")


def _model(seed: int = 0, optimizer: str = "adam") -> Sequential:
    glassnet.utils.set_random_seed(seed)
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)), BatchNormalization(),
                        Dropout(0.25), Dropout(0.1, seed=3), Dense(1)])  # fmt: skip
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _data():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    return x, x.sum(axis=1, keepdims=True)


def _fit(model, callbacks, epochs=6):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks)


def _weights(model) -> bytes:
    return b"".join(w.data.tobytes() for w in model.weights)


def test_interrupted_fit_resumes_at_the_next_epoch(tmp_path):
    backup = BackupAndRestore(tmp_path / "backup")
    model = _model()
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(model, [backup, Interrupt(4)])
    assert _read(backup.checkpoint_path).config["epoch"] == 4
    history = _fit(model, [backup])
    assert history.epoch == [4, 5]
    assert len(history.history["loss"]) == 2


def test_resume_in_the_same_process_after_a_mid_epoch_crash_is_exact(tmp_path):
    whole = _model()
    _fit(whole, [BackupAndRestore(tmp_path / "a")])
    model = _model()
    backup = BackupAndRestore(tmp_path / "b")
    with pytest.raises(RuntimeError):  # weights, slots and generators move on past the backup
        _fit(model, [backup, Interrupt(3, batch=2)])
    assert _weights(model) != _weights(whole)
    _fit(model, [backup])
    assert _weights(model) == _weights(whole)
    assert model.optimizer.iterations == whole.optimizer.iterations


def test_a_model_built_again_with_new_layer_names_resumes_exactly(tmp_path):
    whole = _model()
    _fit(whole, [BackupAndRestore(tmp_path / "a")])
    backup = BackupAndRestore(tmp_path / "b")
    first = _model()
    with pytest.raises(RuntimeError):
        _fit(first, [backup, Interrupt(2)])
    again = _model()  # automatic names differ (dense_7 for dense_4): matched by position
    assert [w.name for w in again.weights] != [w.name for w in first.weights]
    assert _fit(again, [backup]).epoch == [2, 3, 4, 5]
    assert _weights(again) == _weights(whole)


def test_checkpoint_is_deleted_after_a_normal_end_unless_asked_to_keep_it(tmp_path):
    _fit(_model(), [BackupAndRestore(tmp_path / "gone")])
    assert not os.path.exists(tmp_path / "gone")
    keep = BackupAndRestore(tmp_path / "kept", delete_checkpoint=False)
    _fit(_model(), [keep])
    assert os.listdir(tmp_path / "kept") == ["checkpoint.zip"]
    assert _read(keep.checkpoint_path).config["epoch"] == 6


def test_deleting_never_touches_other_files_in_the_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    _fit(_model(), [BackupAndRestore(tmp_path)])
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_kept_checkpoint_of_a_finished_run_makes_the_next_fit_run_no_epochs(tmp_path):
    backup = BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    model = _model()
    _fit(model, [backup])
    before = _weights(model)
    assert _fit(model, [backup]).epoch == []
    assert _weights(model) == before


def test_save_freq_in_batches_records_the_epoch_and_the_batch(tmp_path):
    backup = BackupAndRestore(tmp_path / "b", save_freq=3)
    with pytest.raises(RuntimeError):  # 5 batches an epoch; saves after batches 3, 6 and 9
        _fit(_model(), [backup, Interrupt(1, batch=4)])
    saved = _read(backup.checkpoint_path).config
    assert (saved["epoch"], saved["batch"]) == (1, 4)  # epoch 1 done, 4 batches into epoch 2
    assert _fit(_model(), [backup]).epoch == [1, 2, 3, 4, 5]  # the epoch starts again (Keras)


def test_keras_face_exports_the_same_class():
    assert keras_callbacks.BackupAndRestore is BackupAndRestore


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "batch", None])
def test_save_freq_must_be_epoch_or_a_positive_int(tmp_path, bad):
    with pytest.raises(ConfigError, match="The 'save_freq' argument of BackupAndRestore must"):
        BackupAndRestore(tmp_path, save_freq=bad)


def test_backup_dir_must_not_be_empty():
    with pytest.raises(ConfigError, match="BackupAndRestore: expected a folder for 'backup_dir'"):
        BackupAndRestore("")


def test_an_unbuilt_model_is_refused_when_fit_starts(tmp_path):
    model = Sequential([Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(StateError, match="BackupAndRestore: expected a built model"):
        _fit(model, [BackupAndRestore(tmp_path)])


def test_a_corrupt_checkpoint_stops_fit_before_anything_changes(tmp_path):
    (tmp_path / "checkpoint.zip").write_bytes(b"PK\x03\x04 not really")
    model = _model()
    before = _weights(model)
    with pytest.raises(ModelFileError, match="checkpoint.zip"):
        _fit(model, [BackupAndRestore(tmp_path)])
    assert _weights(model) == before


def test_a_checkpoint_of_another_architecture_or_optimizer_is_refused(tmp_path):
    backup = BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    _fit(_model(), [backup], epochs=1)
    other = Sequential([Dense(4, input_shape=(3,)), Dense(1)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(ModelFileError, match="the weights do not fit"):
        _fit(other, [backup])
    with pytest.raises(ModelFileError, match="saved with optimizer Adam but .* compiled with SGD"):
        _fit(_model(optimizer="sgd"), [backup])
