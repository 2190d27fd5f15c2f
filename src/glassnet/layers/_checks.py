"""Declarative hyper-parameter checks for layers: a ``_constraints`` dict per layer class.

``_constraints`` maps an attribute name to ``(test, expected)``; ``check_args(layer)`` raises
the one message format every glassnet constructor uses (see ``glassnet._constraints``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._constraints import is_int, is_real
from glassnet.errors import ConfigError

__all__ = ["BOOL", "INT", "NON_NEGATIVE", "POSITIVE", "POSITIVE_INT", "REAL", "check_args"]

# A constraint is (test, what the value must be); ``check_args`` words the error.
Constraint = tuple[Callable[[Any], bool], str]
REAL: Constraint = (is_real, "a finite float")
NON_NEGATIVE: Constraint = (lambda v: is_real(v) and v >= 0, "a float >= 0")
POSITIVE: Constraint = (lambda v: is_real(v) and v > 0, "a float > 0")
POSITIVE_INT: Constraint = (lambda v: is_int(v) and v >= 1, "a positive int")
BOOL: Constraint = (lambda v: isinstance(v, (bool, np.bool_)), "True or False")
INT: Constraint = (is_int, "an int")


def check_args(layer: Any) -> None:
    """Check a layer's hyper-parameters against its class's ``_constraints`` dict.

    The first value that fails its test raises.

    Raises:
        ConfigError: ``The '<name>' argument of <Layer> must be <expected>. Got <value>.``
    """
    for name, (test, expected) in getattr(type(layer), "_constraints", {}).items():
        value = getattr(layer, name)
        if not test(value):
            raise ConfigError(
                f"The '{name}' argument of {type(layer).__name__} must be {expected}. "
                f"Got {value!r}."
            )
