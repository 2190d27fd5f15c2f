"""glassnet.activations: every activation against finite differences and PyTorch, plus lookup.

The oracle table below uses the same helpers as tests/ops (tests/_oracle.py): each entry is
checked against central differences in float64 and against torch.nn.functional in float32.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import glassnet
from glassnet import activations
from glassnet.errors import ConfigError, ShapeError
from tests._oracle import Case, OpSpec, check_against_torch, check_finite_differences


def _torch(path: str, **fixed):
    """The torch function at ``path`` (e.g. 'nn.functional.elu'), imported when called."""

    def call(*args, **kwargs):
        import torch

        fn = torch
        for part in path.split("."):
            fn = getattr(fn, part)
        return fn(*args, **fixed, **kwargs)

    return call


def _torch_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras's generalised relu written with torch ops."""
    import torch

    positive = torch.where(x > threshold, x, torch.zeros_like(x))
    if max_value is not None:
        positive = positive.clamp(0.0, max_value)
    return positive - negative_slope * torch.relu(threshold - x)


def _torch_gelu(x, approximate=False):
    import torch.nn.functional as F

    return F.gelu(x, approximate="tanh" if approximate else "none")


def _torch_softmax(name):
    def call(x, axis=-1):
        import torch.nn.functional as F

        return getattr(F, name)(x, dim=axis)

    return call


A = activations
SHAPES = [Case((3, 4)), Case((2, 3, 5)), Case(())]

SPECS = [
    OpSpec("linear", A.linear, lambda x: x * 1, SHAPES),
    OpSpec("relu", A.relu, _torch("nn.functional.relu"), SHAPES, avoid=[0.0]),
    OpSpec("relu_leaky", A.relu, _torch_relu, [Case((3, 4), negative_slope=0.3)], avoid=[0.0]),
    OpSpec("relu_capped", A.relu, _torch_relu, [Case((4, 5), max_value=1.0)], avoid=[0.0, 1.0]),
    OpSpec(
        "relu_threshold",
        A.relu,
        _torch_relu,
        [Case((4, 5), threshold=0.5), Case((4, 5), threshold=0.5, negative_slope=0.1)],
        avoid=[0.5],
    ),
    OpSpec(
        "relu_all",
        A.relu,
        _torch_relu,
        [Case((4, 5), threshold=-0.5, negative_slope=0.2, max_value=1.5)],
        avoid=[-0.5, 0.0, 1.5],
    ),
    OpSpec(
        "leaky_relu",
        A.leaky_relu,
        _torch("nn.functional.leaky_relu", negative_slope=0.2),
        SHAPES,
        avoid=[0.0],
    ),
    OpSpec(
        "leaky_relu_slope",
        A.leaky_relu,
        _torch("nn.functional.leaky_relu"),
        [Case((3, 4), negative_slope=0.01)],
        avoid=[0.0],
    ),
    OpSpec("relu6", A.relu6, _torch("nn.functional.relu6"), SHAPES, low=-3, high=9, avoid=[0, 6]),
    OpSpec(
        "elu",
        A.elu,
        _torch("nn.functional.elu"),
        SHAPES + [Case((3, 4), alpha=0.5)],
        avoid=[0.0],
    ),
    OpSpec("selu", A.selu, _torch("nn.functional.selu"), SHAPES, avoid=[0.0]),
    OpSpec("sigmoid", A.sigmoid, _torch("sigmoid"), SHAPES, low=-6, high=6),
    OpSpec("tanh", A.tanh, _torch("tanh"), SHAPES),
    OpSpec("softplus", A.softplus, _torch("nn.functional.softplus"), SHAPES, low=-6, high=6),
    OpSpec("softsign", A.softsign, _torch("nn.functional.softsign"), SHAPES, low=-4, high=4),
    OpSpec("silu", A.silu, _torch("nn.functional.silu"), SHAPES, low=-6, high=6),
    OpSpec("gelu", A.gelu, _torch_gelu, SHAPES + [Case((3, 4), approximate=True)]),
    OpSpec("gelu_wide", A.gelu, _torch_gelu, [Case((6, 7))], low=-7, high=7),
    OpSpec(
        "hard_sigmoid",
        A.hard_sigmoid,
        _torch("nn.functional.hardsigmoid"),
        SHAPES,
        low=-5,
        high=5,
        avoid=[-3, 3],
    ),
    OpSpec(
        "hard_silu",
        A.hard_silu,
        _torch("nn.functional.hardswish"),
        SHAPES,
        low=-5,
        high=5,
        avoid=[-3, 3],
    ),
    OpSpec("mish", A.mish, _torch("nn.functional.mish"), SHAPES, low=-5, high=5),
    OpSpec("exponential", A.exponential, _torch("exp"), SHAPES),
    OpSpec(
        "softmax",
        A.softmax,
        _torch_softmax("softmax"),
        [Case((3, 4)), Case((2, 3, 5), axis=1), Case((4,), axis=0)],
    ),
    OpSpec(
        "log_softmax",
        A.log_softmax,
        _torch_softmax("log_softmax"),
        [Case((3, 4)), Case((2, 3, 5), axis=0)],
    ),
]

CASES = [(spec, i) for spec in SPECS for i in range(len(spec.cases))]


def _case_id(item):
    spec, i = item
    return f"{spec.name}-{i}"


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_activation_gradient_matches_finite_differences(item):
    spec, i = item
    check_finite_differences(spec, spec.cases[i])


@pytest.mark.torch
@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_activation_matches_torch(item):
    pytest.importorskip("torch")
    spec, i = item
    check_against_torch(spec, spec.cases[i])


def test_activation_table_covers_every_registered_name():
    tested = {spec.fn for spec in SPECS}
    untested = [name for name in activations.ACTIVATIONS if activations.get(name) not in tested]
    assert not untested


# ---------------------------------------------------------------- Keras semantics
def _values(fn, xs, **kwargs):
    return fn(glassnet.tensor(xs), **kwargs).numpy()


def test_relu_keras_docstring_examples():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_allclose(_values(A.relu, x), [0, 0, 0, 5, 10])
    np.testing.assert_allclose(_values(A.relu, x, negative_slope=0.5), [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(_values(A.relu, x, max_value=5.0), [0, 0, 0, 5, 5])
    np.testing.assert_allclose(_values(A.relu, x, threshold=5.0), [0, 0, 0, 0, 10])


def test_leaky_relu_default_slope_is_keras_0_2():
    np.testing.assert_allclose(_values(A.leaky_relu, [-1.0, 2.0]), [-0.2, 2.0], rtol=1e-6)


def test_hard_sigmoid_is_keras3_relu6_form():
    x = np.linspace(-5, 5, 41)
    expected = np.clip(x + 3, 0, 6) / 6
    np.testing.assert_allclose(_values(A.hard_sigmoid, x), expected, atol=1e-7)


def test_selu_constants_match_the_paper():
    y = _values(A.selu, np.array([1.0, -50.0]))
    np.testing.assert_allclose(y, [1.0507009873554805, -1.0507009873554805 * 1.6732632423543772])


def test_gelu_exact_and_tanh_forms_differ_slightly():
    x = np.linspace(-3, 3, 13)
    exact, approx = _values(A.gelu, x), _values(A.gelu, x, approximate=True)
    assert 0 < np.abs(exact - approx).max() < 1e-3


def test_swish_and_hard_swish_are_aliases():
    assert A.swish is A.silu and A.get("swish") is A.silu
    assert A.hard_swish is A.hard_silu and A.get("hard_swish") is A.hard_silu


def test_linear_returns_its_input():
    x = glassnet.tensor([1.0, -2.0])
    assert A.linear(x) is x


@pytest.mark.parametrize("name", ["relu", "relu6", "hard_sigmoid", "hard_silu", "leaky_relu"])
def test_activation_gradient_at_kinks_matches_torch(name):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    reference = {
        "relu": F.relu,
        "relu6": F.relu6,
        "hard_sigmoid": F.hardsigmoid,
        "hard_silu": F.hardswish,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
    }[name]
    points = np.array([-3.0, 0.0, 3.0, 6.0], dtype=np.float32)
    if name == "hard_silu":
        points = np.array([-3.0, 0.0], dtype=np.float32)  # torch's hardswish'(3) is 1.5
    x = glassnet.tensor(points, requires_grad=True)
    A.get(name)(x).sum().backward()
    t = torch.tensor(points, requires_grad=True)
    reference(t).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy())


@pytest.mark.parametrize("name", sorted(set(A.ACTIVATIONS) - {"exponential"}))
def test_activation_is_finite_and_warning_free_for_huge_inputs(name):
    x = glassnet.tensor([-1000.0, -30.0, 30.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = A.get(name)(x)
        (y * glassnet.tensor([1.0, -1.0, 0.5, 2.0])).sum().backward()
    assert np.isfinite(y.numpy()).all()
    assert np.isfinite(x.grad).all()


@pytest.mark.parametrize("name", sorted(A.ACTIVATIONS))
def test_activation_keeps_dtype(name):
    for dtype in ("float32", "float64"):
        y = A.get(name)(glassnet.tensor(np.linspace(-2, 2, 6), dtype=dtype))
        assert y.dtype == np.dtype(dtype)


# ---------------------------------------------------------------- lookup
def test_get_resolves_names_none_and_callables():
    assert A.get("relu") is A.relu
    assert A.get("ReLU") is A.relu
    assert A.get(None) is A.linear

    def custom(x):
        return x

    assert A.get(custom) is custom


@pytest.mark.parametrize("name", sorted(A.ACTIVATIONS))
def test_serialize_round_trips(name):
    fn = A.get(name)
    assert A.deserialize(A.serialize(fn)) is fn


def test_registry_has_the_keras_names():
    expected = {
        "elu", "exponential", "gelu", "hard_sigmoid", "hard_silu", "hard_swish", "leaky_relu",
        "linear", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu",
        "softmax", "softplus", "softsign", "swish", "tanh",
    }  # fmt: skip
    assert expected <= set(A.ACTIVATIONS)


def test_get_unknown_name_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"Unknown activation 'rel'\..*Did you mean 'relu'\?"):
        A.get("rel")


def test_get_rejects_non_callables():
    with pytest.raises(TypeError, match=r"activations.get: expected an activation name"):
        A.get(3)


def test_serialize_rejects_unregistered_functions():
    with pytest.raises(ConfigError, match=r"activations.serialize: expected a registered"):
        A.serialize(lambda x: x)


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize(
    ("fn", "kwargs", "match"),
    [
        (A.relu, {"negative_slope": -0.1}, r"relu: expected negative_slope to be a float >= 0"),
        (A.relu, {"max_value": -1.0}, r"relu: expected max_value to be None or a float >= 0"),
        (A.relu, {"threshold": "high"}, r"relu: expected threshold to be a finite float"),
        (A.leaky_relu, {"negative_slope": -0.2}, r"leaky_relu: expected negative_slope"),
        (A.leaky_relu, {"negative_slope": None}, r"got None\. Pass a small positive slope"),
        (A.elu, {"alpha": float("nan")}, r"elu: expected alpha to be a finite float, got nan"),
        (A.gelu, {"approximate": "tanh"}, r"gelu: expected approximate to be True or False"),
    ],
)
def test_activation_rejects_bad_arguments(fn, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        fn(glassnet.tensor([1.0]), **kwargs)


def test_softmax_rejects_an_axis_out_of_range():
    with pytest.raises(ShapeError, match=r"softmax: axis 2 is out of range"):
        A.softmax(glassnet.tensor([[1.0, 2.0]]), axis=2)
