"""RBF networks: fit sin(x) with 10 Gaussian kernels, and classify the two moons.

The centres start where k-means puts them on the training inputs, the widths from their
spacing; then gradient descent trains the read-out together with centres and widths.

Run:
    python examples/rbf_network.py [--quick] [--out DIR]

It prints the test MSE on sin(x) and the held-out accuracy on the moons, and writes
rbf_sine.png (fit and kernels) and rbf_moons.png (decision boundary with the centres)
to DIR (default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import glassnet  # noqa: E402
from glassnet.plot import plot_decision_boundary  # noqa: E402
from glassnet.zoo import RBFNetwork  # noqa: E402


def sine(out: pathlib.Path, epochs: int) -> None:
    x = np.linspace(-3, 3, 200, dtype=np.float32)[:, None]
    model = RBFNetwork(10)
    model.compile(optimizer=glassnet.optimizers.Adam(0.05), loss="mse")
    model.fit(x, np.sin(x), epochs=epochs, batch_size=32, verbose=0)
    x_test = np.random.default_rng(1).uniform(-3, 3, (500, 1)).astype(np.float32)
    mse = float(((model.predict(x_test, verbose=0) - np.sin(x_test)) ** 2).mean())
    print(f"sin(x) on [-3, 3], 10 kernels: test MSE {mse:.2e}")
    grid = np.linspace(-3.5, 3.5, 300, dtype=np.float32)[:, None]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    top.plot(grid, np.sin(grid), "k--", label="sin(x)")
    top.plot(grid, model.predict(grid, verbose=0), label="RBF network")
    top.legend()
    top.set_title(f"fit (test MSE {mse:.1e})")
    kernels = model.rbf(grid).numpy() * model.layers[1].kernel.numpy()[:, 0]
    bottom.plot(grid, kernels)
    bottom.set_title("each kernel times its output weight (they sum to the fit minus bias)")
    fig.tight_layout()
    fig.savefig(out / "rbf_sine.png", dpi=100)


def moons(out: pathlib.Path, epochs: int) -> None:
    from sklearn.model_selection import train_test_split

    x, y = glassnet.datasets.moons(1000, noise=0.2, random_state=0)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.3, random_state=0, stratify=y
    )
    model = RBFNetwork(20, 2, task="classification")
    model.compile(optimizer=glassnet.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    accuracy = float((model.predict(x_test, verbose=0).argmax(1) == y_test).mean())
    print(f"moons, 20 kernels: held-out accuracy {accuracy:.3f}")
    fig = plot_decision_boundary(model, x_test, y_test)
    centers = model.rbf.centers.numpy()
    fig.axes[0].scatter(centers[:, 0], centers[:, 1], marker="x", c="k", s=60, label="centres")
    fig.axes[0].set_title(f"RBF network on held-out moons (accuracy {accuracy:.3f})")
    fig.savefig(out / "rbf_moons.png", dpi=100, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (a smoke run)")
    parser.add_argument("--out", default="examples_output", help="folder for the plots")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    glassnet.utils.set_random_seed(0)
    sine(out, 10 if args.quick else 60)
    moons(out, 3 if args.quick else 30)
    print(f"plots in {out}/")


if __name__ == "__main__":
    main()
