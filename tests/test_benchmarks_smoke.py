"""Smoke test of the benchmark command: a few epochs of each workload through the real code path.

The full timings live in benchmarks/README.md; this only keeps the runner, the registry and the
workloads from rotting, and checks that every half learns the same thing. It drives
``python -m benchmarks.run`` as a user would and never imports ``benchmarks`` (STYLE: tests
do not import the benchmarks).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 30


def _run(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "benchmarks.run", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _records(*args: str) -> list[dict]:
    done = _run(*args)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.strip().splitlines()]


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


@pytest.mark.torch
def test_run_command_prints_one_json_line_per_workload() -> None:
    pytest.importorskip("torch")
    help_text = _run("--help").stdout
    registered = re.search(r"default: all of ([\w, ]+)", help_text).group(1).split(", ")
    records = _records("--epochs", "3", "--repeat", "1")
    assert [r["workload"] for r in records] == registered


def test_unknown_workload_lists_the_known_ones() -> None:
    done = _run("moon")
    assert done.returncode != 0
    assert "Known: moons_autograd" in done.stderr
