"""Every program in examples/ runs with --quick, prints what it measures and writes its plots.

Each runs in a subprocess (as a user runs it), with one BLAS thread, in a temporary folder.
A new example must be added to ``EXAMPLES``: ``test_every_example_is_listed`` fails otherwise.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "examples"

# name -> (extra arguments, phrases the output must hold, plot files it must write)
EXAMPLES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "autoencoder_digits": (
        [],
        ["VAE: loss", "Denoising: MSE of noisy test digits", "flags unseen 9s with ROC AUC"],
        ["latent_space.png", "vae_manifold.png", "denoising.png", "anomaly_scores.png"],
    ),
    "gan_ring": (
        ["--digits"],
        ["modes covered", "digits GAN after 2 epochs"],
        ["gan_ring.png", "gan_losses.png", "gan_digits.png"],
    ),
    "lstm_forecast": (
        [],
        ["test MAE  LSTM:", "naive (last value):", "most important input days"],
        ["forecast.png", "importance.png", "history.png"],
    ),
    "plain_vs_residual": (
        [],
        [
            "plain gradient norms, input side first (20 layers with weights)",
            "residual gradient norms, input side first (11 layers with weights)",
        ],
        ["gradient_norms.png", "history.png"],
    ),
    "rbf_network": ([], ["test MSE", "held-out accuracy"], ["rbf_sine.png", "rbf_moons.png"]),
    "som_iris": (
        [],
        ["quantization error", "topographic error"],
        ["som_u_matrix.png", "som_components.png"],
    ),
    "transformer_reverse": (
        [],
        ["held-out token accuracy", "without position embeddings"],
        ["transformer_reverse.png"],
    ),
    "tree_sentiment": (
        [],
        ["tree: 2418 weights, test accuracy", "bag of words: 2402 weights, test accuracy"],
        ["history.png"],
    ),
}


def test_every_example_is_listed():
    assert sorted(p.stem for p in ROOT.glob("*.py")) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_quick_and_writes_its_plots(name, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    extra, phrases, files = EXAMPLES[name]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, str(ROOT / f"{name}.py"), "--quick", *extra, "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for phrase in phrases:
        assert phrase in result.stdout, f"{name}: {phrase!r} not in its output:\n{result.stdout}"
    for file in files:
        assert (tmp_path / file).stat().st_size > 5000, f"{name}: {file} missing or empty"
