"""Every loss function against PyTorch (or the Keras formula written in torch ops where PyTorch
has no counterpart): forward values, gradient w.r.t. y_pred in float32, and the same gradient
against finite differences in float64. One line per case."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from glassnet import losses
from tests.losses._reference import LossCase, check_against_torch, check_finite_differences


def T():  # noqa: N802 - torch, imported only by the parity half
    import torch

    return torch


def F():  # noqa: N802 - torch.nn.functional
    import torch.nn.functional

    return torch.nn.functional


# ---------------------------------------------------------------- input makers
def regression(shape, true_shape=None):
    def make(rng):
        return rng.normal(size=true_shape or shape), rng.normal(size=shape) * 1.5

    return make


def apart(shape, low=0.1):
    """Predictions at least ``low`` away from the targets (|x| has a kink at 0)."""

    def make(rng):
        t = rng.normal(size=shape)
        return t, t + rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, 1.5, size=shape)

    return make


def percentage(shape):
    def make(rng):
        t = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)
        return t, t + rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 1.0, size=shape)

    return make


def positive(shape, counts=False):
    def make(rng):
        t = rng.poisson(2.0, size=shape).astype(float) if counts else rng.uniform(0, 3, shape)
        return t, rng.uniform(0.2, 3.0, size=shape)

    return make


def binary(shape, logits=False, true_shape=None):
    def make(rng):
        t = rng.integers(0, 2, size=true_shape or shape).astype(float)
        p = rng.normal(scale=3.0, size=shape) if logits else rng.uniform(0.05, 0.95, shape)
        return t, p

    return make


def distributions(shape):
    def make(rng):
        a, b = np.exp(rng.normal(size=shape)), np.exp(rng.normal(size=shape))
        return a / a.sum(-1, keepdims=True), b / b.sum(-1, keepdims=True)

    return make


def one_hot(n, c, logits=False, axis=-1, extra=()):
    def make(rng):
        ids = rng.integers(0, c, size=(n, *extra))
        t = np.moveaxis(np.eye(c)[ids], -1, axis)
        shape = t.shape
        p = rng.normal(scale=2.0, size=shape) if logits else rng.uniform(0.1, 1.0, size=shape)
        return t, p

    return make


def sparse(n, c, logits=False, extra=(), trailing_one=False):
    def make(rng):
        ids = rng.integers(0, c, size=(n, *extra))
        p = (
            rng.normal(scale=2.0, size=(n, *extra, c))
            if logits
            else rng.uniform(0.1, 1, (n, *extra, c))
        )
        return (ids[..., None] if trailing_one else ids), p

    return make


def margins(shape, signed=False):
    """Scores kept 0.1 away from the hinge point 1 - t * p = 0 (p = +-1)."""

    def make(rng):
        t = rng.integers(0, 2, size=shape).astype(float)
        if signed:
            t = 2 * t - 1
        p = rng.uniform(-2.0, 2.0, size=shape)
        p = np.where(np.abs(np.abs(p) - 1) < 0.1, p * 1.25, p)
        return t, p

    return make


def distances(shape, margin=1.0):
    def make(rng):
        d = rng.uniform(0.05, 2.0 * margin, size=shape)
        d = np.where(np.abs(d - margin) < 0.05, d + 0.1, d)
        return rng.integers(0, 2, size=shape).astype(float), d

    return make


def triplets(n, f):
    def make(rng):
        return None, rng.normal(size=(n, 3, f))

    return make


# ---------------------------------------------------------------- torch references
def torch_focal(t, p, gamma=2.0, alpha=0.25, balance=False, logits=False, smoothing=0.0):
    """Keras 3's binary_focal_crossentropy formula, written in torch ops."""
    t = t * (1 - smoothing) + 0.5 * smoothing
    if logits:
        bce = F().binary_cross_entropy_with_logits(p, t, reduction="none")
        p = T().sigmoid(p)
    else:
        bce = F().binary_cross_entropy(p, t, reduction="none")
    p_t = t * p + (1 - t) * (1 - p)
    focal = (1 - p_t) ** gamma * bce
    if balance:
        focal = (t * alpha + (1 - t) * (1 - alpha)) * focal
    return focal.mean(-1)


def torch_weighted_bce(t, p, w):
    return -(w * t * T().log(p) + (1 - t) * T().log(1 - p)).mean(-1)


def torch_hinge(t, p, squared=False):
    t = 2 * t - 1 if bool(((t == 0) | (t == 1)).all()) else t
    m = T().relu(1 - t * p)
    return (m * m if squared else m).mean(-1)


def torch_categorical_hinge(t, p):
    pos = (t * p).sum(-1)
    neg = ((1 - t) * p).amax(-1)
    return T().relu(neg - pos + 1)


def torch_contrastive(t, p, margin=1.0):
    push = T().relu(margin - p)
    per_value = t * p * p + (1 - t) * push * push
    return per_value.mean(-1) if per_value.ndim > 1 else per_value


def normalized_log(p):
    return T().log(p / p.sum(-1, keepdim=True))


# ---------------------------------------------------------------- the table
CASES = [
    LossCase("mse", losses.mean_squared_error, lambda t, p: F().mse_loss(p, t, reduction="none").mean(-1), regression((8, 3))),
    LossCase("mse (N,) vs (N,1)", losses.mean_squared_error, lambda t, p: F().mse_loss(p[:, 0], t, reduction="none"), regression((8, 1), (8,))),
    LossCase("mse rank 1", losses.mean_squared_error, lambda t, p: F().mse_loss(p, t, reduction="none"), regression((8,))),
    LossCase("mse (N,T,F)", losses.mean_squared_error, lambda t, p: F().mse_loss(p, t, reduction="none").mean(-1), regression((4, 5, 3))),
    LossCase("mae", losses.mean_absolute_error, lambda t, p: F().l1_loss(p, t, reduction="none").mean(-1), apart((8, 3))),
    LossCase("mape", losses.mean_absolute_percentage_error, lambda t, p: 100 * ((t - p).abs() / t.abs().clamp(min=1e-7)).mean(-1), percentage((8, 3)), fd_rtol=1e-4),
    LossCase("msle", losses.mean_squared_logarithmic_error, lambda t, p: ((T().log1p(p.clamp(min=1e-7)) - T().log1p(t.clamp(min=1e-7))) ** 2).mean(-1), positive((8, 3))),
    LossCase("huber", losses.huber, lambda t, p: F().huber_loss(p, t, reduction="none", delta=1.0).mean(-1), regression((8, 3))),
    LossCase("huber delta=0.5", partial(losses.huber, delta=0.5), lambda t, p: F().huber_loss(p, t, reduction="none", delta=0.5).mean(-1), regression((8, 3))),
    LossCase("log_cosh", losses.log_cosh, lambda t, p: T().log(T().cosh(p - t)).mean(-1), regression((8, 3))),
    LossCase("poisson", losses.poisson, lambda t, p: F().poisson_nll_loss(p, t, log_input=False, eps=1e-7, reduction="none").mean(-1), positive((8, 3), counts=True)),
    LossCase("kl_divergence", losses.kl_divergence, lambda t, p: F().kl_div(T().log(p), t, reduction="none").sum(-1), distributions((8, 4))),
    LossCase("bce", losses.binary_crossentropy, lambda t, p: F().binary_cross_entropy(p, t, reduction="none").mean(-1), binary((8, 3))),
    LossCase("bce smoothing", partial(losses.binary_crossentropy, label_smoothing=0.2), lambda t, p: F().binary_cross_entropy(p, t * 0.8 + 0.1, reduction="none").mean(-1), binary((8, 3))),
    LossCase("bce logits", partial(losses.binary_crossentropy, from_logits=True), lambda t, p: F().binary_cross_entropy_with_logits(p, t, reduction="none").mean(-1), binary((8, 3), logits=True)),
    LossCase("bce logits smoothing", partial(losses.binary_crossentropy, from_logits=True, label_smoothing=0.1), lambda t, p: F().binary_cross_entropy_with_logits(p, t * 0.9 + 0.05, reduction="none").mean(-1), binary((8, 3), logits=True)),
    LossCase("bce logits (N,) vs (N,1)", partial(losses.binary_crossentropy, from_logits=True), lambda t, p: F().binary_cross_entropy_with_logits(p[:, 0], t, reduction="none"), binary((8, 1), logits=True, true_shape=(8,))),
    LossCase("weighted bce logits", partial(losses.weighted_binary_crossentropy, pos_weight=3.0, from_logits=True), lambda t, p: F().binary_cross_entropy_with_logits(p, t, pos_weight=T().tensor(3.0), reduction="none").mean(-1), binary((8, 3), logits=True)),
    LossCase("weighted bce logits per class", partial(losses.weighted_binary_crossentropy, pos_weight=np.array([0.5, 2.0, 4.0]), from_logits=True), lambda t, p: F().binary_cross_entropy_with_logits(p, t, pos_weight=T().tensor([0.5, 2.0, 4.0]), reduction="none").mean(-1), binary((8, 3), logits=True)),
    LossCase("weighted bce probs", partial(losses.weighted_binary_crossentropy, pos_weight=2.0), lambda t, p: torch_weighted_bce(t, p, 2.0), binary((8, 3))),
    LossCase("focal", losses.binary_focal_crossentropy, torch_focal, binary((8, 3))),
    LossCase("focal logits balanced", partial(losses.binary_focal_crossentropy, gamma=3.0, apply_class_balancing=True, from_logits=True), partial(torch_focal, gamma=3.0, balance=True, logits=True), binary((8, 3), logits=True)),
    LossCase("focal smoothing alpha", partial(losses.binary_focal_crossentropy, gamma=1.5, alpha=0.4, apply_class_balancing=True, label_smoothing=0.1), partial(torch_focal, gamma=1.5, alpha=0.4, balance=True, smoothing=0.1), binary((8, 3))),
    LossCase("cce probs", losses.categorical_crossentropy, lambda t, p: F().cross_entropy(T().log(p), t, reduction="none"), one_hot(8, 5)),
    LossCase("cce probs smoothing", partial(losses.categorical_crossentropy, label_smoothing=0.1), lambda t, p: F().cross_entropy(T().log(p), t, label_smoothing=0.1, reduction="none"), one_hot(8, 5)),
    LossCase("cce logits", partial(losses.categorical_crossentropy, from_logits=True), lambda t, p: F().cross_entropy(p, t, reduction="none"), one_hot(8, 5, logits=True)),
    LossCase("cce logits smoothing", partial(losses.categorical_crossentropy, from_logits=True, label_smoothing=0.2), lambda t, p: F().cross_entropy(p, t, label_smoothing=0.2, reduction="none"), one_hot(8, 5, logits=True)),
    LossCase("cce logits axis=1", partial(losses.categorical_crossentropy, from_logits=True, axis=1), lambda t, p: F().cross_entropy(p, t, reduction="none"), one_hot(4, 5, logits=True, axis=1, extra=(3,))),
    LossCase("scce logits", partial(losses.sparse_categorical_crossentropy, from_logits=True), lambda t, p: F().cross_entropy(p, t, reduction="none"), sparse(8, 5, logits=True)),
    LossCase("scce logits (N,1) labels", partial(losses.sparse_categorical_crossentropy, from_logits=True), lambda t, p: F().cross_entropy(p, t[:, 0], reduction="none"), sparse(8, 5, logits=True, trailing_one=True)),
    LossCase("scce probs", losses.sparse_categorical_crossentropy, lambda t, p: F().nll_loss(normalized_log(p), t, reduction="none"), sparse(8, 5)),
    LossCase("scce logits (N,T,C)", partial(losses.sparse_categorical_crossentropy, from_logits=True), lambda t, p: F().cross_entropy(p.permute(0, 2, 1), t, reduction="none"), sparse(4, 5, logits=True, extra=(6,))),
    LossCase("hinge 0/1 labels", losses.hinge, torch_hinge, margins((8, 3))),
    LossCase("hinge -1/1 labels", losses.hinge, torch_hinge, margins((8, 3), signed=True)),
    LossCase("squared_hinge", losses.squared_hinge, partial(torch_hinge, squared=True), margins((8, 3))),
    LossCase("categorical_hinge", losses.categorical_hinge, torch_categorical_hinge, one_hot(8, 4, logits=True)),
    LossCase("cosine_similarity", losses.cosine_similarity, lambda t, p: -F().cosine_similarity(t, p, dim=-1), regression((8, 4))),
    LossCase("contrastive", losses.contrastive_loss, torch_contrastive, distances((8,))),
    LossCase("contrastive margin=2 (N,1)", partial(losses.contrastive_loss, margin=2.0), partial(torch_contrastive, margin=2.0), distances((8, 1), margin=2.0)),
    LossCase("triplet", losses.triplet_loss, lambda t, p: F().triplet_margin_loss(p[:, 0], p[:, 1], p[:, 2], reduction="none"), triplets(6, 4)),
    LossCase("triplet margin=0.5", partial(losses.triplet_loss, margin=0.5), lambda t, p: F().triplet_margin_loss(p[:, 0], p[:, 1], p[:, 2], margin=0.5, reduction="none"), triplets(6, 4)),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_loss_gradient_matches_finite_differences(case):
    check_finite_differences(case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_loss_matches_torch(case):
    pytest.importorskip("torch")
    check_against_torch(case)


def test_loss_table_covers_every_loss_function():
    tested = {getattr(c.fn, "func", c.fn) for c in CASES}
    missing = sorted(fn.__name__ for fn in losses.FUNCTIONS.values() if fn not in tested)
    assert not missing, f"loss functions without a table entry: {missing}"
