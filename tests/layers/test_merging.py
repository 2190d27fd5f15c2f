"""Merging layers: a multi-input version of the layer oracle, PyTorch parity and errors.

``check_layer`` feeds one input, so ``_check_merge`` below does the same checks for a list:
output shape and ``compute_output_shape``, config round trip (JSON), float64 finite
differences for every input, and PyTorch forward plus the backward of a random projection.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    LAYERS,
    Add,
    Average,
    Concatenate,
    Dot,
    Layer,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    concatenate,
    dot,
)
from tests._oracle import _assert_close

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _check_merge(make_layer, shapes, torch_fn=None, seed=0):
    """The oracle for a layer called on a list of inputs of ``shapes``."""
    rng = np.random.default_rng(seed)
    xs = [rng.normal(size=s).astype(np.float32) for s in shapes]
    layer = make_layer()
    y = layer(xs)
    assert y.dtype == np.float32
    expected = layer.compute_output_shape([(None, *s[1:]) for s in shapes])
    assert expected == (None, *y.shape[1:]), f"compute_output_shape {expected} vs {y.shape}"
    assert layer.weights == []
    config = json.loads(json.dumps(layer.get_config()))
    clone = LAYERS.get(type(layer).__name__).from_config(config)
    np.testing.assert_array_equal(clone(xs).numpy(), y.numpy())
    wide = make_layer(dtype="float64")
    glassnet.gradcheck(lambda *a: wide(list(a)), *[x.astype(np.float64) for x in xs],
                       atol=1e-6, rtol=1e-5)  # fmt: skip
    if torch_fn is not None and HAS_TORCH:
        _check_against_torch(layer, xs, y, torch_fn, rng)
    return layer


def _check_against_torch(layer, xs, y, torch_fn, rng):
    import torch

    theirs_in = [torch.tensor(x, requires_grad=True) for x in xs]
    theirs = torch_fn(torch, theirs_in)
    _assert_close(f"{layer.name} forward", y.numpy(), theirs.detach().numpy(), 1e-5, 1e-4)
    r = rng.normal(size=y.shape).astype(np.float32)
    ours_in = [glassnet.tensor(x, requires_grad=True) for x in xs]
    (layer(ours_in) * glassnet.tensor(r)).sum().backward()
    (theirs * torch.from_numpy(r)).sum().backward()
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        _assert_close(f"{layer.name} grad of input {i}", o.grad, t.grad.numpy(), 1e-5, 1e-4)


# ---------------------------------------------------------------- element-wise
ELEMENTWISE = [
    (Add, lambda torch, xs: xs[0] + xs[1] + xs[2]),
    (Multiply, lambda torch, xs: xs[0] * xs[1] * xs[2]),
    (Average, lambda torch, xs: torch.stack(xs).mean(dim=0)),
    (Maximum, lambda torch, xs: torch.maximum(torch.maximum(xs[0], xs[1]), xs[2])),
    (Minimum, lambda torch, xs: torch.minimum(torch.minimum(xs[0], xs[1]), xs[2])),
]


@pytest.mark.parametrize(("cls", "torch_fn"), ELEMENTWISE)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)])
def test_elementwise_merge_matches_torch_and_gradchecks(cls, torch_fn, shape):
    _check_merge(lambda **kw: cls(**kw), [shape] * 3, torch_fn)


def test_subtract_matches_torch_and_gradchecks():
    _check_merge(lambda **kw: Subtract(**kw), [(4, 5), (4, 5)], lambda torch, xs: xs[0] - xs[1])


def test_elementwise_merge_broadcasts_sizes_of_one_and_lower_ranks_as_keras():
    layer = _check_merge(
        lambda **kw: Add(**kw), [(2, 3, 4), (2, 1, 4), (2, 4)],
        lambda torch, xs: xs[0] + xs[1] + xs[2][:, None, :],
    )  # fmt: skip
    assert layer.compute_output_shape([(None, 1, 4), (None, 3, 1)]) == (None, 3, 4)


def test_merge_of_one_input_returns_it():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Add()([x]).numpy(), x)


# ---------------------------------------------------------------- Concatenate, Dot
@pytest.mark.parametrize(
    ("axis", "shapes"), [(-1, [(2, 3), (2, 1), (2, 4)]), (1, [(2, 2, 3), (2, 4, 3)])]
)
def test_concatenate_matches_torch_cat_and_gradchecks(axis, shapes):
    layer = _check_merge(
        lambda **kw: Concatenate(axis=axis, **kw), shapes,
        lambda torch, xs: torch.cat(xs, dim=axis),
    )  # fmt: skip
    assert layer.compute_output_shape([(None, *s[1:]) for s in shapes])[axis] == sum(
        s[axis] for s in shapes
    )


def _torch_dot(a1, a2, normalize=False):
    def fn(torch, xs):
        x, y = xs
        if normalize:
            x = torch.nn.functional.normalize(x, dim=a1, eps=1e-7)
            y = torch.nn.functional.normalize(y, dim=a2, eps=1e-7)
        out = torch.einsum(
            *{(1, 1): ["nk,nk->n"], (1, 2): ["nkm,njk->nmj"], (2, 1): ["nmk,nkj->nmj"],
              (2, 2): ["nmk,njk->nmj"]}[(a1, a2)], x, y
        )  # fmt: skip
        return out[:, None] if out.ndim == 1 else out

    return fn


@pytest.mark.parametrize(
    ("axes", "shapes", "out"),
    [
        (1, [(4, 5), (4, 5)], (4, 1)),
        ((1, 2), [(2, 3, 5), (2, 4, 3)], (2, 5, 4)),
        ((2, 1), [(2, 3, 5), (2, 5, 4)], (2, 3, 4)),
        (-1, [(2, 3, 5), (2, 4, 5)], (2, 3, 4)),
    ],
)
def test_dot_matches_torch_einsum_and_gradchecks(axes, shapes, out):
    a1, a2 = (axes, axes) if isinstance(axes, int) else axes
    a1, a2 = a1 % len(shapes[0]), a2 % len(shapes[1])
    layer = _check_merge(lambda **kw: Dot(axes=axes, **kw), shapes, _torch_dot(a1, a2))
    assert layer([np.ones(s) for s in shapes]).shape == out


def test_dot_normalize_gives_cosine_similarity():
    layer = _check_merge(
        lambda **kw: Dot(axes=1, normalize=True, **kw), [(6, 4), (6, 4)],
        _torch_dot(1, 1, normalize=True),
    )  # fmt: skip
    y = layer([np.array([[3.0, 4.0]]), np.array([[6.0, 8.0]])]).numpy()
    np.testing.assert_allclose(y, [[1.0]], rtol=1e-6)
    assert np.isfinite(layer([np.zeros((1, 2)), np.ones((1, 2))]).numpy()).all()


def test_functional_forms_build_and_call_the_layer():
    a, b = np.ones((2, 3)), np.full((2, 3), 2.0)
    np.testing.assert_array_equal(add([a, b]).numpy(), a + b)
    assert concatenate([a, b], axis=1).shape == (2, 6)
    np.testing.assert_array_equal(dot([a, b], axes=1).numpy(), [[6.0], [6.0]])


def test_multi_input_layer_default_output_shape_runs_call_on_a_list():
    class Pair(Layer):
        _multi_input = True

        def call(self, inputs, training=None):
            return glassnet.ops.concatenate([inputs[0], inputs[1] * 2.0], axis=-1)

    layer = Pair()
    assert layer.compute_output_shape([(None, 3), (None, 2)]) == (None, 5)
    assert layer.built


# ---------------------------------------------------------------- errors
def test_elementwise_merge_rejects_mismatched_shapes_naming_the_layer():
    with pytest.raises(
        ShapeError,
        match=r"Add 'add_check': expected inputs of one shape \(or sizes of 1 that broadcast\), "
        r"got \(2, 3\) and \(2, 4\) \(input 1\)",
    ):
        Add(name="add_check")([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ShapeError, match=r"Multiply 'mul_check': expected inputs of one shape"):
        Multiply(name="mul_check").compute_output_shape([(None, 3), (None, 4)])


def test_merge_rejects_different_batch_sizes():
    with pytest.raises(
        ShapeError, match=r"Maximum 'max_check': expected inputs with the same batch size, "
        r"got shapes \(2, 3\), \(5, 3\)"
    ):  # fmt: skip
        Maximum(name="max_check")([np.ones((2, 3)), np.ones((5, 3))])


def test_subtract_and_dot_need_exactly_two_inputs():
    three = [np.ones((2, 3))] * 3
    with pytest.raises(ShapeError, match=r"Subtract '\w+': expected exactly 2 inputs, got 3"):
        Subtract()(three)
    with pytest.raises(ShapeError, match=r"Dot '\w+': expected exactly 2 inputs, got 3"):
        Dot(axes=1)(three)


def test_merge_layers_must_be_called_on_a_list():
    with pytest.raises(TypeError, match=r"Average '\w+': expected a non-empty list of tensors, "
                                         r"got ndarray. Call it as layer\(\[a, b\]\)"):  # fmt: skip
        Average()(np.ones((2, 3)))
    with pytest.raises(TypeError, match="got an empty list"):
        Minimum()([])


def test_concatenate_rejects_mismatched_shapes_and_the_batch_axis():
    with pytest.raises(
        ShapeError,
        match=r"Concatenate 'cat_check': expected inputs of one shape except along axis -1, "
        r"got \(2, 3, 4\) and \(2, 5, 4\) \(input 1\)",
    ):
        Concatenate(name="cat_check")([np.ones((2, 3, 4)), np.ones((2, 5, 4))])
    with pytest.raises(ShapeError, match="expected inputs of one shape except along axis"):
        Concatenate()([np.ones((2, 3)), np.ones((2, 3, 1))])
    with pytest.raises(ShapeError, match="expected axis -2 to be a feature axis"):
        Concatenate(axis=-2)([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(
        ConfigError, match="The 'axis' argument of Concatenate must be an int other"
    ):
        Concatenate(axis=0)


def test_dot_rejects_unequal_sizes_and_bad_axes():
    with pytest.raises(
        ShapeError,
        match=r"Dot 'dot_check': expected equal sizes on the dot axes, got \(2, 3\) \(axis 1: 3\) "
        r"and \(2, 4\) \(axis 1: 4\)",
    ):
        Dot(axes=1, name="dot_check")([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ShapeError, match="expected axes 3 to be feature axes"):
        Dot(axes=3)([np.ones((2, 3)), np.ones((2, 3))])
    for bad in (0, (1, 2, 3), (0, 1), "1"):
        with pytest.raises(
            ConfigError, match="The 'axes' argument of Dot must be an int or a pair"
        ):
            Dot(axes=bad)
    with pytest.raises(ConfigError, match="The 'normalize' argument of Dot must be True or False"):
        Dot(axes=1, normalize="yes")
