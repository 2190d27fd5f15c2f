"""What ``compile`` sets up: the loss (per output, weighted) and the metrics (per output).

A model with one output has one loss and a flat list of metrics. A model with several
outputs (a functional ``Model`` with ``outputs=[...]`` or ``{...}``) takes, as Keras 3 does:

- ``loss``: one loss for every output, a list (one per output, ``None`` to skip one) or a
  dict keyed by output name;
- ``loss_weights``: a list or dict of floats (default 1 each); the total loss is
  ``sum(weight_i * loss_i)`` and the logs also hold each ``<output>_loss`` (unweighted);
- ``metrics``: a list with one entry per output (a metric or a list of them) or a dict keyed
  by output name; they are logged as ``<output>_<metric>``.

Targets for several outputs come as a list in output order or a dict keyed by output name.
Metrics are resolved at the first batch, when the shapes are known (``'accuracy'`` after a
``'mse'`` loss is chosen from them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.tensor import Tensor

__all__ = ["CompiledLoss", "CompiledMetrics", "flatten_outputs"]


def flatten_outputs(who: str, values: Any, names: list[str], what: str) -> list[Any]:
    """Per-output values in output order, from one value, a list or a dict keyed by name."""
    n = len(names)
    if isinstance(values, dict):
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ConfigError(
                f"{who}: {what} has keys {unknown} that are not outputs of the model. "
                f"Outputs: {names}."
            )
        return [values.get(name) for name in names]
    if isinstance(values, (list, tuple)) and n > 1:
        if len(values) != n:
            raise ShapeError(
                f"{who}: expected {what} for {n} outputs ({', '.join(names)}), "
                f"got a list of {len(values)}. Give one per output, or a dict keyed by name."
            )
        return list(values)
    if n > 1 and what != "loss":
        raise ShapeError(
            f"{who}: expected {what} for {n} outputs ({', '.join(names)}) as a list or a "
            f"dict keyed by output name, got {type(values).__name__}."
        )
    return [values] * n if what == "loss" else [values]


def _output_names(model: Any, n: int) -> list[str]:
    names = getattr(model, "output_names", None)
    if names and len(names) == n:
        return list(names)
    return [f"output_{i}" for i in range(n)]


class CompiledLoss:
    """The compiled loss: ``total, per_output = compiled(y_true, y_pred, sample_weight)``."""

    def __init__(self, loss: Any, loss_weights: Any) -> None:
        if loss is None:
            raise ConfigError("compile: expected a loss, got None. Pass e.g. loss='mse'.")
        self.spec, self.weights_spec = loss, loss_weights
        self.losses: list[Any] | None = None
        self.names: list[str] = []
        self.weights: list[float] = []

    def build(self, model: Any, n_outputs: int) -> None:
        from glassnet import losses as losses_module

        who = f"compile of '{model.name}'"
        self.names = _output_names(model, n_outputs)
        specs = flatten_outputs(who, self.spec, self.names, "loss")
        self.losses = [None if s is None else losses_module.get(s) for s in specs]
        if all(loss is None for loss in self.losses):
            raise ConfigError(f"{who}: every output's loss is None; give at least one loss.")
        if self.weights_spec is None:
            self.weights = [1.0] * n_outputs
        else:
            weights = flatten_outputs(who, self.weights_spec, self.names, "loss_weights")
            self.weights = [1.0 if w is None else float(w) for w in weights]

    def __call__(self, model: Any, y_true: Any, y_pred: Any, sample_weight: Any) -> tuple:
        preds = _as_list(model, y_pred)
        if self.losses is None:
            self.build(model, len(preds))
        if len(preds) == 1:
            return self.losses[0](_target(y_true), preds[0], sample_weight=sample_weight), {}
        who = f"Model '{model.name}'"
        targets = flatten_outputs(who, y_true, self.names, "targets")
        total: Tensor | None = None
        parts: dict[str, Tensor] = {}
        for name, loss, weight, y, p in zip(self.names, self.losses, self.weights, targets, preds):
            if loss is None:
                continue
            if y is None:
                raise ConfigError(f"{who}: no target given for output '{name}', which has a loss.")
            value = loss(_target(y), p, sample_weight=sample_weight)
            parts[f"{name}_loss"] = value
            weighted = value if weight == 1.0 else value * weight
            total = weighted if total is None else total + weighted
        return total, parts


def _target(y: Any) -> Any:
    return y if isinstance(y, Tensor) else Tensor(np.asarray(y))


def _as_list(model: Any, y_pred: Any) -> list[Tensor]:
    if isinstance(y_pred, dict):
        names = getattr(model, "output_names", None) or list(y_pred)
        return [y_pred[name] for name in names]
    if isinstance(y_pred, (list, tuple)):
        return list(y_pred)
    return [y_pred]


class CompiledMetrics:
    """The compiled metrics, resolved at the first batch and updated per output."""

    def __init__(self, metrics: Any) -> None:
        self.spec = metrics
        self.per_output: list[list[Any]] | None = None
        self.names: list[str] = []

    @property
    def metrics(self) -> list[Any]:
        return [m for group in self.per_output or [] for m in group]

    def build(self, model: Any, compiled_loss: CompiledLoss, y_true: list, y_pred: list) -> None:
        from glassnet import metrics as metrics_module

        n = len(y_pred)
        who = f"compile of '{model.name}'"
        names = compiled_loss.names or _output_names(model, n)
        if n == 1:
            groups = [self.spec or []]
        else:
            groups = flatten_outputs(who, self.spec or [None] * n, names, "metrics")
        self.per_output, self.names = [], []
        for i, group in enumerate(groups):
            items = [] if group is None else group if isinstance(group, (list, tuple)) else [group]
            loss = compiled_loss.losses[i] if compiled_loss.losses else None
            resolved = [
                metrics_module.resolve(
                    m, loss, y_true_shape=np.shape(y_true[i]), y_pred_shape=y_pred[i].shape
                )  # fmt: skip
                for m in items
            ]
            self.per_output.append(resolved)
            prefix = "" if n == 1 else f"{names[i]}_"
            self.names += [prefix + m.name for m in resolved]

    def update(self, model: Any, compiled_loss: CompiledLoss, y_true: Any, y_pred: Any,
               sample_weight: Any) -> None:  # fmt: skip
        preds = [p.data if isinstance(p, Tensor) else p for p in _as_list(model, y_pred)]
        if len(preds) == 1:
            targets = [y_true]
        else:
            targets = flatten_outputs(f"Model '{model.name}'", y_true,
                                      compiled_loss.names or _output_names(model, len(preds)),
                                      "targets")  # fmt: skip
        if self.per_output is None:
            self.build(model, compiled_loss, targets, preds)
        for group, y, p in zip(self.per_output, targets, preds):
            for metric in group:
                metric.update_state(y.data if isinstance(y, Tensor) else y, p,
                                    sample_weight=sample_weight)  # fmt: skip

    def reset(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def results(self) -> dict[str, float]:
        return {name: float(m.result()) for name, m in zip(self.names, self.metrics)}
