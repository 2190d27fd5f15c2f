"""The Initializer base classes, the registry, argument checks and Keras's fan computation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import backend
from glassnet._constraints import is_real as _is_real
from glassnet.errors import ConfigError, ShapeError
from glassnet.registry import Registry

INITIALIZERS = Registry("initializer")

# why: the standard deviation of a standard normal truncated to [-2, 2] is 0.8796...;
# VarianceScaling divides by it so the truncated draw has the variance it asks for (Keras).
_TRUNCATED_STDDEV = 0.87962566103423978


# ---------------------------------------------------------------- argument checks
# Each constraint: (test, what the value should be, how to fix it).
_REAL = (_is_real, "a finite float", "Pass a plain number.")
_NON_NEGATIVE = (lambda v: _is_real(v) and v >= 0, "a float >= 0", "Pass a number >= 0.")
_POSITIVE = (lambda v: _is_real(v) and v > 0, "a float > 0", "Pass a number > 0.")
_SEED = (
    lambda v: v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0),
    "None or an int >= 0",
    "Pass seed=None to draw from glassnet's generator, or a seed such as 42.",
)  # fmt: skip


def _options(*choices: str) -> tuple:
    listed = ", ".join(repr(c) for c in choices)
    return (lambda v: v in choices, f"one of {listed}", f"Use one of {listed}.")


def _shape(who: str, shape: Any) -> tuple[int, ...]:
    """``shape`` as a tuple of ints >= 0 (an int means a 1-D shape)."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    try:
        dims = tuple(dims)
        valid = all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in dims
        )
    except TypeError:
        valid = False
    if not valid:
        raise ShapeError(
            f"{who}: expected a shape (a tuple of ints >= 0), got {shape!r}. "
            "Pass a shape such as (784, 128)."
        )
    return tuple(int(n) for n in dims)


def _dtype(who: str, dtype: Any, floating: bool = True) -> np.dtype:
    """``dtype`` as a NumPy dtype; None means ``backend.floatx()``."""
    if dtype is None:
        return backend.floatx()
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    allowed = "f" if floating else "biuf"
    if result is None or result.kind not in allowed:
        what = "a floating dtype ('float32' or 'float64')" if floating else "a numeric dtype"
        raise ConfigError(
            f"{who}: expected {what}, got {dtype!r}. Leave dtype=None for glassnet's default "
            f"({backend.floatx()})."
        )
    return result


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight of this shape, as Keras computes them.

    Math:
        ()                       -> (1, 1)
        (n,)                     -> (n, n)
        (F_in, F_out)            -> (F_in, F_out)
        (K1, ..., C_in, C_out)   -> (C_in * r, C_out * r),   r = K1 * ... (receptive field)

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


# ---------------------------------------------------------------- base classes
class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns a new array of that shape.

    ``__call__`` checks ``shape`` and ``dtype`` (None means ``backend.floatx()``), then asks
    ``_generate(shape, dtype)`` for the values; subclasses write ``_generate`` (or replace
    ``__call__`` entirely). Hyper-parameters are declared in ``_constraints`` (attribute name
    -> (test, expected, fix)) and checked by ``_validate()`` at construction, so a bad value is
    reported where it was written, not when the layer is built.
    """

    _constraints: dict[str, tuple] = {}
    _floating_only = True  # False where integer dtypes make sense (zeros, ones, constant)

    def __call__(self, shape: tuple[int, ...], dtype: Any = None) -> np.ndarray:
        who = type(self).__name__
        shape, dtype = _shape(who, shape), _dtype(who, dtype, self._floating_only)
        # why: astype also stops a NumPy float64 scalar argument (mean=np.float64(0))
        # from up-casting float32 output.
        return np.asarray(self._generate(shape, dtype)).astype(dtype, copy=False)

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not define _generate.")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this initializer (JSON-friendly)."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Rebuild an initializer from ``get_config()``'s output."""
        return cls(**config)

    def _validate(self) -> None:
        for name, (test, expected, fix) in self._constraints.items():
            value = getattr(self, name)
            if not test(value):
                raise ConfigError(
                    f"{type(self).__name__}: expected {name} to be {expected}, got {value!r}. {fix}"
                )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class RandomInitializer(Initializer):
    """Base of the random initializers: holds ``seed`` and picks the generator.

    Args:
        seed: None (draw from ``glassnet.backend.rng()``) or an int >= 0 (a private
            generator made afresh on each call, so each call returns the same values).
    """

    _constraints = {"seed": _SEED}

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        # NOTE: backend.rng() is looked up on every call: set_random_seed replaces it.
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


def _truncated_normal(rng: np.random.Generator, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """Standard normal values, redrawing those more than 2 away from 0 (as Keras)."""
    z = rng.standard_normal(shape, dtype=dtype)
    outside = np.abs(z) > 2
    while outside.any():  # why: about 4.6% redrawn per round; a loop over rounds, not values.
        z[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = np.abs(z) > 2
    return z


# ---------------------------------------------------------------- constants
