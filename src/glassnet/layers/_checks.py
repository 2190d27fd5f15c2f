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

__all__ = [
    "BOOL",
    "INT",
    "NON_NEGATIVE",
    "POSITIVE",
    "POSITIVE_INT",
    "REAL",
    "SEED",
    "batch_shape",
    "check_args",
    "check_base_args",
    "layer_dtype",
]

# A constraint is (test, what the value must be); ``check_args`` words the error.
Constraint = tuple[Callable[[Any], bool], str]
REAL: Constraint = (is_real, "a finite float")
NON_NEGATIVE: Constraint = (lambda v: is_real(v) and v >= 0, "a float >= 0")
POSITIVE: Constraint = (lambda v: is_real(v) and v > 0, "a float > 0")
POSITIVE_INT: Constraint = (lambda v: is_int(v) and v >= 1, "a positive int")
BOOL: Constraint = (lambda v: isinstance(v, (bool, np.bool_)), "True or False")
INT: Constraint = (is_int, "an int")
SEED: Constraint = (lambda v: v is None or (is_int(v) and v >= 0), "None or an int >= 0")


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


def _bad(who: str, name: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"The '{name}' argument of {who} must be {expected}. Got {value!r}.")


def check_base_args(who: str, name: Any, trainable: Any) -> None:
    """The arguments every layer takes: ``name`` (a string or None) and ``trainable``."""
    if name is not None and not isinstance(name, str):
        raise _bad(who, "name", "a string or None", name)
    if not BOOL[0](trainable):
        raise _bad(who, "trainable", "True or False", trainable)


def layer_dtype(who: str, dtype: Any, allowed: tuple[str, ...]) -> np.dtype | None:
    """``dtype`` as a NumPy dtype among ``allowed`` (None stays None: the default floatx)."""
    if dtype is None:
        return None
    try:
        name = np.dtype(dtype).name
    except (TypeError, ValueError):
        name = None
    if name not in allowed:
        raise _bad(who, "dtype", " or ".join(repr(a) for a in allowed), dtype)
    return np.dtype(name)


def _is_size(d: Any) -> bool:
    return d is None or (is_int(d) and d >= 1)


def batch_shape(who: str, input_shape: Any, input_dim: Any, batch_input_shape: Any) -> tuple | None:
    """The full input shape, batch axis first, from whichever of the three arguments is given.

    Raises:
        ConfigError: unless the sizes are positive ints (or None for any size).
    """
    if batch_input_shape is not None:
        dims = tuple(batch_input_shape) if isinstance(batch_input_shape, (list, tuple)) else None
        if not dims or not all(_is_size(d) for d in dims):
            expected = "a tuple of positive ints or None, batch axis first"
            raise _bad(who, "batch_input_shape", expected, batch_input_shape)
        return dims
    if input_dim is not None:
        if not (is_int(input_dim) and input_dim >= 1):
            raise _bad(who, "input_dim", "a positive int", input_dim)
        return (None, int(input_dim))
    if input_shape is None:
        return None
    dims = (input_shape,) if is_int(input_shape) else input_shape
    if not isinstance(dims, (list, tuple)) or not all(_is_size(d) for d in dims):
        expected = "a positive int or a tuple of positive ints or None (one sample's shape)"
        raise _bad(who, "input_shape", expected, input_shape)
    return (None, *(None if d is None else int(d) for d in dims))
