"""Fused loss nodes: a whole loss formula as one graph node with one hand-written backward.

Written out of ops, binary cross-entropy on probabilities is twelve graph nodes (clip, two
logs, two negations, ``1 - p``, ``1 - t``, two products, a sum, the mean over features) with
an array each; on a small network that bookkeeping costs more than the network itself. Each node here computes the same
numbers in one forward and one backward. The composed version stays the test reference
(``tests/losses/test_fused.py``), as STYLE asks of every fused backward.
"""

from __future__ import annotations

import numpy as np

from glassnet.ops.activation import _shifted, _stable_sigmoid
from glassnet.tensor import Tensor


def binary_crossentropy_mean(
    t: Tensor, y_pred: Tensor, from_logits: bool, epsilon: float, axis: int | None
) -> Tensor:
    """Binary cross-entropy of targets ``t`` and predictions ``y_pred``, averaged over ``axis``
    (over every value when ``axis`` is None: the batch mean a ``Loss`` returns, as one node).

    Probabilities are clipped to ``[epsilon, 1 - epsilon]`` first, as Keras does; past the
    clip the gradient is 0 (bounds inclusive, as ``ops.clip``). Logits never overflow.

    Math (F = size of axis; probabilities y, p = clip(y, eps, 1 - eps)):
        l_j    = -(t_j * log(p_j) + (1 - t_j) * log(1 - p_j)),   loss = sum_j l_j / F
        dl_j/dy_j = [eps <= y_j <= 1 - eps] * ((1 - t_j) / (1 - p_j) - t_j / p_j)
        dl_j/dt_j = log(1 - p_j) - log(p_j)
    Math (logits x):
        l_j    = max(x_j, 0) - t_j * x_j + log(1 + exp(-|x_j|))
        dl_j/dx_j = sigmoid(x_j) - t_j,   dl_j/dt_j = -x_j
    and dL/dy_j = dL/dloss * dl_j/dy_j / F (the same for t).

    Shape:
        t, y_pred: the same shape.  Output: that shape without ``axis`` (a non-negative int),
        or a scalar for ``axis=None`` (0 for an empty batch, as ``Loss`` reduces one).
    """
    x, target = y_pred.data, t.data
    if from_logits:
        terms = np.maximum(x, 0) - target * x + np.log1p(np.exp(-np.abs(x)))
        p, sign = None, 1
    else:
        # why: minimum/maximum are np.clip without its Python wrapper (a few us a call).
        p = np.minimum(np.maximum(x, epsilon), 1.0 - epsilon)
        q = 1.0 - p
        terms = np.log(p)
        terms *= target
        log_q = np.log(q)
        log_q *= 1.0 - target
        terms += log_q
        # why: dividing the sum by -count negates it exactly, with no pass over the terms
        # (an empty batch keeps +1: its mean is 0.0, not -0.0)
        sign = -1 if x.size else 1
    count = (x.size or 1) if axis is None else x.shape[axis]
    # why: np.add.reduce / count is what ops.mean computes, so the values are the same.
    losses = np.asarray(np.add.reduce(terms, axis=axis) / (sign * count), dtype=x.dtype)

    def backward(grad):
        g = grad / count if axis is None else np.expand_dims(grad, axis) / count
        grad_t = grad_y = None
        if y_pred.requires_grad:
            if from_logits:
                grad_y = g * (_stable_sigmoid(x) - target)
            else:
                grad_y = (1.0 - target) / q
                grad_y -= target / p
                grad_y *= g
                inside = p == x  # clip changed nothing: eps <= x <= 1 - eps (NaN: False)
                # why: multiplying by all-True would change nothing; logical_and.reduce is
                # .all() without its Python wrapper
                if not np.logical_and.reduce(inside, axis=None):
                    grad_y *= inside
        if t.requires_grad:
            grad_t = g * (-x if from_logits else np.log(1.0 - p) - np.log(p))
        return grad_t, grad_y

    return Tensor.from_op(losses, (t, y_pred), backward, "binary_crossentropy")


def sparse_crossentropy_from_logits(labels: np.ndarray, logits: Tensor, axis: int) -> Tensor:
    """Cross-entropy of integer class ids and logits along ``axis``, as one graph node.

    Replaces ``log_softmax``, the product with the one-hot labels, the sum and the negation.

    Math (c = labels, classes on axis):
        log_p = x - max(x) - log(sum(exp(x - max(x))))
        loss  = -log_p[c]
        dloss/dx = exp(log_p) - onehot(c)         (softmax minus the one-hot labels)

    Shape:
        labels: logits' shape without ``axis`` (integers in [0, C)).  logits: (..., C, ...).
        Output: labels' shape.
    """
    x = logits.data
    z = _shifted(x, axis)
    log_p = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    index = np.expand_dims(labels, axis)
    losses = -np.take_along_axis(log_p, index, axis=axis).squeeze(axis)

    def backward(grad):
        grad_x = np.exp(log_p)
        np.put_along_axis(grad_x, index, np.take_along_axis(grad_x, index, axis) - 1, axis)
        grad_x *= np.expand_dims(grad, axis)
        return (grad_x,)

    return Tensor.from_op(losses, (logits,), backward, "sparse_categorical_crossentropy")
