"""Smoke test of the benchmark command: a few epochs of each workload through the real code path.

The full timings live in benchmarks/README.md; this only keeps the runner, the registry and the
workloads from rotting, and checks that every half learns the same thing. It drives
``python -m benchmarks.run`` as a user would and never imports ``benchmarks`` (STYLE: tests
do not import the benchmarks).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 30


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "benchmarks.run", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def _records(*args: str, env: dict | None = None) -> list[dict]:
    done = _run(*args, env=env)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.strip().splitlines()]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """moons_fit, mnist_mlp and mnist_mlp_predict in one quick run, with keras made missing."""
    pytest.importorskip("torch")
    blocker = tmp_path_factory.mktemp("no_keras") / "keras"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('keras blocked by the smoke test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker.parent), str(ROOT)])}
    workloads = ("moons_fit", "mnist_mlp", "mnist_mlp_predict")
    args = ("--epochs", "2", "--repeat", "1", "--samples", "1024")
    return {r["workload"]: r for r in _records(*workloads, *args, env=env)}


def test_moons_autograd_glassnet_half_learns() -> None:
    (record,) = _records(
        "moons_autograd", "--epochs", str(EPOCHS), "--repeat", "1", "--impls", "glassnet"
    )
    for key in ("workload", "epochs", "timing", "threads", "glassnet_s", "glassnet_test_accuracy"):
        assert key in record
    assert record["epochs"] == EPOCHS and record["threads"] == 1
    assert record["glassnet_s"] > 0
    assert record["glassnet_final_loss"] < record["glassnet_first_loss"]


@pytest.mark.torch
def test_moons_autograd_all_halves_agree() -> None:
    pytest.importorskip("torch")
    (record,) = _records("moons_autograd", "--epochs", str(EPOCHS), "--repeat", "1")
    assert record["peer"] == "torch"
    for impl in ("glassnet", "torch", "numpy"):
        assert record[f"{impl}_s"] > 0
        assert record[f"{impl}_final_loss"] < record[f"{impl}_first_loss"]
        assert record[f"{impl}_final_loss"] == pytest.approx(record["torch_final_loss"], abs=1e-5)
    assert record["ratio"] == pytest.approx(record["torch_s"] / record["glassnet_s"], rel=0.01)
    assert record["glassnet_max_weight_diff_vs_torch"] < 1e-5


def test_run_command_prints_one_json_line_per_workload() -> None:
    help_text = " ".join(_run("--help").stdout.split())  # argparse wraps long lines
    registered = re.search(r"default: all of (\w+(?:, \w+)*)", help_text).group(1).split(", ")
    args = ("--epochs", "1", "--repeat", "1", "--samples", "64", "--threads", "2")
    records = _records(*args, "--impls", "glassnet")
    assert [r["workload"] for r in records] == registered
    assert all(r["threads"] == 2 and r["samples"] == 64 and r["glassnet_s"] > 0 for r in records)


@pytest.mark.torch
def test_moons_fit_glassnet_torch_agree_and_keras_is_skipped_with_a_note(quick) -> None:
    record = quick["moons_fit"]
    assert record["peer"] == "torch" and "keras_s" not in record
    assert "pip install keras" in record["skipped"]["keras"]
    assert record["glassnet_first_loss"] == pytest.approx(record["torch_first_loss"], abs=1e-6)
    assert record["glassnet_final_loss"] == pytest.approx(record["torch_final_loss"], abs=1e-6)
    assert record["glassnet_final_loss"] < record["glassnet_first_loss"]
    assert record["glassnet_max_weight_diff_vs_torch"] < 1e-5


@pytest.mark.torch
def test_mnist_mlp_every_half_learns(quick) -> None:
    record = quick["mnist_mlp"]
    assert record["peer"] == "torch" and record["samples"] == 1024
    for impl in ("glassnet", "torch", "sklearn"):
        assert record[f"{impl}_s"] > 0
        assert record[f"{impl}_final_loss"] < record[f"{impl}_first_loss"] < 1.1 * math.log(10)
        assert record[f"{impl}_test_accuracy"] > 0.2  # 10 classes: chance is 0.1
    assert record["ratio_sklearn"] == pytest.approx(
        record["sklearn_s"] / record["glassnet_s"], rel=0.01
    )


@pytest.mark.torch
def test_mnist_mlp_predict_outputs_match_torch(quick) -> None:
    record = quick["mnist_mlp_predict"]
    assert record["glassnet_max_weight_diff_vs_torch"] < 1e-4  # here: the logits
    assert record["glassnet_test_accuracy"] == record["torch_test_accuracy"] > 0.2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_memory_mode_reports_cold_and_warm_peaks() -> None:
    args = ("--memory", "--epochs", "1", "--samples", "256", "--impls", "glassnet")
    (record,) = _records("mnist_mlp", *args)
    assert record["memory"].startswith("peak RSS above the after-import/after-data baseline")
    assert record["glassnet_baseline_mib"] > 0
    assert record["glassnet_peak_mib"] >= 0 and record["glassnet_peak_mib_warm"] >= 0


def test_unknown_workload_lists_the_known_ones() -> None:
    done = _run("moon")
    assert done.returncode != 0
    assert "Known: moons_autograd" in done.stderr
