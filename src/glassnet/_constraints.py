"""Declarative checks for constructor arguments, shared by every catalogue and layer family.

A class lists one rule per argument in a ``_constraints`` dict; ``check_arguments`` tests the
values it was given and raises one message format for every failure, after scikit-learn's
``_parameter_constraints``::

    The 'learning_rate' argument of Adam must be a float > 0. Got -0.1.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from glassnet.errors import ConfigError

__all__ = [
    "Boolean",
    "Constraint",
    "Interval",
    "IsCallable",
    "NoneOr",
    "OneOf",
    "check_arguments",
    "is_int",
    "is_real",
]


class Constraint(Protocol):
    """A rule for one argument: ``accepts(value)`` and a ``description`` for the message."""

    description: str

    def accepts(self, value: Any) -> bool: ...


def is_int(value: Any) -> bool:
    """True for an int (NumPy integers included), never for a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """True for a finite int or float (NumPy scalars included), never for a bool."""
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(value)
    )


@dataclasses.dataclass(frozen=True)
class Interval:
    """A real number (``kind=float``) or an integer (``kind=int``) between two bounds.

    ``closed`` says which bounds belong to the interval: "both", "left", "right", "neither".
    """

    kind: type = float
    low: float | None = None
    high: float | None = None
    closed: str = "both"

    def accepts(self, value: Any) -> bool:
        if not is_real(value):
            return False
        if self.kind is int and not float(value).is_integer():
            return False
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    @property
    def description(self) -> str:
        kind = "an int" if self.kind is int else "a float"
        if self.low is not None and self.high is not None:
            left = "[" if self.closed in ("both", "left") else "("
            right = "]" if self.closed in ("both", "right") else ")"
            return f"{kind} in {left}{_number(self.low)}, {_number(self.high)}{right}"
        if self.low is not None:
            sign = ">=" if self.closed in ("both", "left") else ">"
            return f"{kind} {sign} {_number(self.low)}"
        if self.high is not None:
            sign = "<=" if self.closed in ("both", "right") else "<"
            return f"{kind} {sign} {_number(self.high)}"
        return kind


def _number(x: float) -> str:
    """1.0 -> '1', 0.5 -> '0.5': bounds read as in the docs."""
    return str(int(x)) if float(x).is_integer() else repr(x)


@dataclasses.dataclass(frozen=True)
class Boolean:
    """True or False (NumPy booleans included)."""

    description: str = "a bool"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (bool, np.bool_))


@dataclasses.dataclass(frozen=True)
class NoneOr:
    """None, or a value the inner rule accepts."""

    inner: Constraint

    def accepts(self, value: Any) -> bool:
        return value is None or self.inner.accepts(value)

    @property
    def description(self) -> str:
        return f"None or {self.inner.description}"


@dataclasses.dataclass(frozen=True)
class OneOf:
    """A value accepted by any of ``rules``; ``description`` is written out by the caller.

    Used where the message should name the common case only, e.g. ``learning_rate`` is
    "a float > 0" although a schedule is accepted too (its docstring says so).
    """

    rules: tuple[Constraint, ...]
    description: str

    def accepts(self, value: Any) -> bool:
        return any(rule.accepts(value) for rule in self.rules)


@dataclasses.dataclass(frozen=True)
class Choice:
    """One of a fixed set of ``options`` (strings, ints or None), compared with ``==``."""

    options: tuple

    def accepts(self, value: Any) -> bool:
        return value in self.options

    @property
    def description(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)


@dataclasses.dataclass(frozen=True)
class IsCallable:
    """Any callable object (a learning-rate schedule)."""

    description: str = "a callable"

    def accepts(self, value: Any) -> bool:
        return callable(value)


def check_arguments(owner: str, constraints: Mapping[str, Constraint], **values: Any) -> None:
    """Raise a ``ConfigError`` for the first value its rule in ``constraints`` rejects.

    Raises:
        ConfigError: "The '<name>' argument of <owner> must be <rule>. Got <value>."
    """
    for name, value in values.items():
        rule = constraints[name]
        if not rule.accepts(value):
            raise ConfigError(
                f"The '{name}' argument of {owner} must be {rule.description}. Got {value!r}."
            )


def one_of(owner: str, name: str, value: Any, options: Any) -> Any:
    """``value`` when it is one of ``options``; else the ``ConfigError`` of ``check_arguments``:
    "The '<name>' argument of <owner> must be one of 'a', 'b'. Got <value>."."""
    check_arguments(owner, {name: Choice(tuple(options))}, **{name: value})
    return value
