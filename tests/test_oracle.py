"""The oracle must be able to fail: a deliberately wrong backward is caught by both halves."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import GradientCheckError
from glassnet.tensor import Tensor, as_tensor
from tests._oracle import Case, OpSpec, check_against_torch, check_finite_differences


def _softmax_with_sum_bug(x, axis=-1):
    """Softmax whose backward forgets the coupling term: invisible to a plain .sum() check."""
    x = as_tensor(x)
    e = np.exp(x.data - x.data.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)

    def backward(grad):
        # wrong: uses the mean of grad instead of sum(grad * y); equal when grad is all ones.
        return (y * (grad - grad.mean(axis=axis, keepdims=True)),)

    return Tensor.from_op(y, (x,), backward, "bad_softmax")


def _tanh_wrong(x):
    x = as_tensor(x)
    y = np.tanh(x.data)

    def backward(grad):
        return (grad * (1 - y),)  # wrong: should be 1 - y**2

    return Tensor.from_op(y, (x,), backward, "bad_tanh")


def test_gradcheck_catches_wrong_backward():
    with pytest.raises(
        GradientCheckError, match=r"gradient of input 0 \(shape \(3, 4\)\) disagrees at index"
    ):
        glassnet.gradcheck(_tanh_wrong, np.random.default_rng(0).normal(size=(3, 4)))


def test_gradcheck_catches_softmax_bug_a_plain_sum_would_hide():
    x = np.random.default_rng(1).normal(size=(2, 5))
    # A plain sum of softmax outputs is constant, so its gradient is 0 either way ...
    xt = glassnet.tensor(x, requires_grad=True)
    _softmax_with_sum_bug(xt).sum().backward()
    assert np.allclose(xt.grad, 0, atol=1e-6)
    # ... while the random projection exposes the bug.
    with pytest.raises(GradientCheckError, match="disagrees"):
        glassnet.gradcheck(_softmax_with_sum_bug, x)


def test_gradcheck_passes_correct_op_and_reports_true():
    assert glassnet.gradcheck(lambda a, b: a @ b, np.ones((2, 3)), np.ones((3, 2))) is True


def test_gradcheck_needs_a_float_input():
    with pytest.raises(GradientCheckError, match="expected at least one floating-point input"):
        glassnet.gradcheck(lambda i: glassnet.ops.one_hot(i, 3), np.array([0, 1]))


def test_oracle_torch_half_catches_wrong_backward():
    torch = pytest.importorskip("torch")
    spec = OpSpec("bad_tanh", _tanh_wrong, torch.tanh, [Case((3, 4))])
    with pytest.raises(
        AssertionError, match=r"grad of input 0: max error .* glassnet=.* \| torch="
    ):
        check_against_torch(spec, spec.cases[0])


def test_oracle_finite_difference_half_names_the_op():
    spec = OpSpec("bad_tanh", _tanh_wrong, None, [Case((3, 4))])
    with pytest.raises(AssertionError, match=r"op 'bad_tanh', inputs \[\(3, 4\)\]"):
        check_finite_differences(spec, spec.cases[0])


def test_oracle_torch_half_catches_wrong_forward():
    torch = pytest.importorskip("torch")
    spec = OpSpec("tanh_vs_sigmoid", glassnet.ops.tanh, torch.sigmoid, [Case((3,))])
    with pytest.raises(AssertionError, match="forward output 0"):
        check_against_torch(spec, spec.cases[0])
