"""confusion_matrix (against scikit-learn) and plot_confusion_matrix (texts, axes, files)."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from glassnet.errors import ConfigError, ShapeError  # noqa: E402
from glassnet.plot import confusion_matrix, plot_confusion_matrix  # noqa: E402


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_matches_sklearn(rng, normalize):
    metrics = pytest.importorskip("sklearn.metrics")
    y_true = rng.integers(0, 5, 300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, rng.integers(0, 4, 300))
    ours = confusion_matrix(y_true, y_pred, num_classes=6, normalize=normalize)
    theirs = metrics.confusion_matrix(y_true, y_pred, labels=range(6), normalize=normalize)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_confusion_matrix_takes_probabilities_and_one_hot_rows():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    one_hot = np.array([[1, 0], [0, 1], [0, 1]])
    np.testing.assert_array_equal(confusion_matrix(one_hot, probabilities), [[1, 0], [1, 1]])


def test_confusion_matrix_thresholds_one_sigmoid_output_per_sample():
    sigmoid = np.array([[0.9], [0.2], [0.6], [0.4]], dtype=np.float32)
    np.testing.assert_array_equal(confusion_matrix([1, 0, 0, 1], sigmoid), [[1, 1], [1, 1]])
    np.testing.assert_array_equal(confusion_matrix([0, 2], [[0.0], [2.0]]), np.diag([1, 0, 1]))


def test_confusion_matrix_errors():
    with pytest.raises(ConfigError, match="expected normalize in"):
        confusion_matrix([0], [0], normalize="rows")
    with pytest.raises(ShapeError, match="expected as many predictions as labels, got 1 and 2"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="expected class ids below num_classes=2, got 2"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)


def test_heatmap_cells_show_counts_with_readable_colours():
    fig = plot_confusion_matrix([0, 0, 0, 1, 2], [0, 0, 1, 1, 0], class_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["2", "1", "0", "0", "1", "0", "1", "0", "0"]
    assert ax.texts[0].get_color() == "white" and ax.texts[1].get_color() == "black"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"
    assert ax.get_title() == "Confusion matrix"
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2, 1, 0], [0, 1, 0], [1, 0, 0]])


def test_normalized_heatmap_shows_fractions():
    fig = plot_confusion_matrix([0, 0, 0, 1], [0, 0, 1, 1], normalize="true")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.67", "0.33", "0.00", "1.00"]
    assert ax.get_title() == "Confusion matrix (normalized: true)"


def test_draws_into_given_axes_and_saves(tmp_path):
    fig, (left, right) = plt.subplots(1, 2)
    path = tmp_path / "cm.png"
    returned = plot_confusion_matrix([0, 1], [1, 1], ax=right, to_file=path)
    assert returned is fig and right.images and not left.images
    assert path.read_bytes()[:4] == b"\x89PNG"
