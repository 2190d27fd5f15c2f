"""Smoke test: examples/rbf_network.py runs with --quick and writes its plots."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "rbf_network.py"


def test_rbf_network_example_runs_quick(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for word in ("test MSE", "held-out accuracy"):
        assert word in done.stdout
    for name in ("rbf_sine.png", "rbf_moons.png"):
        assert (tmp_path / name).stat().st_size > 0
