"""examples/tree_sentiment.py runs with --quick and writes its plots."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "tree_sentiment.py"


def test_tree_sentiment_quick_run_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "tree: 2418 weights, test accuracy" in result.stdout
    assert "bag of words: 2402 weights, test accuracy" in result.stdout
    assert (tmp_path / "history.png").stat().st_size > 5000
