"""CSVLogger: header, one flushed row per epoch, append mode, separators, odd values."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from glassnet.callbacks import CSVLogger, LambdaCallback, ReduceLROnPlateau
from glassnet.errors import ConfigError
from tests.callbacks._helpers import moons_model, moons_split, tiny_model

X, Y = np.ones((6, 2), np.float32), np.ones((6, 1), np.float32)


def _rows(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_csv_logger_writes_sorted_header_and_one_row_per_epoch(tmp_path):
    x, y, x_val, y_val = moons_split()
    model = moons_model(learning_rate=0.5)
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, batch_size=50, validation_data=(x_val, y_val),
                        verbose=0, callbacks=[CSVLogger(path)])  # fmt: skip
    rows = _rows(path)
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1", "2"]
    for key in rows[0][1:]:
        column = [float(row[rows[0].index(key)]) for row in rows[1:]]
        assert column == history.history[key], key  # full precision, not rounded
    assert path.read_text().count("\r") == 0


def test_csv_logger_rows_are_on_disk_at_each_epoch_end(tmp_path):
    path = tmp_path / "log.csv"
    seen = []
    reader = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(len(_rows(path))))
    tiny_model().fit(X, Y, epochs=3, verbose=0, callbacks=[CSVLogger(path), reader])
    assert seen == [2, 3, 4]  # header + the rows so far, while training runs


def test_csv_logger_append_adds_rows_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    model = tiny_model()
    logger = CSVLogger(path, append=True)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[logger])
    model.fit(X, Y, epochs=4, initial_epoch=2, verbose=0, callbacks=[logger])
    rows = _rows(path)
    assert [row[0] for row in rows] == ["epoch", "0", "1", "2", "3"]
    # without append, each fit starts the file again
    overwrite = CSVLogger(path)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[overwrite])
    assert [row[0] for row in _rows(path)] == ["epoch", "0"]


def test_csv_logger_append_to_an_empty_file_writes_the_header(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    tiny_model().fit(X, Y, epochs=1, verbose=0, callbacks=[CSVLogger(path, append=True)])
    assert [row[0] for row in _rows(path)] == ["epoch", "0"]


def test_csv_logger_separator_and_learning_rate_column(tmp_path):
    path = tmp_path / "log.tsv"
    callbacks = [ReduceLROnPlateau(monitor="loss", patience=100), CSVLogger(path, separator="\t")]
    tiny_model(0.25).fit(X, Y, epochs=2, verbose=0, callbacks=callbacks)
    rows = _rows(path, delimiter="\t")
    assert rows[0] == ["epoch", "learning_rate", "loss"]
    assert [row[1] for row in rows[1:]] == ["0.25", "0.25"]


def test_csv_logger_missing_keys_are_na_and_sequences_are_bracketed(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.set_model(tiny_model())
    logger.on_train_begin({})
    logger.on_epoch_end(0, {"loss": 0.5, "per_class": np.array([1, 2]), "note": "ok"})
    logger.on_epoch_end(1, {"loss": 0.25, "extra": 1.0})  # 'extra' was not in the header
    logger.on_train_end({})
    assert path.read_text() == ('epoch,loss,note,per_class\n0,0.5,ok,"[1, 2]"\n1,0.25,NA,NA\n')
    assert logger.csv_file.closed


@pytest.mark.parametrize("bad", ["", ";;", 3])
def test_csv_logger_separator_must_be_one_character(bad, tmp_path):
    with pytest.raises(ConfigError) as info:
        CSVLogger(tmp_path / "log.csv", separator=bad)
    assert str(info.value) == (
        f"CSVLogger: expected separator to be one character, got {bad!r}. "
        "Use e.g. ',', ';' or '\\t'."
    )
