"""``BackupAndRestore``: back up the whole training state; a restarted ``fit`` goes on from it.

Keras 3 semantics (``keras.callbacks.BackupAndRestore``), with a checkpoint that holds more:
weights, optimizer slots and step count, the learning rate, batch-norm statistics, the states
of the random generators and the epoch (``glassnet.io.checkpoint``). A run killed after epoch
k and started again with the same code gives the same weights, bit for bit, as a run that was
never interrupted (with the same thread settings).
"""

from __future__ import annotations

import contextlib
import os
import re

from glassnet._constraints import is_int
from glassnet.errors import ConfigError, StateError
from glassnet.io.checkpoint import load_checkpoint, save_checkpoint
from glassnet.models.callbacks import Callback

__all__ = ["BackupAndRestore"]

#: The checkpoint file inside ``backup_dir``.
CHECKPOINT_NAME = "checkpoint.zip"
_LEFTOVER = re.compile(r"\.checkpoint\.zip\.[0-9a-f]{8}\.tmp")


class BackupAndRestore(Callback):
    """Back up the training state during ``fit``; the next ``fit`` resumes from the backup.

    At the end of every epoch (or every ``save_freq`` batches) the callback writes a
    checkpoint to ``backup_dir/checkpoint.zip``, atomically: a kill during the write leaves
    the previous checkpoint whole. When ``fit`` starts and a checkpoint is there, it is
    restored (weights, batch-norm statistics, optimizer slots and step count, learning rate,
    the states of glassnet's generator and of every layer's own generator) and training
    continues from the epoch after the one saved, so ``history`` holds only the epochs run
    now. When ``fit`` ends normally (all epochs, or stopped by a callback) the checkpoint is
    deleted; after an exception or a kill it stays for the next run.

    Resuming is exact (the same weights, bit for bit, as a run never interrupted, with the
    same code, data, seed and thread settings) for checkpoints taken at the end of an epoch.
    With ``save_freq=N`` a run killed mid-epoch redoes that epoch from its first batch with
    the weights of the last backup, as in Keras, which is not exact. Other callbacks keep no
    state across the restart (EarlyStopping's patience counter starts again, as in Keras).

    Differences from Keras: one checkpoint file with the optimizer and generator states
    (Keras saves weights and the epoch in two files and keeps a previous copy to fall back
    on, which atomic writes make unnecessary); ``delete_checkpoint`` removes that file (and
    ``backup_dir`` when it is then empty), never other files (Keras removes the folder).

    Args:
        backup_dir: folder for the checkpoint; created when needed. Use one per training run.
        save_freq: ``'epoch'`` to back up at the end of every epoch, or an int N to back up
            after every N training batches (counted across epochs).
        delete_checkpoint: delete the checkpoint when ``fit`` ends normally.

    Raises:
        ConfigError: for an empty ``backup_dir`` or a bad ``save_freq``.
        StateError: when ``fit`` starts, if the model is not built.
        ModelFileError: when ``fit`` starts, if the checkpoint is corrupt or does not fit the
            model (nothing is changed then).

    Example:
        >>> import numpy as np, os
        >>> from glassnet.callbacks import BackupAndRestore, Callback
        >>> class Interrupt(Callback):
        ...     def on_epoch_begin(self, epoch, logs=None):
        ...         if epoch == 4:
        ...             raise RuntimeError("interrupted")
        >>> backup = BackupAndRestore(os.path.join(getfixture("tmp_path"), "backup"))
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(20,))])
        >>> model.compile(glassnet.optimizers.SGD(0.001), loss="mse")
        >>> x, y = np.arange(100.0).reshape(5, 20) / 100, np.zeros(5)
        >>> try:
        ...     model.fit(x, y, epochs=10, batch_size=1, callbacks=[backup, Interrupt()],
        ...               verbose=0)
        ... except RuntimeError:
        ...     pass
        >>> history = model.fit(x, y, epochs=10, batch_size=1, callbacks=[backup], verbose=0)
        >>> history.epoch  # epochs 0-3 were done and backed up before the interruption
        [4, 5, 6, 7, 8, 9]
    """

    def __init__(
        self,
        backup_dir: str | os.PathLike,
        save_freq: str | int = "epoch",
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ConfigError(
                f"BackupAndRestore: expected a folder for 'backup_dir', got {backup_dir!r}. "
                "Pass a path such as 'run/backup'."
            )
        if save_freq != "epoch" and not (is_int(save_freq) and save_freq >= 1):
            raise ConfigError(
                "The 'save_freq' argument of BackupAndRestore must be 'epoch' or an int >= 1. "
                f"Got {save_freq!r}."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = bool(delete_checkpoint)
        self.checkpoint_path = os.path.join(self.backup_dir, CHECKPOINT_NAME)
        self._current_epoch = 0
        self._batches_since_save = 0

    def on_train_begin(self, logs: dict | None = None) -> None:

        if not self.model.built:
            raise StateError(
                f"BackupAndRestore: expected a built model, got '{self.model.name}' with no "
                "weights yet. Give its first layer an input shape, or call it on a batch of "
                "data before fit(), so the backup can be restored into it."
            )
        self._current_epoch, self._batches_since_save = 0, 0
        if os.path.exists(self.checkpoint_path):
            state = load_checkpoint(self.model, self.checkpoint_path)
            self._current_epoch = state.epoch
            self.model._initial_epoch = state.epoch  # fit starts its epoch loop here

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch + 1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch + 1
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs: dict | None = None) -> None:
        if not self.delete_checkpoint:
            return
        leftovers = [  # temporary files of writes killed part-way (glassnet.io._atomic)
            os.path.join(self.backup_dir, name)
            for name in _listdir(self.backup_dir)
            if _LEFTOVER.fullmatch(name)
        ]
        for path in [self.checkpoint_path, *leftovers]:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        with contextlib.suppress(OSError):  # why: only when empty; never other people's files
            os.rmdir(self.backup_dir)

    def _save(self, epoch: int, batch: int) -> None:

        save_checkpoint(self.model, self.checkpoint_path, epoch=epoch, batch=batch)

    def __repr__(self) -> str:
        return f"BackupAndRestore(backup_dir={self.backup_dir!r}, save_freq={self.save_freq!r})"


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []
