"""Callbacks: hooks the training loop calls at the start and end of training, epochs and batches.

Keras's names and semantics: ``on_train_begin(logs)``, ``on_epoch_end(epoch, logs)`` and so on,
``self.model`` set by the loop, ``model.stop_training = True`` to stop.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.errors import ConfigError

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "ProgbarLogger",
    "TerminateOnNaN",
]


class Callback:
    """Base class: override any of the ``on_*`` hooks."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None: ...


class CallbackList:
    """Calls every callback's hook in order."""

    def __init__(self, callbacks: Sequence[Callback], model: Any, params: dict[str, Any]) -> None:
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"fit: expected callbacks to be Callback instances, got {type(cb).__name__}. "
                    "Subclass glassnet.callbacks.Callback or use LambdaCallback."
                )
            cb.set_model(model)
            cb.set_params(params)
        self.callbacks = list(callbacks)

    def __getattr__(self, hook: str) -> Callable[..., None]:
        if not hook.startswith("on_"):
            raise AttributeError(hook)  # internal: the attribute protocol (hasattr, copy, pickle)
        # why: only the callbacks that define the hook are called, and the list is made once
        # per fit (four hooks run every batch; most callbacks define one or two).
        methods = [getattr(cb, hook) for cb in self.callbacks if _defines(cb, hook)]

        def call_all(*args: Any) -> None:
            for method in methods:
                method(*args)

        call_all.active = bool(methods)  # type: ignore[attr-defined]
        setattr(self, hook, call_all)
        return call_all


def _defines(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook``: its class overrides the base class's
    no-op, or the instance sets it (``LambdaCallback``)."""
    if hook in vars(callback):
        return True
    base = getattr(Callback, hook, None)
    return base is None or getattr(type(callback), hook, None) is not base


class History(Callback):
    """Records every epoch's logs; ``fit`` returns it. ``history.history['loss']`` is a list."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))


class ProgbarLogger(Callback):
    """Keras-style progress: a bar per epoch (verbose=1) or one line per epoch (verbose=2)."""

    def __init__(self, verbose: int = 1, stream: Any = None) -> None:
        super().__init__()
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        if self.verbose:
            self.stream.write(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._seen = batch + 1
        if self.verbose != 1:
            return
        steps = self.params.get("steps")
        if steps is None:  # a generator of unknown length
            self.stream.write(f"\r{batch + 1}/Unknown - {_format(logs)}")
            self.stream.flush()
            return
        steps = steps or 1
        done = int(30 * (batch + 1) / steps)
        bar = "=" * max(done - 1, 0) + (">" if done < 30 else "=") + "." * (30 - done)
        self.stream.write(f"\r{batch + 1}/{steps} [{bar}] - {_format(logs)}")
        self.stream.flush()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if not self.verbose:
            return
        seconds = time.perf_counter() - self._start
        steps = self.params.get("steps") or getattr(self, "_seen", 0)
        prefix = "\r" if self.verbose == 1 else ""
        self.stream.write(f"{prefix}{steps}/{steps} - {seconds:.2f}s - {_format(logs)}\n")


def _format(logs: dict | None) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items())


class MonitorCallback(Callback):
    """Base of the callbacks that watch one logs key and keep the best value seen.

    EarlyStopping, ReduceLROnPlateau and ModelCheckpoint share its "is this better?" rule,
    as Keras's callbacks share ``MonitorCallback``:

        mode 'min':  current < best - min_delta
        mode 'max':  current > best + min_delta
        mode 'auto': 'max' for accuracy-like keys (acc, auc, precision, recall, with or
                     without the 'val_' prefix), 'min' for everything else.

    NaN never counts as an improvement.

    Args:
        monitor: the logs key to watch, e.g. ``'val_loss'``.
        mode: ``'min'``, ``'max'`` or ``'auto'``.
        min_delta: smallest change that counts as an improvement (its sign is ignored).

    Raises:
        ConfigError: for a mode other than 'auto', 'min' or 'max'.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", min_delta: float = 0.0):
        super().__init__()
        who = type(self).__name__
        if mode not in ("auto", "min", "max"):
            raise ConfigError(f"{who}: expected mode 'auto', 'min' or 'max', got {mode!r}.")
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(float(min_delta))
        self.maximize = mode == "max" or (mode == "auto" and _is_accuracy_like(monitor))

    def _worst(self) -> float:
        """The starting "best": -inf when maximizing, +inf when minimizing."""
        return -math.inf if self.maximize else math.inf

    def _is_improvement(self, current: float, best: float) -> bool:
        if self.maximize:
            return bool(current > best + self.min_delta)
        return bool(current < best - self.min_delta)

    def _monitor_value(self, logs: dict, consequence: str) -> float | None:
        """``logs[monitor]`` as a float, or None after a warning that lists the keys there are."""
        if self.monitor not in logs:
            warnings.warn(
                f"{type(self).__name__}: monitor '{self.monitor}' is not in the logs; available "
                f"keys: {', '.join(sorted(logs))}. {consequence}",
                stacklevel=3,
            )
            return None
        return float(logs[self.monitor])


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving.

    Args:
        monitor: the logs key to watch, default ``'val_loss'``.
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (see ``MonitorCallback``).
        baseline: a value the monitor must beat.
        restore_best_weights: put back the weights of the best epoch when stopping.
        start_from_epoch: epochs to wait before watching.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor, mode, min_delta)
        self.patience, self.verbose = int(patience), verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.stopped_epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        # why: reset here so one EarlyStopping can be reused across fit() calls.
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best = self._worst() if self.baseline is None else float(self.baseline)
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = self._monitor_value(logs or {}, "Training continues without early stopping.")
        if current is None or epoch < self.start_from_epoch:
            return
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)
            if self.verbose:
                print(f"Epoch {epoch + 1}: early stopping (best epoch {self.best_epoch + 1}).")


def _is_accuracy_like(monitor: str) -> bool:
    name = monitor.removeprefix("val_")
    return any(k in name for k in ("acc", "auc", "precision", "recall"))


class TerminateOnNaN(Callback):
    """Stop training as soon as the loss becomes NaN or infinite."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"Batch {batch}: invalid loss {loss}, terminating training.")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, **hooks: Callable[..., None]) -> None:
        super().__init__()
        for name, fn in hooks.items():
            if not name.startswith("on_") or not hasattr(Callback, name):
                raise ConfigError(f"LambdaCallback: unknown hook {name!r}.")
            setattr(self, name, fn)
