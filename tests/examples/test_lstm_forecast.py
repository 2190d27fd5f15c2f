"""examples/lstm_forecast.py runs with --quick and writes its three plots."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "lstm_forecast.py"


def test_lstm_forecast_quick_run_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test MAE  LSTM:" in result.stdout and "naive (last value):" in result.stdout
    assert "most important input days" in result.stdout
    for name in ("forecast.png", "importance.png", "history.png"):
        assert (tmp_path / name).stat().st_size > 5000, name
