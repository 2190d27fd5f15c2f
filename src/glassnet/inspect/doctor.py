"""The training doctor: ``diagnose(model, x, y, history)`` and the ``Doctor`` callback.

Both gather the same evidence (per-layer gradient norms and activation statistics, the loss
curves, the data) and run the checks of ``glassnet.inspect.symptoms`` on it; what they
return is a ``Diagnosis``: a list of ``Finding``s, each with its numbers and the remedies
the reference documents give. ``diagnose`` examines a model after the fact on data you pass;
``Doctor`` watches ``fit`` and reports when training ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from glassnet.inspect._hooks import output_units
from glassnet.inspect.findings import Diagnosis
from glassnet.inspect.statistics import LayerStatistics, layer_statistics
from glassnet.inspect.symptoms import Evidence, run_checks
from glassnet.tensor import Tensor

__all__ = ["Doctor", "diagnose"]

_CLASSIFICATION = ("crossentropy", "hinge", "focal")


def diagnose(
    model: Any, x: Any, y: Any, history: Any = None, *, validation_data: Any = None,
    batch_size: int = 256, print_fn: Callable[[str], Any] | None = None,
) -> Diagnosis:  # fmt: skip
    """Examine a compiled model on its training data and report what is wrong with training.

    Looks at: per-layer gradient norms (vanishing or exploding gradients), dead ReLU units,
    saturated sigmoid/tanh units, the inputs' scale, the balance of the classes and, when
    ``history`` is given, the loss curves (learning rate too high or too low, overfitting,
    underfitting). ``help(glassnet.inspect.symptoms)`` lists every rule and threshold.

    Args:
        model: a compiled model.
        x, y: training data (a sample of a few hundred rows is enough).
        history: what ``fit`` returned (a ``History``, or its ``.history`` dict), optional.
        validation_data: ``(x_val, y_val)``, optional: compares the losses for overfitting
            when ``history`` has no ``val_loss``.
        batch_size: batch size for the gradient statistics (as in ``fit``).
        print_fn: if given, called with the printed report.

    Returns:
        A ``Diagnosis``; ``diagnosis.ok`` is True when nothing was found.

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(8, activation="relu", input_shape=(2,)),
        ...                     Dense(1, activation="sigmoid")])
        >>> model.compile(optimizer="adam", loss="binary_crossentropy")
        >>> x = np.random.default_rng(0).normal(size=(64, 2)) * 1000  # not standardized
        >>> diagnose(model, x, x[:, 0] > 0).names  # and not trained yet
        ['underfitting', 'unscaled_inputs']
    """
    model._require_compiled("diagnose")
    snapshot = layer_statistics(model, x, y, batch_size=batch_size)
    logs = _history_dict(history)
    ev = Evidence(
        layers=snapshot["layers"],
        output_layers={u.name for u in output_units(model)},
        losses=logs.get("loss"),
        val_losses=logs.get("val_loss"),
        baseline=baseline_loss(model, y),
        loss_now=_loss_on(model, x, y, batch_size),
        learning_rate=_learning_rate(model),
    )
    ev.feature_mean, ev.feature_std = _feature_stats(x)
    ev.class_counts = class_counts(model, y)
    notes = []
    if validation_data is not None:
        ev.val_loss_now = _loss_on(model, validation_data[0], validation_data[1], batch_size)
    if not logs:
        notes.append("pass the History from fit to also check the learning rate and overfitting")
    diagnosis = Diagnosis(run_checks(ev), notes)
    if print_fn is not None:
        print_fn(str(diagnosis))
    return diagnosis


class Doctor(LayerStatistics):
    """A callback that watches ``fit`` and reports training problems when it ends.

    Everything is measured on the training batches as they pass (see ``LayerStatistics``),
    the loss curves come from the epoch logs and the data's scale and class balance from
    the first epoch's batches, so no data needs to be given. The findings are those of
    ``diagnose``.

    Args:
        verbose: 1 prints the report when training ends (and a line at the first NaN loss);
            0 only stores it in ``doctor.diagnosis``.
        print_fn: where the report goes.
        every: gather layer statistics every ``every``-th epoch.

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> x = np.random.default_rng(0).normal(size=(64, 2)) * 1000
        >>> doctor = Doctor(verbose=0)
        >>> _ = model.fit(x, x.sum(axis=1), epochs=2, verbose=0, callbacks=[doctor])
        >>> "unscaled_inputs" in doctor.diagnosis
        True
    """

    def __init__(self, verbose: int = 1, print_fn: Callable[[str], Any] = print, every: int = 1):
        super().__init__(every=every)
        self.verbose = verbose
        self.print_fn = print_fn
        self.diagnosis: Diagnosis | None = None
        self._logs: dict[str, list[float]] = {}
        self._data = _DataTally()
        self._steps = contextlib.ExitStack()
        self._warned_nan = False

    def on_train_begin(self, logs: dict | None = None) -> None:
        super().on_train_begin(logs)
        self._logs, self._data, self._warned_nan = {}, _DataTally(), False
        self._steps.close()
        self._steps.enter_context(_watch_train_step(self.model, self._data.observe))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        self._data.open = False  # why: one epoch of batches describes the data
        for key in ("loss", "val_loss"):
            if logs and key in logs:
                self._logs.setdefault(key, []).append(float(logs[key]))
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss) and not self._warned_nan and self.verbose:
            self._warned_nan = True
            self.print_fn(f"Training doctor: the loss is {loss} at epoch {epoch + 1}.")

    def on_train_end(self, logs: dict | None = None) -> None:
        super().on_train_end(logs)
        self._steps.close()
        latest = self.latest()
        y = self._data.targets()
        losses = self._logs.get("loss")
        val = self._logs.get("val_loss")
        ev = Evidence(
            layers={} if latest is None else latest["layers"],
            output_layers={u.name for u in output_units(self.model)},
            losses=losses,
            val_losses=val if val and len(val) == len(losses or []) else None,
            baseline=None if y is None else baseline_loss(self.model, y),
            loss_now=losses[-1] if losses else None,
            val_loss_now=val[-1] if val else None,
            feature_mean=self._data.mean(),
            feature_std=self._data.std(),
            class_counts=None if y is None else class_counts(self.model, y),
            learning_rate=_learning_rate(self.model),
        )
        self.diagnosis = Diagnosis(run_checks(ev))
        if self.verbose:
            self.print_fn(str(self.diagnosis))


class _DataTally:
    """Per-feature sums of the first input and the targets, over the batches of one epoch."""

    def __init__(self) -> None:
        self.open = True
        self.n = 0
        self.sum: np.ndarray | None = None
        self.squares: np.ndarray | None = None
        self.ys: list[np.ndarray] = []

    def observe(self, x: Any, y: Any) -> None:
        if not self.open:
            return
        features = _first_float(x)
        if features is not None:
            rows = features.reshape(-1, features.shape[-1]).astype(np.float64)
            self.n += rows.shape[0]
            s, q = rows.sum(axis=0), np.square(rows).sum(axis=0)
            self.sum = s if self.sum is None else self.sum + s
            self.squares = q if self.squares is None else self.squares + q
        if isinstance(y, np.ndarray):
            self.ys.append(y)

    def mean(self) -> np.ndarray | None:
        return None if self.sum is None else self.sum / self.n

    def std(self) -> np.ndarray | None:
        if self.sum is None:
            return None
        return np.sqrt(np.maximum(self.squares / self.n - (self.sum / self.n) ** 2, 0.0))

    def targets(self) -> np.ndarray | None:
        return np.concatenate(self.ys) if self.ys else None


@contextlib.contextmanager
def _watch_train_step(model: Any, observe: Callable[[Any, Any], None]) -> Iterator[None]:
    step = model.train_step

    def watched(x: Any, y: Any, sample_weight: Any = None) -> Any:
        observe(x, y)
        return step(x, y, sample_weight)

    model.train_step = watched
    try:
        yield
    finally:
        del model.train_step


def _first_float(x: Any) -> np.ndarray | None:
    """The first floating-point array of the input (token ids and masks are not features)."""
    items = (
        list(x.values())
        if isinstance(x, dict)
        else list(x)
        if isinstance(x, (list, tuple))
        else [x]
    )
    for item in items:
        array = item.data if isinstance(item, Tensor) else np.asarray(item)
        if array.dtype.kind == "f" and array.ndim >= 2:
            return array
        if array.dtype.kind == "f" and array.ndim == 1:
            return array[:, None]
    return None


def _feature_stats(x: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    features = _first_float(x)
    if features is None:
        return None, None
    rows = features.reshape(-1, features.shape[-1]).astype(np.float64)
    return rows.mean(axis=0), rows.std(axis=0)


def _history_dict(history: Any) -> dict[str, list[float]]:
    if history is None:
        return {}
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            f"diagnose: expected history as the History that fit returns (or its .history "
            f"dict), got {type(history).__name__}."
        )
    return {k: [float(v) for v in values] for k, values in logs.items()}


def _the_loss(model: Any) -> Any:
    losses = getattr(model.compiled_loss, "losses", None) or []
    return losses[0] if len(losses) == 1 else None


def _task(loss: Any) -> str:
    name = getattr(loss, "name", "") or ""
    return "classification" if any(word in name for word in _CLASSIFICATION) else "regression"


def class_counts(model: Any, y: Any) -> dict[Any, int] | None:
    """Samples per class, for a classification loss (labels, one-hot rows or 0/1 targets)."""
    loss = _the_loss(model)
    if loss is None or _task(loss) != "classification" or isinstance(y, (list, dict)):
        return None
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    labels = labels.reshape(len(labels), -1)[:, 0]
    if "hinge" in loss.name:
        labels = labels > 0
    values, counts = np.unique(np.round(labels).astype(np.int64), return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts)}


def baseline_loss(model: Any, y: Any) -> float | None:
    """The compiled loss of the best constant prediction: class frequencies, or the mean.

    This is what a model that ignores its inputs can reach, so a trained model's loss is
    judged against it. None for losses other than the cross-entropies and the regression
    losses, and for models with several outputs.
    """
    loss = _the_loss(model)
    if loss is None or isinstance(y, (list, dict)):
        return None
    target = np.asarray(y, dtype=np.float64)
    name = loss.name
    width = _output_width(model, target, "sparse_categorical" in name)
    logits = bool(getattr(loss, "get_config", dict)().get("from_logits", False))
    n = len(target)
    if "sparse_categorical" in name:
        ids = target.reshape(n, -1)[:, 0].astype(np.int64)
        prior = np.bincount(ids, minlength=width)[:width] / n
    elif "categorical_crossentropy" in name or "binary" in name:
        prior = target.reshape(n, -1).mean(axis=0)
    elif _task(loss) == "regression":
        centre = np.median if "absolute" in name else np.mean
        prior = centre(target.reshape(n, -1), axis=0)
    else:
        return None
    if "crossentropy" in name:
        prior = np.clip(prior, 1e-7, 1 - 1e-7)
        if logits:
            prior = np.log(prior) if "binary" not in name else np.log(prior / (1 - prior))
    pred = np.broadcast_to(prior.astype(np.float32), (n, width)).copy()
    try:
        return float(loss(y, Tensor(pred)).data)
    except (ValueError, TypeError):  # why: an unusual target layout: skip this check
        return None


def _output_width(model: Any, target: np.ndarray, sparse: bool) -> int:
    """The width K of the model's output, from its shape if known, else from the targets."""
    shape = getattr(model, "output_shape", None)
    if shape is None and getattr(model, "batch_input_shape", None) is not None:
        shape = model.compute_output_shape(model.batch_input_shape)
    if isinstance(shape, tuple) and shape and isinstance(shape[-1], int):
        return shape[-1]
    if sparse:
        return int(target.max()) + 1
    return int(np.prod(target.shape[1:], dtype=np.int64)) or 1


def _loss_on(model: Any, x: Any, y: Any, batch_size: int) -> float | None:
    loss = _the_loss(model)
    if loss is None:
        return None
    pred = model.predict(x, batch_size=batch_size)
    return float(loss(y, Tensor(pred)).data)


def _learning_rate(model: Any) -> float | None:
    try:
        return float(model.optimizer.learning_rate)
    except (AttributeError, TypeError, ValueError):
        return None
