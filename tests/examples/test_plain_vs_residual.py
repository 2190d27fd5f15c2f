"""examples/plain_vs_residual.py runs with --quick and writes its plots."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "plain_vs_residual.py"


def test_plain_vs_residual_quick_run_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "plain gradient norms, input side first (20 layers with weights)" in result.stdout
    assert "residual gradient norms, input side first (11 layers with weights)" in result.stdout
    for name in ("gradient_norms.png", "history.png"):
        assert (tmp_path / name).stat().st_size > 5000, name
