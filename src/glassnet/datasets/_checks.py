"""Argument checks and seeding shared by every dataset function (optional imports:
``glassnet._optional.require``).

Each check raises ``ConfigError`` with glassnet's one message formula:
``<who>: expected <what>, got <actual>. <how to fix>.``
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Sequence

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError

# why: scikit-learn and NumPy's legacy RandomState only take seeds in [0, 2**32 - 1].
_MAX_SEED = 2**32 - 1


def check_int(who: str, name: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ConfigError(
            f"{who}: expected {name} to be an int >= {minimum}, got {value!r}. "
            f"Pass a whole number such as {max(minimum, 1) * 100}."
        )
    return int(value)


def check_float(
    who: str,
    name: str,
    value: object,
    *,
    minimum: float = 0.0,
    maximum: float | None = None,
    open_interval: bool = False,
) -> float:
    """Return ``value`` as a float, or raise if it is outside the allowed range.

    The range is ``[minimum, maximum]``, or ``(minimum, maximum)`` with ``open_interval``.
    """
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = is_number and np.isfinite(value)
    if ok and open_interval:
        ok = value > minimum and (maximum is None or value < maximum)
    elif ok:
        ok = value >= minimum and (maximum is None or value <= maximum)
    if not ok:
        if minimum == -np.inf and maximum is None:
            what = "a finite float"
        else:
            left, right = ("(", ")") if open_interval else ("[", "]")
            upper = "inf)" if maximum is None else f"{maximum}{right}"
            what = f"a float in {left}{minimum}, {upper}"
        raise ConfigError(
            f"{who}: expected {name} to be {what}, got {value!r}. Pass a number inside that range."
        )
    return float(value)


def check_choice(who: str, name: str, value: object, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming the closest match."""
    if isinstance(value, str) and value in choices:
        return value
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
    known = ", ".join(repr(c) for c in choices)
    raise ConfigError(
        f"{who}: expected {name} to be one of {known}, got {value!r}. "
        f"Pick one of the known names.{hint}"
    )


def check_random_state(who: str, value: object) -> int | None:
    """Return ``value`` if it is ``None`` or an int seed in ``[0, 2**32 - 1]``, else raise."""
    if value is None:
        return None
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not is_int or not 0 <= value <= _MAX_SEED:
        raise ConfigError(
            f"{who}: expected random_state to be None or an int in [0, {_MAX_SEED}], "
            f"got {value!r}. Pass a fixed seed such as 42 for repeatable data."
        )
    return int(value)


def resolve_seed(who: str, random_state: object) -> int:
    """Return a concrete seed: ``random_state`` itself, or one drawn from glassnet's generator.

    Drawing from ``glassnet.backend.rng()`` when ``random_state`` is ``None`` means
    ``glassnet.utils.set_random_seed(s)`` makes "unseeded" datasets repeatable too.
    """
    seed = check_random_state(who, random_state)
    if seed is None:
        seed = int(backend.rng().integers(0, _MAX_SEED, endpoint=True))
    return seed


def make_rng(who: str, random_state: object) -> np.random.Generator:
    """Return a fresh NumPy generator for ``random_state`` (see ``resolve_seed``)."""
    return np.random.default_rng(resolve_seed(who, random_state))


def as_features(x: np.ndarray) -> np.ndarray:
    """Return features as a C-contiguous float32 array (glassnet's default dtype)."""
    return np.ascontiguousarray(x, dtype=np.float32)


def as_labels(y: np.ndarray) -> np.ndarray:
    """Return class labels as a C-contiguous int64 array."""
    return np.ascontiguousarray(y, dtype=np.int64)
