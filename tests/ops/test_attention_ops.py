"""The fused attention op against its composed version, with dropout and fully masked rows.

The oracle table (specs_attention.py) checks it against finite differences and PyTorch; here
the reference is the same maths written with glassnet's primitive ops, and the behaviours the
table cannot show (dropout, the zero rows, dtypes) are pinned down.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.tensor import Tensor


def composed_attention(q, k, v, allowed=None, scale=None):
    """Attention from primitive ops (matmul, where, softmax): the fused op's reference."""
    s = q.shape[-1] ** -0.5 if scale is None else scale
    z = ops.matmul(q, ops.transpose(k, (*range(k.ndim - 2), k.ndim - 1, k.ndim - 2))) * s
    if allowed is not None:
        z = ops.where(Tensor(allowed), z, Tensor(np.asarray(-1e30, dtype=q.dtype)))
    return ops.matmul(ops.softmax(z, axis=-1), v)


def _inputs(rng, *shapes, dtype=np.float64):
    return [Tensor(rng.normal(size=s).astype(dtype), requires_grad=True) for s in shapes]


def test_attention_fused_matches_composed_forward_and_backward():
    rng = np.random.default_rng(0)
    shapes = (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2)
    allowed = rng.random((2, 1, 4, 6)) > 0.4
    allowed[..., 0] = True  # the composed version has no rule for a row with nothing allowed
    fused_in, composed_in = _inputs(rng, *shapes), None
    composed_in = [Tensor(t.data.copy(), requires_grad=True) for t in fused_in]
    y = ops.scaled_dot_product_attention(*fused_in, attn_mask=allowed)
    y_ref = composed_attention(*composed_in, allowed=allowed)
    np.testing.assert_allclose(y.numpy(), y_ref.numpy(), rtol=1e-12, atol=1e-12)
    r = rng.normal(size=y.shape)
    (y * r).sum().backward()
    (y_ref * r).sum().backward()
    for ours, ref in zip(fused_in, composed_in):
        np.testing.assert_allclose(ours.grad, ref.grad, rtol=1e-10, atol=1e-12)


def test_attention_fully_masked_row_gives_zero_output_and_zero_gradient():
    rng = np.random.default_rng(1)
    q, k, v = _inputs(rng, (1, 3, 4), (1, 5, 4), (1, 5, 2))
    mask = np.ones((3, 5), bool)
    mask[2] = False
    y, p = ops.scaled_dot_product_attention(q, k, v, mask, return_weights=True)
    assert np.isfinite(y.numpy()).all() and np.isfinite(p.numpy()).all()
    np.testing.assert_array_equal(y.numpy()[0, 2], 0.0)
    np.testing.assert_array_equal(p.numpy()[0, 2], 0.0)
    np.testing.assert_allclose(p.numpy()[0, :2].sum(axis=-1), 1.0)
    (y.sum() + p.sum()).backward()
    np.testing.assert_array_equal(q.grad[0, 2], 0.0)
    assert np.isfinite(k.grad).all() and np.isfinite(v.grad).all()


def test_attention_masked_keys_get_no_weight_and_no_gradient():
    rng = np.random.default_rng(2)
    q, k, v = _inputs(rng, (2, 3, 4), (2, 5, 4), (2, 5, 2))
    pad = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)[:, None, :]
    y, p = ops.scaled_dot_product_attention(q, k, v, pad, return_weights=True)
    np.testing.assert_array_equal(p.numpy()[0, :, 3:], 0.0)
    (y * rng.normal(size=y.shape)).sum().backward()
    np.testing.assert_array_equal(k.grad[0, 3:], 0.0)
    np.testing.assert_array_equal(v.grad[0, 3:], 0.0)
    assert np.abs(k.grad[1, 3:]).sum() > 0


def test_attention_causal_first_query_sees_only_the_first_value():
    v = np.arange(12.0, dtype=np.float32).reshape(1, 4, 3)
    q = np.random.default_rng(3).normal(size=(1, 4, 3)).astype(np.float32)
    y = ops.scaled_dot_product_attention(q, q, v, is_causal=True)
    np.testing.assert_allclose(y.numpy()[0, 0], v[0, 0])
    assert y.dtype == np.float32


def test_attention_dropout_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    q, k, v = (rng.normal(size=s) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))

    def fn(q, k, v):  # a fresh generator per call: the same dropout mask every time
        gen = np.random.default_rng(7)
        return ops.scaled_dot_product_attention(q, k, v, dropout_p=0.4, rng=gen)

    assert glassnet.gradcheck(fn, q, k, v, atol=1e-7, rtol=1e-5)


def test_attention_dropout_drops_weights_and_keeps_the_expectation():
    rng = np.random.default_rng(5)
    q = rng.normal(size=(1, 8, 4)).astype(np.float32)
    v = np.ones((1, 8, 1), np.float32)
    gen = np.random.default_rng(0)
    runs = [
        ops.scaled_dot_product_attention(q, q, v, dropout_p=0.5, rng=gen).numpy()
        for _ in range(400)
    ]
    plain = ops.scaled_dot_product_attention(q, q, v).numpy()
    np.testing.assert_allclose(plain, 1.0, rtol=1e-6)  # weights sum to 1
    assert any(not np.allclose(r, plain) for r in runs[:2])
    np.testing.assert_allclose(np.mean(runs, axis=0), plain, atol=0.1)


def test_attention_returned_weights_alone_carry_gradient():
    rng = np.random.default_rng(6)
    q, k, v = (rng.normal(size=s) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))

    def weights_only(q, k, v):
        return ops.scaled_dot_product_attention(q, k, v, return_weights=True)[1]

    assert glassnet.gradcheck(weights_only, q, k, v, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("p", [-0.1, "0.5", True])
def test_attention_bad_dropout_is_refused(p):
    x = np.zeros((1, 2, 3), np.float32)
    with pytest.raises(glassnet.errors.ConfigError, match="expected dropout_p in"):
        ops.scaled_dot_product_attention(x, x, x, dropout_p=p)
