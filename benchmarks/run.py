"""Command line: ``python -m benchmarks.run [WORKLOAD ...] [--repeat N] [--epochs N] [--impls A,B]
[--samples N] [--threads N] [--memory]``.

Prints one JSON line per workload (see ``benchmarks.runner.run_workload`` for the timing fields
and ``benchmarks.memory.measure_memory`` for the ``--memory`` ones).
"""

import os
import sys


def _threads_from(argv: list[str]) -> str:
    """The value of ``--threads`` (default 1), read before NumPy loads."""
    for i, arg in enumerate(argv):
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
    return "1"


# why: BLAS and OpenMP read these once, when NumPy / PyTorch load, so they must be set before
# either is imported. Every implementation gets the same thread count, so the ratio compares
# the libraries, not how many cores each one happens to grab.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_from(sys.argv[1:])

import argparse  # noqa: E402
import json  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from benchmarks.memory import measure_memory  # noqa: E402
from benchmarks.runner import run_workload  # noqa: E402
from benchmarks.workloads import REGISTRY  # noqa: E402


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time glassnet against its peers (threads pinned), one JSON line per workload.",
    )
    parser.add_argument(
        "workloads", nargs="*", metavar="WORKLOAD", help=f"default: all of {', '.join(REGISTRY)}"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs each (best is kept)")
    parser.add_argument("--epochs", type=int, default=None, help="override the epoch count")
    parser.add_argument(
        "--impls", default=None, help="comma-separated implementations to run (default: all)"
    )
    parser.add_argument(
        "--samples", type=int, default=None, help="a smaller training set, for a quick look"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/OpenMP/torch threads for every library"
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="measure peak memory (each implementation in its own process) instead of time",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.workloads if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown workload {unknown[0]!r}. Known: {', '.join(REGISTRY)}.")
    for flag in ("repeat", "epochs", "samples", "threads"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            parser.error(f"--{flag} must be at least 1, got {value}.")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen workloads (all when none is named) and print one JSON line each."""
    args = _parse(argv)
    impls = None if args.impls is None else tuple(args.impls.split(","))
    for name in args.workloads or list(REGISTRY):
        options = {"epochs": args.epochs, "impls": impls, "samples": args.samples}
        if args.memory:
            record = measure_memory(name, threads=args.threads, **options)
        else:
            record = run_workload(name, repeat=args.repeat, threads=args.threads, **options)
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
