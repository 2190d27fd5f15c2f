"""The loops behind ``Model.fit``, ``evaluate`` and ``predict``: epochs, batches, validation, logs.

Batches come from a batch source (``glassnet.models.batch_sources``): arrays, a PyDataset or a
generator. Each step's ``train_step``/``test_step`` returns the batch's losses; the loop keeps
their sample-weighted running means and adds the compiled metrics' results, which is what the
callbacks and ``History`` see.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError
from glassnet.models import data_adapter as da
from glassnet.models.batch_sources import ArraySource, is_batch_source, make_source
from glassnet.models.step_data import call_step
from glassnet.tensor import Tensor


def _split_validation(source: ArraySource, validation_split: Any) -> tuple:
    if isinstance(validation_split, bool) or not 0 <= validation_split < 1:
        raise ConfigError(
            "The 'validation_split' argument of fit must be a float in [0, 1). "
            f"Got {validation_split!r}."
        )
    if not validation_split:
        return source, None
    if not isinstance(source, ArraySource):
        raise ConfigError(
            "fit: validation_split works only with array data; with a dataset or generator "
            "pass validation_data=... instead."
        )
    n = source.size
    cut = int(n * (1 - validation_split))
    if cut == 0 or cut == n:
        raise ConfigError(
            f"fit: validation_split={validation_split} leaves no training or no validation "
            f"samples out of {n}. Use a split between 1/{n} and 1 - 1/{n}."
        )
    head, tail = slice(0, cut), slice(cut, None)

    def part(rows: slice, shuffle: bool) -> ArraySource:
        return ArraySource(da.take(source.x, rows), da.take(source.y, rows),
                           da.take(source.sample_weight, rows), source.batch_size, shuffle)  # fmt: skip

    return part(head, source.shuffle), part(tail, False)


def _validation_source(model: Any, validation_data: Any, batch_size: int, steps: Any) -> Any:
    who = "fit (validation_data)"
    if is_batch_source(validation_data):
        return make_source(who, model, validation_data, None, None, batch_size=batch_size,
                           shuffle=False, steps=steps, steps_name="validation_steps")  # fmt: skip
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ConfigError(
            "fit: expected validation_data as (x_val, y_val) or (x_val, y_val, sample_weight), "
            f"or a PyDataset/generator of batches, got {type(validation_data).__name__}."
        )
    vx, vy, vsw = tuple(validation_data) + (None,) * (3 - len(validation_data))
    return make_source(who, model, vx, vy, vsw, batch_size=batch_size, shuffle=False,
                       steps=steps, steps_name="validation_steps")  # fmt: skip


def _class_weighted(model: Any, y: Any, sw: Any, class_weight: dict) -> Any:
    if not isinstance(y, np.ndarray):
        raise ConfigError(
            f"fit: class_weight works for models with one output; '{model.name}' has several. "
            "Pass sample_weight instead."
        )
    cw = da.class_weights_to_sample_weights("fit", y, class_weight)
    return cw if sw is None else sw * cw


def fit(model: Any, x: Any, y: Any, *, batch_size, epochs, verbose, callbacks, validation_split,
        validation_data, shuffle, class_weight, sample_weight, initial_epoch,
        steps_per_epoch=None, validation_steps=None, validation_freq=1) -> Any:  # fmt: skip
    size = da.check_batch_size("fit", 32 if batch_size is None else batch_size)
    epochs = da.check_count("fit", "epochs", epochs, minimum=0)
    source = make_source("fit", model, x, y, sample_weight, batch_size=size, shuffle=shuffle,
                         steps=steps_per_epoch, steps_name="steps_per_epoch")  # fmt: skip
    source, val = _split_validation(source, validation_split)
    if validation_data is not None:
        val = _validation_source(model, validation_data, size, validation_steps)
    if class_weight is not None and isinstance(source, ArraySource):
        source.sample_weight = _class_weighted(model, source.y, source.sample_weight, class_weight)
        class_weight = None  # why: applied once to the whole array, not per batch
    verbose = 1 if verbose == "auto" else int(verbose)
    params = {"epochs": epochs, "steps": source.steps, "verbose": verbose}
    cbs = model._make_callbacks(callbacks, verbose, params)
    model.stop_training = False
    model._initial_epoch = None  # why: a callback (BackupAndRestore) may move the start
    cbs.on_train_begin({})
    for epoch in range(model._initial_epoch or initial_epoch, epochs):
        model._reset_metrics()
        cbs.on_epoch_begin(epoch, {})
        logs = _run_epoch(model, source, class_weight, cbs)
        source.end_epoch()
        if logs is None:
            warnings.warn(
                f"fit: the data ran out at epoch {epoch + 1} (the generator is exhausted). "
                "Pass steps_per_epoch, or a generator that loops forever, or a PyDataset.",
                stacklevel=3,
            )
            break
        if val is not None and (epoch + 1) % validation_freq == 0:
            val_logs = run_evaluation(model, val)
            logs.update({f"val_{k}": v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end({})
    return model.history


class _Means:
    """Sample-weighted running means of the values a step returns."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.count = 0

    def add(self, values: dict, n: int) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0.0) + _scalar(value) * n
        self.count += n

    def result(self) -> dict:
        return {k: s / self.count for k, s in self.sums.items()}


def _scalar(value: Any) -> float:
    if type(value) is float:
        return value  # why: what the built-in steps return, without a round trip through NumPy
    return float(value.data if isinstance(value, Tensor) else np.asarray(value))


def _batch_len(x: Any) -> int:
    if isinstance(x, np.ndarray):
        return len(x)  # why: the usual single input, without building the leaves' names
    return len(da.leaves(x)[0][1])


def _run_epoch(model: Any, source: Any, class_weight: dict | None, cbs: Any) -> dict | None:
    means = _Means()
    batch_end = cbs.on_train_batch_end
    for step, (xb, yb, swb) in enumerate(source.epoch(backend.rng())):
        cbs.on_train_batch_begin(step, {})
        if class_weight is not None:
            swb = _class_weighted(model, yb, swb, class_weight)
        means.add(call_step(model.train_step, xb, yb, swb), _batch_len(xb))
        if batch_end.active:  # why: the running logs are built only when a callback reads them
            batch_end(step, {**means.result(), **model._metric_results()})
        if model.stop_training:
            break
    if not means.count:
        return None
    return {**means.result(), **model._metric_results()}


def run_evaluation(model: Any, source: Any) -> dict:
    """Loss and metrics of ``model`` over every batch of ``source``."""
    model._reset_metrics()
    means = _Means()
    for xb, yb, swb in source.epoch(None):
        means.add(call_step(model.test_step, xb, yb, swb), _batch_len(xb))
    source.end_epoch()
    if not means.count:
        raise ConfigError("evaluate: the data gave no batches.")
    return {**means.result(), **model._metric_results()}


def evaluate(
    model: Any, x: Any, y: Any, batch_size: int, sample_weight: Any, steps: Any = None
) -> dict:
    size = da.check_batch_size("evaluate", batch_size)
    source = make_source("evaluate", model, x, y, sample_weight, batch_size=size, shuffle=False,
                         steps=steps)  # fmt: skip
    return run_evaluation(model, source)


def predict(model: Any, x: Any, batch_size: int, steps: Any = None) -> Any:
    """Outputs for every batch, concatenated (one array, or a list/dict like the outputs)."""
    size = da.check_batch_size("predict", batch_size)
    source = make_source("predict", model, x, None, None, batch_size=size, shuffle=False,
                         steps=steps, with_y=False)  # fmt: skip
    parts = [model.predict_step(xb) for xb, _, _ in source.epoch(None)]
    source.end_epoch()
    if not parts:
        raise ConfigError("predict: the data gave no batches.")
    first = parts[0]
    if isinstance(first, dict):
        return {k: np.concatenate([p[k] for p in parts]) for k in first}
    if isinstance(first, (list, tuple)):
        return [np.concatenate([p[i] for p in parts]) for i in range(len(first))]
    return np.concatenate(parts)
