"""plot_decision_boundary: the shading is model.predict on the grid; points, legend, labels."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


import glassnet  # noqa: E402
from glassnet import keras  # noqa: E402
from glassnet.errors import ShapeError  # noqa: E402
from glassnet.plot import decision_grid, plot_decision_boundary  # noqa: E402


def _grid_of(image):
    """The grid points at the pixel centres of an image drawn with origin='lower'."""
    left, right, bottom, top = image.get_extent()
    rows, cols = image.get_array().shape
    xs = left + (np.arange(cols) + 0.5) * (right - left) / cols
    ys = bottom + (np.arange(rows) + 0.5) * (top - bottom) / rows
    return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(np.float32)


def _classifier(units, activation, seed=0):
    glassnet.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(units, activation=activation)])  # fmt: skip
    model.compile(optimizer="adam", loss="mse")
    return model


def test_binary_shading_is_the_sigmoid_output_on_the_grid(rng, tmp_path):
    model = _classifier(1, "sigmoid")
    x = rng.normal(size=(60, 2)).astype(np.float32)
    y = rng.integers(0, 2, 60)
    fig = plot_decision_boundary(model, x, y, resolution=50, to_file=tmp_path / "b.png")
    ax = fig.axes[0]
    image = ax.images[0]
    expected = model.predict(_grid_of(image))[:, 0].reshape(50, 50)
    np.testing.assert_allclose(image.get_array(), expected, atol=1e-6)
    assert ax.get_xlabel() == "x[0]" and ax.get_ylabel() == "x[1]"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    np.testing.assert_array_equal(ax.collections[-2].get_offsets(), x[y == 0])
    assert fig.axes[1].get_ylabel() == "P(class 1)"  # the colour bar
    assert (tmp_path / "b.png").stat().st_size > 5000


def test_softmax_regions_are_the_argmax_on_the_grid(rng):
    model = _classifier(3, "softmax")
    x = rng.normal(size=(90, 2)).astype(np.float32) * 3
    y = np.eye(3)[rng.integers(0, 3, 90)]  # one-hot labels work too
    fig = plot_decision_boundary(model, x, y, class_names=["a", "b", "c"], resolution=40)
    ax = fig.axes[0]
    image = ax.images[0]
    outputs = model.predict(_grid_of(image))
    np.testing.assert_array_equal(image.get_array(), outputs.argmax(1).reshape(40, 40))
    np.testing.assert_allclose(image.get_alpha().max(),
                               0.1 + 0.35 * (outputs.max() - 1 / 3) / (2 / 3), atol=1e-5)  # fmt: skip
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]


def test_grid_covers_the_points_with_a_margin():
    class Above:
        def predict(self, p):
            return (p[:, 1] > p[:, 0]).astype(np.float32)[:, None]

    xs, ys, probabilities = decision_grid(Above(), np.array([[0.0, 0.0], [1.0, 2.0]]), 11, 0.1)
    np.testing.assert_allclose([xs[0], xs[-1], ys[0], ys[-1]], [-0.1, 1.1, -0.2, 2.2])
    assert probabilities.shape == (11, 11, 1)
    assert probabilities[-1, 0, 0] == 1.0 and probabilities[0, -1, 0] == 0.0


def test_logits_are_turned_into_probabilities():
    class Logits:
        def __init__(self, columns):
            self.columns = columns

        def predict(self, p):
            return np.repeat(p[:, :1] * 10, self.columns, axis=1) * np.arange(1, self.columns + 1)

    points = np.array([[-1.0, 0.0], [1.0, 1.0]])
    _, _, sigmoid = decision_grid(Logits(1), points, 5)
    np.testing.assert_allclose(sigmoid[0, :, 0], 1 / (1 + np.exp(-10 * np.linspace(-1.2, 1.2, 5))))
    _, _, softmax = decision_grid(Logits(3), points, 5)
    np.testing.assert_allclose(softmax.sum(-1), 1.0)


def test_errors(rng):
    model = _classifier(1, "sigmoid")
    with pytest.raises(ShapeError, match=r"expected x of shape \(N, 2\), got \(5, 3\)"):
        plot_decision_boundary(model, np.zeros((5, 3)), [0] * 5)
    with pytest.raises(ShapeError, match="expected a label for each of the 5 points, got 4"):
        plot_decision_boundary(model, np.zeros((5, 2)), [0] * 4)
    with pytest.raises(TypeError, match="expected a model with a predict method"):
        plot_decision_boundary(np.zeros((5, 2)), np.zeros((5, 2)))


def test_points_without_labels_are_grey(rng):
    fig = plot_decision_boundary(_classifier(1, "sigmoid"), rng.normal(size=(10, 2)))
    assert fig.axes[0].get_legend() is None
    assert len(fig.axes[0].collections[-1].get_offsets()) == 10
