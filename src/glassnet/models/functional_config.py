"""Rebuilding a functional model's graph from its config (names and call references only).

A config lists the layers (each rebuilt through the closed layer registry) and, in running
order, every call: which layer, and its arguments with each tensor written as
``{"__tensor__": [layer name, call index, output index]}``. Replaying the calls on fresh
``Input`` tensors gives the same graph. Anything that does not fit (an unknown layer, a
reference to a call that has not happened yet) is a ``ConfigError`` naming the entry.
"""

from __future__ import annotations

from typing import Any

from glassnet.errors import ConfigError
from glassnet.layers.base import Layer
from glassnet.layers.core import InputLayer
from glassnet.layers.graph import KerasTensor

__all__ = ["rebuild"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(f"Functional config: {message}")


def rebuild(config: dict[str, Any]) -> tuple[Any, Any]:
    """Replay a ``Functional.get_config()``; return its ``(inputs, outputs)`` structures."""
    from glassnet.layers.serialize import deserialize_layer

    _require(isinstance(config, dict), f"expected a dict, got {type(config).__name__}.")
    for key in ("layers", "nodes", "inputs", "outputs"):
        _require(key in config, f"missing the {key!r} entry.")
    for key in ("layers", "nodes"):
        got = type(config[key]).__name__
        _require(isinstance(config[key], list), f"expected {key!r} as a list, got {got}.")
    layers: dict[str, Layer] = {}
    produced: dict[tuple[str, int], list[KerasTensor]] = {}
    for entry in config["layers"]:
        layer = deserialize_layer(entry)
        _require(layer.name not in layers, f"two layers are named {layer.name!r}.")
        layers[layer.name] = layer
        if isinstance(layer, InputLayer):
            produced[(layer.name, 0)] = [layer.output]
    calls = {name: 1 if isinstance(layer, InputLayer) else 0 for name, layer in layers.items()}
    for i, node in enumerate(config["nodes"]):
        _require(
            isinstance(node, dict) and {"layer", "args", "kwargs"} <= set(node),
            f"node {i} must have 'layer', 'args' and 'kwargs'.",
        )
        name = node["layer"]
        _require(name in layers, f"node {i} calls layer {name!r}, which is not in 'layers'.")
        args, kwargs = _decode(node["args"], produced), _decode(node["kwargs"], produced)
        _require(
            isinstance(args, list) and isinstance(kwargs, dict),
            f"node {i}: expected 'args' as a list and 'kwargs' as a dict, got "
            f"{type(args).__name__} and {type(kwargs).__name__}.",
        )
        result = layers[name](*args, **kwargs)
        produced[(name, calls[name])] = (
            list(result) if isinstance(result, (list, tuple)) else [result]
        )
        calls[name] += 1
    return _decode(config["inputs"], produced), _decode(config["outputs"], produced)


def _decode(value: Any, produced: dict[tuple[str, int], list[KerasTensor]]) -> Any:
    """``value`` with every ``{"__tensor__": [layer, call, output]}`` replaced by the
    KerasTensor that call produced (lists and dicts are walked)."""
    if isinstance(value, dict) and set(value) == {"__tensor__"}:
        ref = value["__tensor__"]
        _require(
            isinstance(ref, list) and len(ref) == 3 and isinstance(ref[0], str)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in ref[1:]),
            f"a tensor reference must be [layer name, call index, output index], got {ref!r}.",
        )  # fmt: skip
        outputs = produced.get((ref[0], ref[1]))
        _require(
            outputs is not None and 0 <= ref[2] < len(outputs),
            f"the reference {ref!r} points to a call that has not happened before it.",
        )
        return outputs[ref[2]]
    if isinstance(value, list):
        return [_decode(v, produced) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v, produced) for k, v in value.items()}
    return value
