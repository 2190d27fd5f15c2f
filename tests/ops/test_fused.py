"""Fused ops agree with their composed reference (same values, same gradients)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from tests.ops.specs_core import _composed_linear


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh"])
# (800, 3) and (2, 150, 3): enough rows that the bias is added over repeated rows (_add_bias);
# 257 rows: a count no repetition divides, so the plain add.
@pytest.mark.parametrize("x_shape", [(6, 3), (2, 4, 3), (800, 3), (2, 150, 3), (257, 3)])
def test_linear_matches_composed_reference(activation, x_shape):
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=x_shape), rng.normal(size=(3, 5)), rng.normal(size=(5,))]
    upstream = rng.normal(size=x_shape[:-1] + (5,))
    results = []
    for fn in (ops.linear, _composed_linear):
        leaves = [glassnet.tensor(a, requires_grad=True) for a in arrays]
        y = fn(*leaves, activation=activation)
        (y * upstream).sum().backward()
        results.append([y.numpy()] + [leaf.grad for leaf in leaves])
    for fused, composed in zip(*results):
        np.testing.assert_allclose(fused, composed, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
@pytest.mark.parametrize("shape", [(), (7,), (64, 33)])
def test_stable_sigmoid_equals_the_branch_formula(dtype, shape):
    # The arithmetic branch choice in _stable_sigmoid must give exactly the numbers of the
    # two-branch formula it replaced, extremes, signed zeros and NaN included.
    from glassnet.ops.activation import _stable_sigmoid

    rng = np.random.default_rng(0)
    x = (rng.normal(scale=8.0, size=shape)).astype(dtype)
    if x.size >= 7 and x.dtype.kind == "f":
        x.flat[:7] = [0.0, -0.0, 1000.0, -1000.0, np.inf, -np.inf, np.nan]
    xf = x.astype(np.result_type(x.dtype, 1.0))
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(xf))
        r = 1 / (1 + e)
        expected = np.where(xf >= 0, r, e * r)
    got = _stable_sigmoid(x)
    assert got.dtype == expected.dtype and got.shape == np.shape(expected)
    np.testing.assert_array_equal(got, expected)
