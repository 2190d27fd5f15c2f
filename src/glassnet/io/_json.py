"""Strict JSON for file headers and configs: one object, no duplicate keys."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from glassnet.errors import ModelFileError

__all__ = ["parse_json"]


def _reject_duplicates(source: str):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ModelFileError(f"{source}: duplicate key {key!r} in the JSON.")
            result[key] = value
        return result

    return hook


#: Deepest nesting of arrays and objects a file may use. glassnet's own configs stay far
#: below it (a model nested in a model adds about five levels); the cap keeps the parser's
#: recursion bounded whatever ``sys.getrecursionlimit()`` is (Keras raises it to 3000, and a
#: higher limit lets deep enough JSON overflow the C stack).
MAX_DEPTH = 200


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in JSON text, brackets inside strings not counted.

    Whole-array NumPy: a quote opens or closes a string unless an odd number of backslashes
    precede it; brackets count where the number of such quotes before them is even.
    """
    b = np.frombuffer(raw, dtype=np.uint8)
    if b.size == 0:
        return 0
    index = np.arange(b.size)
    backslash = b == ord("\\")
    last_other = np.maximum.accumulate(np.where(backslash, -1, index))  # last non-backslash
    run_before = np.zeros(b.size, dtype=np.int64)  # backslashes right before each byte
    run_before[1:] = index[:-1] - last_other[:-1]
    quote = (b == ord('"')) & (run_before % 2 == 0)
    outside = np.cumsum(quote) % 2 == 0  # closing quotes count as outside, openers as inside
    outside &= ~quote
    step = (((b == ord("[")) | (b == ord("{"))) & outside).astype(np.int64)
    step -= ((b == ord("]")) | (b == ord("}"))) & outside
    return int(np.cumsum(step).max(initial=0))


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json(raw: bytes, source: str, what: str, *, constants: bool = False) -> dict[str, Any]:
    """Decode and parse JSON strictly; raise ModelFileError on anything but a JSON object.

    Duplicate keys, invalid UTF-8, nesting deeper than ``MAX_DEPTH`` and (unless
    ``constants``) NaN/Infinity are refused.
    """
    depth = nesting_depth(raw)
    if depth > MAX_DEPTH:
        raise ModelFileError(
            f"{source}: expected a JSON {what} nested at most {MAX_DEPTH} levels deep, got "
            f"{depth} levels. The file is corrupt or made to exhaust the parser."
        )
    try:
        header = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_reject_duplicates(source),
            parse_constant=float if constants else _no_constants,
        )
    except ModelFileError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelFileError(
            f"{source}: expected a JSON {what}, got unreadable text ({exc}). The file is "
            "corrupt or not what its name says."
        ) from None
    if not isinstance(header, dict):
        raise ModelFileError(
            f"{source}: expected a JSON object as {what}, got {type(header).__name__}."
        )
    return header
