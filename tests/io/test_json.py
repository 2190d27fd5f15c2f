"""The strict JSON reader behind every file header and config: nesting is capped before parsing."""

from __future__ import annotations

import sys

import pytest

from glassnet.errors import ModelFileError
from glassnet.io._json import MAX_DEPTH, nesting_depth, parse_json


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"", 0),
        (b"{}", 1),
        (b'{"k": [1, {"z": []}]}', 4),
        (b'{"a": "[[[[{{"}', 1),  # brackets inside a string do not count
        (b'{"a": "x\\"[[["}', 1),  # an escaped quote does not end the string
        (b'{"a": "\\\\", "b": [[]]}', 3),  # an escaped backslash does not escape the quote
        (b"[" * 7, 7),
    ],
)
def test_nesting_depth_counts_structure_only(raw, depth):
    assert nesting_depth(raw) == depth


def test_deep_json_is_refused_whatever_the_recursion_limit():
    deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)  # Keras raises it to 3000; the cap must not depend on it
    try:
        with pytest.raises(ModelFileError, match=r"config.json: expected a JSON config nested at"):
            parse_json(deep, "config.json", "config")
    finally:
        sys.setrecursionlimit(limit)
    ok = b'{"a": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    assert list(parse_json(ok, "config.json", "config")) == ["a"]
