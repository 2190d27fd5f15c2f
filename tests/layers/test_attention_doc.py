"""docs/attention.md: its code blocks run as printed and show what the text says."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "attention.md"


def test_attention_doc_examples_run(capsys):
    pytest.importorskip("torch")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "(2, 4, 3) 0.0",
        "(2, 5, 8) (2, 2, 5, 5) [(8, 2, 4), (8, 2, 4), (8, 2, 4), (2, 4, 8)]",
        "True",
        "True",
    ]
