"""The oracle: every differentiable op proves itself twice, through this one helper.

1. Central finite differences in float64 on ``sum(out * r)`` with a random ``r``
   (``glassnet.gradcheck``, eps=1e-6, rtol=1e-5, atol=1e-7).
2. PyTorch CPU in float32 on the same values: forward (shape, dtype, values), then the
   backward of the same random projection for every input (atol=1e-5, rtol=1e-4).

An op's table entry is an ``OpSpec``; ``tests/ops/test_op_table.py`` turns the table into
parametrized tests and fails if any name in ``glassnet.ops.OPS`` has no entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import glassnet


@dataclasses.dataclass(frozen=True)
class Case:
    """One set of inputs for an op.

    ``inputs``: a tuple of ints is a shape (a random float input, differentiated); an ndarray
    is used as given (differentiated when it is float); ``Raw(v)`` passes ``v`` unchanged to
    both libraries (an axis list, a Python int). ``kwargs`` go to both ``fn`` and ``torch_fn``.
    """

    inputs: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)

    def __init__(self, *inputs: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "kwargs", kwargs)


@dataclasses.dataclass(frozen=True)
class Raw:
    """An argument passed unchanged to both libraries (not a tensor)."""

    value: Any


@dataclasses.dataclass(frozen=True)
class ErrorCase:
    """Inputs that must raise ``error`` with a message matching ``match``."""

    inputs: tuple
    kwargs: dict
    error: type
    match: str


@dataclasses.dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable[..., Any]
    torch_fn: Callable[..., Any] | None
    cases: Sequence[Case]
    low: float = -2.0
    high: float = 2.0
    avoid: Sequence[float] = ()
    grad: bool = True
    check_dtype: bool = True
    fd_atol: float = 1e-7
    fd_rtol: float = 1e-5
    torch_atol: float = 1e-5
    torch_rtol: float = 1e-4
    errors: Sequence[ErrorCase] = ()


def make_inputs(spec: OpSpec, case: Case, seed: int = 0) -> list[Any]:
    """Seeded float64 inputs for a case, kept inside [low, high] and away from ``avoid``."""
    rng = np.random.default_rng(seed)
    values: list[Any] = []
    for item in case.inputs:
        if isinstance(item, tuple):
            x = rng.uniform(spec.low, spec.high, size=item)
            for point in spec.avoid:
                near = np.abs(x - point) < 0.05
                x = np.where(near, point + np.where(x >= point, 0.1, -0.1), x)
            values.append(x)
        else:
            values.append(item)
    return values


def _to_glassnet(value: Any, dtype: Any) -> Any:
    if isinstance(value, Raw):
        return value.value
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return glassnet.Tensor(value.astype(dtype), requires_grad=True)
        return glassnet.Tensor(value)
    return value


def _to_torch(value: Any, torch: Any) -> Any:
    if isinstance(value, Raw):
        return value.value
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return torch.tensor(value.astype(np.float32), requires_grad=True)
        return torch.tensor(value)
    return value


def _listify(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _describe(spec: OpSpec, case: Case, values: list[Any]) -> str:
    shapes = [v.shape if isinstance(v, np.ndarray) else v for v in values]
    return f"op '{spec.name}', inputs {shapes}, kwargs {case.kwargs}"


def _assert_close(label: str, ours: np.ndarray, theirs: np.ndarray, atol: float, rtol: float):
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, (
        f"{label}: shape glassnet={ours.shape} | torch={theirs.shape}"
    )
    error = np.abs(ours - theirs)
    bad = ~(error <= atol + rtol * np.abs(theirs))
    if bad.any():
        where = np.unravel_index(
            int(np.argmax(np.where(bad, np.nan_to_num(error, nan=np.inf), -1))), ours.shape
        )
        raise AssertionError(
            f"{label}: max error {np.nanmax(error):.3g} at {tuple(int(i) for i in where)}: "
            f"glassnet={ours[where]!r} | torch={theirs[where]!r} ({int(bad.sum())} elements off)"
        )


def check_finite_differences(spec: OpSpec, case: Case, seed: int = 0) -> None:
    """Half 1: analytic gradients against central differences in float64."""
    values = make_inputs(spec, case, seed)
    args = [v.value if isinstance(v, Raw) else v for v in values]
    try:
        glassnet.gradcheck(
            lambda *a: spec.fn(*a, **case.kwargs), *args,
            eps=1e-6, atol=spec.fd_atol, rtol=spec.fd_rtol, seed=seed,
        )  # fmt: skip
    except AssertionError as err:
        raise AssertionError(f"{_describe(spec, case, values)}: {err}") from None


def check_against_torch(spec: OpSpec, case: Case, seed: int = 0) -> None:
    """Half 2: forward and backward against PyTorch in float32 on the same values."""
    import torch

    values = make_inputs(spec, case, seed)
    ours_in = [_to_glassnet(v, np.float32) for v in values]
    theirs_in = [_to_torch(v, torch) for v in values]
    ours = _listify(spec.fn(*ours_in, **case.kwargs))
    theirs = _listify(spec.torch_fn(*theirs_in, **case.kwargs))
    label = _describe(spec, case, values)
    assert len(ours) == len(theirs), f"{label}: {len(ours)} outputs | torch {len(theirs)}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        t_np = t.detach().numpy()
        if spec.check_dtype:
            assert o.dtype == t_np.dtype, (
                f"{label}: output {k} dtype glassnet={o.dtype} | torch={t_np.dtype}"
            )
        _assert_close(
            f"{label}: forward output {k}", o.data, t_np, spec.torch_atol, spec.torch_rtol
        )
    if not spec.grad:
        return
    rng = np.random.default_rng(seed + 1)
    weights = [rng.standard_normal(o.shape).astype(np.float32) for o in ours]
    sum(((o * w).sum() for o, w in zip(ours, weights)), glassnet.tensor(0.0)).backward()
    sum((t * torch.from_numpy(w)).sum() for t, w in zip(theirs, weights)).backward()
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        if isinstance(o, glassnet.Tensor) and o.requires_grad:
            t_grad = t.grad.numpy() if t.grad is not None else np.zeros(t.shape, np.float32)
            o_grad = o.grad if o.grad is not None else np.zeros(o.shape, np.float32)
            assert o_grad.dtype == np.float32, (
                f"{label}: grad of input {i} has dtype {o_grad.dtype}"
            )
            _assert_close(
                f"{label}: grad of input {i}", o_grad, t_grad, spec.torch_atol, spec.torch_rtol
            )


def _owners(layer: Any) -> list[Any]:
    """The layer and every layer nested in its attributes (an RNN's cell, a wrapper's layer)."""
    found, stack = [], [layer]
    while stack:
        owner = stack.pop()
        if any(owner is f for f in found):
            continue
        found.append(owner)
        stack.extend(v for v in vars(owner).values() if isinstance(v, glassnet.layers.Layer))
    return found


def _swap_weights(layer: Any, new: Sequence[Any]) -> list[tuple[Any, str, Any]]:
    """Point the weight attributes (of the layer or a nested one) at ``new`` tensors; return
    what to restore."""
    restore = []
    owners = _owners(layer)
    for old, replacement in zip(list(layer._weights), new):
        swapped = len(restore)
        for owner in owners:
            for key, value in list(vars(owner).items()):
                if value is old:
                    restore.append((owner, key, value))
                    setattr(owner, key, replacement)
        assert len(restore) > swapped, f"weight {old.name} is no attribute: gradcheck can't see it"
    return restore


def check_layer(
    make_layer: Callable[..., Any],
    input_shape: tuple,
    *,
    n_weights: int,
    torch_forward: Callable[[Any, np.ndarray], np.ndarray] | None = None,
    training: bool = False,
    seed: int = 0,
) -> Any:
    """The layer oracle: shapes, weight count, config round trip, float64 gradients, torch.

    ``make_layer(**overrides)`` builds a fresh layer; ``torch_forward(layer, x)`` (optional)
    returns the PyTorch output for the same input with the layer's weights mapped across.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=input_shape).astype(np.float32)
    layer = make_layer()
    y = layer(x, training=training)
    assert len(layer.weights) == n_weights, (
        f"{layer.name}: {len(layer.weights)} weights, expected {n_weights}"
    )
    expected = layer.compute_output_shape((None,) + tuple(input_shape[1:]))
    assert tuple(expected[1:]) == y.shape[1:], (
        f"compute_output_shape {expected} vs output {y.shape}"
    )
    assert y.dtype == np.float32, f"{layer.name}: output dtype {y.dtype}"
    clone = type(layer).from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x, training=training).numpy(), y.numpy())
    if torch_forward is not None:
        theirs = torch_forward(layer, x)
        _assert_close(f"{layer.name} vs torch", y.numpy(), theirs, 1e-5, 1e-4)
    wide = make_layer(dtype="float64")
    wide(x.astype(np.float64))
    wide.set_weights([w + rng.normal(scale=0.1, size=w.shape) for w in layer.get_weights()])

    def fn(xx, *ws):
        restore = _swap_weights(wide, ws)
        try:
            return wide(xx, training=training)
        finally:
            for owner, key, value in restore:
                setattr(owner, key, value)

    glassnet.gradcheck(fn, x.astype(np.float64), *[w.data for w in wide.weights],
                       atol=1e-6, rtol=1e-5)  # fmt: skip
    return layer
