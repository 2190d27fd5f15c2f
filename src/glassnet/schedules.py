"""Learning-rate schedules: Keras 3 ``keras.optimizers.schedules`` names and formulas.

A schedule is a callable ``step -> learning rate``. Pass one as an optimizer's
``learning_rate`` and the optimizer calls it with its ``iterations`` before every step (0 at
the first step), exactly as Keras does::

    opt = glassnet.optimizers.SGD(learning_rate=ExponentialDecay(0.1, 1000, 0.96))

Every schedule has ``get_config()`` / ``from_config()`` and a name in ``SCHEDULES`` (its class
name), so a saved model can rebuild it; ``serialize`` / ``deserialize`` give and read the
``{"class_name": ..., "config": ...}`` form. ``StepDecay`` is glassnet's own (Keras has none);
the others follow Keras, and each docstring names the ``torch.optim.lr_scheduler`` class that
computes the same values where there is one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from glassnet._constraints import (
    Boolean,
    Constraint,
    Interval,
    NoneOr,
    check_arguments,
    is_real,
)
from glassnet.errors import ConfigError
from glassnet.registry import Registry

__all__ = [
    "SCHEDULES",
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "StepDecay",
    "deserialize",
    "get",
    "serialize",
]

SCHEDULES = Registry("learning rate schedule", module="schedules")

_RATE = Interval(float, 0.0)
_POSITIVE = Interval(float, 0.0, None, closed="neither")


class LearningRateSchedule:
    """Base class of schedules: ``__call__(step) -> float`` plus ``get_config()``.

    Subclass it (and register the subclass with ``SCHEDULES.register()``) for a schedule that
    can be saved with a model.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate):
        ...         self.initial_learning_rate = initial_learning_rate
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate / 2 ** int(step)
        ...     def get_config(self):
        ...         return {"initial_learning_rate": self.initial_learning_rate}
        >>> Halving(1.0)(3)
        0.125
    """

    _constraints: ClassVar[dict[str, Constraint]] = {}

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config().")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LearningRateSchedule:
        """Create a schedule from ``get_config()`` output."""
        return cls(**config)

    def _check(self, **values: Any) -> None:
        check_arguments(type(self).__name__, self._constraints, **values)

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except NotImplementedError:
            return f"{type(self).__name__}()"
        args = ", ".join(f"{k}={v!r}" for k, v in config.items())
        return f"{type(self).__name__}({args})"


@SCHEDULES.register("ExponentialDecay")
class ExponentialDecay(LearningRateSchedule):
    """Exponential decay (Keras ``ExponentialDecay``).

    Math:
        p  = step / decay_steps                (floor(step / decay_steps) if staircase)
        lr = initial_learning_rate * decay_rate ** p

    ``decay_steps=1`` gives ``torch.optim.lr_scheduler.ExponentialLR(gamma=decay_rate)``;
    ``staircase=True`` gives ``StepLR(step_size=decay_steps, gamma=decay_rate)``.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps over which the rate is multiplied by ``decay_rate``.
        decay_rate: the factor per ``decay_steps`` steps.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: the schedule's name.

    Example:
        >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
        0.025
    """

    _constraints = {
        "initial_learning_rate": _RATE,
        "decay_steps": _POSITIVE,
        "decay_rate": _POSITIVE,
        "staircase": Boolean(),
    }

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool = False,
        *,
        name: str = "ExponentialDecay",
    ) -> None:
        self._check(
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            decay_rate=decay_rate,
            staircase=staircase,
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step: int) -> float:
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return float(self.initial_learning_rate) * float(self.decay_rate) ** p

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@SCHEDULES.register("InverseTimeDecay")
class InverseTimeDecay(LearningRateSchedule):
    """Inverse-time decay (Keras ``InverseTimeDecay``).

    Math:
        p  = step / decay_steps                (floor(step / decay_steps) if staircase)
        lr = initial_learning_rate / (1 + decay_rate * p)

    The same values as ``torch.optim.lr_scheduler.LambdaLR`` with
    ``lambda step: 1 / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: the step scale of the decay.
        decay_rate: how fast the rate falls.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: the schedule's name.

    Example:
        >>> InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)(2)
        0.05
    """

    _constraints = {
        "initial_learning_rate": _RATE,
        "decay_steps": _POSITIVE,
        "decay_rate": _RATE,
        "staircase": Boolean(),
    }

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool = False,
        *,
        name: str = "InverseTimeDecay",
    ) -> None:
        self._check(
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            decay_rate=decay_rate,
            staircase=staircase,
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step: int) -> float:
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return float(self.initial_learning_rate) / (1.0 + self.decay_rate * p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@SCHEDULES.register("PiecewiseConstantDecay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate between boundaries (Keras ``PiecewiseConstantDecay``).

    Math:
        lr = values[0]    if step <= boundaries[0]
             values[i]    if boundaries[i-1] < step <= boundaries[i]
             values[-1]   if step > boundaries[-1]

    With ``values[i] = values[0] * gamma ** i`` this is
    ``torch.optim.lr_scheduler.MultiStepLR(milestones=[b + 1 for b in boundaries], gamma)``
    (torch switches *at* a milestone, Keras just *after* a boundary).

    Args:
        boundaries: strictly increasing steps.
        values: one more value than boundaries.
        name: the schedule's name.

    Raises:
        ConfigError: if the lengths do not fit or the boundaries do not increase.

    Example:
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> schedule(100), schedule(101), schedule(1000)
        (1.0, 0.5, 0.1)
    """

    def __init__(
        self,
        boundaries: Sequence[float],
        values: Sequence[float],
        *,
        name: str = "PiecewiseConstant",
    ) -> None:
        boundaries, values = list(boundaries), list(values)
        who = "PiecewiseConstantDecay"
        if len(boundaries) != len(values) - 1:
            raise ConfigError(
                f"{who}: expected one more value than boundaries, got {len(boundaries)} "
                f"boundaries and {len(values)} values. values[i] holds up to boundaries[i]; "
                "the last value holds after the last boundary."
            )
        if not all(is_real(x) for x in boundaries + values):
            raise ConfigError(
                f"{who}: expected numbers, got boundaries={boundaries!r} and values={values!r}."
            )
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ConfigError(
                f"{who}: expected strictly increasing boundaries, got {boundaries}. Sort them "
                "and remove repeats."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: int) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@SCHEDULES.register("PolynomialDecay")
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay to ``end_learning_rate`` (Keras ``PolynomialDecay``).

    Math:
        without cycle:  s = min(step, decay_steps);  d = decay_steps
        with cycle:     s = step;  d = decay_steps * max(1, ceil(step / decay_steps))
        lr = (initial_learning_rate - end_learning_rate) * (1 - s / d) ** power
             + end_learning_rate

    With ``end_learning_rate=0`` and no cycle this is
    ``torch.optim.lr_scheduler.PolynomialLR(total_iters=decay_steps, power=power)``.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps to reach ``end_learning_rate``.
        end_learning_rate: the final learning rate.
        power: the exponent of the polynomial (1.0 is linear).
        cycle: restart the decay after each ``decay_steps`` (with ever longer periods).
        name: the schedule's name.

    Example:
        >>> PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)(5)
        0.05
    """

    _constraints = {
        "initial_learning_rate": _RATE,
        "decay_steps": _POSITIVE,
        "end_learning_rate": _RATE,
        "power": _POSITIVE,
        "cycle": Boolean(),
    }

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        *,
        name: str = "PolynomialDecay",
    ) -> None:
        self._check(
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            end_learning_rate=end_learning_rate,
            power=power,
            cycle=cycle,
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = bool(cycle)
        self.name = name

    def __call__(self, step: int) -> float:
        step = float(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        fraction = 1.0 - step / decay_steps
        delta = float(self.initial_learning_rate) - self.end_learning_rate
        return delta * fraction**self.power + self.end_learning_rate

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@SCHEDULES.register("CosineDecay")
class CosineDecay(LearningRateSchedule):
    """Cosine decay with an optional linear warmup (Keras ``CosineDecay``).

    Math:
        without warmup (warmup_target is None):
            s  = min(step, decay_steps)
            lr = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps))
                                          + alpha)
        with warmup, for step < warmup_steps:
            lr = initial_learning_rate
                 + (warmup_target - initial_learning_rate) * step / warmup_steps
        and after it the decay above from ``warmup_target``, with s = step - warmup_steps.

    Without warmup this is ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=decay_steps,
    eta_min=alpha * initial_learning_rate)`` up to ``decay_steps`` (after it, Keras stays at the
    minimum while torch's cosine climbs back).

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps of the cosine decay.
        alpha: the final rate as a fraction of the rate the decay starts from.
        name: the schedule's name.
        warmup_target: the rate reached at the end of the warmup, or None for no warmup.
        warmup_steps: steps of the warmup.

    Example:
        >>> CosineDecay(0.1, decay_steps=100)(50)
        0.05...
    """

    _constraints = {
        "initial_learning_rate": _RATE,
        "decay_steps": _POSITIVE,
        "alpha": Interval(float, 0.0, 1.0),
        "warmup_target": NoneOr(_RATE),
        "warmup_steps": Interval(float, 0.0),
    }

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        alpha: float = 0.0,
        *,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: float = 0,
    ) -> None:
        self._check(
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            alpha=alpha,
            warmup_target=warmup_target,
            warmup_steps=warmup_steps,
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        step = float(step)
        initial = float(self.initial_learning_rate)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), initial)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            return (self.warmup_target - initial) * step / self.warmup_steps + initial
        return self._decay(step - self.warmup_steps, float(self.warmup_target))

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@SCHEDULES.register("StepDecay")
class StepDecay(LearningRateSchedule):
    """Multiply the rate by ``drop`` every ``epochs_drop`` steps (glassnet's; not in Keras).

    The classic "step decay" of many tutorials, as a schedule. Passed to an optimizer, its step
    is the optimizer's iteration; called from an epoch-based callback, it is the epoch.

    Math:
        lr = initial_learning_rate * drop ** floor(step / epochs_drop)

    The same values as ``ExponentialDecay(initial_learning_rate, epochs_drop, drop,
    staircase=True)`` and ``torch.optim.lr_scheduler.StepLR(step_size=epochs_drop,
    gamma=drop)``. (The often-quoted ``floor((1 + epoch) / epochs_drop)`` drops one step
    earlier; here the first drop comes after ``epochs_drop`` full steps, as in torch.)

    Args:
        initial_learning_rate: the learning rate at step 0.
        drop: the factor applied at each drop.
        epochs_drop: steps (or epochs) between drops.
        name: the schedule's name.

    Example:
        >>> [StepDecay(0.1, drop=0.5, epochs_drop=10)(s) for s in (0, 9, 10, 25)]
        [0.1, 0.1, 0.05, 0.025]
    """

    _constraints = {
        "initial_learning_rate": _RATE,
        "drop": _POSITIVE,
        "epochs_drop": Interval(int, 1),
    }

    def __init__(
        self,
        initial_learning_rate: float,
        drop: float = 0.5,
        epochs_drop: int = 10,
        *,
        name: str = "StepDecay",
    ) -> None:
        self._check(initial_learning_rate=initial_learning_rate, drop=drop, epochs_drop=epochs_drop)
        self.initial_learning_rate = initial_learning_rate
        self.drop = drop
        self.epochs_drop = int(epochs_drop)
        self.name = name

    def __call__(self, step: int) -> float:
        drops = math.floor(float(step) / self.epochs_drop)
        return float(self.initial_learning_rate) * float(self.drop) ** drops

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "drop": self.drop,
            "epochs_drop": self.epochs_drop,
            "name": self.name,
        }


def serialize(schedule: Callable[[int], float]) -> dict[str, Any]:
    """``{"class_name": <registered name>, "config": schedule.get_config()}``.

    Raises:
        TypeError: for a schedule that is not registered in ``SCHEDULES`` (a plain function).
    """
    name = SCHEDULES.name_of(schedule)
    if name is None or not isinstance(schedule, LearningRateSchedule):
        raise TypeError(
            f"serialize: expected a registered LearningRateSchedule, got "
            f"{type(schedule).__name__}. A plain function cannot be saved; subclass "
            "LearningRateSchedule and register it with glassnet.schedules.SCHEDULES.register()."
        )
    return SCHEDULES.serialize(schedule)


def deserialize(config: Mapping[str, Any]) -> LearningRateSchedule:
    """Rebuild a schedule from ``serialize`` output (Keras 3's form is read too).

    Raises:
        ConfigError: for a config without "class_name", or an unknown class name.
    """
    return SCHEDULES.deserialize(config, base=LearningRateSchedule)


def get(identifier: Any) -> Any:
    """Return a schedule: a callable as is, a dict through ``deserialize``, a name's class.

    Raises:
        ConfigError: for an unknown name.
        TypeError: for anything else.
    """
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return SCHEDULES.get(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"schedules.get: expected a schedule, a dict or a name, got {type(identifier).__name__}."
    )
