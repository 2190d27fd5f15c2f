"""plot_timestep_importance: bars of the importances, the input with its top steps shaded."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


import glassnet  # noqa: E402
from glassnet.errors import ShapeError  # noqa: E402
from glassnet.inspect import timestep_importance as compute  # noqa: E402
from glassnet.plot import plot_timestep_importance  # noqa: E402


def _model(a):
    return a[:, 2, 0] * 3.0 - a[:, 5, 0]


def test_bars_are_the_importances_and_top_steps_are_shaded(tmp_path):
    x = np.random.default_rng(0).normal(size=(50, 8, 1))
    fig = plot_timestep_importance(_model, x, top=3, to_file=tmp_path / "importance.png")
    assert not hasattr(glassnet.plot, "timestep_importance")  # numbers: glassnet.inspect
    input_ax, bar_ax = fig.axes
    heights = [patch.get_height() for patch in bar_ax.patches]
    np.testing.assert_allclose(heights, compute(_model, x))
    np.testing.assert_allclose(input_ax.lines[0].get_ydata(), x[0, :, 0])
    # Only steps 2 and 5 matter; step 5 scores a third of step 2 (>= a quarter: shaded).
    shaded = sorted(round(patch.get_x() + 0.5) for patch in input_ax.patches)
    assert shaded == [2, 5]
    assert bar_ax.get_title().endswith("top steps: 2, 5")
    assert bar_ax.get_ylabel() == "importance"
    assert (tmp_path / "importance.png").stat().st_size > 5000


def test_with_targets_the_axis_says_loss_increase():
    x = np.random.default_rng(1).normal(size=(30, 8, 1))
    fig = plot_timestep_importance(_model, x, _model(x), baseline="zero")
    assert fig.axes[-1].get_ylabel() == "loss increase"


def test_per_feature_importance_is_a_heat_map():
    importance = np.arange(12.0).reshape(6, 2)
    fig = plot_timestep_importance(importance, feature_names=["price", "volume"])
    image = fig.axes[0].images[0]
    np.testing.assert_array_equal(image.get_array(), importance.T)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["price", "volume"]
    # sums per step 1, 5, ..., 21: step 1 (5) is under a quarter of 21, so not listed
    assert fig.axes[0].get_title().endswith("top steps: 5, 4, 3, 2")


def test_bad_inputs_are_named():
    with pytest.raises(ShapeError, match=r"expected importances of shape \(T,\) or \(T, F\)"):
        plot_timestep_importance(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"expected x with the model, got none"):
        plot_timestep_importance(_model)
    with pytest.raises(ShapeError, match=r"expected x with 3 time steps .* got 8"):
        plot_timestep_importance([1.0, 2.0, 3.0], np.zeros((1, 8, 1)))
