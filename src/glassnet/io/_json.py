"""Strict JSON for file headers and configs: one object, no duplicate keys."""

from __future__ import annotations

import json
from typing import Any

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


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json(raw: bytes, source: str, what: str, *, constants: bool = False) -> dict[str, Any]:
    """Decode and parse JSON strictly; raise ModelFileError on anything but a JSON object.

    Duplicate keys, invalid UTF-8, nesting too deep for Python and (unless ``constants``)
    NaN/Infinity are refused.
    """
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
