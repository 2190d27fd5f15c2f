"""Why residual networks train: a 20-layer plain network against its residual twin.

Both networks have the same twenty Dense layers (width 32, sigmoid, glorot_uniform, the same
initial weights, Adam); the twin adds an identity shortcut around each pair of layers
(``ResidualBlock``). On scikit-learn's 8x8 digits the plain network's first layers receive a
gradient about a trillion times smaller than its last layers (each sigmoid passes at most a
quarter of it back), so it never leaves chance; the twin's gradient reaches every layer and it
learns.

Run:
    python examples/plain_vs_residual.py [--quick] [--out DIR]

It prints the per-layer gradient norms at initialisation and both models' loss and test
accuracy, and writes gradient_norms.png and history.png to DIR (default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import glassnet  # noqa: E402
from glassnet.inspect import layer_statistics  # noqa: E402
from glassnet.plot import plot_gradient_norms, plot_history  # noqa: E402
from glassnet.zoo.resnet import deep_mlp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 epochs instead of 40")
    parser.add_argument("--out", default="examples_output", help="folder for the plots")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    epochs = 5 if args.quick else 40

    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = (x[order] / 16.0).astype(np.float32), y[order]
    x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

    snapshots, histories = {}, {}
    for kind in ("plain", "residual"):
        glassnet.utils.set_random_seed(0)
        model = deep_mlp(64, 10, depth=20, width=32, residual=kind == "residual")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        snapshots[kind] = layer_statistics(model, x_train[:256], y_train[:256])
        norms = [v["gradient_norm"] for v in snapshots[kind]["layers"].values()
                 if v["gradient_norm"] is not None]  # fmt: skip
        print(f"{kind} gradient norms, input side first ({len(norms)} layers with weights):")
        print("   " + " ".join(f"{n:.1e}" for n in norms))
        print(f"   first / last hidden layer: {norms[0] / norms[-2]:.1e}")
        history = model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0,
                            validation_data=(x_test, y_test))  # fmt: skip
        histories[kind] = history
        loss = history.history["loss"]
        print(f"   loss {loss[0]:.3f} -> {loss[-1]:.3f}, test accuracy "
              f"{history.history['val_accuracy'][-1]:.3f} after {epochs} epochs")  # fmt: skip

    plot_gradient_norms(snapshots, title="Gradient norm per layer at initialisation "
                        "(residual: one point per block)", to_file=out / "gradient_norms.png")  # fmt: skip
    fig = plot_history(histories["residual"])
    fig.savefig(out / "history.png", dpi=100, bbox_inches="tight")
    print(f"wrote {out / 'gradient_norms.png'} and {out / 'history.png'}")


if __name__ == "__main__":
    main()
