"""A self-organizing map of the iris flowers, trained without their labels.

An 8 x 8 map (about 5 * sqrt(150) nodes) learns the four standardised measurements; the
species are used only afterwards, to label the nodes and to see that the map kept them apart.
MiniSom, when installed, trains with the same settings for comparison.

Run:
    python examples/som_iris.py [--quick] [--out DIR]

It prints the quantization and topographic errors (and MiniSom's), and how often a node's
majority species is the sample's own, and writes som_u_matrix.png and som_components.png
to DIR (default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import glassnet  # noqa: E402
from glassnet.plot import plot_component_planes, plot_u_matrix  # noqa: E402
from glassnet.zoo import SelfOrganizingMap  # noqa: E402

SETTINGS = {"sigma": 2.0, "learning_rate": 0.5}


def minisom_errors(x: np.ndarray, steps: int) -> tuple[float, float] | None:
    try:
        from minisom import MiniSom
    except ImportError:
        return None
    som = MiniSom(8, 8, x.shape[1], random_seed=0, **SETTINGS)
    som.pca_weights_init(x)
    som.train(x, steps, random_order=True)
    return som.quantization_error(x), som.topographic_error(x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps (a smoke run)")
    parser.add_argument("--out", default="examples_output", help="folder for the plots")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    steps = 300 if args.quick else 2000

    x, y, features, species = glassnet.datasets.iris(return_names=True)
    x = (x - x.mean(0)) / x.std(0)
    som = SelfOrganizingMap(8, 8, random_seed=0, **SETTINGS).fit(x, steps)
    qe, te = som.quantization_error(x), som.topographic_error(x)
    print(f"glassnet: quantization error {qe:.3f}, topographic error {te:.3f} ({steps} steps)")
    theirs = minisom_errors(x, steps)
    if theirs is not None:
        print(f"MiniSom:  quantization error {theirs[0]:.3f}, topographic error {theirs[1]:.3f}")
    nodes = som.node_labels(x, y)
    won = som.winners(x)
    purity = (nodes[won[:, 0], won[:, 1]] == y).mean()
    print(f"a sample's node's majority species is its own for {purity:.1%} of the flowers")
    names = np.array(species)[y]
    plot_u_matrix(som, x, names, to_file=out / "som_u_matrix.png")
    plot_component_planes(som, features, to_file=out / "som_components.png")
    print(f"plots in {out}/")


if __name__ == "__main__":
    main()
