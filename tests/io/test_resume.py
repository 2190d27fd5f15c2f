"""Interrupted and resumed runs give the weights of an uninterrupted run, bit for bit.

Each run is its own process (``_resume_run.py``): train with BackupAndRestore, exit with
``os._exit`` as epoch 3 begins, start again and finish; then compare the SHA-256 of the weight
bytes with a run that was never interrupted. The model has Dropout (glassnet's generator and
a layer's own), BatchNormalization, Adam with a learning-rate schedule, and shuffle=True.
Negative controls leave the optimizer state or the generator states out of the checkpoint
and must give other weights, so the comparison can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from glassnet.io.checkpoint import _read

SCRIPT = os.path.join(os.path.dirname(__file__), "_resume_run.py")
# why: bit-identical float results need the same thread settings in every run.
THREADS = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _run(backup_dir, *args: str, expect: int = 0) -> dict | None:
    env = {**os.environ, **THREADS}
    done = subprocess.run([sys.executable, SCRIPT, str(backup_dir), *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == expect, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1]) if expect == 0 else None


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    result = _run(tmp_path_factory.mktemp("whole") / "backup")
    assert result["epochs"] == [0, 1, 2, 3, 4, 5]
    return result


def _interrupted_then_resumed(backup_dir, control: str = "none") -> dict:
    _run(backup_dir, "--interrupt-at", "3", "--control", control, expect=17)
    assert _read(backup_dir / "checkpoint.zip").config["epoch"] == 3
    return _run(backup_dir, "--control", control)


def test_resumed_run_matches_the_uninterrupted_run_bit_for_bit(tmp_path, uninterrupted):
    resumed = _interrupted_then_resumed(tmp_path / "backup")
    assert resumed["epochs"] == [3, 4, 5]  # only the epochs left were run
    assert resumed["iterations"] == uninterrupted["iterations"]
    assert resumed["sha256"] == uninterrupted["sha256"]
    assert not os.path.exists(tmp_path / "backup")  # deleted after the run finished


@pytest.mark.parametrize("control", ["no-optimizer", "no-rng", "no-layer-rng"])
def test_resume_differs_when_part_of_the_state_is_left_out(tmp_path, uninterrupted, control):
    resumed = _interrupted_then_resumed(tmp_path / "backup", control)
    assert resumed["epochs"] == [3, 4, 5]
    assert resumed["sha256"] != uninterrupted["sha256"]


def test_kill_during_a_checkpoint_write_keeps_the_previous_one(tmp_path, uninterrupted):
    backup = tmp_path / "backup"
    _run(backup, "--kill-save-at", "4", expect=9)  # dies writing the backup of epoch 4
    leftovers = sorted(name for name in os.listdir(backup) if name.endswith(".tmp"))
    assert len(leftovers) == 1 and leftovers[0].startswith(".checkpoint.zip.")
    assert os.path.getsize(backup / leftovers[0]) > 0  # the half-written temporary file
    assert _read(backup / "checkpoint.zip").config["epoch"] == 3  # the previous one, whole
    resumed = _run(backup)
    assert resumed["epochs"] == [3, 4, 5]
    assert resumed["sha256"] == uninterrupted["sha256"]
    assert not os.path.exists(backup)  # the checkpoint and the leftover were deleted


def test_one_seed_gives_the_same_weights_in_another_process_and_another_seed_others(
    tmp_path, uninterrupted
):
    assert _run(tmp_path / "again")["sha256"] == uninterrupted["sha256"]
    assert _run(tmp_path / "other", "--seed", "1")["sha256"] != uninterrupted["sha256"]
