"""``Sequential``: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.errors import ConfigError
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.core import InputLayer
from glassnet.layers.graph import KerasTensor
from glassnet.models.model import Model
from glassnet.tensor import Tensor


@LAYERS.register("Sequential")
class Sequential(Model):
    """A model made of layers applied one after another.

    Args:
        layers: the layers in order (more can be added with ``add``). The first may be an
            ``Input(shape=...)`` or carry ``input_shape=``/``input_dim=``, which builds the
            model at once; otherwise it is built on its first call.

    Example:
        >>> from glassnet.layers import Dense
        >>> model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(1)])
        >>> model.count_params()
        33
    """

    def __init__(self, layers: Sequence[Layer] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._layers: list[Layer] = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list[Layer]:
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    def add(self, layer: Layer | KerasTensor) -> None:
        """Append a layer (or the result of ``Input(...)``); builds when the input shape is known."""
        if isinstance(layer, KerasTensor) and isinstance(layer.layer, InputLayer):
            layer = layer.layer
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add: expected a Layer, got {type(layer).__name__}. "
                "Pass layer objects such as Dense(4)."
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ConfigError(
                f"Sequential: two layers are named {layer.name!r}; names must be unique."
            )
        self._layers.append(layer)
        first = self._layers[0]
        if first.batch_input_shape is not None:
            self.batch_input_shape = first.batch_input_shape
            self.build(self.batch_input_shape)

    def build(self, input_shape: tuple) -> None:
        shape = tuple(input_shape)
        # why: Dense works on the last axis of any rank, so (1, 8, 4) would pass a model built
        # for (N, 4) unnoticed. Sizes are left to the layers: sequence lengths may vary.
        self.input_spec = InputSpec(ndim=len(shape))
        for layer in self._layers:
            if not layer.built:
                layer._build_once((1,) + shape[1:] if shape[0] is None else shape)
            shape = layer.compute_output_shape(shape)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict[str, Any]:
        from glassnet.layers.serialize import serialize_layer

        return {"name": self.name, "layers": [serialize_layer(layer) for layer in self._layers]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        from glassnet.layers.serialize import deserialize_layer

        return cls([deserialize_layer(c) for c in config["layers"]], name=config.get("name"))
