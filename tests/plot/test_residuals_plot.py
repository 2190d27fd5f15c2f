"""plot_residuals: the three panels plot the right numbers; a model works as well as arrays."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pytest.importorskip("sklearn")


from glassnet import keras  # noqa: E402
from glassnet.errors import ShapeError  # noqa: E402
from glassnet.plot import plot_residuals  # noqa: E402


def test_panels_show_predictions_and_residuals(rng, tmp_path):
    y_true = rng.normal(size=(80, 1))
    y_pred = (y_true[:, 0] + 0.2 * rng.normal(size=80)).astype(np.float32)
    fig = plot_residuals(y_true, y_pred, bins=10, to_file=tmp_path / "residuals.png")
    fit_ax, res_ax, hist_ax = fig.axes
    residuals = y_true[:, 0] - y_pred.astype(np.float64)
    np.testing.assert_allclose(fit_ax.collections[0].get_offsets(), np.c_[y_true, y_pred])
    np.testing.assert_allclose(res_ax.collections[0].get_offsets(), np.c_[y_pred, residuals])
    counts = [patch.get_height() for patch in hist_ax.patches]
    np.testing.assert_array_equal(counts, np.histogram(residuals, bins=10)[0])
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    r2 = 1 - np.sum(residuals**2) / np.sum((y_true[:, 0] - y_true.mean()) ** 2)
    assert f"R² {r2:.4g}" in fig.texts[0].get_text()
    assert (tmp_path / "residuals.png").stat().st_size > 5000


def test_takes_a_model(rng):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(20, 3)).astype(np.float32), rng.normal(size=(20, 2))
    fig = plot_residuals(model, x, y)
    pooled = np.c_[y.ravel(), model.predict(x).ravel()]
    np.testing.assert_allclose(fig.axes[0].collections[0].get_offsets(), pooled, rtol=1e-6)


def test_mismatched_shapes_are_refused():
    with pytest.raises(ShapeError, match=r"got \(3,\) and \(3, 2\)"):
        plot_residuals([1.0, 2.0, 3.0], np.zeros((3, 2)))
