"""plot_layer_distributions: draws LayerStatistics' records, history and snapshot alike."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


import glassnet  # noqa: E402
from glassnet import keras  # noqa: E402
from glassnet.plot import plot_layer_distributions  # noqa: E402

statistics = pytest.importorskip("glassnet.inspect.statistics")


@pytest.fixture(scope="module")
def trained():
    glassnet.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.float32)
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(8, activation="relu", name="hidden"),
        keras.layers.Dropout(0.1, name="drop"),
        keras.layers.Dense(1, activation="sigmoid", name="out"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="binary_crossentropy")
    stats = statistics.LayerStatistics()
    model.fit(x, y, epochs=4, batch_size=16, verbose=0, callbacks=[stats])
    return model, x, y, stats


def test_history_lines_and_bars_are_the_recorded_numbers(trained, tmp_path):
    _, _, _, stats = trained
    fig = plot_layer_distributions(stats, to_file=tmp_path / "layers.png")
    norm_ax, dead_ax, grad_ax, act_ax = fig.axes
    assert [ax.get_title() for ax in fig.axes] == [
        "Gradient norm", "Dead / saturated units",
        "Gradient values (of the weights)", "Activation values (layer outputs)",
    ]  # fmt: skip
    layers = stats.history["layers"]
    lines = {line.get_label(): line for line in norm_ax.lines}
    assert sorted(lines) == ["hidden", "out"]  # dropout has no weights, so no gradient
    np.testing.assert_allclose(lines["hidden"].get_ydata(), layers["hidden"]["gradient_norm"])
    np.testing.assert_array_equal(lines["hidden"].get_xdata(), [1, 2, 3, 4])
    assert norm_ax.get_yscale() == "log" and norm_ax.get_xlabel() == "epoch"
    dead = {line.get_label(): line for line in dead_ax.lines}
    assert sorted(dead) == ["hidden (dead)", "out (saturated)"]
    np.testing.assert_allclose(dead["out (saturated)"].get_ydata(),
                               layers["out"]["saturated_fraction"])  # fmt: skip
    ticks = [t.get_text() for t in act_ax.get_xticklabels()]
    assert ticks == ["hidden\nrelu", "drop", "out\nsigmoid"]
    for ax in fig.axes:
        assert ax.get_ylabel() and ax.get_legend() is not None
    assert (tmp_path / "layers.png").stat().st_size > 10000


def test_percentile_bars_span_the_recorded_percentiles(trained):
    _, _, _, stats = trained
    fig = plot_layer_distributions(stats.history, layers=["out"])
    act_ax = fig.axes[3]
    last = stats.history["layers"]["out"]["activation_percentiles"][-1]
    segments = [s for c in act_ax.collections for s in c.get_segments()]
    spans = sorted((round(s[0][1], 9), round(s[1][1], 9)) for s in segments if s[0][0] > 0)
    assert spans == sorted([(round(last[1], 9), round(last[5], 9)),
                            (round(last[2], 9), round(last[4], 9))])  # fmt: skip
    assert fig.axes[2].get_yscale() == "symlog"


def test_a_snapshot_gives_bars_per_layer(trained):
    model, x, y, _ = trained
    snapshot = statistics.layer_statistics(model, x, y)
    fig = plot_layer_distributions(snapshot)
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    expected = [snapshot["layers"][n]["gradient_norm"] for n in ("hidden", "out")]
    np.testing.assert_allclose(heights, expected)


def test_panels_say_when_there_is_nothing_to_show():
    record = {
        "layers": {"flat": {"activation": None, "activation_percentiles": [0, 1, 2, 3, 4, 5, 6]}}
    }
    fig = plot_layer_distributions(record)
    assert fig.axes[0].texts[0].get_text().startswith("no layer with trainable weights")
    assert fig.axes[1].texts[0].get_text() == "no ReLU, sigmoid or tanh layer"


def test_errors(trained):
    with pytest.raises(TypeError, match="expected LayerStatistics"):
        plot_layer_distributions({"hidden": {}})
    with pytest.raises(ValueError, match="statistics of at least one layer"):
        plot_layer_distributions({"epochs": [], "layers": {}})
    with pytest.raises(ValueError, match=r"got unknown \['nope'\]"):
        plot_layer_distributions(trained[3], layers=["nope"])
