"""Functional models: ``Model(inputs, outputs)`` over a graph of layer calls.

Build the graph by calling layers on the ``KerasTensor``s that ``Input`` returns; every call
records a ``Node`` (see ``glassnet.layers.graph``). ``Functional`` walks the nodes back from
the outputs, orders them so each runs after the nodes it reads from, and ``call`` runs them
in that order on real arrays. Shared layers (one layer called twice) and skip connections
are just nodes that read the same tensor.

Inputs and outputs may be one tensor, a list, or a dict keyed by name; a model called on
data takes and returns the same structure (a dict of inputs may also be keyed by the input
layers' names).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers.base import LAYERS, Layer, shape_text
from glassnet.layers.core import InputLayer
from glassnet.layers.graph import KerasTensor, Node, any_symbolic, map_structure
from glassnet.models.model import Model
from glassnet.tensor import Tensor

__all__ = ["Functional"]


def _flat(structure: Any, who: str, what: str) -> list[KerasTensor]:
    if isinstance(structure, dict):
        items = list(structure.values())
    elif isinstance(structure, (list, tuple)):
        items = list(structure)
    else:
        items = [structure]
    if not items:
        raise ConfigError(f"{who}: expected at least one {what} tensor, got none.")
    for item in items:
        if not isinstance(item, KerasTensor):
            raise TypeError(
                f"{who}: expected {what} made with glassnet Input(...) and layer calls "
                f"(KerasTensors), got {type(item).__name__}. Example: x = Input(shape=(4,)); "
                "y = Dense(1)(x); Model(x, y)."
            )
    return items


def _topological_nodes(outputs: list[KerasTensor], inputs: list[KerasTensor], who: str) -> list:
    """Nodes needed for ``outputs``, each after the nodes producing its inputs."""
    input_ids = {id(kt) for kt in inputs}
    order: list[Node] = []
    state: dict[int, int] = {}  # node id -> 1 visiting, 2 done
    stack: list[tuple[Node, bool]] = [(kt.node, False) for kt in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            state[id(node)] = 2
            order.append(node)
            continue
        if state.get(id(node)) == 2:
            continue
        state[id(node)] = 1
        stack.append((node, True))
        if isinstance(node.layer, InputLayer):
            if id(node.outputs[0]) not in input_ids:
                raise ConfigError(
                    f"{who}: the outputs depend on Input '{node.layer.name}', which is not in "
                    "the model's inputs. Add it to inputs=[...]."
                )
            continue
        for kt in reversed(node.inputs):
            if state.get(id(kt.node)) != 2:
                stack.append((kt.node, False))
    return order


@LAYERS.register("Functional")
class Functional(Model):
    """A model defined by its inputs and outputs: ``Model(inputs, outputs)``.

    Args:
        inputs: the ``Input(...)`` tensor(s): one, a list, or a dict.
        outputs: the tensor(s) computed from them by layer calls: one, a list, or a dict.
        name: the model's name.

    Example:
        >>> from glassnet.layers import Dense, Input, Concatenate
        >>> from glassnet.models import Model
        >>> a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
        >>> h = Dense(4, activation="relu")(Concatenate()([a, b]))
        >>> model = Model(inputs=[a, b], outputs=[Dense(1, name="score")(h), h])
        >>> [out.shape for out in model([np.ones((5, 3)), np.ones((5, 2))])]
        [(5, 1), (5, 4)]
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None,
                 trainable: bool = True, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(name=name, trainable=trainable, **kwargs)
        who = f"Model '{self.name}'"
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs = _flat(inputs, who, "inputs")
        self.outputs = _flat(outputs, who, "outputs")
        for kt in self.inputs:
            if not isinstance(kt.layer, InputLayer):
                raise ConfigError(
                    f"{who}: expected every input to come straight from Input(...), got the "
                    f"output of layer '{kt.layer.name}'. Pass the Input tensors as inputs."
                )
        if len({id(kt) for kt in self.inputs}) != len(self.inputs):
            raise ConfigError(f"{who}: the same Input appears twice in inputs.")
        self._nodes = _topological_nodes(self.outputs, self.inputs, who)
        self._layers: list[Layer] = []
        for node in self._nodes:
            if all(node.layer is not seen for seen in self._layers):
                self._layers.append(node.layer)
        names = [layer.name for layer in self._layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(
                f"{who}: layer names must be unique, but {duplicates} appear more than once. "
                "Give the layers distinct name= arguments."
            )
        self.batch_input_shape = self.inputs[0].shape if len(self.inputs) == 1 else None
        self.built = True

    # ------------------------------------------------------------------ structure
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def input_names(self) -> list[str]:
        return [kt.layer.name for kt in self.inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._output_structure, dict):
            return list(self._output_structure)
        return [kt.node.layer.name for kt in self.outputs]

    @property
    def input_shape(self) -> Any:
        shapes = [kt.shape for kt in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [kt.shape for kt in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    # ------------------------------------------------------------------ running
    def __call__(self, inputs: Any, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        if any_symbolic(inputs) or any_symbolic(args):  # recorded as a node, as any layer
            return super().__call__(inputs, *args, training=training, **kwargs)
        return self.call(inputs, training=training)  # why: inputs may be a list or a dict

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        values: dict[int, Any] = {}
        for kt, value in zip(self.inputs, self._match_inputs(inputs)):
            values[id(kt)] = self._check_input(kt, value)

        def look_up(leaf: Any) -> Any:
            return values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf

        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            args = map_structure(look_up, node.args)
            kwargs = map_structure(look_up, node.kwargs)
            kwargs.setdefault("training", training)
            result = node.layer(*args, **kwargs)
            results = [result] if node.structure is None else list(result)
            for kt, value in zip(node.outputs, results):
                values[id(kt)] = value
        return map_structure(look_up, self._output_structure)

    def _match_inputs(self, inputs: Any) -> list[Any]:
        """The user's inputs in the order of ``self.inputs``, with a clear error on mismatch."""
        n = len(self.inputs)
        if isinstance(inputs, dict):
            keys = (
                list(self._input_structure)
                if isinstance(self._input_structure, dict)
                else self.input_names
            )
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ShapeError(
                    f"Model '{self.name}': expected inputs named {keys}, got a dict with keys "
                    f"{sorted(inputs)}; missing {missing}."
                )
            return [inputs[k] for k in keys]
        if n == 1:
            if isinstance(inputs, (list, tuple)) and len(inputs) == 1 and _is_batch(inputs[0]):
                return [inputs[0]]
            return [inputs]
        if not isinstance(inputs, (list, tuple)) or len(inputs) != n:
            got = f"{len(inputs)} arrays" if isinstance(inputs, (list, tuple)) else "one array"
            raise ShapeError(
                f"Model '{self.name}': expected {n} inputs ({', '.join(self.input_names)}) as a "
                f"list or a dict keyed by those names, got {got}."
            )
        return list(inputs)

    def _check_input(self, kt: KerasTensor, value: Any) -> Tensor:
        layer = kt.layer
        tensor = layer._as_input(value)
        shape = tensor.shape
        expected = kt.shape
        if len(shape) != len(expected) or any(
            e is not None and e != s for e, s in zip(expected, shape)
        ):
            raise ShapeError(
                f"Model '{self.name}': input '{layer.name}' expected shape "
                f"{shape_text(expected)}, got {shape}. Pass arrays with that shape per sample."
            )
        return tensor

    def compute_output_shape(self, input_shape: Any) -> Any:
        first = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch = first[0] if first else None
        shapes = [(batch, *kt.shape[1:]) for kt in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        """Layers and the calls between them, by name: ``[layer name, call index, output]``."""
        from glassnet.layers.serialize import serialize_layer

        call_index: dict[int, tuple[str, int]] = {}
        counts: dict[str, int] = {}
        nodes = []
        for node in self._nodes:
            name = node.layer.name
            call_index[id(node)] = (name, counts.get(name, 0))
            counts[name] = counts.get(name, 0) + 1
            if isinstance(node.layer, InputLayer):
                continue

            def ref(leaf: Any, name: str = name) -> Any:
                if isinstance(leaf, KerasTensor):
                    layer_name, index = call_index[id(leaf.node)]
                    return {"__tensor__": [layer_name, index, leaf.index]}
                if isinstance(leaf, (str, int, float, bool)) or leaf is None:
                    return leaf
                raise ConfigError(
                    f"Model '{self.name}': layer '{name}' was called with a "
                    f"{type(leaf).__name__} argument, which cannot be saved in a config."
                )

            nodes.append(
                {
                    "layer": name,
                    "args": map_structure(ref, list(node.args)),
                    "kwargs": map_structure(ref, node.kwargs),
                }
            )

        def refs(structure: Any) -> Any:
            def one(kt: KerasTensor) -> dict:
                layer_name, index = call_index[id(kt.node)]
                return {"__tensor__": [layer_name, index, kt.index]}

            return map_structure(one, structure)

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": [serialize_layer(layer) for layer in self._layers],
            "nodes": nodes,
            "inputs": refs(self._input_structure),
            "outputs": refs(self._output_structure),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Functional:
        from glassnet.models.functional_config import rebuild

        inputs, outputs = rebuild(config)
        return cls(
            inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True)
        )


def _is_batch(value: Any) -> bool:
    return isinstance(value, (np.ndarray, Tensor)) or (
        isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], (list, tuple))
    )
