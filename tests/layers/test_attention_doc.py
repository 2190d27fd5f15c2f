"""docs/attention.md: its code blocks run as printed and show what the text says."""

from __future__ import annotations

import pytest

from tests._docs import run_doc


def test_attention_doc_examples_run(capsys):
    pytest.importorskip("torch")
    run_doc("attention.md", blocks=4)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "(2, 4, 3) 0.0",
        "(2, 5, 8) (2, 2, 5, 5) [(8, 2, 4), (8, 2, 4), (8, 2, 4), (2, 4, 8)]",
        "True",
        "True",
    ]
