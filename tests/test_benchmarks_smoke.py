"""Smoke test of the benchmark runner: a few epochs of each workload through the real code path.

The full timings live in benchmarks/README.md; this only keeps the runner, the registry and the
workloads from rotting, and checks that every half learns the same thing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from benchmarks.runner import run_workload  # noqa: E402
from benchmarks.workloads import REGISTRY, get_workload  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 30


def test_moons_autograd_glassnet_half_learns() -> None:
    record = run_workload("moons_autograd", epochs=EPOCHS, repeat=1, impls=("glassnet",))
    for key in ("workload", "epochs", "timing", "threads", "glassnet_s", "glassnet_test_accuracy"):
        assert key in record
    assert record["epochs"] == EPOCHS and record["threads"] == 1
    assert record["glassnet_s"] > 0
    assert record["glassnet_final_loss"] < record["glassnet_first_loss"]


@pytest.mark.torch
def test_moons_autograd_all_halves_agree() -> None:
    pytest.importorskip("torch")
    record = run_workload("moons_autograd", epochs=EPOCHS, repeat=1)
    assert json.loads(json.dumps(record)) == record
    assert record["peer"] == "torch"
    for impl in ("glassnet", "torch", "numpy"):
        assert record[f"{impl}_s"] > 0
        assert record[f"{impl}_final_loss"] < record[f"{impl}_first_loss"]
        assert record[f"{impl}_final_loss"] == pytest.approx(record["torch_final_loss"], abs=1e-5)
    assert record["ratio"] == pytest.approx(record["torch_s"] / record["glassnet_s"], rel=0.01)
    assert record["glassnet_max_weight_diff_vs_torch"] < 1e-5


@pytest.mark.torch
def test_run_command_prints_one_json_line_per_workload() -> None:
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "benchmarks.run", "--epochs", "3", "--repeat", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [json.loads(line)["workload"] for line in lines] == list(REGISTRY)


def test_unknown_workload_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="Known: moons_autograd"):
        get_workload("moon")
