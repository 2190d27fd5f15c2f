"""Similarity and metric-learning losses: cosine similarity, contrastive and triplet losses.

``cosine_similarity`` follows Keras and returns the *negative* similarity (so minimising it
aligns the vectors). ``contrastive_loss`` is the classic margin loss for pairs (Hadsell et al.,
2006, in the form TensorFlow Addons used with Keras: label 1 = similar pair, no factor 1/2).
``triplet_margin_loss`` matches PyTorch's ``F.triplet_margin_loss`` (p=2, eps=1e-6).
"""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.errors import ShapeError
from glassnet.losses.base import (
    EPSILON,
    LOSSES,
    BuiltinLoss,
    as_prediction,
    check_args,
    class_axis,
    prepare_pair,
)
from glassnet.tensor import Tensor

__all__ = [
    "ContrastiveLoss",
    "CosineSimilarity",
    "TripletLoss",
    "contrastive_loss",
    "cosine_similarity",
    "triplet_loss",
    "triplet_margin_loss",
]

# PyTorch's pairwise_distance adds this to the difference, keeping sqrt away from 0.
_TRIPLET_EPS = 1e-6


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    # why: max(|x|^2, eps^2) keeps a zero vector at 0 (not nan) and its gradient finite.
    squared = ops.sum(x * x, axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared, EPSILON * EPSILON))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Negative cosine similarity along ``axis``: -1 for aligned vectors, 1 for opposite.

    Math:
        u_i    = y_true_i / max(|y_true_i|, 1e-7),  v_i = y_pred_i / max(|y_pred_i|, 1e-7)
        loss_i = -sum_j u_ij * v_ij
        dloss_i/dy_pred_i = -(u_i - (u_i . v_i) v_i) / |y_pred_i|

    A zero vector has similarity 0 to everything (and gets a zero gradient).

    Shape:
        y_true, y_pred: (N, ..., F) (vectors along ``axis``).  Output: shape without ``axis``.

    Example:
        >>> cosine_similarity([[0., 1.], [1., 1.], [1., 1.]], [[1., 0.], [1., 1.], [-1., -1.]])
        tensor([-0., -1.,  1.])
    """
    who = "cosine_similarity"
    check_args(who, axis=axis)
    y_true, y_pred = prepare_pair(who, y_true, y_pred, min_rank=2)
    axis = class_axis(who, axis, y_pred.ndim)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def contrastive_loss(y_true: Any, y_pred: Any, margin: float = 1.0) -> Tensor:
    """Contrastive loss for pairs: pull similar pairs together, push others beyond ``margin``.

    ``y_pred`` is the distance between the two embeddings of a pair (for example the output of
    a siamese network's Euclidean-distance layer), ``y_true`` is 1 for a similar pair and 0
    for a dissimilar one.

    Math:
        loss_i = mean_j y_true_ij * d_ij**2 + (1 - y_true_ij) * max(margin - d_ij, 0)**2
        dloss_i/dd_ij = (2 * y_true_ij * d_ij - 2 * (1 - y_true_ij) * max(margin - d_ij, 0)) / F
        (d = y_pred)

    Args:
        margin: the distance dissimilar pairs are pushed to, a float >= 0 (default 1.0).

    Shape:
        y_true, y_pred: (N,) or (N, 1) (any (N, ..., F) works, averaged over F).
        Output: (N, ...).

    Example:
        >>> contrastive_loss([1, 0], [0.5, 0.25]).numpy()
        array([0.25  , 0.5625], dtype=float32)
    """
    who = "contrastive_loss"
    check_args(who, margin=margin)
    y_true, y_pred = prepare_pair(who, y_true, y_pred)
    push = ops.relu(margin - y_pred)
    return ops.mean(y_true * y_pred * y_pred + (1.0 - y_true) * push * push, axis=-1)


def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: float = 1.0) -> Tensor:
    """Triplet loss: the anchor must be ``margin`` closer to the positive than the negative.

    Matches PyTorch's ``F.triplet_margin_loss(anchor, positive, negative, margin,
    reduction='none')`` (Euclidean distance, eps=1e-6 added to the difference as
    ``F.pairwise_distance`` does).

    Math:
        d(x, y) = sqrt(sum_j (x_j - y_j + 1e-6)**2)
        loss_i  = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)

    Args:
        anchor, positive, negative: embeddings of one shape.
        margin: a float >= 0 (default 1.0).

    Shape:
        anchor, positive, negative: (N, F).  Output: (N,).

    Raises:
        ShapeError: if the three shapes differ or are not (N, F).
    """
    who = "triplet_margin_loss"
    check_args(who, margin=margin)
    a, p, n = (as_prediction(who, x) for x in (anchor, positive, negative))
    if a.ndim != 2 or a.shape != p.shape or a.shape != n.shape:
        raise ShapeError(
            f"{who}: expected anchor, positive and negative of one shape (N, F), got "
            f"{a.shape}, {p.shape} and {n.shape}. Pass one embedding per row for each."
        )
    return ops.relu(_distance(a, p) - _distance(a, n) + margin)


def _distance(x: Tensor, y: Tensor) -> Tensor:
    diff = x - y + _TRIPLET_EPS
    return ops.sqrt(ops.sum(diff * diff, axis=-1))


def triplet_loss(y_true: Any, y_pred: Any, margin: float = 1.0) -> Tensor:
    """``triplet_margin_loss`` in the ``(y_true, y_pred)`` form that ``compile`` calls.

    The model stacks the three embeddings of each triplet on axis 1; ``y_true`` is ignored
    (pass None, or any placeholder targets ``fit`` needs).

    Math:
        loss_i = triplet_margin_loss(y_pred[i, 0], y_pred[i, 1], y_pred[i, 2], margin)

    Shape:
        y_pred: (N, 3, F) = [anchor, positive, negative] per sample.  Output: (N,).

    Raises:
        ShapeError: if y_pred is not (N, 3, F).
    """
    who = "triplet_loss"
    check_args(who, margin=margin)
    y_pred = as_prediction(who, y_pred)
    if y_pred.ndim != 3 or y_pred.shape[1] != 3:
        raise ShapeError(
            f"{who}: expected y_pred of shape (N, 3, F) stacking anchor, positive and negative "
            f"embeddings, got {y_pred.shape}. Stack them with ops.stack([a, p, n], axis=1)."
        )
    return triplet_margin_loss(y_pred[:, 0], y_pred[:, 1], y_pred[:, 2], margin=margin)


@LOSSES.register("cosine_similarity", "CosineSimilarity")
class CosineSimilarity(BuiltinLoss):
    """Negative cosine similarity along ``axis``; see ``cosine_similarity`` and ``Loss`` for
    ``reduction``."""

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "cosine_similarity",
    ):
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=axis)


@LOSSES.register("contrastive_loss", "contrastive", "ContrastiveLoss")
class ContrastiveLoss(BuiltinLoss):
    """Contrastive loss for pair distances; see ``contrastive_loss`` and ``Loss``."""

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "contrastive_loss",
    ):
        super().__init__(contrastive_loss, reduction=reduction, name=name, margin=margin)


@LOSSES.register("triplet_loss", "triplet_margin_loss", "TripletLoss")
class TripletLoss(BuiltinLoss):
    """Triplet margin loss on stacked ``(N, 3, F)`` embeddings; see ``triplet_loss`` and
    ``Loss`` for ``reduction``."""

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "triplet_loss",
    ):
        super().__init__(triplet_loss, reduction=reduction, name=name, margin=margin)
