"""Timing core: run a workload's implementations on the same data and compare their times."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, get_workload

WARMUP_EPOCHS = 5
THREADS = 1


def run_workload(
    name: str,
    *,
    epochs: int | None = None,
    repeat: int = 5,
    impls: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Time each implementation of workload ``name`` and return one JSON-ready record.

    Every implementation trains on the same arrays from the same initial weights. Each first
    runs a short untimed warm-up (lazy imports, allocator, first-call caches), then the
    implementations take turns for ``repeat`` rounds, so slow drift of the machine hits them
    alike. The best (smallest) wall time of each, by ``time.perf_counter``, is reported.

    Args:
        name: a key of ``benchmarks.workloads.REGISTRY``.
        epochs: training epochs; the workload's default when None.
        repeat: timed runs of each implementation.
        impls: which implementations to run (default: all, glassnet first).

    Returns:
        ``{"workload", "epochs", "timing", "threads", "<impl>_s" ..., "ratio"
        (= peer_s / glassnet_s, > 1 means glassnet is faster), "ratio_<impl>" for other
        references, "<impl>_first_loss", "<impl>_final_loss", "<impl>_test_accuracy",
        "<impl>_max_weight_diff_vs_<peer>"}``.

    Raises:
        KeyError: for an unknown workload or implementation.
        ImportError: when a peer library (torch, scikit-learn) is missing.
    """
    workload = get_workload(name)
    epochs = workload.default_epochs if epochs is None else epochs
    impls = tuple(workload.runners) if impls is None else tuple(impls)
    unknown = [impl for impl in impls if impl not in workload.runners]
    if unknown:
        raise KeyError(
            f"run_workload: {name!r} has no implementation {unknown[0]!r}. "
            f"Known: {', '.join(workload.runners)}."
        )
    problem = workload.make_problem()
    times: dict[str, list[float]] = {impl: [] for impl in impls}
    results: dict[str, TrainResult] = {}
    with _single_thread(uses_torch="torch" in impls):
        for impl in impls:
            workload.runners[impl](problem, min(WARMUP_EPOCHS, epochs))
        for _ in range(repeat):
            for impl in impls:
                start = time.perf_counter()
                results[impl] = workload.runners[impl](problem, epochs)
                times[impl].append(time.perf_counter() - start)
    best = {impl: min(seconds) for impl, seconds in times.items()}
    return _record(name, epochs, repeat, workload.peer, best, results)


@contextlib.contextmanager
def _single_thread(*, uses_torch: bool) -> Iterator[None]:
    """Hold BLAS/OpenMP pools and torch's intra-op pool at one thread, then restore them.

    ``python -m benchmarks.run`` also sets the *_NUM_THREADS variables before NumPy loads;
    this covers callers (tests, notebooks) that imported NumPy first.
    """
    with contextlib.ExitStack() as stack:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # threadpoolctl ships with scikit-learn; env vars still apply
            pass
        else:
            stack.enter_context(threadpool_limits(limits=THREADS))
        if uses_torch:
            torch = require_torch()
            previous = torch.get_num_threads()
            torch.set_num_threads(THREADS)
            stack.callback(torch.set_num_threads, previous)
        yield


def _sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _record(
    name: str,
    epochs: int,
    repeat: int,
    peer: str,
    best: dict[str, float],
    results: dict[str, TrainResult],
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "workload": name,
        "epochs": epochs,
        "timing": f"best of {repeat} wall times (time.perf_counter), after an untimed warm-up",
        "threads": THREADS,
    }
    record.update({f"{impl}_s": _sig(seconds) for impl, seconds in best.items()})
    if "glassnet" in best and peer in best:
        record["peer"] = peer
        record["ratio"] = _sig(best[peer] / best["glassnet"], 3)
        for impl in best:
            if impl not in ("glassnet", peer):
                record[f"ratio_{impl}"] = _sig(best[impl] / best["glassnet"], 3)
    for impl, result in results.items():
        record[f"{impl}_first_loss"] = _sig(result.first_loss, 6)
        record[f"{impl}_final_loss"] = _sig(result.final_loss, 6)
        record[f"{impl}_test_accuracy"] = _sig(result.test_accuracy, 6)
        if impl != peer and peer in results:
            diff = max(
                float(np.max(np.abs(mine - theirs)))
                for mine, theirs in zip(result.weights, results[peer].weights)
            )
            record[f"{impl}_max_weight_diff_vs_{peer}"] = _sig(diff, 3)
    return record
