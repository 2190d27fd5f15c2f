"""Tensor and autograd behaviour: accumulation, broadcasting, deep graphs, freeing, dtypes."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.errors import ShapeError, StateError
from glassnet.tensor import Tensor


def test_tensor_float_lists_default_to_float32_arrays_keep_dtype():
    assert glassnet.tensor([1.0, 2.0]).dtype == np.float32
    assert glassnet.tensor(np.zeros(2)).dtype == np.float64
    assert glassnet.tensor([1, 2]).dtype.kind == "i"
    assert glassnet.tensor([1.0], dtype="float64").dtype == np.float64


def test_tensor_copies_its_data():
    a = np.zeros(3, dtype=np.float32)
    t = glassnet.tensor(a)
    a[0] = 5
    assert t.data[0] == 0


def test_tensor_rejects_strings_and_int_grads():
    with pytest.raises(TypeError, match="expected a numeric dtype"):
        glassnet.tensor(["a", "b"])
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        glassnet.tensor([1, 2], requires_grad=True)


def test_constants_take_the_tensor_dtype():
    x = glassnet.tensor([1.0, 2.0])
    assert (x * 2).dtype == np.float32
    assert (x + np.array([1.0, 1.0])).dtype == np.float32
    assert (np.array([1.0, 1.0]) + x).dtype == np.float32
    assert (2.0 / x).dtype == np.float32


def test_gradients_accumulate_across_uses_and_calls():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * x + x  # x used three times
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 5.0])
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad, [6.0, 8.0])
    x.zero_grad()
    assert x.grad is None


def test_broadcast_gradient_is_summed_to_operand_shape():
    x = glassnet.tensor(np.ones((4, 3), np.float32), requires_grad=True)
    b = glassnet.tensor(np.zeros((3,), np.float32), requires_grad=True)
    c = glassnet.tensor(np.zeros((4, 1), np.float32), requires_grad=True)
    w = np.arange(12, dtype=np.float32).reshape(4, 3)
    ((x + b + c) * w).sum().backward()
    np.testing.assert_allclose(b.grad, w.sum(axis=0))
    np.testing.assert_allclose(c.grad, w.sum(axis=1, keepdims=True))
    assert b.grad.shape == (3,) and c.grad.shape == (4, 1)


def test_deep_graph_does_not_recurse():
    x = glassnet.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001**5000], rtol=1e-3)


def test_a_node_runs_after_every_node_that_feeds_it_a_gradient():
    # h feeds a short branch and a long one; its backward must wait for both, or the
    # gradient of the long branch would reach x after h has already passed its own on.
    x = glassnet.tensor([0.5, -1.5], requires_grad=True, dtype="float64")
    h = x * x
    long = h
    for _ in range(20):
        long = long * 1.01
    (h + long).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data * (1 + 1.01**20), rtol=1e-12)


def test_backward_does_not_visit_a_node_that_gets_no_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    dead = x * 3
    calls = []

    def backward(grad):
        calls.append("mark")
        return (None,)  # nothing flows on to `dead` from here

    marked = Tensor.from_op(dead.data.copy(), (dead,), backward, "mark")
    (marked.sum() + (x * 2).sum()).backward()
    np.testing.assert_allclose(x.grad, [2.0, 2.0])
    assert calls == ["mark"] and dead._backward is not None  # dead's step never ran


def test_graph_is_freed_unless_retained():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, [4.0, 8.0])
    with pytest.raises(StateError, match="was freed by an earlier backward"):
        y.backward()


def test_no_grad_records_nothing_and_restores():
    x = glassnet.tensor([1.0], requires_grad=True)
    with glassnet.no_grad():
        y = x * 2
        assert not glassnet.is_grad_enabled()
        with glassnet.enable_grad():
            z = x * 2
    assert glassnet.is_grad_enabled()
    assert not y.requires_grad and z.requires_grad


def test_no_grad_works_as_decorator():
    @glassnet.no_grad()
    def f(t):
        return t * 2

    assert not f(glassnet.tensor([1.0], requires_grad=True)).requires_grad


def test_backward_errors_are_clear():
    with pytest.raises(StateError, match="expected a tensor that requires grad"):
        glassnet.tensor([1.0]).backward()
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ShapeError, match="expected a one-element output"):
        (x * 2).backward()
    with pytest.raises(ShapeError, match=r"expected grad of shape \(2,\), got \(3,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_with_explicit_grad():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(np.array([1.0, -1.0]))
    np.testing.assert_allclose(x.grad, [3.0, -3.0])


def test_detach_cuts_the_graph_and_item_reads_value():
    x = glassnet.tensor([2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.item() == 4.0
    with pytest.raises(ShapeError, match="expected a tensor with one element"):
        glassnet.tensor([1.0, 2.0]).item()


def test_comparisons_give_bool_tensors_without_grad():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    assert (x == 2.0).data.tolist() == [False, True, False]
    assert {x: 1}[x] == 1  # still hashable


def test_retain_grad_keeps_intermediate_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, [6.0, 12.0])


def test_tensor_methods_and_operators():
    x = glassnet.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    y = (-x).abs().sum(axis=0) + x.T.mean() + x.reshape(4).max() + x.reshape(2, 2)[0, 1]
    y.sum().backward()
    assert x.grad.shape == (2, 2)
    assert (2 ** glassnet.tensor([1.0, 2.0])).data.tolist() == [2.0, 4.0]
    assert (np.eye(2, dtype=np.float32) @ x).shape == (2, 2)


def test_stability_softmax_sigmoid_logsumexp_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = ops.softmax(glassnet.tensor([1000.0, 1001.0, 1002.0])).numpy()
            ls = ops.log_softmax(glassnet.tensor([1000.0, 1001.0, 1002.0])).numpy()
            sg = ops.sigmoid(glassnet.tensor([1000.0, -1000.0, 0.0])).numpy()
            lse = ops.logsumexp(glassnet.tensor([-np.inf, 0.0, np.log(3.0)])).item()
            lse_row = ops.logsumexp(glassnet.tensor([[-np.inf, -np.inf], [0.0, 0.0]]), axis=1)
    expected = np.exp([-2.0, -1.0, 0.0]) / np.exp([-2.0, -1.0, 0.0]).sum()
    np.testing.assert_allclose(s, expected, rtol=1e-6)
    np.testing.assert_allclose(ls, np.log(expected), rtol=1e-6)
    assert sg.tolist() == [1.0, 0.0, 0.5]
    assert lse == pytest.approx(np.log(4.0), rel=1e-6)
    assert lse_row.data[0] == -np.inf and lse_row.data[1] == pytest.approx(np.log(2.0))


def test_softmax_gradient_at_huge_inputs_is_finite():
    x = glassnet.tensor([1000.0, 1001.0, 1002.0], requires_grad=True)
    (ops.log_softmax(x) * glassnet.tensor([1.0, 0.0, 0.0])).sum().backward()
    assert np.isfinite(x.grad).all()


def test_split_returns_pieces_with_gradient():
    x = glassnet.tensor(np.arange(6.0), requires_grad=True)
    a, b = ops.split(x, 2)
    (a * 2 + b).sum().backward()
    np.testing.assert_allclose(x.grad, [2, 2, 2, 1, 1, 1])


def test_set_random_seed_repeats_bit_for_bit():
    glassnet.utils.set_random_seed(7)
    a = glassnet.backend.rng().standard_normal(5)
    glassnet.utils.set_random_seed(7)
    b = glassnet.backend.rng().standard_normal(5)
    glassnet.utils.set_random_seed(8)
    c = glassnet.backend.rng().standard_normal(5)
    assert a.tobytes() == b.tobytes() and a.tobytes() != c.tobytes()


def test_set_random_seed_rejects_bad_seed():
    with pytest.raises(glassnet.errors.ConfigError, match="expected a non-negative integer seed"):
        glassnet.utils.set_random_seed(-1)


def test_set_floatx_rejects_unknown_dtype(float64):
    assert glassnet.floatx() == np.float64
    assert glassnet.tensor([1.0]).dtype == np.float64
    with pytest.raises(glassnet.errors.ConfigError, match="expected one of float32, float64"):
        glassnet.set_floatx("int8")


def _import_cost(module: str) -> float:
    """Seconds ``import glassnet`` spends beyond NumPy, from ``python -X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    cumulative = {}
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative[parts[2].strip()] = int(parts[1]) * 1e-6
    return cumulative[module] - cumulative["numpy"]


def test_import_is_fast():
    """``import glassnet`` costs under 0.05 s on top of NumPy (median of 5 fresh processes).

    Measured with ``-X importtime``, so a busy machine slows NumPy and glassnet alike and the
    check stays meaningful; on an idle 2-core machine the whole ``python -c "import glassnet"``
    takes about 0.09 s, glassnet's own part about 0.015 s (``import torch``: about 1.2 s).
    Heavy optional libraries must not load with it.
    """
    costs = sorted(_import_cost("glassnet") for _ in range(5))
    assert costs[2] < 0.05, f"import glassnet costs {costs[2]:.3f} s beyond NumPy"
    loaded = subprocess.run(
        [sys.executable, "-c", "import glassnet, sys; print(' '.join(sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    heavy = {"matplotlib", "sklearn", "torch", "scipy", "pandas"} & set(loaded)
    assert not heavy, f"import glassnet loads {sorted(heavy)}"


def test_a_grad_never_aliases_another_gradient_a_view_or_the_seed():
    a = glassnet.tensor([1.0, 2.0], requires_grad=True)
    b = glassnet.tensor([3.0, 4.0], requires_grad=True)
    h = (a * 2.0).retain_grad()
    seed = np.array([1.0, -1.0], dtype=np.float32)
    (h + b).backward(seed)  # add hands the same upstream array to both of its parents
    grads = [a.grad, b.grad, h.grad, seed]
    for i, first in enumerate(grads):
        for second in grads[i + 1 :]:
            assert not np.shares_memory(first, second)
    c = glassnet.tensor([[1.0, 2.0]], requires_grad=True)
    glassnet.ops.reshape(c, (2,)).backward(seed)  # reshape's backward returns a view
    assert not np.shares_memory(c.grad, seed)
    c.backward(np.ones((1, 2), np.float32))
    np.testing.assert_array_equal(c.grad, [[2.0, 0.0]])
    np.testing.assert_array_equal(seed, [1.0, -1.0])  # the caller's array is untouched
