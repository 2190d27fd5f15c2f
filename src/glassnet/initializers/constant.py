"""Initializers that draw nothing: Zeros, Ones, Constant, Identity."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.initializers.base import (
    _REAL,
    INITIALIZERS,
    Initializer,
)


@INITIALIZERS.register("Zeros", "zeros", "zero")
class Zeros(Initializer):
    """All zeros (the Keras default for biases).

    Example:
        >>> Zeros()((2,))
        array([0., 0.], dtype=float32)
    """

    _floating_only = False

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.zeros(shape, dtype=dtype)


@INITIALIZERS.register("Ones", "ones", "one")
class Ones(Initializer):
    """All ones (the Keras default for a normalisation layer's ``gamma``)."""

    _floating_only = False

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.ones(shape, dtype=dtype)


@INITIALIZERS.register("Constant", "constant")
class Constant(Initializer):
    """Every element set to ``value``.

    Args:
        value: a finite number.

    Raises:
        ConfigError: if ``value`` is not a finite number.

    Example:
        >>> Constant(0.1)((2, 2))
        array([[0.1, 0.1],
               [0.1, 0.1]], dtype=float32)
    """

    _constraints = {"value": _REAL}
    _floating_only = False

    def __init__(self, value: float = 0.0) -> None:
        self.value = value
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


@INITIALIZERS.register("Identity", "identity", "IdentityInitializer")
class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular is allowed).

    Args:
        gain: a finite number multiplying the matrix.

    Raises:
        ConfigError: if ``gain`` is not a finite number.
        ShapeError: when called with a shape that is not 2-D.
    """

    _constraints = {"gain": _REAL}

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        if len(shape) != 2:
            raise ShapeError(
                f"Identity: expected a 2-D shape, got {shape}. Use it for a Dense kernel "
                "(F_in, F_out), or pick another initializer for this weight."
            )
        return self.gain * np.eye(*shape, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


# ---------------------------------------------------------------- plain random
