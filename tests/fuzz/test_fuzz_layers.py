"""Random shapes, dtypes and values thrown at every registered layer.

For each layer in ``glassnet.layers.LAYERS`` (built from a small valid configuration, see
``_layer_table``), hypothesis draws an input near the valid shape, of any dtype (ints, bools,
float16/32/64, complex, object, strings, datetimes), sometimes with NaN/Inf or huge values,
or something that is not an array at all, and calls the layer, fresh or already built. It checks:

- only glassnet's documented errors escape (``_harness.is_documented``);
- a call that succeeds returns float Tensors in the layer's dtype, keeps the batch axis, and is
  finite when the input is finite and moderate; with the input as a Tensor that requires grad,
  the backward pass runs and gives a gradient of the input's shape;
- after a refused call, the layer still works on valid input (nothing half-built).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glassnet.layers import LAYERS
from glassnet.tensor import Tensor
from tests.fuzz._harness import FUZZ, any_input, call_public
from tests.fuzz._layer_table import LAYER_CASES

BATCH = 3


def _valid_input(sample: tuple[int, ...], kind: str) -> np.ndarray:
    rng = np.random.default_rng(0)
    if kind == "tree":  # encoded trees (TreeLSTM): a leaf, then its parent, in every sample
        return np.tile(np.array([[1, -1], [2, 0]]), (BATCH, 1, 1))
    if kind == "int":
        return rng.integers(0, 10, size=(BATCH, *sample))
    return rng.normal(size=(BATCH, *sample)).astype(np.float32)


def _call(layer: Any, kind: str, inputs: Any, training: Any) -> Any:
    if kind == "cell":  # states with the input's batch size (see test_cell_states_batch_...)
        x = inputs
        n = x.shape[0] if isinstance(x, (np.ndarray, Tensor)) and x.ndim else BATCH
        sizes = layer.state_size if isinstance(layer.state_size, list) else [layer.state_size]
        return layer(inputs, [np.zeros((n, s), np.float32) for s in sizes], training=training)
    return layer(inputs, training=True if kind == "train" else training)


def _tensors(out: Any) -> list[Any]:
    if isinstance(out, (list, tuple)):
        return [t for item in out for t in _tensors(item)]
    return [out]


def _moderate(x: Any) -> bool:
    """A numeric, non-empty input whose values are all finite and small."""
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf" or x.size == 0:
        return False
    values = x.astype(np.float64)
    return bool(np.isfinite(values).all() and np.abs(values).max() < 100)


def _as_graph_input(inputs: Any) -> Any:
    """Float arrays become Tensors that require grad, so that the backward pass runs too."""
    if isinstance(inputs, list):
        return [_as_graph_input(x) for x in inputs]
    if isinstance(inputs, np.ndarray) and inputs.dtype.kind == "f":
        return Tensor(inputs.astype(np.float32), requires_grad=True)
    return inputs


def _check_backward(what: str, out: Any, inputs: Any) -> None:
    outs = _tensors(out)
    with np.errstate(all="ignore"):
        call_public(lambda: sum((t.sum() for t in outs[1:]), outs[0].sum()).backward(), what)
    for x in inputs if isinstance(inputs, list) else [inputs]:
        if isinstance(x, Tensor) and x.grad is not None:
            assert x.grad.shape == x.shape, f"backward of {what}: gradient shape {x.grad.shape}"


def check_layer_call(
    name: str, inputs: Any, prebuilt: bool, training: Any, graph: bool = False
) -> None:
    """The property, for one drawn input (also used to explore with more examples)."""
    make, sample, kind = LAYER_CASES[name]
    if graph and kind not in ("int", "tree"):
        inputs = _as_graph_input(inputs)
    layer = make()
    valid = _valid_input(sample, kind)
    if prebuilt:
        expected = _call(layer, kind, [valid, valid] if kind == "multi" else valid, None)
    what = f"{name} (prebuilt={prebuilt}, training={training}) on {_describe(inputs)}"
    with np.errstate(all="ignore"):
        out, err = call_public(lambda: _call(layer, kind, inputs, training), what)
    if err is None:
        x = inputs[-1] if kind == "multi" and isinstance(inputs, list) else inputs
        x = x.data if isinstance(x, Tensor) else x
        for t in _tensors(out):
            assert isinstance(t, Tensor), what
            assert t.dtype == layer.dtype, f"{what}: output dtype {t.dtype}"
            if isinstance(x, np.ndarray) and x.ndim:
                assert t.shape[0] == x.shape[0], f"{what}: output shape {t.shape}"
            if _moderate(x):
                assert np.isfinite(t.numpy()).all(), f"{what}: non-finite output"
        if graph:
            _check_backward(what, out, inputs)
        return
    # A refused call leaves the layer usable: valid input still works afterwards.
    again = _call(layer, kind, [valid, valid] if kind == "multi" else valid, None)
    if prebuilt:
        assert [t.shape for t in _tensors(again)] == [t.shape for t in _tensors(expected)]


def _describe(x: Any) -> str:
    if isinstance(x, Tensor):
        return f"Tensor (requires grad) of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, list) and x and all(isinstance(a, (np.ndarray, Tensor)) for a in x):
        return "[" + ", ".join(_describe(a) for a in x) + "]"
    return repr(x)[:80]


def layer_inputs(name: str) -> st.SearchStrategy[Any]:
    """Drawn inputs for a layer: one array, or for merging layers a list around one."""
    _, sample, kind = LAYER_CASES[name]
    shape = (BATCH, *sample)
    one = any_input(shape)
    if kind != "multi":
        return one
    valid = _valid_input(sample, kind)
    return st.one_of(
        one.map(lambda x: [valid, x]),
        one.map(lambda x: [x]),
        one,
        one.map(lambda x: [valid, valid, x]),
    )


def test_layer_table_covers_every_registered_layer() -> None:
    from glassnet.models import Model  # models register too; test_fuzz_model covers them

    def library_layer(name: str) -> bool:  # not a Model, and not a test's own registration
        cls = LAYERS.get(name)
        return not issubclass(cls, Model) and cls.__module__.startswith("glassnet.")

    layers = [n for n in LAYERS.names() if library_layer(n)]
    assert sorted(LAYER_CASES) == layers


@pytest.mark.parametrize("name", sorted(LAYER_CASES))
def test_fuzz_layer_call(name: str) -> None:
    @FUZZ
    @given(
        inputs=layer_inputs(name),
        prebuilt=st.booleans(),
        training=st.sampled_from([None, True, False]),
        graph=st.booleans(),
    )
    def run(inputs: Any, prebuilt: bool, training: Any, graph: bool) -> None:
        check_layer_call(name, inputs, prebuilt, training, graph)

    run()
