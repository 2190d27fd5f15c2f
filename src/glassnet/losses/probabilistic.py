"""Probabilistic losses: cross-entropies (binary, weighted, focal, categorical, sparse), KL
divergence and Poisson.

Numerics, as in Keras: with ``from_logits=True`` the log-probabilities come straight from the
logits (log-sigmoid through ``softplus``, ``log_softmax`` for classes), so nothing overflows
for logits of +-1000. With probabilities, Keras renormalises class rows to sum to 1 and clips
probabilities to ``[1e-7, 1 - 1e-7]`` before the log, so a confident wrong answer costs at
most ``-log(1e-7) = 16.1`` (and gets no gradient past the clip). Everything stays in
``y_pred``'s dtype (float32 by default).

No fused softmax + cross-entropy backward: the composed ops give
``dloss/dlogits = softmax(logits) - y_true`` already, in one extra array.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.errors import ShapeError
from glassnet.losses._fused import binary_crossentropy_mean, sparse_crossentropy_from_logits
from glassnet.losses.base import (
    EPSILON,
    LOSSES,
    BuiltinLoss,
    Loss,
    LossFunctionWrapper,
    as_prediction,
    check_args,
    class_axis,
    prepare_pair,
    to_array,
)
from glassnet.tensor import Tensor

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "WeightedBinaryCrossentropy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "kl_divergence",
    "poisson",
    "sparse_categorical_crossentropy",
    "weighted_binary_crossentropy",
]


# ---------------------------------------------------------------- shared pieces
def _smooth_binary(y_true: Tensor, label_smoothing: float) -> Tensor:
    # Keras: squeeze the labels towards 0.5.
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y_true


def _binary_terms(y_pred: Tensor, from_logits: bool) -> tuple[Tensor, Tensor]:
    """``(-log p, -log(1 - p))`` for p = sigmoid(y_pred) (logits) or p = y_pred."""
    if from_logits:
        # why: -log(sigmoid(x)) = softplus(-x) and -log(1 - sigmoid(x)) = softplus(x); softplus
        # is computed as max(x, 0) + log1p(exp(-|x|)), so logits of +-1000 stay finite.
        return ops.softplus(-y_pred), ops.softplus(y_pred)
    # why: clip like Keras so log(0) never happens; the gradient is 0 beyond the clip.
    p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -ops.log(p), -ops.log(1.0 - p)


def _log_probs(y_pred: Tensor, axis: int, from_logits: bool) -> Tensor:
    """Log-probabilities along the classes axis."""
    if from_logits:
        return ops.log_softmax(y_pred, axis=axis)
    # why: Keras renormalises each row to sum to 1, then clips away log(0).
    p = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    return ops.log(ops.clip(p, EPSILON, 1.0 - EPSILON))


# ---------------------------------------------------------------- binary
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy, averaged over ``axis``.

    Math:
        t      = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
        p      = sigmoid(y_pred) if from_logits else clip(y_pred, 1e-7, 1 - 1e-7)
        loss_i = mean_j -(t_ij * log(p_ij) + (1 - t_ij) * log(1 - p_ij))
        dloss_i/dy_pred_ij = (p_ij - t_ij) / F                       (logits)
                             (p_ij - t_ij) / (p_ij (1 - p_ij) F)      (probabilities)

    Args:
        from_logits: ``y_pred`` holds logits (any real) rather than probabilities in [0, 1].
        label_smoothing: in [0, 1]; squeezes the labels towards 0.5.
        axis: the axis averaged over (the features axis).

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Raises:
        ConfigError: for a bad ``from_logits``, ``label_smoothing`` or ``axis``.
        ShapeError: if the shapes differ by more than a trailing axis of size 1.

    Example:
        >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().round(3)
        array([0.916, 0.714], dtype=float32)
    """
    check_args("binary_crossentropy", from_logits=from_logits, label_smoothing=label_smoothing,
               axis=axis)  # fmt: skip
    return _binary_crossentropy(y_true, y_pred, from_logits, label_smoothing, axis, False)


def _binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool, label_smoothing: float,
                         axis: int, batch_mean: bool) -> Tensor:  # fmt: skip
    """``binary_crossentropy`` after its argument checks; ``batch_mean=True`` also averages
    over the samples in the same node (the ``Loss`` class's unweighted mean)."""
    who = "binary_crossentropy"
    y_true, y_pred = prepare_pair(who, y_true, y_pred)
    t = _smooth_binary(y_true, label_smoothing)
    axis = class_axis(who, axis, y_pred.ndim)
    # why: one fused node instead of twelve (see losses/_fused.py); the same numbers.
    return binary_crossentropy_mean(t, y_pred, from_logits, EPSILON, None if batch_mean else axis)


def weighted_binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    pos_weight: Any = 1.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy whose positive term is scaled by ``pos_weight``.

    The same loss as PyTorch's ``BCEWithLogitsLoss(pos_weight=...)`` (with ``from_logits=True``):
    ``pos_weight > 1`` raises recall on rare positives, ``< 1`` raises precision.

    Math:
        t      = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
        loss_i = mean_j -(w_j * t_ij * log(p_ij) + (1 - t_ij) * log(1 - p_ij)),  w = pos_weight
        dloss_i/dx_ij = ((w_j t_ij + 1 - t_ij) p_ij - w_j t_ij) / F    (logits x)

    Args:
        pos_weight: a float > 0, or one per output (shape ``(F,)``).
        from_logits, label_smoothing, axis: as in ``binary_crossentropy``.

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  pos_weight: () or (F,).
        Output: (N, ...).

    Raises:
        ConfigError: if ``pos_weight`` is not positive.
        ShapeError: if the target shapes differ, or ``pos_weight`` has neither 1 nor F values.
    """
    who = "weighted_binary_crossentropy"
    check_args(who, pos_weight=pos_weight, from_logits=from_logits)
    check_args(who, label_smoothing=label_smoothing, axis=axis)
    y_true, y_pred = prepare_pair(who, y_true, y_pred)
    w = np.asarray(pos_weight.data if isinstance(pos_weight, Tensor) else pos_weight)
    if w.ndim == 1 and w.shape[0] != y_pred.shape[-1]:
        raise ShapeError(
            f"{who}: pos_weight has shape {w.shape} but y_pred has {y_pred.shape[-1]} outputs "
            f"on its last axis. Give one weight per output (shape ({y_pred.shape[-1]},)) or "
            "a single float."
        )
    t = _smooth_binary(y_true, label_smoothing)
    neg_log_p, neg_log_q = _binary_terms(y_pred, from_logits)
    weighted = ops.multiply(t, w.astype(y_pred.dtype)) * neg_log_p + (1.0 - t) * neg_log_q
    return ops.mean(weighted, axis=class_axis(who, axis, y_pred.ndim))


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Focal binary cross-entropy (Lin et al.): down-weights easy, well-classified samples.

    Math:
        t      = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
        p      = sigmoid(y_pred) if from_logits else y_pred
        bce    = -(t * log(p) + (1 - t) * log(1 - p))     (clipped as binary_crossentropy)
        p_t    = t * p + (1 - t) * (1 - p)
        a      = t * alpha + (1 - t) * (1 - alpha)   if apply_class_balancing else 1
        loss_i = mean_j a_ij * (1 - p_t_ij)**gamma * bce_ij

    The gradient comes from the ops above. With ``gamma=0`` and no class balancing this is
    ``binary_crossentropy``. NOTE: with ``from_logits=True`` the ``bce`` term uses the exact
    log-sigmoid (Keras clips ``sigmoid(y_pred)`` first); they differ only for |logits| > 16.

    Args:
        apply_class_balancing: weigh class 1 by ``alpha`` and class 0 by ``1 - alpha``.
        alpha: in [0, 1], default 0.25.
        gamma: the focusing exponent, >= 0, default 2.0.
        from_logits, label_smoothing, axis: as in ``binary_crossentropy``.

    Shape:
        y_true, y_pred: (N, ..., F), or (N,) with (N, 1).  Output: (N, ...).

    Example:
        >>> y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> binary_focal_crossentropy(y_true, y_pred).numpy().round(3)
        array([0.33 , 0.206], dtype=float32)
    """
    who = "binary_focal_crossentropy"
    check_args(who, apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma)
    check_args(who, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
    y_true, y_pred = prepare_pair(who, y_true, y_pred)
    t = _smooth_binary(y_true, label_smoothing)
    p = ops.sigmoid(y_pred) if from_logits else y_pred
    neg_log_p, neg_log_q = _binary_terms(y_pred, from_logits)
    bce = t * neg_log_p + (1.0 - t) * neg_log_q
    p_t = t * p + (1.0 - t) * (1.0 - p)
    focal = (1.0 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (t * alpha + (1.0 - t) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=class_axis(who, axis, y_pred.ndim))


# ---------------------------------------------------------------- categorical
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Cross-entropy between one-hot (or soft) targets and predicted class scores.

    Math:
        t      = y_true * (1 - label_smoothing) + label_smoothing / C
        log_p  = log_softmax(y_pred)                    if from_logits
                 log(clip(y_pred / sum_c y_pred, 1e-7, 1 - 1e-7))   otherwise
        loss_i = -sum_c t_ic * log_p_ic
        dloss_i/dy_pred_ic = softmax(y_pred)_ic * sum_c t_ic - t_ic     (logits)

    Args:
        from_logits: ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; mixes the targets with the uniform distribution.
        axis: the classes axis.

    Shape:
        y_true, y_pred: (N, ..., C) (classes on ``axis``).  Output: y_pred's shape without
        ``axis``.

    Raises:
        ConfigError: for a bad ``from_logits``, ``label_smoothing`` or ``axis``.
        ShapeError: if the shapes differ, y_pred has no classes axis, or ``axis`` is out
            of range.

    Example:
        >>> y_true = [[0, 1, 0], [0, 0, 1]]
        >>> categorical_crossentropy(y_true, [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy()
        array([0.0512..., 2.3025...], dtype=float32)
    """
    who = "categorical_crossentropy"
    check_args(who, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
    y_true, y_pred = prepare_pair(who, y_true, y_pred, min_rank=2)
    axis = class_axis(who, axis, y_pred.ndim)
    num_classes = y_pred.shape[axis]
    if num_classes == 1:
        warnings.warn(
            f"{who}: expected y_pred with 2 or more classes on axis {axis}, got shape "
            f"{y_pred.shape}; the loss is always 0. Use binary_crossentropy for one output.",
            stacklevel=2,
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return -ops.sum(y_true * _log_probs(y_pred, axis, from_logits), axis=axis)


def _sparse_labels(
    who: str, y_true: Any, y_pred: Tensor, axis: int, ignore_class: int | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Integer labels shaped like y_pred without its classes axis, plus the valid mask."""
    labels = to_array(who, "y_true", y_true)
    given = labels.shape
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1 :]
    if labels.ndim == y_pred.ndim and labels.shape[-1:] == (1,):
        labels = labels.reshape(labels.shape[:-1])
    if labels.shape != expected:
        raise ShapeError(
            f"{who}: y_true has shape {given} but y_pred has shape {y_pred.shape}. "
            f"Expected integer class ids of shape {expected} (or {expected + (1,)}), one per "
            "row of y_pred; for one-hot targets use categorical_crossentropy."
        )
    if labels.dtype.kind not in "biuf" or (
        labels.dtype.kind == "f" and not np.all(np.isfinite(labels) & (labels == np.round(labels)))
    ):
        raise ShapeError(
            f"{who}: expected integer class ids in y_true, got dtype {labels.dtype} with "
            "non-integer values. Pass labels such as [0, 2, 1]."
        )
    labels = labels.astype(np.int64)
    valid = None if ignore_class is None else labels != ignore_class
    checked = labels if valid is None else labels[valid]
    num_classes = y_pred.shape[axis]
    if checked.size and (checked.min() < 0 or checked.max() >= num_classes):
        bad = checked.min() if checked.min() < 0 else checked.max()
        raise ShapeError(
            f"{who}: expected class ids in [0, {num_classes - 1}] (y_pred has {num_classes} "
            f"classes on axis {axis}), got {bad}. Check the labels, or give the last layer "
            "one unit per class."
        )
    if valid is not None:
        labels = np.where(valid, labels, 0)
    return labels, valid


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Tensor:
    """Cross-entropy between integer class ids and predicted class scores.

    Math:
        log_p  = log-probabilities of y_pred as in ``categorical_crossentropy``
        loss_i = -log_p[i, y_true_i]                  (0 where y_true_i == ignore_class)
        dloss_i/dy_pred_ic = softmax(y_pred)_ic - [c == y_true_i]       (logits)

    Args:
        from_logits: ``y_pred`` holds logits rather than probabilities.
        ignore_class: a class id whose samples get loss 0 (``SparseCategoricalCrossentropy``
            also leaves them out of the mean), as Keras's ``ignore_class``.
        axis: the classes axis of y_pred.

    Shape:
        y_true: y_pred's shape without ``axis`` (for example (N,)), or that with a trailing 1.
        y_pred: (N, ..., C).  Output: y_true's shape without the trailing 1.

    Raises:
        ShapeError: if y_true does not have one label per row of y_pred, or a label is not
            an integer in [0, C - 1].

    Example:
        >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy()
        array([0.0512..., 2.3025...], dtype=float32)
    """
    who = "sparse_categorical_crossentropy"
    check_args(who, from_logits=from_logits, ignore_class=ignore_class, axis=axis)
    y_pred = as_prediction(who, y_pred)
    if y_pred.ndim < 2:
        raise ShapeError(
            f"{who}: expected y_pred of shape (N, ..., C) with classes on axis {axis}, got "
            f"shape {y_pred.shape}. Add the batch axis, for example y[None, :] for one sample."
        )
    axis = class_axis(who, axis, y_pred.ndim)
    labels, valid = _sparse_labels(who, y_true, y_pred, axis, ignore_class)
    if from_logits:  # why: one fused node instead of four (see losses/_fused.py)
        losses = sparse_crossentropy_from_logits(labels, y_pred, axis)
    else:
        classes = [1] * y_pred.ndim
        classes[axis] = y_pred.shape[axis]
        one_hot = np.expand_dims(labels, axis) == np.arange(y_pred.shape[axis]).reshape(classes)
        losses = -ops.sum(ops.multiply(_log_probs(y_pred, axis, False), one_hot), axis=axis)
    if valid is not None:
        losses = ops.multiply(losses, valid)
    return losses


# ---------------------------------------------------------------- distributions, counts
def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """Kullback-Leibler divergence KL(y_true || y_pred), summed over the last axis.

    Math:
        t, p   = clip(y_true, 1e-7, 1), clip(y_pred, 1e-7, 1)
        loss_i = sum_j t_ij * log(t_ij / p_ij)
        dloss_i/dy_pred_ij = -t_ij / p_ij        (0 where y_pred is clipped)

    Shape:
        y_true, y_pred: (N, ..., F) probability distributions on the last axis.
        Output: (N, ...).
    """
    who = "kl_divergence"
    y_true, y_pred = prepare_pair(who, y_true, y_pred, min_rank=2)
    t = ops.clip(y_true, EPSILON, 1.0)
    p = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(t * (ops.log(t) - ops.log(p)), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """Poisson negative log-likelihood (without the constant log(y_true!)), mean over last axis.

    Math:
        loss_i = mean_j (y_pred_ij - y_true_ij * log(y_pred_ij + 1e-7))
        dloss_i/dy_pred_ij = (1 - y_true_ij / (y_pred_ij + 1e-7)) / F

    Shape:
        y_true (counts), y_pred (rates > 0): (N, ..., F), or (N,) with (N, 1).
        Output: (N, ...).
    """
    y_true, y_pred = prepare_pair("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), axis=-1)


# ---------------------------------------------------------------- classes
@LOSSES.register("binary_crossentropy", "bce", "BinaryCrossentropy")
class BinaryCrossentropy(BuiltinLoss):
    """Binary cross-entropy; see ``binary_crossentropy`` for the maths and arguments and
    ``Loss`` for ``reduction`` and ``sample_weight``.

    Example:
        >>> y_true, logits = [[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]
        >>> BinaryCrossentropy(from_logits=True)(y_true, logits).item()
        0.865...
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_crossentropy",
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )

    def _batch_mean(self, y_true: Any, y_pred: Any) -> Tensor | None:
        if _overrides_per_sample_losses(self):
            return None  # a subclass's own call() decides the losses: average those
        return _binary_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing,
                                    self.axis, True)  # fmt: skip


def _overrides_per_sample_losses(loss: Loss) -> bool:
    """Whether a subclass replaced how the per-sample losses are computed."""
    cls = type(loss)
    return cls.call is not LossFunctionWrapper.call or (
        cls._losses_and_mask is not Loss._losses_and_mask
    )


@LOSSES.register("weighted_binary_crossentropy", "WeightedBinaryCrossentropy")
class WeightedBinaryCrossentropy(BuiltinLoss):
    """Binary cross-entropy with ``pos_weight`` on the positive term (PyTorch's
    ``BCEWithLogitsLoss(pos_weight=...)`` when ``from_logits=True``); see
    ``weighted_binary_crossentropy`` and ``Loss`` for ``reduction``.

    NOTE: ``from_logits`` defaults to False, as in every Keras cross-entropy.
    """

    def __init__(
        self,
        pos_weight: Any = 1.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "weighted_binary_crossentropy",
    ):
        super().__init__(
            weighted_binary_crossentropy,
            reduction=reduction,
            name=name,
            pos_weight=pos_weight,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@LOSSES.register("binary_focal_crossentropy", "BinaryFocalCrossentropy")
class BinaryFocalCrossentropy(BuiltinLoss):
    """Focal binary cross-entropy (Keras 3 defaults: alpha=0.25, gamma=2.0, no class
    balancing); see ``binary_focal_crossentropy`` and ``Loss`` for ``reduction``.

    Example:
        >>> y_true, logits = [[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]
        >>> round(BinaryFocalCrossentropy(gamma=3, from_logits=True)(y_true, logits).item(), 3)
        0.647
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@LOSSES.register("categorical_crossentropy", "cce", "CategoricalCrossentropy")
class CategoricalCrossentropy(BuiltinLoss):
    """Categorical cross-entropy for one-hot targets; see ``categorical_crossentropy`` and
    ``Loss`` for ``reduction``.

    Example:
        >>> y_true, y_pred = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
        >>> round(CategoricalCrossentropy()(y_true, y_pred, sample_weight=[0.3, 0.7]).item(), 3)
        0.814
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@LOSSES.register("sparse_categorical_crossentropy", "scce", "SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(BuiltinLoss):
    """Categorical cross-entropy for integer labels; see ``sparse_categorical_crossentropy``
    and ``Loss`` for ``reduction``.

    With ``ignore_class``, samples of that class are left out of the mean as well (as Keras
    does, and as PyTorch's ``ignore_index``).

    Example:
        >>> SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).item()
        1.176...
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "sparse_categorical_crossentropy",
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple[Tensor, np.ndarray | None]:
        losses = self.call(y_true, y_pred)
        if self.ignore_class is None:
            return losses, None
        y_pred = as_prediction(self.name, y_pred)
        axis = class_axis(self.name, self.axis, y_pred.ndim)
        _, valid = _sparse_labels(self.name, y_true, y_pred, axis, self.ignore_class)
        return losses, valid


@LOSSES.register("kl_divergence", "kld", "kullback_leibler_divergence", "KLDivergence")
class KLDivergence(BuiltinLoss):
    """KL divergence of y_pred from y_true; see ``kl_divergence`` and ``Loss``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "kl_divergence"):
        super().__init__(kl_divergence, reduction=reduction, name=name)


@LOSSES.register("poisson", "Poisson")
class Poisson(BuiltinLoss):
    """Poisson loss for count targets; see ``poisson`` and ``Loss`` for ``reduction``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "poisson"):
        super().__init__(poisson, reduction=reduction, name=name)
