"""Boundary checks of the losses that the loss fuzzing asked for, one test each."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import losses

RAGGED = [[1.0, 2.0], [3.0]]


@pytest.mark.parametrize("which", ["y_true", "y_pred"])
def test_loss_ragged_targets_are_a_type_error(which: str) -> None:
    good = np.ones((2, 2), np.float32)
    y_true, y_pred = (RAGGED, good) if which == "y_true" else (good, RAGGED)
    with pytest.raises(TypeError, match=rf"mean_squared_error: could not turn {which} into an"):
        losses.MeanSquaredError()(y_true, y_pred)


def test_loss_ragged_sample_weight_is_a_type_error() -> None:
    y = np.ones((2, 2), np.float32)
    with pytest.raises(TypeError, match=r"mean_squared_error: could not turn sample_weight into"):
        losses.MeanSquaredError()(y, y, sample_weight=RAGGED)


def test_sparse_categorical_crossentropy_ragged_labels_are_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"sparse_categorical_crossentropy: could not turn y_true"):
        losses.sparse_categorical_crossentropy(RAGGED, np.ones((2, 3), np.float32) / 3)
