"""What the fuzz tests share: the rule for which errors may escape, and input strategies.

An error may escape a public glassnet entry when it is one of ``glassnet.errors``' types, or
a plain ``TypeError``/``ValueError`` that glassnet itself raised (the innermost frame is a
``raise`` statement in ``src/glassnet``). Anything else (IndexError, KeyError, a NumPy
broadcasting ``ValueError`` or ``AxisError`` from deep inside) is a defect, and so is a
result that is silently NaN for finite input.
"""

from __future__ import annotations

import pathlib
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import glassnet
from glassnet import errors

__all__ = [
    "FUZZ",
    "SOURCE",
    "any_input",
    "call_public",
    "is_documented",
    "near_shape",
]

SOURCE = pathlib.Path(glassnet.__file__).resolve().parent

# Bounded and repeatable: the same examples on every run, no per-example deadline.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_GLASSNET_ERRORS = (
    errors.ShapeError,
    errors.ConfigError,
    errors.StateError,
    errors.ModelFileError,
    errors.DataFileError,
    errors.AnomalyError,
)


def is_documented(err: BaseException) -> bool:
    """True for a glassnet error type, or a TypeError/ValueError raised by glassnet's code."""
    if isinstance(err, _GLASSNET_ERRORS):
        return True
    if type(err) not in (TypeError, ValueError):  # excludes numpy's AxisError and friends
        return False
    frame = traceback.extract_tb(err.__traceback__)[-1]
    inside = pathlib.Path(frame.filename).resolve().is_relative_to(SOURCE)
    return inside and (frame.line or "").lstrip().startswith("raise")


def call_public(fn: Callable[[], Any], what: str) -> tuple[Any, BaseException | None]:
    """Run ``fn``; return ``(result, None)`` or ``(None, error)`` for a documented error.

    Raises:
        AssertionError: for any other error, with the input description and the traceback.
    """
    try:
        return fn(), None
    except Exception as err:  # noqa: BLE001 - the point is to classify every error
        if is_documented(err):
            return None, err
        trace = "".join(traceback.format_exception(err)[-6:])
        raise AssertionError(f"undocumented {type(err).__name__} for {what}:\n{trace}") from err


# ---------------------------------------------------------------- input strategies
DTYPES = (
    "float32", "float64", "float16", "int8", "int32", "int64", "uint8", "bool",
    "complex64", "object", "<U3", "datetime64[s]",
)  # fmt: skip

_SPECIAL = (np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30)


@st.composite
def _values(draw: Any, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """An array of ``shape`` and ``dtype``: small random numbers, sometimes special values."""
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    base = rng.normal(size=shape) * draw(st.sampled_from((1.0, 1.0, 5.0)))
    if draw(st.booleans()) and base.size:
        flat = base.reshape(-1)
        flat[rng.integers(0, flat.size)] = draw(st.sampled_from(_SPECIAL))
    if dtype == "object":
        return base.astype(object)
    if dtype == "<U3":
        return base.astype("<U3")
    if dtype == "datetime64[s]":
        return np.zeros(shape, dtype=dtype)
    if dtype == "bool":
        return base > 0
    if np.dtype(dtype).kind in "iu":
        clipped = np.clip(np.nan_to_num(base, posinf=9, neginf=-9), -100, 100)
        return (np.abs(clipped) if dtype == "uint8" else clipped).astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        return base.astype(dtype)


def near_shape(valid: tuple[int, ...]) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes close to ``valid`` (batch axis included): the same, one size changed (to 0, 1 or
    a nearby size), one axis added or dropped, or a random shape of rank 0-5."""
    sizes = st.integers(0, 7)
    ranks = st.integers(0, len(valid) + 1)

    def change(pair: tuple[int, int]) -> tuple[int, ...]:
        axis, size = pair
        return valid[:axis] + (size,) + valid[axis + 1 :]

    return st.one_of(
        st.just(valid),
        st.tuples(st.integers(0, len(valid) - 1), sizes).map(change) if valid else st.just(valid),
        ranks.map(lambda i: valid[:i] + (1,) + valid[i:]),
        ranks.map(lambda i: valid[:i] + valid[i + 1 :]),
        st.lists(sizes, max_size=5).map(tuple),
    )


@st.composite
def any_input(draw: Any, valid: tuple[int, ...], dtypes: tuple[str, ...] = DTYPES) -> Any:
    """Input for a public entry: an array near ``valid`` of any dtype, or something odd
    (a ragged list, None, a string, a Python scalar)."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from((None, "abc", 3, 2.5, [[1.0, 2.0], [3.0]], [], {"a": 1})))
    shape = draw(near_shape(valid))
    weights = (8, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)  # float32/64 most of the time
    dtype = draw(
        st.sampled_from([d for d, w in zip(DTYPES, weights) if d in dtypes for _ in range(w)])
    )
    return draw(_values(shape, dtype))
