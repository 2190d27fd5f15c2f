"""Peak memory of one training run, each implementation in a fresh process of its own (Linux).

A child process builds the workload's data, imports the implementation's library, records its
resident memory (``VmRSS``) as the baseline, resets the kernel's peak counter (writing ``5``
to ``/proc/self/clear_refs`` sets ``VmHWM`` back to the current RSS), runs the implementation
once and reads the peak (``VmHWM``). The figure is the peak above the baseline, in MiB:

- **cold** (the headline): the baseline is taken right after ``import`` of the library and the
  data, so the figure includes what the library loads or allocates lazily on first use (PyTorch
  imports about 850 more modules when the first optimizer is built, for example).
- **warm**: the implementation first trains once on a 256-sample problem, so lazy imports and
  one-time set-up are in the baseline, then freed memory is handed back to the OS (glibc
  ``malloc_trim``) so that the run cannot reuse the warm-up's blocks unseen: the figure is the
  training's own working memory.

Command line (used by ``python -m benchmarks.run --memory``; the child of one measurement):
``python -m benchmarks.memory WORKLOAD IMPL --epochs N [--samples N] [--threads N] [--warm]``.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks._keras import require_keras
from benchmarks._torch import require_torch
from benchmarks.runner import pinned_threads, resolve_impls
from benchmarks.workloads import get_workload

WARM_SAMPLES = 256
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def measure_memory(
    name: str,
    *,
    epochs: int | None = None,
    impls: Sequence[str] | None = None,
    samples: int | None = None,
    threads: int = 1,
) -> dict[str, Any]:
    """Peak memory of each implementation of workload ``name``, cold and warm (see above).

    Returns:
        ``{"workload", "epochs", "memory", "threads", "<impl>_peak_mib" (cold),
        "<impl>_peak_mib_warm", "<impl>_baseline_mib" (RSS after import and data),
        "memory_ratio" (glassnet / peer, cold; below 1 means glassnet needs less),
        "memory_ratio_warm", "skipped"}``.
    """
    workload = get_workload(name)
    epochs = workload.default_epochs if epochs is None else epochs
    record: dict[str, Any] = {
        "workload": name,
        "epochs": epochs,
        "memory": "peak RSS above the after-import/after-data baseline, MiB, one process each",
        "threads": threads,
    }
    if samples is not None:
        record["samples"] = samples
    skipped: dict[str, str] = {}
    for impl in resolve_impls(name, impls):
        for warm in (False, True):
            child = _run_child(name, impl, epochs, samples, threads, warm)
            if "skipped" in child:
                skipped[impl] = child["skipped"]
                break
            suffix = "_warm" if warm else ""
            record[f"{impl}_peak_mib{suffix}"] = child["peak_mib"]
            if not warm:
                record[f"{impl}_baseline_mib"] = child["baseline_mib"]
    for suffix in ("", "_warm"):
        ours, theirs = (record.get(f"{i}_peak_mib{suffix}") for i in ("glassnet", workload.peer))
        if ours is not None and theirs:
            record[f"memory_ratio{suffix}"] = round(ours / theirs, 3)
    if skipped:
        record["skipped"] = skipped
    return record


def _run_child(
    name: str, impl: str, epochs: int, samples: int | None, threads: int, warm: bool
) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.memory", name, impl, "--epochs", str(epochs)]
    command += ["--threads", str(threads)] + (["--warm"] if warm else [])
    if samples is not None:
        command += ["--samples", str(samples)]
    env = {**os.environ, **{var: str(threads) for var in _THREAD_VARS}}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.memory: {' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _status_mib(key: str) -> float:
    with open("/proc/self/status") as status:
        kib = re.search(rf"^{key}:\s+(\d+) kB", status.read(), re.MULTILINE)
    if kib is None:
        raise RuntimeError(f"benchmarks.memory: /proc/self/status has no {key} (Linux only).")
    return int(kib.group(1)) / 1024


def _release_free_memory() -> None:
    """Hand memory freed by the warm-up back to the OS (glibc ``malloc_trim``), if possible.

    Without it the allocator keeps the warm-up's freed blocks and the measured run reuses
    them unseen, so a library whose warm-up allocated the same sizes would look free.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the warm figure may read low
        pass


def _import_library(impl: str) -> None:
    if impl == "torch":
        require_torch()
    elif impl == "keras":
        require_keras()
    elif impl in ("glassnet", "sklearn"):
        __import__(impl)


def _child(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("workload")
    parser.add_argument("impl")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warm", action="store_true")
    args = parser.parse_args(argv)
    workload = get_workload(args.workload)
    runner = workload.runners[args.impl]
    problem = workload.make_problem(samples=args.samples)
    try:
        _import_library(args.impl)
        with pinned_threads(args.threads, uses_torch=args.impl in ("torch", "keras")):
            if args.warm:
                runner(workload.make_problem(samples=WARM_SAMPLES), 1)
            gc.collect()
            _release_free_memory()
            baseline = _status_mib("VmRSS")
            with open("/proc/self/clear_refs", "w") as clear_refs:
                clear_refs.write("5")
            runner(problem, args.epochs)
            peak = _status_mib("VmHWM")
    except ImportError as err:
        if args.impl in ("glassnet", workload.peer):
            raise
        return {"skipped": str(err)}
    return {"baseline_mib": round(baseline, 1), "peak_mib": round(peak - baseline, 1)}


if __name__ == "__main__":
    print(json.dumps(_child()), flush=True)
