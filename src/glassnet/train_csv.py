"""``glassnet train data.csv --target COL``: a network for a user's own table of numbers.

``read_table`` reads the CSV (numeric columns, missing values as NaN, text kept as text),
``train_csv`` chooses classification or regression from the target, standardizes, trains
with the progress bar and the training doctor, reports on held-out rows and saves a model
that takes the raw CSV values (the scaling lives in ``Rescaling`` layers inside it).
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import glassnet
from glassnet.demos import DemoData, ProgressBar, describe_model, write_plots

__all__ = ["read_table", "train_csv"]

_MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
_MAX_CLASSES = 20


def read_table(path: str | os.PathLike) -> tuple[list[str], dict[str, np.ndarray]]:
    """Read a CSV with a header row: ``(column names, {name: values})``.

    A column whose cells all read as numbers (or are empty / NA / NaN / null / ?) becomes a
    float64 array with NaN for the missing cells; any other column stays an array of str.
    The delimiter (comma, semicolon or tab) is detected from the first lines.

    Raises:
        OSError: if the file cannot be read.
        ValueError: for an empty file, a header without names, or rows of the wrong length.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if not lines:
        raise ValueError(f"{path} is empty: expected a header row of column names, then data.")
    try:
        dialect: Any = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(lines, dialect) if r and any(c.strip() for c in r)]
    header = [name.strip() for name in rows[0]]
    if not all(header) or len(set(header)) != len(header):
        raise ValueError(f"{path}: expected distinct column names in the first row, got {header}.")
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}, row {number}: expected {len(header)} values (one per "
                             f"column), got {len(row)}.")  # fmt: skip
    if not body:
        raise ValueError(f"{path}: expected data rows after the header, got none.")
    columns = {name: _column([row[i].strip() for row in body]) for i, name in enumerate(header)}
    return header, columns


def _column(cells: list[str]) -> np.ndarray:
    values = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        if cell.lower() in _MISSING:
            continue
        try:
            values[i] = float(cell)
        except ValueError:
            return np.array(cells, dtype=str)
    return values


def _choose_task(target: np.ndarray, task: str, name: str) -> str:
    numeric = target.dtype.kind == "f"
    if task == "regression" and not numeric:
        raise ValueError(f"--task regression: expected numbers in column '{name}', got text "
                         f"such as {target[0]!r}.")  # fmt: skip
    if task != "auto":
        return task
    if not numeric:
        return "classification"
    whole = np.all(target == np.round(target))
    return "classification" if whole and len(np.unique(target)) <= _MAX_CLASSES else "regression"


def _classes(target: np.ndarray) -> tuple[np.ndarray, list[str]]:
    values, ids = np.unique(target, return_inverse=True)
    names = [f"{v:g}" if isinstance(v, float) else str(v) for v in values.tolist()]
    return ids.astype(np.int64), names


def _prepare(path: Any, target: str, task: str, print_fn: Callable) -> tuple:
    """Features, target, task and class names from the CSV; notes what was left out."""
    header, columns = read_table(path)
    if target not in columns:
        close = difflib.get_close_matches(target, header, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"no column named '{target}' in {path}. Columns: "
                         f"{', '.join(header)}.{hint}")  # fmt: skip
    features = [n for n in header if n != target and columns[n].dtype.kind == "f"]
    text = [n for n in header if n != target and columns[n].dtype.kind != "f"]
    if text:
        print_fn(f"  note: left out columns that are not numbers: {', '.join(text)}")
    if not features:
        raise ValueError(f"{path}: expected at least one numeric column besides '{target}'.")
    x = np.stack([columns[n] for n in features], axis=1)
    y = columns[target]
    missing = np.isnan(x).any(axis=1) | (np.isnan(y) if y.dtype.kind == "f" else (y == ""))
    if missing.any():
        print_fn(f"  note: left out {int(missing.sum())} rows with missing values")
    x, y = x[~missing], y[~missing]
    if len(x) < 10:
        raise ValueError(f"{path}: expected at least 10 complete rows to train and test on, "
                         f"got {len(x)}.")  # fmt: skip
    task = _choose_task(y, task, target)
    classes = None
    if task == "classification":
        y, classes = _classes(y)
        if len(classes) < 2:
            raise ValueError(f"column '{target}' has one value only ({classes[0]}): nothing to "
                             "classify.")  # fmt: skip
    return features, text, x, y, task, classes


def _scale(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, std = a.mean(axis=0), a.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def train_csv(
    path: str | os.PathLike, target: str, *, hidden: Sequence[int] = (64, 32), epochs: int = 100,
    lr: float = 0.001, batch_size: int = 32, task: str = "auto", seed: int = 0,
    out: str | os.PathLike = "glassnet-model", plots: bool = True,
    print_fn: Callable[[str], Any] = print,
) -> dict[str, Any]:  # fmt: skip
    """Train an MLP on a CSV file, report on held-out rows and save the model in ``out``.

    Args:
        path: the CSV file (first row: column names).
        target: the column to predict.
        hidden: sizes of the ReLU hidden layers.
        epochs, lr, batch_size: training settings (Adam).
        task: ``"auto"`` (from the target), ``"classification"`` or ``"regression"``.
        seed: seeds the train/test split, the weights and the shuffling.
        out: the folder for ``model.glassnet``, ``model-info.json`` and the plots.
        plots: write the plots (skipped with a note when matplotlib is missing).
        print_fn: where the report goes.

    Returns:
        ``{"task", "model_path", "findings", "plots", ...}`` with ``test_accuracy`` or
        ``mae``, ``rmse`` and ``r2`` (in the target's units).
    """
    from glassnet import keras
    from glassnet.inspect import Doctor

    print_fn(f"glassnet train: {path}, predicting '{target}'")
    features, left_out, x, y, task, classes = _prepare(path, target, task, print_fn)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    n_test = max(1, len(x) // 5)
    test, train = order[:n_test], order[n_test:]
    x_mean, x_std = _scale(x[train])
    y_mean, y_std = (0.0, 1.0) if task == "classification" else _scale(y[train])
    xs = ((x - x_mean) / x_std).astype(np.float32)
    ys = y if task == "classification" else ((y - y_mean) / y_std).astype(np.float32)
    glassnet.utils.set_random_seed(seed)
    core, loss = _core_model(len(features), hidden, classes)
    core.compile(optimizer=keras.optimizers.Adam(lr), loss=loss,
                 metrics=["accuracy"] if classes else ["mae"])  # fmt: skip
    kind = f"classification into {len(classes)} classes" if classes else "regression"
    print_fn(f"  data: {len(train)} training rows, {n_test} test rows; "
             f"{len(features)} input columns; {kind}")  # fmt: skip
    print_fn(f"  model: {describe_model(core)}")
    print_fn(f"  training: Adam(learning_rate={lr:g}), {loss}, {epochs} epochs of batches of "
             f"{batch_size}, 20% of the training rows held out for validation\n")  # fmt: skip
    doctor = Doctor(verbose=0)
    start = time.perf_counter()
    history = core.fit(xs[train], ys[train], epochs=epochs, batch_size=batch_size,
                       validation_split=0.2, verbose=0,
                       callbacks=[ProgressBar(print_fn), doctor])  # fmt: skip
    print_fn(f"\n  trained {epochs} epochs in {time.perf_counter() - start:.2f} s")
    model = _with_scaling(core, loss, len(features), (x_mean, x_std),
                          None if classes else (y_mean, y_std))  # fmt: skip
    result = {"task": task, **_report(model, x[test].astype(np.float32), y[test], classes,
                                      print_fn)}  # fmt: skip
    print_fn("\n" + str(doctor.diagnosis))
    result["findings"] = doctor.diagnosis.names
    result.update(_save(model, Path(out), path, target, task, features, left_out, classes,
                        result, print_fn))  # fmt: skip
    x_test = x[test].astype(np.float32)
    test_data = DemoData(x_test, y[test], x_test, y[test], "", tuple(classes or ()) or None)
    result["plots"] = (write_plots("model", task, test_data, model, history, doctor, Path(out),
                                   print_fn) if plots else [])  # fmt: skip
    return result


def _core_model(n_features: int, hidden: Sequence[int], classes: list[str] | None) -> tuple:
    from glassnet import keras

    layers = [keras.layers.Input(shape=(n_features,))]
    layers += [keras.layers.Dense(int(u), activation="relu") for u in hidden]
    if classes is None:
        return keras.Sequential([*layers, keras.layers.Dense(1)]), "mse"
    if len(classes) == 2:
        head = keras.layers.Dense(1, activation="sigmoid")
        return keras.Sequential([*layers, head]), "binary_crossentropy"
    head = keras.layers.Dense(len(classes), activation="softmax")
    return keras.Sequential([*layers, head]), "sparse_categorical_crossentropy"


def _with_scaling(core: Any, loss: str, n_features: int, x_scale: tuple, y_scale: tuple | None):
    """The trained layers between Rescaling layers: the model takes and gives raw values."""
    from glassnet import keras

    mean, std = x_scale
    layers = [keras.layers.Input(shape=(n_features,)),
              keras.layers.Rescaling((1 / std).tolist(), (-mean / std).tolist(),
                                     name="standardize"), *core.layers]  # fmt: skip
    if y_scale is not None:
        layers.append(keras.layers.Rescaling(float(y_scale[1]), float(y_scale[0]),
                                             name="unstandardize"))  # fmt: skip
    model = keras.Sequential(layers)
    model.compile(optimizer=core.optimizer, loss=loss)
    return model


def _report(model: Any, x: np.ndarray, y: np.ndarray, classes: list[str] | None,
            print_fn: Callable) -> dict[str, Any]:  # fmt: skip
    pred = model.predict(x, batch_size=256)
    if classes:
        guess = (pred[:, 0] > 0.5).astype(np.int64) if pred.shape[1] == 1 else pred.argmax(1)
        accuracy = float((guess == y).mean())
        majority = float(np.bincount(y).max() / len(y))
        print_fn(f"  held-out test: accuracy {accuracy:.3f} (always answering the most common "
                 f"class: {majority:.3f})")  # fmt: skip
        return {"test_accuracy": accuracy}
    err = pred[:, 0] - y
    mae, rmse = float(np.abs(err).mean()), float(np.sqrt((err**2).mean()))
    r2 = float(1 - (err**2).sum() / max(((y - y.mean()) ** 2).sum(), 1e-12))
    print_fn(f"  held-out test: MAE {mae:.4g}, RMSE {rmse:.4g}, R2 {r2:.3f}")
    return {"mae": mae, "rmse": rmse, "r2": r2}


def _save(model: Any, out: Path, csv_path: Any, target: str, task: str, features: list[str],
          left_out: list[str], classes: list[str] | None, metrics: dict,
          print_fn: Callable) -> dict[str, Any]:  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "model.glassnet"
    model.save(model_path)
    info = {"csv": os.fspath(csv_path), "target": target, "task": task, "features": features,
            "left_out": left_out, "classes": classes,
            "test": {k: v for k, v in metrics.items() if k != "task"}}  # fmt: skip
    (out / "model-info.json").write_text(json.dumps(info, indent=2) + "\n")
    print_fn(f"\n  saved: {model_path} (glassnet.load_model; takes the raw CSV columns "
             f"{', '.join(features)})")  # fmt: skip
    print_fn(f"         {out / 'model-info.json'}")
    return {"model_path": os.fspath(model_path)}
