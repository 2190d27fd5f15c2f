"""Callbacks that change the optimizer's learning rate between epochs (Keras 3 semantics).

- ``ReduceLROnPlateau``: multiply the rate by ``factor`` when a monitored quantity stops
  improving for ``patience`` epochs.
- ``LearningRateScheduler``: set the rate from ``schedule(epoch, lr)`` at the start of every
  epoch.

Both write the rate into ``model.optimizer.learning_rate`` and put ``'learning_rate'`` into the
epoch's logs, so ``history.history['learning_rate']`` records it. Both need an optimizer created
with a float learning rate: a rate given as a schedule (``ExponentialDecay``...) cannot be set,
and they say so with a ``TypeError`` naming themselves.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from glassnet._constraints import Constraint, Interval, check_arguments, is_real
from glassnet.models.callbacks import Callback, MonitorCallback

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


def _get_learning_rate(who: str, model: Any) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise TypeError(
            f"{who}: expected a model compiled with an optimizer that has a learning_rate, got "
            f"optimizer={optimizer!r}. Call model.compile(optimizer=..., loss=...) first."
        )
    return float(optimizer.learning_rate)


def _set_learning_rate(who: str, model: Any, value: float) -> None:
    optimizer = model.optimizer
    try:
        optimizer.learning_rate = value
    except TypeError as err:
        raise TypeError(
            f"{who}: cannot set the learning rate of {type(optimizer).__name__}: {err} "
            f"To use {who}, create the optimizer with a float learning_rate, e.g. "
            f"{type(optimizer).__name__}(learning_rate={float(optimizer.learning_rate):g})."
        ) from err


class ReduceLROnPlateau(MonitorCallback):
    """Reduce the learning rate when a monitored quantity has stopped improving.

    At the end of every epoch: if ``monitor`` has not improved (see ``MonitorCallback``) for
    ``patience`` epochs, the rate becomes ``max(lr * factor, min_lr)``; then ``cooldown``
    epochs pass during which improvements still count but no epoch counts as a wait. A rate at
    ``min_lr`` or below (compared in float32, as Keras keeps its rate) is left alone.

    Keras 3 semantics, with two differences: ``mode='auto'`` maximizes accuracy-like keys
    (acc, auc, precision, recall), as Keras's EarlyStopping and ModelCheckpoint do, where
    Keras's ReduceLROnPlateau looks for 'acc' alone; and an optimizer whose rate is a schedule
    is refused when training starts, not after ``patience`` epochs.

    Args:
        monitor: the logs key to watch, default ``'val_loss'``.
        factor: the rate is multiplied by this float in (0, 1).
        patience: epochs without improvement before the rate is reduced.
        verbose: 0 quiet, 1 prints a line at each reduction.
        mode: ``'min'``, ``'max'`` or ``'auto'``.
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting epochs without improvement.
        min_lr: the rate is never reduced below this.

    Raises:
        ConfigError: for an argument out of range (``factor >= 1`` among them).
        TypeError: when training starts, if the optimizer's learning rate is a schedule.

    Example:
        >>> import glassnet
        >>> from glassnet.callbacks import ReduceLROnPlateau
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer=glassnet.optimizers.SGD(learning_rate=0.1), loss="mse")
        >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
        >>> reduce_lr.set_model(model)
        >>> reduce_lr.on_train_begin()
        >>> for epoch, val_loss in enumerate([1.0, 0.8, 0.85, 0.9, 0.95]):
        ...     logs = {"val_loss": val_loss}
        ...     reduce_lr.on_epoch_end(epoch, logs)
        ...     print(epoch, logs["learning_rate"], model.optimizer.learning_rate)
        0 0.1 0.1
        1 0.1 0.1
        2 0.1 0.1
        3 0.1 0.05
        4 0.05 0.05

        In ``fit``: ``model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])``.
    """

    _constraints: ClassVar[dict[str, Constraint]] = {
        "factor": Interval(float, 0.0, 1.0, closed="neither"),
        "patience": Interval(int, 0),
        "min_delta": Interval(float),
        "cooldown": Interval(int, 0),
        "min_lr": Interval(float, 0.0),
    }

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        check_arguments(
            "ReduceLROnPlateau",
            self._constraints,
            factor=factor,
            patience=patience,
            min_delta=min_delta,
            cooldown=cooldown,
            min_lr=min_lr,
        )
        super().__init__(monitor, mode, min_delta)
        self.factor, self.min_lr = float(factor), float(min_lr)
        self.patience, self.cooldown, self.verbose = int(patience), int(cooldown), verbose
        self._reset()

    def _reset(self) -> None:
        self.best = self._worst()
        self.wait, self.cooldown_counter = 0, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        # why: reset here so one callback can be reused across fit() calls (as Keras does).
        self._reset()
        # why: fail now, not after `patience` epochs, if the rate is a schedule (unsettable).
        lr = _get_learning_rate("ReduceLROnPlateau", self.model)
        _set_learning_rate("ReduceLROnPlateau", self.model, lr)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            logs = {}
        logs["learning_rate"] = _get_learning_rate("ReduceLROnPlateau", self.model)
        current = self._monitor_value(logs, "The learning rate is left unchanged.")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch, logs["learning_rate"])

    def _reduce(self, epoch: int, old_lr: float) -> None:
        # NOTE: like Keras, a rate already at min_lr keeps `wait` counting (nothing to reduce).
        if np.float32(old_lr) <= np.float32(self.min_lr):
            return
        new_lr = max(old_lr * self.factor, self.min_lr)
        _set_learning_rate("ReduceLROnPlateau", self.model, new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        self.cooldown_counter, self.wait = self.cooldown, 0


class LearningRateScheduler(Callback):
    """Set the learning rate from a function of the epoch at the start of every epoch.

    ``schedule(epoch, lr)`` gets the epoch index (from 0) and the current rate and returns
    the new rate; a function of one argument, ``schedule(epoch)``, is called that way
    (so a glassnet schedule such as ``ExponentialDecay`` works, counting epochs as steps).
    The rate at the end of each epoch goes into the logs as ``'learning_rate'``.

    Keras 3 semantics; glassnet reads the schedule's signature to choose the one- or
    two-argument call, where Keras retries with one argument after any ``TypeError``.

    Args:
        schedule: a function ``(epoch, lr) -> float`` or ``(epoch) -> float``.
        verbose: 0 quiet, 1 prints the rate set at each epoch.

    Raises:
        TypeError: if ``schedule`` is not callable, or the optimizer's rate is a schedule.
        ValueError: if ``schedule`` returns anything but a finite number > 0.

    Example:
        >>> import numpy as np
        >>> import glassnet
        >>> from glassnet.callbacks import LearningRateScheduler
        >>> def halve_after_two(epoch, lr):
        ...     return lr if epoch < 2 else lr / 2
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer=glassnet.optimizers.SGD(learning_rate=0.1), loss="mse")
        >>> history = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=4, verbose=0,
        ...                     callbacks=[LearningRateScheduler(halve_after_two)])
        >>> history.history["learning_rate"]
        [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler: expected schedule to be a function (epoch, lr) -> float, "
                f"got {type(schedule).__name__} {schedule!r}. Pass e.g. "
                "lambda epoch, lr: lr * 0.9."
            )
        self.schedule, self.verbose = schedule, verbose
        self._takes_lr = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        lr = _get_learning_rate("LearningRateScheduler", self.model)
        new_lr = self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch)
        if not is_real(new_lr) or new_lr <= 0:
            raise ValueError(
                f"LearningRateScheduler: expected schedule to return a float > 0, got {new_lr!r} "
                f"at epoch {epoch} (current learning rate {lr:g}). Make it return a positive "
                "number."
            )
        _set_learning_rate("LearningRateScheduler", self.model, float(new_lr))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = _get_learning_rate("LearningRateScheduler", self.model)


def _takes_two_arguments(fn: Callable[..., Any]) -> bool:
    """True if ``fn`` accepts (epoch, lr) positionally; builtins we cannot inspect count as yes."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in positional for p in params) >= 2
