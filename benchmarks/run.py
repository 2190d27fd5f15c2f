"""Command line: ``python -m benchmarks.run [WORKLOAD ...] [--repeat N] [--epochs N] [--impls A,B]``.

Prints one JSON line per workload (see ``benchmarks.runner.run_workload`` for the fields).
"""

import os

# why: BLAS and OpenMP read these once, when NumPy / PyTorch load, so they must be set before
# either is imported. Every timing is single-threaded, so the ratio compares the libraries,
# not how many cores each one happens to grab.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from benchmarks.runner import run_workload  # noqa: E402
from benchmarks.workloads import REGISTRY  # noqa: E402


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time glassnet against its peers (1 thread), one JSON line per workload.",
    )
    parser.add_argument(
        "workloads", nargs="*", metavar="WORKLOAD", help=f"default: all of {', '.join(REGISTRY)}"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs each (best is kept)")
    parser.add_argument("--epochs", type=int, default=None, help="override the epoch count")
    parser.add_argument(
        "--impls", default=None, help="comma-separated implementations to run (default: all)"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.workloads if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown workload {unknown[0]!r}. Known: {', '.join(REGISTRY)}.")
    if args.repeat < 1 or (args.epochs is not None and args.epochs < 1):
        parser.error("--repeat and --epochs must be at least 1.")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen workloads (all when none is named) and print one JSON line each."""
    args = _parse(argv)
    for name in args.workloads or list(REGISTRY):
        impls = None if args.impls is None else tuple(args.impls.split(","))
        record = run_workload(name, epochs=args.epochs, repeat=args.repeat, impls=impls)
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
