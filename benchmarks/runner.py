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
    samples: int | None = None,
    threads: int = THREADS,
) -> dict[str, Any]:
    """Time each implementation of workload ``name`` and return one JSON-ready record.

    Every implementation trains on the same arrays from the same initial weights. Each first
    runs a short untimed warm-up (lazy imports, allocator, first-call caches), then the
    implementations take turns for ``repeat`` rounds, so slow drift of the machine hits them
    alike. The best (smallest) time of each, by ``time.perf_counter``, is reported: the whole
    call, or the part the workload times itself (``TrainResult.seconds``, e.g. ``fit`` alone).

    An implementation other than glassnet and the peer whose library is missing (Keras, say)
    is skipped, and the record says why under ``"skipped"``.

    Args:
        name: a key of ``benchmarks.workloads.REGISTRY``.
        epochs: training epochs; the workload's default when None.
        repeat: timed runs of each implementation.
        impls: which implementations to run (default: all, glassnet first).
        samples: a smaller training set for quick runs (the workload's full data when None).
        threads: BLAS / OpenMP / torch intra-op threads for every implementation.

    Returns:
        ``{"workload", "epochs", "timing", "threads", "<impl>_s" ..., "ratio"
        (= peer_s / glassnet_s, > 1 means glassnet is faster), "ratio_<impl>" for other
        references, "<impl>_first_loss", "<impl>_final_loss", "<impl>_test_accuracy",
        "<impl>_max_weight_diff_vs_<peer>", "skipped"}`` (``"samples"`` when given).

    Raises:
        KeyError: for an unknown workload or implementation.
        ImportError: when glassnet's peer library (torch) is missing.
    """
    workload = get_workload(name)
    epochs = workload.default_epochs if epochs is None else epochs
    impls = resolve_impls(name, impls)
    problem = workload.make_problem(samples=samples)
    times: dict[str, list[float]] = {}
    results: dict[str, TrainResult] = {}
    skipped: dict[str, str] = {}
    with pinned_threads(threads, uses_torch=bool({"torch", "keras"} & set(impls))):
        for impl in impls:
            try:
                workload.runners[impl](problem, min(WARMUP_EPOCHS, epochs))
            except ImportError as err:
                if impl in ("glassnet", workload.peer):
                    raise
                skipped[impl] = str(err)
        impls = tuple(impl for impl in impls if impl not in skipped)
        for _ in range(repeat):
            for impl in impls:
                start = time.perf_counter()
                results[impl] = workload.runners[impl](problem, epochs)
                wall = time.perf_counter() - start
                times.setdefault(impl, []).append(_timed(results[impl], wall))
    best = {impl: min(seconds) for impl, seconds in times.items()}
    record = _record(name, epochs, repeat, threads, workload.peer, best, results)
    if samples is not None:
        record["samples"] = samples
    if skipped:
        record["skipped"] = skipped
    return record


def resolve_impls(name: str, impls: Sequence[str] | None) -> tuple[str, ...]:
    """The implementations of workload ``name`` to run: ``impls`` checked, or all of them.

    Raises:
        KeyError: for an unknown workload or implementation (the message lists the known ones).
    """
    runners = get_workload(name).runners
    impls = tuple(runners) if impls is None else tuple(impls)
    unknown = [impl for impl in impls if impl not in runners]
    if unknown:
        raise KeyError(
            f"run_workload: {name!r} has no implementation {unknown[0]!r}. "
            f"Known: {', '.join(runners)}."
        )
    return impls


def _timed(result: TrainResult, wall: float) -> float:
    return wall if result.seconds is None else result.seconds


@contextlib.contextmanager
def pinned_threads(threads: int = THREADS, *, uses_torch: bool) -> Iterator[None]:
    """Hold BLAS/OpenMP pools and torch's intra-op pool at ``threads``, then restore them.

    ``python -m benchmarks.run`` also sets the *_NUM_THREADS variables before NumPy loads;
    this covers callers (tests, notebooks) that imported NumPy first.
    """
    with contextlib.ExitStack() as stack:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # threadpoolctl ships with scikit-learn; env vars still apply
            pass
        else:
            stack.enter_context(threadpool_limits(limits=threads))
        torch = _torch_if_installed() if uses_torch else None
        if torch is not None:
            previous = torch.get_num_threads()
            torch.set_num_threads(threads)
            stack.callback(torch.set_num_threads, previous)
        yield


def _torch_if_installed() -> Any:
    # why: when torch is missing, its half (or the Keras half) raises the helpful message.
    try:
        return require_torch()
    except ImportError:
        return None


def _sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _record(
    name: str,
    epochs: int,
    repeat: int,
    threads: int,
    peer: str,
    best: dict[str, float],
    results: dict[str, TrainResult],
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "workload": name,
        "epochs": epochs,
        "timing": f"best of {repeat} times (time.perf_counter), after an untimed warm-up",
        "threads": threads,
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
        if impl != peer and peer in results and result.weights and results[peer].weights:
            diff = max(
                float(np.max(np.abs(mine - theirs)))
                for mine, theirs in zip(result.weights, results[peer].weights)
            )
            record[f"{impl}_max_weight_diff_vs_{peer}"] = _sig(diff, 3)
    return record
