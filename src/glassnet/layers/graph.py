"""Symbolic tensors: how ``Input`` and layer calls describe a functional model's graph.

``Input(shape=(4,))`` returns a ``KerasTensor``: a placeholder with a shape (batch axis
``None``) and a dtype, but no values. Calling a layer on KerasTensors does not compute
anything; it records a ``Node`` (this layer, applied to these inputs, gave these outputs) and
returns new KerasTensors. ``Model(inputs, outputs)`` then walks the nodes back from the outputs
to find the graph, and runs it on real arrays.

The output shapes come from the layer itself: it is built for the input shapes and run once on
small zero arrays (batch of 2). Axes of unknown size other than the batch axis (``None`` in
``Input(shape=(None, 8))``) are probed with two sizes, and the output axes whose size follows
them are reported as ``None`` again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.tensor import Tensor, no_grad

__all__ = ["KerasTensor", "Node", "any_symbolic", "map_structure", "symbolic_call"]

_PROBE_BATCH = 2
_PROBE_SIZES = (16, 17)  # why: large enough for small kernels/pools on unknown axes


class KerasTensor:
    """A symbolic tensor: shape and dtype of a value a functional model will compute.

    Args:
        shape: full shape with the batch axis, ``None`` where unknown.
        dtype: NumPy dtype of the values.
        node: the ``Node`` that produces it (``None`` only while being created).
        index: which of the node's outputs it is.
        name: for messages, the producing layer's name.
    """

    __slots__ = ("dtype", "index", "name", "node", "shape")

    def __init__(self, shape: Sequence[int | None], dtype: Any, node: Node | None = None,
                 index: int = 0, name: str = "") -> None:  # fmt: skip
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.node = node
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def layer(self) -> Any:
        """The layer whose call produced this tensor (an ``InputLayer`` for model inputs)."""
        return self.node.layer

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape} dtype={self.dtype.name} name={self.name!r}>"

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(
            f"KerasTensor '{self.name}' is a placeholder with no values. Use it to build a "
            "model (Model(inputs, outputs)) and call the model on real arrays."
        )


class Node:
    """One call of a layer inside a graph: ``outputs = layer(*args, **kwargs)``.

    ``args`` and ``kwargs`` keep the call's structure with KerasTensors in place; ``inputs``
    lists those KerasTensors in order, ``outputs`` the KerasTensors the call produced, and
    ``structure`` whether the call returned one tensor or a list/tuple of them.
    """

    __slots__ = ("args", "inputs", "kwargs", "layer", "outputs", "structure")

    def __init__(self, layer: Any, args: tuple, kwargs: dict) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.inputs: list[KerasTensor] = flatten_symbolic((args, kwargs))
        self.outputs: list[KerasTensor] = []
        self.structure: type | None = None

    def __repr__(self) -> str:
        return f"<Node {self.layer.name}: {len(self.inputs)} in, {len(self.outputs)} out>"


def map_structure(fn: Callable[[Any], Any], value: Any) -> Any:
    """Apply ``fn`` to every leaf of nested lists, tuples and dicts, keeping the nesting."""
    if isinstance(value, (list, tuple)):
        return type(value)(map_structure(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: map_structure(fn, v) for k, v in value.items()}
    return fn(value)


def flatten_symbolic(value: Any) -> list[KerasTensor]:
    """Every KerasTensor inside nested lists, tuples and dicts, in order."""
    found: list[KerasTensor] = []

    def visit(leaf: Any) -> Any:
        if isinstance(leaf, KerasTensor):
            found.append(leaf)
        return leaf

    map_structure(visit, value)
    return found


def any_symbolic(value: Any) -> bool:
    """Whether ``value`` is a KerasTensor or a list/tuple/dict holding one (one level deep)."""
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, KerasTensor) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, KerasTensor) for v in value.values())
    return False


def _probe_value(kt: KerasTensor, size: int) -> np.ndarray:
    shape = [_PROBE_BATCH if kt.shape[0] is None else kt.shape[0]]
    shape += [size if d is None else d for d in kt.shape[1:]]
    return np.zeros(shape, dtype=kt.dtype)


def _run_probe(layer: Any, args: tuple, kwargs: dict, size: int) -> Any:
    def concrete(leaf: Any) -> Any:
        return _probe_value(leaf, size) if isinstance(leaf, KerasTensor) else leaf

    with no_grad():
        return layer(*map_structure(concrete, args), **map_structure(concrete, kwargs))


def _output_tensors(result: Any, layer: Any) -> tuple[list[Tensor], type | None]:
    if isinstance(result, Tensor):
        return [result], None
    if isinstance(result, (list, tuple)) and all(isinstance(r, Tensor) for r in result):
        return list(result), type(result)
    raise TypeError(
        f"{type(layer).__name__} '{layer.name}': expected call() to return a Tensor or a list "
        f"of Tensors, got {type(result).__name__}. Build the output from glassnet.ops."
    )


def symbolic_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Record ``layer(*args, **kwargs)`` on KerasTensors; return the output KerasTensor(s)."""
    from glassnet.layers.base import _undo_builds_on_error

    node = Node(layer, args, kwargs)
    dynamic = any(d is None for kt in node.inputs for d in kt.shape[1:])
    second = None
    with _undo_builds_on_error():  # why: a refused call leaves the layer unbuilt
        first, structure = _output_tensors(_run_probe(layer, args, kwargs, _PROBE_SIZES[0]), layer)
        if dynamic:
            try:
                second, _ = _output_tensors(_run_probe(layer, args, kwargs, _PROBE_SIZES[1]), layer)
            except ShapeError as err:
                raise _unknown_axis_error(layer, node) from err
    batch_known = all(kt.shape[0] is not None for kt in node.inputs) and node.inputs
    for i, out in enumerate(first):
        shape: list[int | None] = list(out.shape)
        if not batch_known and shape:
            shape[0] = None
        if second is not None:
            shape = [None if d != d2 else d for d, d2 in zip(shape, second[i].shape)]
        name = layer.name if len(first) == 1 else f"{layer.name}:{i}"
        node.outputs.append(KerasTensor(shape, out.dtype, node, i, name))
    node.structure = structure
    if hasattr(layer, "_inbound_nodes"):
        layer._inbound_nodes.append(node)
    if structure is None:
        return node.outputs[0]
    return structure(node.outputs)


def _unknown_axis_error(layer: Any, node: Node) -> ShapeError:
    """The layer works for one size of an unknown (None) axis but not another: its weights (or
    its output shape) depend on that axis, whose size it first saw as the probe's."""
    shapes = ", ".join(str(tuple(kt.shape)) for kt in node.inputs)
    return ShapeError(
        f"{type(layer).__name__} '{layer.name}': expected known sizes on the axes this layer "
        f"depends on (for its weights or its output shape), got input shape {shapes} with an "
        "unknown (None) axis there. Give that axis a size in Input(shape=...), or apply the "
        "layer along a known axis."
    )


def input_node(layer: Any, shape: Sequence[int | None], dtype: Any) -> KerasTensor:
    """The node of an ``InputLayer``: no inputs, one output KerasTensor."""
    node = Node(layer, (), {})
    node.outputs.append(KerasTensor(shape, dtype, node, 0, layer.name))
    layer._inbound_nodes.append(node)
    return node.outputs[0]
