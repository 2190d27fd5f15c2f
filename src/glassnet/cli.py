"""The ``glassnet`` command: ``demo``, ``train`` and ``summary``.

    glassnet demo [NAME]                      train a small network, report, write plots
    glassnet train data.csv --target COL      train on your own CSV and save the model
    glassnet summary model.glassnet           print a saved model's layers and weights

``glassnet COMMAND --help`` documents each one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

_DEMO_HELP = """\
Train a small network on a classic problem with a progress bar, print its metrics and the
training doctor's findings, and write plots (training history, decision boundary or
confusion matrix, per-layer gradients and activations) to the output folder.

demos:
{demos}
"""

_TRAIN_HELP = """\
Train a network on a CSV file of numbers (first row: column names) and save it.

The task follows from the target column: text, or whole numbers with at most 20 distinct
values, make a classifier (sigmoid output for two classes, softmax for more); anything else
a regression (linear output, mean squared error). Columns that are not numbers are left out
(with a note), and so are rows with missing values. The inputs are standardized with the
training rows' mean and standard deviation (a regression target too); the saved model
carries that scaling in Rescaling layers, so it takes raw CSV values and predicts in the
target's own units. 20% of the rows (chosen with --seed) are held out to test.

Writes, in --out: model.glassnet (load it with glassnet.load_model), model-info.json (the
columns, the task and the class names) and the plots.
"""


def _build_parser() -> argparse.ArgumentParser:
    from glassnet.demos import DEMOS

    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="glassnet: neural networks on NumPy where every gradient is in view.",
        epilog="Run 'glassnet COMMAND --help' for the options of each command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    listing = "\n".join(
        f"  {d.name:<11} {d.title}" + (f" (needs {d.needs})" if d.needs else "")
        for d in DEMOS.values()
    )
    demo = sub.add_parser(
        "demo", help="train a small network on a classic problem and show what it learned",
        description=_DEMO_HELP.format(demos=listing),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    demo.add_argument("name", nargs="?", default="moons", choices=list(DEMOS), metavar="NAME",
                      help="which demo (default: moons): " + ", ".join(DEMOS))  # fmt: skip
    demo.add_argument("--epochs", type=int, help="training epochs (default: the demo's own)")
    demo.add_argument("--lr", type=float, help="Adam's learning rate (default: the demo's own)")
    demo.add_argument("--seed", type=int, default=0, help="seed for weights and shuffling")
    demo.add_argument("--out", default="glassnet-demo",
                      help="folder for the plots (default: ./glassnet-demo)")  # fmt: skip
    demo.add_argument("--no-plots", action="store_true", help="write no plots")
    _add_train_parser(sub)
    summary = sub.add_parser(
        "summary", help="print the layers, shapes and weights of a saved model",
        description="Print the summary of a model saved with model.save (or glassnet train).",
    )  # fmt: skip
    summary.add_argument("path", help="the model file (.glassnet, .keras, .zip) or folder")
    return parser


def _add_train_parser(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser(
        "train", help="train a network on your own CSV file and save it",
        description=_TRAIN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    train.add_argument("csv", help="the CSV file (comma-separated, first row: column names)")
    train.add_argument("--target", required=True, help="the column to predict")
    train.add_argument("--hidden", default="64,32",
                       help="hidden layer sizes, comma-separated (default: 64,32)")  # fmt: skip
    train.add_argument("--epochs", type=int, default=100, help="training epochs (default: 100)")
    train.add_argument("--lr", type=float, default=0.001,
                       help="Adam's learning rate (default: 0.001)")  # fmt: skip
    train.add_argument("--batch-size", type=int, default=32, help="batch size (default: 32)")
    train.add_argument("--task", choices=("auto", "classification", "regression"),
                       default="auto", help="override the task chosen from the target")  # fmt: skip
    train.add_argument("--seed", type=int, default=0, help="seed for the split, weights, shuffling")
    train.add_argument("--out", default="glassnet-model",
                       help="folder for the model and plots (default: ./glassnet-model)")  # fmt: skip
    train.add_argument("--no-plots", action="store_true", help="write no plots")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``glassnet`` console script; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if getattr(args, "epochs", None) is not None and args.epochs < 1:
        parser.error(f"{args.command}: expected --epochs >= 1, got {args.epochs}.")
    try:
        if args.command == "demo":
            from glassnet.demos import run_demo

            run_demo(args.name, epochs=args.epochs, lr=args.lr, seed=args.seed,
                     out=None if args.no_plots else args.out)  # fmt: skip
        elif args.command == "train":
            from glassnet.train_csv import train_csv

            train_csv(args.csv, args.target, hidden=_sizes(parser, args.hidden),
                      epochs=args.epochs, lr=args.lr, batch_size=args.batch_size,
                      task=args.task, seed=args.seed, out=args.out,
                      plots=not args.no_plots)  # fmt: skip
        else:
            _summary(args.path)
    except (ImportError, OSError, ValueError) as err:
        # why: a missing package, file or column is the user's to fix: say what, no traceback
        print(f"glassnet {args.command}: {err}", file=sys.stderr)
        return 1
    return 0


def _sizes(parser: argparse.ArgumentParser, text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        parser.error(f"train: expected --hidden as positive sizes like 64,32, got {text!r}.")
    return sizes


def _summary(path: str) -> None:
    import json
    from pathlib import Path

    from glassnet.io import load_model

    model = load_model(path)
    model.summary()
    info = Path(path).parent / "model-info.json"
    if info.is_file():
        meta = json.loads(info.read_text())
        print(f"Trained by 'glassnet train' on {meta.get('csv')}: {meta.get('task')} of "
              f"'{meta.get('target')}' from {len(meta.get('features', []))} columns "
              f"({', '.join(meta.get('features', []))})")  # fmt: skip
        if meta.get("classes"):
            print(f"Classes: {', '.join(map(str, meta['classes']))}")
