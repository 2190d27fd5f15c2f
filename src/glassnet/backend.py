"""The array namespace, the default dtype and the random-number generator.

Everything else in glassnet reaches NumPy through ``xp`` from this module, so a GPU namespace
with the same API (CuPy) can later drop in here and nowhere else.

Randomness: glassnet draws every random number (initial weights, dropout masks, shuffling)
from one ``numpy.random.Generator`` returned by ``rng()``. ``set_random_seed(s)`` replaces it,
and also seeds Python's ``random`` and NumPy's legacy global state, so one call makes a run
repeatable bit for bit.
"""

from __future__ import annotations

import numpy

from glassnet.errors import ConfigError

__all__ = ["floatx", "rng", "set_floatx", "set_random_seed", "xp"]

xp = numpy

_FLOAT_DTYPES = ("float32", "float64")
_floatx = numpy.dtype("float32")
_rng: numpy.random.Generator | None = None  # created on first use: keeps import fast


def floatx() -> numpy.dtype:
    """Return the default floating dtype (float32 unless changed with ``set_floatx``)."""
    return _floatx


def set_floatx(dtype: str) -> None:
    """Set the default floating dtype: ``'float32'`` (the default) or ``'float64'``.

    Raises:
        ConfigError: for any other dtype.
    """
    global _floatx
    name = numpy.dtype(dtype).name if _is_dtype_like(dtype) else str(dtype)
    if name not in _FLOAT_DTYPES:
        raise ConfigError(
            f"set_floatx: expected one of {', '.join(_FLOAT_DTYPES)}, got {dtype!r}. "
            "glassnet computes in float32 by default and float64 for gradient checks."
        )
    _floatx = numpy.dtype(name)


def rng() -> numpy.random.Generator:
    """Return the generator every random draw in glassnet comes from."""
    global _rng
    if _rng is None:
        _rng = numpy.random.default_rng()
    return _rng


def set_random_seed(seed: int) -> None:
    """Seed every source of randomness glassnet uses, so a run repeats bit for bit.

    Seeds glassnet's generator, Python's ``random`` module and NumPy's legacy global state
    (``numpy.random.seed``), as ``keras.utils.set_random_seed`` does.

    Args:
        seed: a non-negative integer.

    Raises:
        ConfigError: if ``seed`` is not a non-negative integer.

    Example:
        >>> set_random_seed(0); a = rng().random()
        >>> set_random_seed(0); a == rng().random()
        True
    """
    import random as _pyrandom

    global _rng
    if isinstance(seed, bool) or not isinstance(seed, (int, numpy.integer)) or seed < 0:
        raise ConfigError(
            f"set_random_seed: expected a non-negative integer seed, got {seed!r}. "
            "Pass a plain int such as 42."
        )
    _rng = numpy.random.default_rng(int(seed))
    _pyrandom.seed(int(seed))
    numpy.random.seed(int(seed) % 2**32)  # noqa: NPY002 - seeds legacy users too


def _is_dtype_like(dtype: object) -> bool:
    try:
        numpy.dtype(dtype)
    except TypeError:
        return False
    return True
