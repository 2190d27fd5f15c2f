"""The ``glassnet`` command. ``glassnet demo`` trains a small network and reports."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="glassnet: neural networks on NumPy where every gradient is in view.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo", help="train a small network on two moons and show what it learned"
    )
    demo.add_argument("--epochs", type=int, default=1000, help="training epochs (default 1000)")
    demo.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    demo.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``glassnet`` console script; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from glassnet.demos import moons_demo

        if args.epochs < 5:
            parser.error(f"demo: expected --epochs >= 5, got {args.epochs}.")
        moons_demo(epochs=args.epochs, lr=args.lr, seed=args.seed)
        return 0
    parser.print_help()
    return 0
