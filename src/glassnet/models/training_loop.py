"""The loops behind ``Model.fit`` and ``Model.evaluate``: epochs, batches, validation, logs."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError
from glassnet.models import data_adapter as da


def _prepare(model: Any, who: str, x: Any, y: Any, sample_weight: Any) -> tuple:
    if x is None or y is None:
        raise ConfigError(f"{who}: expected both x and y, got {'x' if x is None else 'y'}=None.")
    x = da.to_array(who, "x", x)
    y = da.to_array(
        who, "y", y, dtype=backend.floatx() if np.asarray(y).dtype.kind == "f" else None
    )
    sw = None if sample_weight is None else da.to_array(who, "sample_weight", sample_weight)
    da.check_lengths(who, x=x, y=y, sample_weight=sw)
    return x, y, sw


def _split_validation(x, y, sw, validation_split: float) -> tuple:
    if not 0 <= validation_split < 1:
        raise ConfigError(
            f"The 'validation_split' argument of fit must be a float in [0, 1). Got {validation_split!r}."
        )
    if not validation_split:
        return (x, y, sw), None
    cut = int(len(x) * (1 - validation_split))
    if cut == 0 or cut == len(x):
        raise ConfigError(
            f"fit: validation_split={validation_split} leaves no training or no validation "
            f"samples out of {len(x)}. Use a split between 1/{len(x)} and 1 - 1/{len(x)}."
        )
    tail = None if sw is None else sw[cut:]
    return (x[:cut], y[:cut], None if sw is None else sw[:cut]), (x[cut:], y[cut:], tail)


def _validation_from_data(validation_data: Any) -> tuple:
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ConfigError(
            "fit: expected validation_data as (x_val, y_val) or (x_val, y_val, sample_weight), "
            f"got {type(validation_data).__name__}."
        )
    return tuple(validation_data) + (None,) * (3 - len(validation_data))


def fit(model: Any, x: Any, y: Any, *, batch_size, epochs, verbose, callbacks, validation_split,
        validation_data, shuffle, class_weight, sample_weight, initial_epoch) -> Any:  # fmt: skip
    x, y, sw = _prepare(model, "fit", x, y, sample_weight)
    (x, y, sw), val = _split_validation(x, y, sw, validation_split)
    if validation_data is not None:
        vx, vy, vsw = _validation_from_data(validation_data)
        val = _prepare(model, "fit (validation_data)", vx, vy, vsw)
    if class_weight is not None:
        cw = da.class_weights_to_sample_weights("fit", y, class_weight)
        sw = cw if sw is None else sw * cw
    size = da.check_batch_size("fit", 32 if batch_size is None else batch_size)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ConfigError(
            f"The 'epochs' argument of fit must be a non-negative int. Got {epochs!r}."
        )
    verbose = 1 if verbose == "auto" else int(verbose)
    steps = -(-len(x) // size)
    cbs = model._make_callbacks(
        callbacks, verbose, {"epochs": epochs, "steps": steps, "verbose": verbose}
    )
    model.stop_training = False
    cbs.on_train_begin({})
    for epoch in range(initial_epoch, epochs):
        _reset_metrics(model)
        cbs.on_epoch_begin(epoch, {})
        logs = _run_epoch(model, x, y, sw, size, shuffle, cbs)
        if val is not None:
            val_logs = evaluate(model, val[0], val[1], size, val[2], prepared=True)
            logs.update({f"val_{k}": v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end({})
    return model.history


def _run_epoch(model: Any, x, y, sw, size: int, shuffle: bool, cbs: Any) -> dict:
    total, count = 0.0, 0
    for step, idx in enumerate(da.batches(len(x), size, shuffle, backend.rng())):
        cbs.on_train_batch_begin(step, {})
        batch_sw = None if sw is None else sw[idx]
        out = model.train_step(x[idx], y[idx], batch_sw)
        n = len(x[idx]) if isinstance(idx, slice) else len(idx)
        total, count = total + out["loss"] * n, count + n
        logs = {"loss": total / count, **_metric_results(model)}
        cbs.on_train_batch_end(step, logs)
        if model.stop_training:
            break
    return logs


def evaluate(model: Any, x, y, batch_size: int, sample_weight: Any, prepared: bool = False) -> dict:
    if not prepared:
        x, y, sample_weight = _prepare(model, "evaluate", x, y, sample_weight)
    size = da.check_batch_size("evaluate", batch_size)
    _reset_metrics(model)
    total, count = 0.0, 0
    for idx in da.batches(len(x), size, False, None):
        sw = None if sample_weight is None else sample_weight[idx]
        out = model.test_step(x[idx], y[idx], sw)
        n = len(x[idx])
        total, count = total + out["loss"] * n, count + n
    return {"loss": total / count, **_metric_results(model)}


def _reset_metrics(model: Any) -> None:
    for metric in model.compiled_metrics:
        metric.reset_state()


def _metric_results(model: Any) -> dict:
    return {m.name: float(m.result()) for m in model.compiled_metrics}
