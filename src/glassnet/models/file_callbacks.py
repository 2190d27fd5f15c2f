"""Callbacks that write files during training (Keras 3 semantics).

- ``CSVLogger``: one CSV row of logs per epoch.
- ``ModelCheckpoint``: save the model (or its weights) every epoch, every N epochs, every N
  batches, or only when a monitored quantity improves; the file itself is written by
  ``glassnet.io`` (through ``model.save`` / ``model.save_weights``), atomically.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from typing import IO, Any

from glassnet._constraints import is_int
from glassnet.errors import ConfigError
from glassnet.models.callbacks import Callback, MonitorCallback

__all__ = ["CSVLogger", "ModelCheckpoint"]


class CSVLogger(Callback):
    """Stream each epoch's logs to a CSV file.

    The header is ``epoch`` followed by the first epoch's log keys, sorted (as Keras writes
    it); each epoch adds one row (``epoch`` counts from 0) and the file is flushed, so it can
    be read while training runs. A key missing from a later epoch is written ``NA``; a key
    that appears later is left out. Lines end with ``\\n``.

    Args:
        filename: path of the CSV file, e.g. ``'run/log.csv'``.
        separator: the one-character field separator.
        append: True adds rows to an existing file (and writes no second header), for
            continued training; False overwrites it.

    Raises:
        ConfigError: if ``separator`` is not a single character.

    Example:
        >>> import numpy as np, tempfile, os
        >>> import glassnet
        >>> from glassnet.callbacks import CSVLogger
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
        >>> _ = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=2, verbose=0,
        ...               validation_split=0.25, callbacks=[CSVLogger(path)])
        >>> print(open(path).read())
        epoch,loss,val_loss
        0,0.0,0.0
        1,0.0,0.0
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise ConfigError(
                f"CSVLogger: expected separator to be one character, got {separator!r}. "
                "Use e.g. ',', ';' or '\\t'."
            )
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys: list[str] | None = None
        self.writer: csv.DictWriter | None = None
        self.csv_file: IO[str] | None = None
        self.append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                self.append_header = not f.readline()
        self._close()
        mode = "a" if self.append else "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch", *self.keys], delimiter=self.sep,
                lineterminator="\n",
            )  # fmt: skip
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{k: _cell(logs.get(k, "NA")) for k in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: a sequence becomes "[a, b, ...]"."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value
    if getattr(value, "ndim", 1) == 0:
        return value
    return f"[{', '.join(map(str, value))}]"


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights during training.

    ``filepath`` may hold ``str.format`` fields filled from the epoch (counted from 1, as
    Keras does), the batch (counted from 1, when saving every N batches) and the logs:
    ``'ckpt-{epoch:02d}-{val_loss:.2f}.keras'``. Without fields the one file is overwritten.
    Missing folders are created. With ``save_best_only`` a file is written only when
    ``monitor`` improves on the best value so far (see ``MonitorCallback``; no ``min_delta``);
    that best value is kept across ``fit`` calls, so continued training only overwrites the
    best model with a better one, as in Keras.

    Which files ``save`` / ``save_weights`` accept (``.keras``, ``.weights.safetensors``...) is
    up to ``glassnet.io``; glassnet does not check the extension here as Keras does.

    ``period`` is a glassnet extension: Keras 3 can save every N batches but not every N
    epochs (tf.keras 2 had a ``period`` argument, deprecated there). ``period=5`` saves after
    epochs 5, 10, 15... (the epoch numbers of the file names), whatever ``initial_epoch`` is,
    so a resumed run saves at the same epochs. With ``save_best_only`` the monitor is only
    compared at those epochs. To resume training exactly after an interruption, use
    ``BackupAndRestore``, which also saves the random-generator states and the epoch.

    Args:
        filepath: where to save; a string or path, with optional format fields.
        monitor: the logs key that decides "best", default ``'val_loss'``.
        verbose: 0 quiet, 1 prints a line whenever the callback saves or skips.
        save_best_only: save only when ``monitor`` improves. If it is missing from the logs,
            a warning is given and the model is saved anyway (as in Keras).
        save_weights_only: call ``model.save_weights(path)`` instead of ``model.save(path)``.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (see ``MonitorCallback``).
        save_freq: ``'epoch'`` saves at the end of each epoch; an int N saves after every N
            training batches (counted across epochs; only the batch logs are available then).
        initial_value_threshold: with ``save_best_only``, the value to beat at first.
        period: with ``save_freq='epoch'``, save only after every ``period``-th epoch
            (a glassnet extension, see above).

    Raises:
        ConfigError: for a bad ``save_freq``, ``mode`` or ``period`` (or a ``period`` other
            than 1 with ``save_freq`` in batches); when saving, if ``filepath`` has a field
            the logs do not fill.

    Example:
        >>> import numpy as np, tempfile, os
        >>> import glassnet
        >>> from glassnet.callbacks import ModelCheckpoint
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> folder = tempfile.mkdtemp()
        >>> checkpoint = ModelCheckpoint(os.path.join(folder, "ckpt-{epoch:02d}.keras"),
        ...                              monitor="loss")
        >>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0,
        ...               callbacks=[checkpoint])
        >>> sorted(os.listdir(folder))
        ['ckpt-01.keras', 'ckpt-02.keras']
        >>> restored = glassnet.load_model(os.path.join(folder, "ckpt-02.keras"))
        >>> x = np.ones((1, 2))
        >>> bool(np.array_equal(restored.predict(x), model.predict(x)))
        True
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
        *,
        period: int = 1,
    ) -> None:
        super().__init__(monitor, mode, min_delta=0.0)
        if save_freq != "epoch" and not (is_int(save_freq) and save_freq >= 1):
            raise ConfigError(
                "The 'save_freq' argument of ModelCheckpoint must be 'epoch' or an int >= 1. "
                f"Got {save_freq!r}."
            )
        if not (is_int(period) and period >= 1):
            raise ConfigError(
                f"The 'period' argument of ModelCheckpoint must be an int >= 1. Got {period!r}."
            )
        if period != 1 and save_freq != "epoch":
            raise ConfigError(
                f"ModelCheckpoint: expected period=1 when save_freq is a number of batches, got "
                f"period={period} with save_freq={save_freq}. Use save_freq='epoch' with "
                "period=N to save every N epochs."
            )
        self.period = int(period)
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.save_freq = save_freq
        self.best = self._worst() if initial_value_threshold is None else initial_value_threshold
        self._batches_since_save, self._current_epoch = 0, 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save_model(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch" and (epoch + 1) % self.period == 0:
            self._save_model(epoch, None, logs or {})

    def _save_model(self, epoch: int, batch: int | None, logs: dict) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _should_save(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = self._monitor_value(logs, "Saving the model anyway (save_best_only).")
        if current is None:
            return True
        if self._is_improvement(current, self.best):
            self._say(
                f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                f"{current:.5f}, saving model to {filepath}"
            )
            self.best = current
            return True
        self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
        return False

    def _say(self, message: str) -> None:
        if self.verbose > 0:
            print(message)

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        fields = {**logs, "epoch": epoch + 1}
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError, ValueError) as err:
            raise ConfigError(
                f"ModelCheckpoint: cannot fill in filepath {self.filepath!r} from "
                f"{', '.join(sorted(fields))} ({type(err).__name__}: {err}). Use only those "
                "names as fields, e.g. 'ckpt-{epoch:02d}-{val_loss:.2f}.keras', and pass "
                "validation data for the val_ keys."
            ) from err
