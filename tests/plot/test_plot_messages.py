"""Error messages of glassnet.plot that its other tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from glassnet.errors import ShapeError  # noqa: E402
from glassnet.plot import confusion_matrix, plot_image_grid  # noqa: E402
from glassnet.plot.decision_boundary import decision_grid  # noqa: E402


class _WrongOutputs:
    """A model whose predict returns one value per point in a shape of its own."""

    def predict(self, points):
        return np.zeros((len(points), 2, 2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: confusion_matrix(np.zeros((2, 2, 2)), np.zeros(2)), ShapeError,
         r"confusion_matrix: expected y_true as class ids \(N,\) or one row of scores per sample "
         r"\(N, K\), got shape \(2, 2, 2\)\."),
        (lambda: confusion_matrix(np.array([0, -1]), np.array([0, 1])), ValueError,
         r"confusion_matrix: expected class ids >= 0, got -1\. Number the classes 0 to K - 1 "
         r"\(for example with sklearn's LabelEncoder\)\."),
        (lambda: decision_grid(_WrongOutputs(), np.ones((3, 2)), resolution=4), ShapeError,
         r"plot_decision_boundary: expected the model to output \(M, 1\) or \(M, K\) scores for "
         r"M = 16 points, got shape \(16, 2, 2\)\."),
        (lambda: plot_image_grid(np.zeros((0, 4, 4)), np.zeros(0, int)), ShapeError,
         r"plot_image_grid: expected at least one image, got none\."),
    ],
)  # fmt: skip
def test_plot_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
