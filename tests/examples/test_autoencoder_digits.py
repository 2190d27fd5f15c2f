"""examples/autoencoder_digits.py runs with --quick, prints its three measurements and writes
its plots."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "autoencoder_digits.py"


def test_autoencoder_digits_quick_run_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for line in (
        "VAE: loss",
        "Denoising: MSE of noisy test digits",
        "flags unseen 9s with ROC AUC",
    ):
        assert line in result.stdout, result.stdout
    for name in ("latent_space.png", "vae_manifold.png", "denoising.png", "anomaly_scores.png"):
        assert (tmp_path / name).stat().st_size > 5000, name
