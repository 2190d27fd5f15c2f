"""glassnet.regularizers: penalty values, gradients (finite differences and PyTorch), lookup."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import regularizers as R
from glassnet.errors import ConfigError
from tests._oracle import Case, OpSpec, check_against_torch, check_finite_differences


def _torch_penalty(l1: float = 0.0, l2: float = 0.0):
    def penalty(w):
        import torch

        return l1 * torch.abs(w).sum() + l2 * (w * w).sum()

    return penalty


CASES = [Case((4, 5)), Case((7,)), Case((2, 3, 3, 4))]
SPECS = [
    OpSpec("l1", R.L1(0.3), _torch_penalty(l1=0.3), CASES, avoid=[0.0]),
    OpSpec("l2", R.L2(0.2), _torch_penalty(l2=0.2), CASES),
    OpSpec("l1_l2", R.L1L2(l1=0.05, l2=0.5), _torch_penalty(0.05, 0.5), CASES, avoid=[0.0]),
    OpSpec("l1_l2_string", R.get("l1_l2"), _torch_penalty(0.01, 0.01), CASES, avoid=[0.0]),
]
ITEMS = [(spec, i) for spec in SPECS for i in range(len(spec.cases))]


def _item_id(item):
    return f"{item[0].name}-{item[1]}"


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_penalty_gradient_matches_finite_differences(item):
    spec, i = item
    check_finite_differences(spec, spec.cases[i])


@pytest.mark.torch
@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_penalty_matches_torch(item):
    pytest.importorskip("torch")
    spec, i = item
    check_against_torch(spec, spec.cases[i])


# ---------------------------------------------------------------- values
def test_l1_value():
    assert R.L1(0.5)(glassnet.tensor([1.0, -2.0, 0.0])).item() == pytest.approx(1.5)


def test_l2_value_keras_docstring_example():
    assert R.L2(2.0)(glassnet.tensor(np.ones((5, 5), np.float32))).item() == pytest.approx(50.0)


def test_l1_l2_value_is_the_sum_of_both_terms():
    w = np.random.default_rng(0).normal(size=(6, 3))
    expected = 0.1 * np.abs(w).sum() + 0.2 * (w**2).sum()
    got = R.L1L2(l1=0.1, l2=0.2)(glassnet.tensor(w, dtype="float64")).item()
    assert got == pytest.approx(expected, rel=1e-12)


def test_penalty_is_a_scalar_in_the_weight_dtype():
    for dtype in ("float32", "float64"):
        w = glassnet.tensor(np.ones((2, 3)), dtype=dtype)
        for reg in (R.L1(), R.L2(np.float64(0.1)), R.L1L2(0.1, 0.1)):
            penalty = reg(w)
            assert penalty.shape == () and penalty.dtype == np.dtype(dtype)


def test_penalty_accepts_a_numpy_array():
    assert R.L2(1.0)(np.array([3.0, 4.0])).item() == pytest.approx(25.0)


def test_zero_l1_l2_is_a_constant_zero():
    penalty = R.L1L2()(glassnet.tensor([1.0, 2.0], requires_grad=True))
    assert penalty.item() == 0.0 and not penalty.requires_grad


def test_penalty_gradient_reaches_the_weight_through_a_loss():
    w = glassnet.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    x = glassnet.tensor([[1.0, 1.0]])
    loss = (x @ w).sum() + R.L2(0.1)(w) + R.L1(0.05)(w)
    loss.backward()
    expected = np.ones((2, 2)) + 0.2 * w.numpy() + 0.05 * np.sign(w.numpy())
    np.testing.assert_allclose(w.grad, expected, rtol=1e-6)


# ---------------------------------------------------------------- Keras defaults and lookup
def test_keras_defaults():
    assert R.L1().l1 == 0.01
    assert R.L2().l2 == 0.01
    assert (R.L1L2().l1, R.L1L2().l2) == (0.0, 0.0)
    assert R.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}


def test_get_resolves_names_classes_instances_and_none():
    assert isinstance(R.get("l1"), R.L1)
    assert isinstance(R.get("L2"), R.L2)
    assert isinstance(R.get("L1L2"), R.L1L2)
    assert isinstance(R.get(R.L2), R.L2)
    reg = R.L1(0.2)
    assert R.get(reg) is reg
    assert R.get(None) is None

    def custom(w):
        return 0.1 * glassnet.ops.sum(w)

    assert R.get(custom) is custom


def test_get_unknown_name_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"Unknown regularizer 'l1l2'.*Did you mean 'l1_l2'\?"):
        R.get("l1l2")


def test_get_rejects_other_objects():
    with pytest.raises(TypeError, match=r"regularizers.get: expected a regularizer name"):
        R.get(0.01)


@pytest.mark.parametrize("reg", [R.L1(0.2), R.L2(0.003), R.L1L2(0.1, 0.0), R.get("l1_l2")])
def test_config_round_trips(reg):
    assert type(reg).from_config(reg.get_config()).get_config() == reg.get_config()
    restored = R.deserialize(R.serialize(reg))
    assert type(restored) is type(reg) and restored.get_config() == reg.get_config()


def test_serialize_uses_the_class_name():
    assert R.serialize(R.L1L2(0.1, 0.2)) == {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}}


def test_deserialize_accepts_the_l1_l2_factory_name():
    reg = R.deserialize({"class_name": "l1_l2", "config": {"l1": 0.5}})
    assert reg.get_config() == {"l1": 0.5, "l2": 0.01}


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: R.L1(-0.1), r"L1: expected l1 to be a float >= 0, got -0\.1\. Pass a penalty"),
        (lambda: R.L2("big"), r"L2: expected l2 to be a float >= 0, got 'big'"),
        (lambda: R.L2(True), r"L2: expected l2 to be a float >= 0, got True"),
        (lambda: R.L1L2(l1=float("nan")), r"L1L2: expected l1 to be a float >= 0, got nan"),
        (lambda: R.L1L2(l2=-1), r"L1L2: expected l2 to be a float >= 0, got -1"),
        (lambda: R.deserialize({"l2": 0.1}), r"regularizers.deserialize: expected a dict with"),
    ],
)
def test_regularizer_rejects_bad_arguments(build, match):
    with pytest.raises(ConfigError, match=match):
        build()
