"""plot_gradient_norms: one log-scale line per model, from snapshots, mappings or lists."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from glassnet.inspect import layer_statistics  # noqa: E402
from glassnet.layers import Dense  # noqa: E402
from glassnet.models import Sequential  # noqa: E402
from glassnet.plot import plot_gradient_norms  # noqa: E402


def test_lines_show_each_models_norms_on_a_log_axis(tmp_path):
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), np.float32), np.zeros((8, 2), np.float32)
    snap = layer_statistics(model, x, y)
    fig = plot_gradient_norms({"snapshot": snap, "list": [1e-9, 1e-3], "dict": {"a": 0.0}},
                              to_file=tmp_path / "g.png")  # fmt: skip
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    expected = [v["gradient_norm"] for v in snap["layers"].values()]
    np.testing.assert_allclose(lines["snapshot"].get_ydata(), expected)
    np.testing.assert_array_equal(lines["list"].get_xdata(), [1, 2])
    assert lines["dict"].get_ydata()[0] > 0  # a zero norm is drawn at the smallest float
    assert (tmp_path / "g.png").stat().st_size > 5000
    single = plot_gradient_norms([0.1, 0.2])
    assert [line.get_label() for line in single.axes[0].get_lines()] == ["model"]


def test_bad_norms_are_refused():
    with pytest.raises(ValueError, match="expected finite gradient norms >= 0, got nan"):
        plot_gradient_norms({"m": [0.1, float("nan")]})
    with pytest.raises(ValueError, match="expected gradient norms for 'm', got none"):
        plot_gradient_norms({"m": {"layers": {"flatten": {"gradient_norm": None}}}})
