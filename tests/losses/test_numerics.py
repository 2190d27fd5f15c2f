"""Stability, dtypes and the worked examples from the Keras 3 documentation."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import losses

Y_TRUE = np.array([[0, 1], [0, 0]])
LOGITS = np.array([[-18.6, 0.51], [2.94, -12.8]])
ONE_HOT = np.array([[0, 1, 0], [0, 0, 1]])
PROBS = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])

# (loss, y_true, y_pred, sample_weight, expected) from the Keras 3 docstrings.
KERAS_EXAMPLES = [
    (losses.BinaryCrossentropy(from_logits=True), [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], None, 0.8654),
    (losses.BinaryCrossentropy(from_logits=True), Y_TRUE, LOGITS, None, 0.8654),
    (losses.BinaryCrossentropy(from_logits=True), Y_TRUE, LOGITS, [0.8, 0.2], 0.243),
    (losses.BinaryCrossentropy(from_logits=True, reduction="sum"), Y_TRUE, LOGITS, None, 1.730),
    (losses.BinaryCrossentropy(from_logits=True, reduction=None), Y_TRUE, LOGITS, None, [0.235, 1.496]),
    (losses.BinaryFocalCrossentropy(gamma=2, from_logits=True), [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], None, 0.691),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=2, from_logits=True), [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], None, 0.51),
    (losses.BinaryFocalCrossentropy(gamma=3, from_logits=True), Y_TRUE, LOGITS, None, 0.647),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3, from_logits=True), Y_TRUE, LOGITS, None, 0.482),
    (losses.BinaryFocalCrossentropy(gamma=3, from_logits=True), Y_TRUE, LOGITS, [0.8, 0.2], 0.133),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3, from_logits=True), Y_TRUE, LOGITS, [0.8, 0.2], 0.097),
    (losses.BinaryFocalCrossentropy(gamma=4, from_logits=True, reduction="sum"), Y_TRUE, LOGITS, None, 1.222),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=4, from_logits=True, reduction="sum"), Y_TRUE, LOGITS, None, 0.914),
    (losses.BinaryFocalCrossentropy(gamma=5, from_logits=True, reduction=None), Y_TRUE, LOGITS, None, [0.0017, 1.1561]),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=5, from_logits=True, reduction=None), Y_TRUE, LOGITS, None, [0.0004, 0.8670]),
    (losses.CategoricalCrossentropy(), ONE_HOT, PROBS, None, 1.177),
    (losses.CategoricalCrossentropy(), ONE_HOT, PROBS, [0.3, 0.7], 0.814),
    (losses.CategoricalCrossentropy(reduction="sum"), ONE_HOT, PROBS, None, 2.354),
    (losses.CategoricalCrossentropy(reduction=None), ONE_HOT, PROBS, None, [0.0513, 2.303]),
    (losses.SparseCategoricalCrossentropy(), [1, 2], PROBS, None, 1.177),
    (losses.SparseCategoricalCrossentropy(), [1, 2], PROBS, [0.3, 0.7], 0.814),
    (losses.SparseCategoricalCrossentropy(reduction=None), [1, 2], PROBS, None, [0.0513, 2.303]),
    (losses.Huber(), [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], None, 0.155),
    (losses.LogCosh(), [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], None, 0.108),
    (losses.BinaryCrossentropy(reduction=None), [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], None, [0.916, 0.714]),
    (losses.BinaryFocalCrossentropy(reduction=None), [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], None, [0.330, 0.206]),
    (losses.CosineSimilarity(reduction=None), [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], None, [0.0, -1.0, 1.0]),
]  # fmt: skip


@pytest.mark.parametrize("loss, y_true, y_pred, weight, expected", KERAS_EXAMPLES)
def test_loss_matches_keras_documented_values(loss, y_true, y_pred, weight, expected):
    out = loss(y_true, y_pred, sample_weight=weight)
    # Keras prints 3 or 4 decimals, sometimes truncated rather than rounded.
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-3)


def test_loss_outputs_float32_for_float64_numpy_data(rng):
    y_true, y_pred = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    assert losses.mean_squared_error(y_true, y_pred).dtype == np.float32
    assert losses.MeanSquaredError()(y_true, y_pred).dtype == np.float32
    assert losses.mean_squared_error([1, 2], [1, 3]).dtype == np.float32
    weighted = losses.MeanSquaredError()(y_true, y_pred, np.ones(4, dtype=np.float64))
    assert weighted.dtype == np.float32


def test_loss_keeps_a_float64_tensor_in_float64(rng):
    y_pred = glassnet.tensor(rng.normal(size=(4, 2)), dtype="float64", requires_grad=True)
    out = losses.CategoricalCrossentropy(from_logits=True)(np.eye(2)[[0, 1, 1, 0]], y_pred)
    out.backward()
    assert out.dtype == np.float64 and y_pred.grad.dtype == np.float64


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_crossentropy_from_logits_is_stable_for_huge_logits(scale):
    logits = glassnet.tensor(
        np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, 0.0]]) * scale, requires_grad=True
    )
    y_true = np.array([[1, 0, 0], [0, 0, 1]])
    out = losses.CategoricalCrossentropy(from_logits=True, reduction=None)(y_true, logits)
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [0.0, scale], rtol=1e-6)
    assert np.all(np.isfinite(logits.grad))
    binary = glassnet.tensor(np.array([[1.0], [-1.0]]) * scale, requires_grad=True)
    out = losses.BinaryCrossentropy(from_logits=True, reduction=None)([[0.0], [0.0]], binary)
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [scale, 0.0], rtol=1e-6)
    np.testing.assert_allclose(binary.grad.ravel(), [1.0, 0.0], atol=1e-7)


def test_crossentropy_on_probabilities_clips_zero_and_one():
    y_pred = glassnet.tensor([[0.0], [1.0], [1.0]], requires_grad=True)
    out = losses.BinaryCrossentropy(reduction=None)([[1.0], [0.0], [1.0]], y_pred)
    out.sum().backward()
    bound = -np.log(np.float32(1e-7))
    np.testing.assert_allclose(
        out.numpy(),
        [bound, -np.log(np.float32(1) - np.float32(1 - 1e-7)), 0.0],
        rtol=1e-3,
        atol=1e-6,
    )
    assert np.all(np.isfinite(out.numpy())) and np.all(np.isfinite(y_pred.grad))
    cce = losses.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])
    np.testing.assert_allclose(cce.numpy(), [bound], rtol=1e-4)


def test_focal_with_gamma_zero_is_binary_crossentropy(rng):
    y_true, logits = rng.integers(0, 2, (6, 2)), rng.normal(size=(6, 2))
    focal = losses.binary_focal_crossentropy(y_true, logits, gamma=0.0, from_logits=True)
    bce = losses.binary_crossentropy(y_true, logits, from_logits=True)
    np.testing.assert_allclose(focal.numpy(), bce.numpy(), rtol=1e-6)


def test_weighted_bce_with_unit_weight_is_binary_crossentropy(rng):
    y_true, probs = rng.integers(0, 2, (6, 2)), rng.uniform(0.05, 0.95, (6, 2))
    weighted = losses.weighted_binary_crossentropy(y_true, probs, pos_weight=1.0)
    np.testing.assert_allclose(weighted.numpy(), losses.binary_crossentropy(y_true, probs).numpy())


def test_cosine_similarity_of_a_zero_vector_is_zero_with_finite_gradient():
    y_pred = glassnet.tensor([[0.0, 0.0], [1.0, 0.0]], requires_grad=True)
    out = losses.cosine_similarity([[1.0, 0.0], [1.0, 0.0]], y_pred)
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [0.0, -1.0])
    assert np.all(np.isfinite(y_pred.grad))


def test_log_cosh_does_not_overflow():
    out = losses.log_cosh([[0.0]], [[500.0]])
    np.testing.assert_allclose(out.numpy(), [500.0 - np.log(2.0)], rtol=1e-6)


def test_hinge_keeps_non_binary_labels():
    np.testing.assert_allclose(losses.hinge([[-1.0, 1.0]], [[0.5, 0.5]]).numpy(), [1.0])
    np.testing.assert_allclose(losses.hinge([[0.0, 1.0]], [[0.5, 0.5]]).numpy(), [1.0])
    np.testing.assert_allclose(losses.hinge([[1.0, 1.0]], [[0.5, 2.0]]).numpy(), [0.25])


def test_contrastive_loss_formula():
    out = losses.contrastive_loss([1, 0, 0], [0.5, 0.25, 1.5], margin=1.0)
    np.testing.assert_allclose(out.numpy(), [0.25, 0.5625, 0.0])


def test_triplet_margin_loss_three_inputs_against_torch(rng):
    torch = pytest.importorskip("torch")
    arrays = [rng.normal(size=(5, 4)).astype(np.float32) for _ in range(3)]
    ours = [glassnet.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = losses.triplet_margin_loss(*ours, margin=0.7)
    ref = torch.nn.functional.triplet_margin_loss(*theirs, margin=0.7, reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    weights = rng.normal(size=5).astype(np.float32)
    (out * weights).sum().backward()
    (ref * torch.from_numpy(weights)).sum().backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_loss_gradient_flows_to_y_true_tensor(rng):
    a = glassnet.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = glassnet.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    losses.MeanSquaredError()(a, b).backward()
    np.testing.assert_allclose(a.grad, -b.grad, rtol=1e-6)
