"""Finding a model's layers and watching their calls, without touching the model's code.

Everything in ``glassnet.inspect`` that looks inside a running model goes through here:

- ``units(model)``: the layers a user thinks of (``model.layers``, nested models opened up,
  no ``InputLayer``), in order;
- ``weight_owners(model)``: which of those units each weight belongs to;
- ``watch_calls(layers, on_call)``: run code with every listed layer's ``call`` wrapped, so
  ``on_call(layer, inputs, output)`` sees each call's actual tensors. It works the same for
  ``Sequential``, functional and subclassed models, because ``Layer.__call__`` always ends
  in ``self.call``; the wrapper is an instance attribute, removed again on exit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from glassnet.layers.base import Layer
from glassnet.layers.core import InputLayer
from glassnet.tensor import Tensor, no_grad

__all__ = ["ensure_built", "output_units", "units", "watch_calls", "weight_owners"]

_UNSET = object()


def _is_model(layer: Layer) -> bool:
    from glassnet.models.model import Model

    return isinstance(layer, Model)


def units(model: Layer, expand_nested: bool = True) -> list[Layer]:
    """The model's layers in order, without InputLayers; nested models opened when asked."""
    found: list[Layer] = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, InputLayer) or any(layer is f for f in found):
            continue
        if expand_nested and _is_model(layer):
            found.extend(u for u in units(layer) if all(u is not f for f in found))
        else:
            found.append(layer)
    return found


def weight_owners(model: Layer) -> dict[int, Layer]:
    """``id(weight) -> unit`` for every weight of every unit (a cell's weights go to its RNN)."""
    owners: dict[int, Layer] = {}
    for unit in units(model):
        for w in unit.weights:
            owners.setdefault(id(w), unit)
    return owners


def output_units(model: Layer) -> list[Layer]:
    """The units whose outputs are the model's outputs (the last one for a Sequential)."""
    outputs = getattr(model, "outputs", None)
    if outputs:
        return [kt.node.layer for kt in outputs]
    found = units(model)
    return found[-1:]


def ensure_built(model: Layer, x: Any) -> None:
    """Build a model that has not seen data yet by calling it once on one sample of ``x``."""
    if model.built:
        return
    with no_grad():
        model(_first_rows(x, 1), training=False)


def _first_rows(x: Any, n: int) -> Any:
    if isinstance(x, dict):
        return {k: _first_rows(v, n) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_first_rows(v, n) for v in x]
    return x[:n]


@contextlib.contextmanager
def watch_calls(
    layers: Sequence[Layer], on_call: Callable[[Layer, Any, Any], None]
) -> Iterator[None]:
    """Inside the block, every call of a listed layer also runs ``on_call(layer, inputs, out)``.

    ``inputs`` and ``out`` are what the layer's ``call`` received and returned (Tensors, or
    lists of them), so a caller may read their values or keep them to read gradients later.
    """
    patched: list[tuple[Layer, Any]] = []
    try:
        for layer in layers:
            # why: an outer watcher's wrapper may already sit there; wrap it, restore it after.
            patched.append((layer, vars(layer).get("call", _UNSET)))
            layer.call = _wrap(layer, layer.call, on_call)
        yield
    finally:
        for layer, previous in reversed(patched):
            if previous is _UNSET:
                del layer.call
            else:
                layer.call = previous


def _wrap(layer: Layer, call: Callable[..., Any], on_call: Callable[..., None]) -> Any:
    def watched(inputs: Any, *args: Any, **kwargs: Any) -> Any:
        out = call(inputs, *args, **kwargs)
        on_call(layer, inputs, out)
        return out

    return watched


def first_tensor(value: Any) -> Tensor | None:
    """The first Tensor in a layer's input or output (a list for multi-input layers)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            found = first_tensor(item)
            if found is not None:
                return found
    return None


def as_array(value: Any) -> Any:
    """A layer output as NumPy: an array, or a list of arrays for several outputs."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return [as_array(v) for v in value]
    return np.asarray(value)
