"""``adam_update`` on large arrays works through cache-sized blocks; it must give exactly the
same numbers as the whole-array arithmetic, and still update non-contiguous arrays in place."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.optimizers import adam_update
from glassnet.optimizers.adam import _BLOCK


def _whole_array_adam(param, grad, m, v, t, lr, beta_1, beta_2, eps, v_hat=None):
    """The Keras Adam step written once over whole arrays, in adam_update's float order."""
    alpha = lr * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    m *= beta_1
    m += grad * (1.0 - beta_1)
    v *= beta_2
    v += np.square(grad) * (1.0 - beta_2)
    if v_hat is not None:
        np.maximum(v_hat, v, out=v_hat)
    step = m / (np.sqrt(v if v_hat is None else v_hat) + eps)
    param -= step * alpha


def _state(rng, shape, dtype=np.float32):
    return [rng.normal(size=shape).astype(dtype) for _ in range(4)]  # param, grad, m, v


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("shape", [(3 * _BLOCK + 123,), (517, 263)])
def test_adam_update_in_blocks_matches_whole_array_bit_for_bit(rng, shape, amsgrad):
    param, grad, m, v = _state(rng, shape)
    v = np.abs(v)
    v_hat = np.abs(rng.normal(size=shape)).astype(np.float32) if amsgrad else None
    ref = [a.copy() for a in (param, grad, m, v)] + ([v_hat.copy()] if amsgrad else [])
    assert param.size > _BLOCK
    for t in (1, 2):
        adam_update(param, grad, m, v, t, 0.01, 0.9, 0.999, 1e-7, amsgrad, v_hat=v_hat)
        _whole_array_adam(*ref[:4], t, 0.01, 0.9, 0.999, 1e-7, v_hat=ref[4] if amsgrad else None)
    for ours, theirs in zip((param, m, v), (ref[0], ref[2], ref[3])):
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == np.float32
    if amsgrad:
        np.testing.assert_array_equal(v_hat, ref[4])


def test_adam_update_changes_non_contiguous_arrays_in_place(rng):
    shape = (_BLOCK // 100, 200)
    param, grad, m, v = (a.T for a in _state(rng, shape))
    v = np.abs(v)
    assert not param.flags.c_contiguous
    ref = [np.ascontiguousarray(a) for a in (param, grad, m, v)]
    adam_update(param, grad, m, v, 1, 0.01, 0.9, 0.999, 1e-7)
    _whole_array_adam(*ref, 1, 0.01, 0.9, 0.999, 1e-7)
    for ours, theirs in zip((param, m, v), (ref[0], ref[2], ref[3])):
        np.testing.assert_array_equal(ours, theirs)


def test_adam_update_accepts_a_non_contiguous_gradient(rng):
    param, _, m, v = _state(rng, (2 * _BLOCK + 1,))
    v = np.abs(v)
    grad = rng.normal(size=2 * param.size).astype(np.float32)[::2]
    ref = [param.copy(), np.ascontiguousarray(grad), m.copy(), v.copy()]
    adam_update(param, grad, m, v, 3, 0.01, 0.9, 0.999, 1e-7)
    _whole_array_adam(*ref, 3, 0.01, 0.9, 0.999, 1e-7)
    np.testing.assert_array_equal(param, ref[0])
