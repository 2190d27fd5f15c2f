"""Per-layer statistics of a training run: gradient norms, activations, dead and saturated units.

Two ways to get them:

- ``LayerStatistics()``, a callback: ``model.fit(x, y, callbacks=[stats])`` records one entry
  per epoch from the training batches themselves (nothing is recomputed, no data needs to be
  passed), in ``stats.history``;
- ``layer_statistics(model, x, y)``: one snapshot on the data you give.

What is measured, per layer (a "layer" is an entry of ``model.layers``, nested models opened):

- ``gradient_norm``: the L2 norm of the gradient of the loss with respect to all the layer's
  trainable weights, per batch; the epoch's value is the root mean square over its batches.
- ``gradient_percentiles``: percentiles of the individual gradient values (signed) of the
  epoch's last batch.
- ``activation_mean``, ``activation_std``: of every output value over the epoch's batches.
- ``activation_percentiles``: percentiles of the output values of the epoch's last batch.
- ``dead_fraction`` (ReLU layers only): the fraction of units (channels, the last axis) whose
  output was <= 0 for every sample and position of the epoch: a dead unit passes no gradient.
- ``saturated_fraction`` (sigmoid, hard_sigmoid and tanh layers only): the fraction of output
  values where the activation's slope is below 1% of its largest slope (sigmoid output
  below 0.0101 or above 0.9899, |tanh| above 0.995): there almost no gradient gets through.

Data format of ``LayerStatistics.history`` (plain lists, JSON-ready; ``None`` where a value
does not apply, e.g. a layer without weights has no gradient norm)::

    {
      "epochs": [0, 1, 2, ...],                   # epoch index of each record (E records)
      "percentiles": [0, 5, 25, 50, 75, 95, 100],  # the P percentiles reported below
      "layers": {                                  # in the order the layers run
        "dense": {
          "class_name": "Dense",
          "activation": "relu",                    # name, or None for layers without one
          "gradient_norm": [E floats or None],
          "gradient_percentiles": [E lists of P floats, or None],
          "activation_mean": [E floats],
          "activation_std": [E floats],
          "activation_percentiles": [E lists of P floats],
          "dead_fraction": [E floats or None],
          "saturated_fraction": [E floats or None],
        },
        ...
      },
    }

``layer_statistics`` returns one record in the same layout: ``"layers"`` maps each layer to
a dict of single values (a float, a list of P floats, or None) instead of lists over epochs.
``glassnet.plot.plot_layer_distributions`` draws either.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from glassnet import activations
from glassnet.inspect._hooks import ensure_built, first_tensor, units, watch_calls
from glassnet.layers.base import Layer
from glassnet.models.callbacks import Callback
from glassnet.tensor import Tensor

__all__ = ["PERCENTILES", "LayerStatistics", "activation_name", "layer_statistics"]

PERCENTILES = (0, 5, 25, 50, 75, 95, 100)
_SAMPLE = 4096  # values kept per layer for percentiles: enough for a smooth band, cheap
_FIELDS = (
    "gradient_norm", "gradient_percentiles", "activation_mean", "activation_std",
    "activation_percentiles", "dead_fraction", "saturated_fraction",
)  # fmt: skip
_DYING = ("relu", "relu6")
_SATURATING = {"sigmoid": (0.0101, 0.9899), "hard_sigmoid": (0.0101, 0.9899),
               "tanh": (-0.995, 0.995)}  # fmt: skip


def activation_name(layer: Layer) -> str | None:
    """The name of a layer's activation ('relu', 'sigmoid', ...), or None if it has none."""
    from glassnet.layers.activation_layers import ReLU

    if isinstance(layer, ReLU):
        plain = layer.negative_slope == 0 and layer.threshold == 0
        return "relu" if plain else "leaky_relu"
    fn = getattr(layer, "activation", None)
    if fn is None or not callable(fn):
        return None
    return activations.ACTIVATIONS.name_of(fn) or getattr(fn, "__name__", type(fn).__name__)


class _Tally:
    """Running sums for one layer over one epoch's batches."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.kind = activation_name(layer)
        self.count = 0
        self.total = 0.0
        self.squares = 0.0
        self.active: np.ndarray | None = None
        self.saturated = 0
        self.broken = False
        self.last_output: np.ndarray | None = None
        self.grad_squares: list[float] = []
        self.last_grads: list[np.ndarray] = []

    def observe_output(self, out: np.ndarray) -> None:
        values = out.astype(np.float64, copy=False)
        self.count += values.size
        self.total += float(values.sum())
        self.squares += float(np.square(values).sum())
        self.last_output = out
        if not np.isfinite(out).all():
            self.broken = True  # why: NaN compares False everywhere: it would look "dead"
        if self.kind in _DYING and out.ndim >= 1:
            fired = (out.reshape(-1, out.shape[-1]) > 0).any(axis=0)
            self.active = fired if self.active is None else (self.active | fired)
        if self.kind in _SATURATING:
            low, high = _SATURATING[self.kind]
            self.saturated += int(np.count_nonzero((out < low) | (out > high)))

    def observe_gradients(self, grads: list[np.ndarray]) -> None:
        if grads:
            self.grad_squares.append(
                float(sum(np.square(g, dtype=np.float64).sum() for g in grads))
            )
            self.last_grads = grads

    def record(self, rng: np.random.Generator) -> dict[str, Any]:
        mean = self.total / self.count if self.count else None
        var = self.squares / self.count - mean**2 if self.count else None
        out = {
            "gradient_norm": (
                float(np.sqrt(np.mean(self.grad_squares))) if self.grad_squares else None
            ),
            "gradient_percentiles": _percentiles(self.last_grads, rng),
            "activation_mean": mean,
            "activation_std": None if var is None else float(np.sqrt(max(var, 0.0))),
            "activation_percentiles": _percentiles(
                [] if self.last_output is None else [self.last_output], rng
            ),
            "dead_fraction": None,
            "saturated_fraction": None,
        }
        if self.broken:
            return out
        if self.kind in _DYING and self.active is not None:
            out["dead_fraction"] = float(1.0 - self.active.mean())
        if self.kind in _SATURATING and self.count:
            out["saturated_fraction"] = self.saturated / self.count
        return out


def _percentiles(arrays: list[np.ndarray], rng: np.random.Generator) -> list[float] | None:
    if not arrays:
        return None
    flat = np.concatenate([np.ravel(a) for a in arrays])
    if flat.size > _SAMPLE:
        flat = flat[rng.choice(flat.size, _SAMPLE, replace=False)]
    if flat.size == 0:
        return None
    return [float(v) for v in np.percentile(flat.astype(np.float64), PERCENTILES)]


class _Recorder:
    """Watches a model's layers and turns batches of outputs and gradients into records."""

    def __init__(self, model: Layer) -> None:
        self.model = model
        self.units = units(model)
        self.rng = np.random.default_rng(0)  # why: our own, so sampling never moves training's
        self.tallies: dict[int, _Tally] = {}
        self.recording = False

    def begin(self) -> None:
        self.tallies = {id(u): _Tally(u) for u in self.units}

    def on_call(self, layer: Layer, inputs: Any, out: Any) -> None:
        tensor = first_tensor(out)
        if self.recording and tensor is not None and tensor.dtype.kind == "f":
            self.tallies[id(layer)].observe_output(tensor.data)

    def observe_gradients(self) -> None:
        for unit in self.units:
            grads = [w.grad for w in unit.trainable_weights if w.grad is not None]
            self.tallies[id(unit)].observe_gradients(grads)

    def end(self) -> dict[str, dict[str, Any]]:
        record: dict[str, dict[str, Any]] = {}
        for unit in self.units:
            tally = self.tallies[id(unit)]
            if tally.count or tally.grad_squares:
                record[unit.name] = {"class_name": type(unit).__name__,
                                     "activation": tally.kind, **tally.record(self.rng)}  # fmt: skip
        return record


class LayerStatistics(Callback):
    """A callback that records per-layer statistics of every epoch while ``fit`` trains.

    The numbers come from the training batches as they pass (each layer's ``call`` is
    watched between ``on_train_batch_begin`` and ``on_train_batch_end``; gradients are read
    from the weights after each batch's backward pass), so nothing is recomputed and no data
    has to be given. See the module docstring for what is measured and for the format of
    ``history``.

    Args:
        every: record every ``every``-th epoch (1: each epoch).

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(4, activation="relu", input_shape=(2,), name="dense"),
        ...                     Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> stats = LayerStatistics()
        >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0, callbacks=[stats])
        >>> stats.history["epochs"], sorted(stats.history["layers"]["dense"])[:3]
        ([0, 1], ['activation', 'activation_mean', 'activation_percentiles'])
    """

    def __init__(self, every: int = 1) -> None:
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(
                f"The 'every' argument of LayerStatistics must be an int >= 1. Got {every!r}."
            )
        self.every = every
        self.history: dict[str, Any] = _empty_history()
        self._recorder: _Recorder | None = None
        self._watching = contextlib.ExitStack()
        self._epoch_on = False

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.history = _empty_history()
        self._watching.close()
        self._recorder = _Recorder(self.model)
        self._watching.enter_context(watch_calls(self._recorder.units, self._recorder.on_call))

    def on_train_end(self, logs: dict | None = None) -> None:
        self._watching.close()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_on = epoch % self.every == 0
        if self._epoch_on and self._recorder is not None:
            self._recorder.begin()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self._recorder is not None:
            self._recorder.recording = self._epoch_on

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._recorder is not None and self._epoch_on:
            self._recorder.recording = False
            self._recorder.observe_gradients()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._recorder is None or not self._epoch_on:
            return
        _append(self.history, epoch, self._recorder.end())

    def latest(self) -> dict[str, Any] | None:
        """The last epoch's record in ``layer_statistics``'s layout, or None before any."""
        if not self.history["epochs"]:
            return None
        layers = {
            name: {k: (v[-1] if isinstance(v, list) and k in _FIELDS else v)
                   for k, v in entry.items()}
            for name, entry in self.history["layers"].items()
        }  # fmt: skip
        return {"epoch": self.history["epochs"][-1], "percentiles": list(PERCENTILES),
                "layers": layers}  # fmt: skip


def _empty_history() -> dict[str, Any]:
    return {"epochs": [], "percentiles": list(PERCENTILES), "layers": {}}


def _append(history: dict[str, Any], epoch: int, record: dict[str, dict[str, Any]]) -> None:
    n = len(history["epochs"])
    history["epochs"].append(epoch)
    for name, values in record.items():
        entry = history["layers"].setdefault(
            name, {"class_name": values["class_name"], "activation": values["activation"],
                   **{k: [None] * n for k in _FIELDS}},
        )  # fmt: skip
        for key in _FIELDS:
            entry[key].append(values[key])
    for entry in history["layers"].values():  # a layer not seen this epoch gets None
        for key in _FIELDS:
            if len(entry[key]) < n + 1:
                entry[key].append(None)


def layer_statistics(
    model: Layer, x: Any, y: Any = None, *, sample_weight: Any = None, batch_size: int = 256,
    training: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """One snapshot of the per-layer statistics on ``(x, y)``, without changing the model.

    Runs ``x`` through the model in batches; when ``y`` is given and the model is compiled,
    also computes the loss and its gradients (the weights are not updated, and every
    weight's ``.grad`` is put back as it was).

    Args:
        model: a model; compiled if gradients are wanted.
        x, y: the data (``y`` optional: without it there are no gradient statistics).
        sample_weight: optional per-sample weights for the loss.
        batch_size: samples per batch (gradient norms are per batch, as during ``fit``).
        training: run layers in training mode (dropout on) instead of inference mode.

    Returns:
        ``{"percentiles": [...], "layers": {name: {field: value}}}``; see the module docstring.

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(4, activation="relu", input_shape=(2,), name="dense"),
        ...                     Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> snap = layer_statistics(model, np.ones((8, 2)), np.ones(8))
        >>> snap["layers"]["dense"]["gradient_norm"] > 0
        True
    """
    from glassnet.models import data_adapter as da

    ensure_built(model, x)
    want_grads = y is not None and getattr(model, "compiled_loss", None) is not None
    recorder = _Recorder(model)
    recorder.begin()
    params = model.trainable_weights
    saved = [p.grad for p in params]
    inputs, outputs = model._data_arities()
    x = da.to_structure("layer_statistics", "x", x, inputs)
    y = None if y is None else da.to_structure("layer_statistics", "y", y, outputs)
    n = da.count_samples("layer_statistics", x=x, y=y)
    try:
        with watch_calls(recorder.units, recorder.on_call):
            for start in range(0, n, batch_size):
                rows = slice(start, start + batch_size)
                xb = da.take(x, rows)
                recorder.recording = True
                if not want_grads:
                    _forward_only(model, xb, training)
                    continue
                sw = None if sample_weight is None else np.asarray(sample_weight)[rows]
                _forward_backward(model, xb, da.take(y, rows), sw, params, training)
                recorder.recording = False
                recorder.observe_gradients()
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    return {"percentiles": list(PERCENTILES), "layers": recorder.end()}


def _forward_only(model: Layer, xb: Any, training: bool) -> None:
    from glassnet.tensor import no_grad

    with no_grad():
        model(xb, training=training)


def _forward_backward(model: Any, xb: Any, yb: Any, sw: Any, params: list, training: bool) -> None:
    for p in params:
        p.grad = None
    loss: Tensor = model.compute_loss(yb, model(xb, training=training), sw)
    loss.backward()
