"""Smoke test: examples/som_iris.py runs with --quick and writes its plots."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "som_iris.py"


def test_som_iris_example_runs_quick(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for word in ("quantization error", "topographic error"):
        assert word in done.stdout
    for name in ("som_u_matrix.png", "som_components.png"):
        assert (tmp_path / name).stat().st_size > 0
