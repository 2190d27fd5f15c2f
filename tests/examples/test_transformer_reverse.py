"""Smoke test: examples/transformer_reverse.py runs with --quick and writes its plot."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "transformer_reverse.py"


def test_transformer_reverse_example_runs_quick(tmp_path):
    pytest.importorskip("matplotlib")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "held-out token accuracy" in done.stdout
    assert "without position embeddings" in done.stdout
    assert (tmp_path / "transformer_reverse.png").stat().st_size > 0
