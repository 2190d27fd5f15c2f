"""examples/gan_ring.py runs with --quick --digits (the ring and the digits GAN) and writes its
plots."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gan_ring.py"


def test_gan_ring_quick_run_with_digits_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--digits", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "modes covered" in result.stdout and "digits GAN after 2 epochs" in result.stdout
    for name in ("gan_ring.png", "gan_losses.png", "gan_digits.png"):
        assert (tmp_path / name).stat().st_size > 5000, name
