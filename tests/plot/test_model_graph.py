"""plot_model: boxes and arrows follow the model's graph; the file is written."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from glassnet.keras import Input, Model, Sequential, layers  # noqa: E402
from glassnet.keras.utils import plot_model  # noqa: E402
from glassnet.plot.model_graph import model_graph  # noqa: E402


def _residual():
    x = Input(shape=(4,), name="x")
    h = layers.Dense(8, activation="relu", name="h")(x)
    skip = layers.Add(name="skip")([h, layers.Dense(8, name="d")(h)])
    return Model(x, layers.Dense(2, name="out")(skip))


def test_graph_has_the_skip_edge_and_shapes():
    boxes, edges = model_graph(_residual())
    names = [b["name"] for b in boxes]
    assert names == ["x", "h", "d", "skip", "out"]
    by = {n: i for i, n in enumerate(names)}
    assert set(edges) == {(by["x"], by["h"]), (by["h"], by["d"]), (by["h"], by["skip"]),
                          (by["d"], by["skip"]), (by["skip"], by["out"])}  # fmt: skip
    assert boxes[by["skip"]]["inputs"] == [(None, 8), (None, 8)]
    assert boxes[by["out"]]["outputs"] == [(None, 2)]


def test_plot_model_writes_the_file_and_labels_every_layer(tmp_path):
    target = tmp_path / "model.png"
    fig = plot_model(_residual(), to_file=str(target), show_shapes=True,
                     show_layer_activations=True, dpi=50)  # fmt: skip
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("h (Dense)") and "activation: relu" in t for t in texts)
    assert any("input: (N, 8), (N, 8)" in t for t in texts)
    assert target.stat().st_size > 1000
    matplotlib.pyplot.close(fig)


def test_sequential_chain_left_to_right_without_names():
    model = Sequential([layers.Dense(3, input_dim=2), layers.Dense(1)])
    fig = plot_model(model, to_file=None, show_layer_names=False, rankdir="LR")
    assert sorted(t.get_text() for t in fig.axes[0].texts if t.get_text()) == ["Dense", "Dense"]
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="expected rankdir 'TB' or 'LR', got 'BT'"):
        plot_model(model, to_file=None, rankdir="BT")
