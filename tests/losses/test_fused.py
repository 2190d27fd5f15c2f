"""The fused loss nodes against their composed references (the same formulas written out of ops,
as the losses were before fusing) and against finite differences: binary cross-entropy for both
inputs (soft targets from another network need their gradient), sparse categorical
cross-entropy from logits."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.losses import EPSILON, binary_crossentropy, sparse_categorical_crossentropy
from glassnet.losses._fused import binary_crossentropy_mean, sparse_crossentropy_from_logits
from glassnet.tensor import iter_graph


def composed(t, y_pred, from_logits, axis):
    """The composed reference: mean over axis of -(t log p + (1 - t) log(1 - p)), from ops."""
    if from_logits:
        neg_log_p, neg_log_q = ops.softplus(-y_pred), ops.softplus(y_pred)
    else:
        p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
        neg_log_p, neg_log_q = -ops.log(p), -ops.log(1.0 - p)
    return ops.mean(t * neg_log_p + (1.0 - t) * neg_log_q, axis=axis)


def fused(t, y_pred, from_logits, axis):
    return binary_crossentropy_mean(t, y_pred, from_logits, EPSILON, axis)


def _inputs(rng, from_logits, dtype):
    shape = (5, 3, 4)
    t = rng.uniform(0, 1, size=shape)  # soft targets, and some hard ones
    t[:, 0] = rng.integers(0, 2, size=(5, 4))
    if from_logits:
        y = rng.normal(scale=4.0, size=shape)
    else:
        y = rng.uniform(0.02, 0.98, size=shape)
        # at and beyond the clip bounds, where the gradient must be 0 (or pass, inclusive)
        y[0, 0, :] = [0.0, 1.0, -0.5, 1.5]
        y[1, 0, :2] = [EPSILON, 1.0 - EPSILON]
    return t.astype(dtype), y.astype(dtype)


def _run(fn, t, y, upstream):
    tt = glassnet.tensor(t, requires_grad=True)
    yy = glassnet.tensor(y, requires_grad=True)
    out = fn(tt, yy)
    (out * glassnet.tensor(upstream)).sum().backward()
    return out.numpy(), tt.grad, yy.grad


@pytest.mark.parametrize("axis", [2, 1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("from_logits", [False, True])
def test_fused_bce_matches_composed_forward_and_both_gradients(rng, from_logits, dtype, axis):
    t, y = _inputs(rng, from_logits, dtype)
    upstream = rng.normal(size=np.delete(t.shape, axis)).astype(dtype)
    ours = _run(lambda a, b: fused(a, b, from_logits, axis), t, y, upstream)
    ref = _run(lambda a, b: composed(a, b, from_logits, axis), t, y, upstream)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    for name, mine, theirs in zip(("loss", "grad t", "grad y_pred"), ours, ref):
        assert mine.dtype == dtype and mine.shape == theirs.shape, name
        np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=rtol, err_msg=name)


@pytest.mark.parametrize("from_logits", [False, True])
def test_fused_bce_gradients_against_finite_differences(rng, from_logits):
    t, y = _inputs(rng, from_logits, np.float64)
    if not from_logits:
        y = np.clip(y, 0.05, 0.95)  # finite differences need a smooth neighbourhood
    assert glassnet.gradcheck(lambda a, b: fused(a, b, from_logits, 1), t, y, atol=1e-7, rtol=1e-5)


def test_fused_bce_gradient_is_zero_past_the_clip():
    y = glassnet.tensor([[0.0, 1.0, 2.0, -1.0]], requires_grad=True)
    binary_crossentropy(glassnet.tensor([[1.0, 0.0, 0.0, 1.0]]), y).sum().backward()
    np.testing.assert_array_equal(y.grad, np.zeros((1, 4), np.float32))


def test_binary_crossentropy_is_one_graph_node():
    y = glassnet.tensor([[0.3], [0.8]], requires_grad=True)
    loss = binary_crossentropy(np.array([0.0, 1.0]), y)
    assert [node._op for node in iter_graph(loss)] == ["leaf", "binary_crossentropy"]


# ---------------------------------------------------------------- sparse categorical, logits
def composed_sparse(labels, logits, axis):
    """The composed reference: -sum(log_softmax(logits) * one_hot(labels)) over axis."""
    classes = [1] * logits.ndim
    classes[axis] = logits.shape[axis]
    one_hot = np.expand_dims(labels, axis) == np.arange(logits.shape[axis]).reshape(classes)
    return -ops.sum(ops.multiply(ops.log_softmax(logits, axis=axis), one_hot), axis=axis)


def _sparse_inputs(rng, axis, dtype):
    logits = rng.normal(scale=3.0, size=(5, 3, 4)).astype(dtype)
    logits[0, 0] = 1000.0  # huge equal logits stay finite
    labels = rng.integers(0, logits.shape[axis], size=np.delete(logits.shape, axis))
    return labels, logits


@pytest.mark.parametrize("axis", [2, 1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_sparse_ce_matches_composed_forward_and_gradient(rng, dtype, axis):
    labels, logits = _sparse_inputs(rng, axis, dtype)
    upstream = glassnet.tensor(rng.normal(size=labels.shape).astype(dtype))
    results = []
    for fn in (sparse_crossentropy_from_logits, composed_sparse):
        x = glassnet.tensor(logits, requires_grad=True)
        out = fn(labels, x, axis)
        (out * upstream).sum().backward()
        results.append((out.numpy(), x.grad))
    (ours, ours_grad), (ref, ref_grad) = results
    assert ours.dtype == dtype and ours.shape == ref.shape and np.isfinite(ours).all()
    np.testing.assert_array_equal(ours, ref)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours_grad, ref_grad, rtol=rtol, atol=rtol)


def test_fused_sparse_ce_gradient_against_finite_differences(rng):
    labels, logits = _sparse_inputs(rng, 2, np.float64)
    logits[0, 0] = rng.normal(size=4)  # finite differences want moderate logits
    fn = lambda x: sparse_crossentropy_from_logits(labels, x, 2)  # noqa: E731
    assert glassnet.gradcheck(fn, logits, atol=1e-7, rtol=1e-5)


def test_sparse_categorical_crossentropy_from_logits_is_one_graph_node():
    x = glassnet.tensor([[0.3, 0.1], [0.8, -1.0]], requires_grad=True)
    loss = sparse_categorical_crossentropy(np.array([0, 1]), x, from_logits=True)
    assert [node._op for node in iter_graph(loss)] == ["leaf", "sparse_categorical_crossentropy"]


# ---------------------------------------------------------------- the batch mean in the same node
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("from_logits", [False, True])
def test_bce_class_mean_is_one_node_and_matches_the_mean_of_per_sample_losses(
    rng, from_logits, label_smoothing
):
    t, y = _inputs(rng, from_logits, np.float64)
    loss = glassnet.losses.BinaryCrossentropy(from_logits, label_smoothing)
    results = []
    per_sample = lambda a, b: binary_crossentropy(a, b, from_logits, label_smoothing)  # noqa: E731
    for reduce in (loss, lambda a, b: ops.mean(per_sample(a, b))):
        yy = glassnet.tensor(y, requires_grad=True)
        out = reduce(t, yy)
        graph = [node._op for node in iter_graph(out)]
        out.backward()
        results.append((out.numpy(), yy.grad, graph))
    (ours, ours_grad, graph), (ref, ref_grad, _) = results
    assert ours.shape == () and graph == ["leaf", "binary_crossentropy"]
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    np.testing.assert_allclose(ours_grad, ref_grad, rtol=1e-12, atol=1e-15)


def test_bce_class_mean_gradient_against_finite_differences(rng):
    t, y = _inputs(rng, False, np.float64)
    loss = glassnet.losses.BinaryCrossentropy()
    assert glassnet.gradcheck(lambda b: loss(t, b), np.clip(y, 0.05, 0.95), atol=1e-7, rtol=1e-5)


def test_bce_class_mean_of_an_empty_batch_is_zero():
    y = glassnet.tensor(np.zeros((0, 1), np.float32), requires_grad=True)
    out = glassnet.losses.BinaryCrossentropy()(np.zeros((0, 1)), y)
    out.backward()
    assert out.item() == 0.0 and not np.signbit(out.item()) and y.grad.shape == (0, 1)


def test_a_subclass_that_overrides_call_keeps_its_own_losses():
    class Doubled(glassnet.losses.BinaryCrossentropy):
        def call(self, y_true, y_pred):
            return super().call(y_true, y_pred) * 2.0

    t, y = np.array([[0.0], [1.0]]), np.array([[0.3], [0.8]], np.float32)
    plain = glassnet.losses.BinaryCrossentropy()(t, y).item()
    assert Doubled()(t, y).item() == pytest.approx(2 * plain, rel=1e-6)
