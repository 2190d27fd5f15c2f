"""The fused batch_norm op against its composed reference (mean, var, sqrt, multiply, add),
the version BatchNormalization used before the fused op existed."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops


def _composed(x, gamma, beta, epsilon):
    axes = tuple(range(x.ndim - 1))
    mean = ops.mean(x, axis=axes, keepdims=True)
    variance = ops.var(x, axis=axes, keepdims=True)
    return (x - mean) / ops.sqrt(variance + epsilon) * gamma + beta


@pytest.mark.parametrize("shape", [(16, 5), (4, 6, 6, 3)])
def test_batch_norm_matches_the_composed_version_forward_and_backward(shape):
    rng = np.random.default_rng(0)
    data = [rng.normal(2.0, 3.0, size=shape), rng.normal(size=shape[-1:]),
            rng.normal(size=shape[-1:])]  # fmt: skip
    fused = [glassnet.Tensor(d, requires_grad=True) for d in data]
    composed = [glassnet.Tensor(d.copy(), requires_grad=True) for d in data]
    upstream = rng.normal(size=shape)
    y, mean, variance = ops.batch_norm(*fused, epsilon=1e-3, return_stats=True)
    reference = _composed(*composed, 1e-3)
    np.testing.assert_allclose(y.numpy(), reference.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mean, data[0].reshape(-1, shape[-1]).mean(0), rtol=1e-12)
    np.testing.assert_allclose(variance, data[0].reshape(-1, shape[-1]).var(0), rtol=1e-12)
    y.backward(upstream)
    reference.backward(upstream)
    for ours, theirs in zip(fused, composed):
        np.testing.assert_allclose(ours.grad, theirs.grad, rtol=1e-9, atol=1e-10)


def test_batch_norm_stays_float32():
    x = glassnet.Tensor(
        np.random.default_rng(1).random((8, 4, 4, 2), np.float32), requires_grad=True
    )
    y = ops.batch_norm(x, np.ones(2, np.float32), np.zeros(2, np.float32))
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
