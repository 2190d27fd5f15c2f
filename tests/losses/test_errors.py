"""Every error a loss raises, with its message."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import losses
from glassnet.errors import ConfigError, ShapeError

BAD_ARGUMENTS = [
    (losses.Huber, {"delta": 0.0}, "The 'delta' argument of Huber must be a float > 0. Got 0.0."),
    (losses.BinaryCrossentropy, {"label_smoothing": 1.5}, "The 'label_smoothing' argument of BinaryCrossentropy must be a float in \\[0, 1\\]. Got 1.5."),
    (losses.BinaryCrossentropy, {"from_logits": "yes"}, "The 'from_logits' argument of BinaryCrossentropy must be a bool. Got 'yes'."),
    (losses.CategoricalCrossentropy, {"axis": 1.0}, "The 'axis' argument of CategoricalCrossentropy must be an int. Got 1.0."),
    (losses.BinaryFocalCrossentropy, {"alpha": -0.1}, "The 'alpha' argument of BinaryFocalCrossentropy must be a float in \\[0, 1\\]"),
    (losses.BinaryFocalCrossentropy, {"gamma": -1}, "The 'gamma' argument of BinaryFocalCrossentropy must be a float >= 0"),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": 1}, "The 'apply_class_balancing' argument of BinaryFocalCrossentropy must be a bool"),
    (losses.ContrastiveLoss, {"margin": -1.0}, "The 'margin' argument of ContrastiveLoss must be a float >= 0"),
    (losses.TripletLoss, {"margin": float("nan")}, "The 'margin' argument of TripletLoss must be a float >= 0"),
    (losses.SparseCategoricalCrossentropy, {"ignore_class": 1.5}, "The 'ignore_class' argument of SparseCategoricalCrossentropy must be an int or None"),
    (losses.WeightedBinaryCrossentropy, {"pos_weight": 0.0}, "The 'pos_weight' argument of WeightedBinaryCrossentropy must be a float > 0 or a 1-D array"),
    (losses.WeightedBinaryCrossentropy, {"pos_weight": [[1.0]]}, "The 'pos_weight' argument of WeightedBinaryCrossentropy must be"),
]  # fmt: skip


@pytest.mark.parametrize("cls, kwargs, match", BAD_ARGUMENTS)
def test_loss_constructor_rejects_bad_arguments(cls, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        cls(**kwargs)


def test_loss_function_rejects_bad_arguments_too():
    with pytest.raises(ConfigError, match="The 'delta' argument of huber must be a float > 0"):
        losses.huber([1.0], [1.0], delta=-1)


def test_categorical_crossentropy_needs_a_classes_axis():
    with pytest.raises(ShapeError, match=r"categorical_crossentropy: expected y_pred of shape "):
        losses.categorical_crossentropy([0.0, 1.0], [0.2, 0.8])


def test_categorical_crossentropy_axis_out_of_range():
    with pytest.raises(ShapeError, match="axis 2 is out of range for y_pred of rank 2"):
        losses.categorical_crossentropy(np.eye(3), np.eye(3), axis=2)


def test_categorical_crossentropy_single_class_warns():
    with pytest.warns(UserWarning, match="expected y_pred with 2 or more classes"):
        losses.categorical_crossentropy(np.ones((4, 1)), np.ones((4, 1)))


def test_sparse_crossentropy_label_out_of_range():
    with pytest.raises(ShapeError, match=r"expected class ids in \[0, 2\] .* got 3\."):
        losses.sparse_categorical_crossentropy([0, 3], np.full((2, 3), 1 / 3))
    with pytest.raises(ShapeError, match=r"got -1\."):
        losses.sparse_categorical_crossentropy([0, -1], np.full((2, 3), 1 / 3))


def test_sparse_crossentropy_ignore_class_is_not_out_of_range():
    out = losses.sparse_categorical_crossentropy([0, 255], np.full((2, 3), 1 / 3), ignore_class=255)
    np.testing.assert_allclose(out.numpy(), [np.log(3), 0.0], rtol=1e-6)


def test_sparse_crossentropy_non_integer_labels():
    with pytest.raises(ShapeError, match="expected integer class ids in y_true"):
        losses.sparse_categorical_crossentropy([0.5, 1.0], np.full((2, 3), 1 / 3))


def test_sparse_crossentropy_one_hot_targets_point_to_categorical():
    with pytest.raises(ShapeError, match=r"y_true has shape \(2, 3\) but y_pred has shape \(2, 3\)"
                       r"\. Expected integer class ids of shape \(2,\)"):  # fmt: skip
        losses.sparse_categorical_crossentropy(np.eye(3)[:2], np.full((2, 3), 1 / 3))


def test_sparse_crossentropy_needs_a_classes_axis():
    with pytest.raises(ShapeError, match="expected y_pred of shape \\(N, ..., C\\)"):
        losses.sparse_categorical_crossentropy([1], [0.2, 0.8])


def test_weighted_bce_pos_weight_must_match_outputs():
    with pytest.raises(ShapeError, match=r"pos_weight has shape \(3,\) but y_pred has 2 outputs"):
        losses.weighted_binary_crossentropy(np.ones((4, 2)), np.full((4, 2), 0.5), [1.0, 2, 3])


def test_triplet_loss_needs_stacked_embeddings():
    with pytest.raises(ShapeError, match=r"expected y_pred of shape \(N, 3, F\).*got \(4, 2, 5\)"):
        losses.triplet_loss(None, np.zeros((4, 2, 5)))


def test_triplet_margin_loss_needs_equal_shapes():
    with pytest.raises(ShapeError, match="expected anchor, positive and negative of one shape"):
        losses.triplet_margin_loss(np.zeros((4, 2)), np.zeros((4, 2)), np.zeros((4, 3)))


def test_cosine_similarity_needs_vectors():
    with pytest.raises(ShapeError, match="cosine_similarity: expected y_pred of shape"):
        losses.cosine_similarity([1.0, 0.0], [0.0, 1.0])
