"""Layer wrappers for sequences: ``Bidirectional`` and ``TimeDistributed`` (Keras's names)."""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers.base import LAYERS, Layer
from glassnet.layers.recurrent.masking import attach_mask, get_mask
from glassnet.layers.serialize import deserialize_layer, serialize_layer
from glassnet.tensor import Tensor

__all__ = ["Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _adopt(owner: Layer, layer: Layer) -> None:
    """Make ``layer``'s weights (and their penalties) part of ``owner``'s, in order."""
    owner._weights.extend(layer._weights)
    owner._trainable_flags.extend(layer._trainable_flags)
    owner._regularizers.extend(layer._regularizers)


def _copy_layer(layer: Layer, **changes: Any) -> Layer:
    config = serialize_layer(layer)
    config["config"].update(changes)
    return deserialize_layer(config)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


@LAYERS.register("Bidirectional")
class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the outputs.

    The forward layer is a fresh copy of ``layer`` (same config, new weights), the backward
    layer a copy with ``go_backwards`` flipped (or ``backward_layer``). The backward layer's
    output sequence is reversed back into time order before merging, so step t of the result
    sees the whole sequence. As in Keras, masked steps of returned sequences are zeros.

    Args:
        layer: a recurrent layer (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``).
        merge_mode: ``'concat'`` (default), ``'sum'``, ``'ave'``, ``'mul'``, or None for the
            list ``[forward, backward]``.
        weights: optional initial weights, forward's then backward's.
        backward_layer: an explicit backward layer (its ``go_backwards`` must differ from
            ``layer``'s, its ``return_sequences``, ``return_state`` and ``stateful`` match).

    Call arguments:
        sequences, mask, training: as for ``RNN``.
        initial_state: the forward layer's states followed by the backward layer's.

    Shape:
        Input: (N, T, F).  Output: the wrapped layer's, with 2U features for 'concat'. With
        ``return_state`` a list ``[output, *forward_states, *backward_states]``.

    Example:
        >>> from glassnet.layers import GRU
        >>> Bidirectional(GRU(4, return_sequences=True))(np.zeros((2, 5, 3))).shape
        (2, 5, 8)
    """

    def __init__(
        self, layer: Layer, merge_mode: str | None = "concat", weights: Any = None,
        backward_layer: Layer | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        for who, value in (("layer", layer), ("backward_layer", backward_layer)):
            if (who == "layer" or value is not None) and not (
                isinstance(value, Layer) and hasattr(value, "go_backwards")
            ):
                raise TypeError(
                    f"Bidirectional: expected '{who}' to be a recurrent layer (with "
                    f"go_backwards), got {type(value).__name__}. Wrap e.g. LSTM(16)."
                )
        if merge_mode not in _MERGE_MODES:
            raise ConfigError(
                f"The 'merge_mode' argument of Bidirectional must be one of 'sum', 'mul', "
                f"'ave', 'concat' or None. Got {merge_mode!r}."
            )
        self.merge_mode = merge_mode
        self.forward_layer = _copy_layer(layer, name="forward_" + _strip(layer.name, "forward_"))
        if backward_layer is None:
            name = "backward_" + _strip(layer.name, "backward_")
            backward_layer = _copy_layer(layer, name=name, go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_pair()
        for side in (self.forward_layer, self.backward_layer):
            side.zero_output_for_mask = side.return_sequences
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self._initial_weights = weights

    def _check_pair(self) -> None:
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ConfigError(
                "Bidirectional: expected the forward and backward layers to have different "
                f"go_backwards, got {fwd.go_backwards} for both. Flip it on backward_layer."
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ConfigError(
                    f"Bidirectional: expected the forward and backward layers to have the same "
                    f"{attr}, got {getattr(fwd, attr)} and {getattr(bwd, attr)}."
                )

    def build(self, input_shape: tuple) -> None:
        for side in (self.forward_layer, self.backward_layer):
            if not side.built:
                side._build_once((1, *input_shape[1:]))
            _adopt(self, side)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        mask = get_mask(inputs)
        if mask is not None and "mask" not in kwargs and len(args) < 2:
            kwargs["mask"] = mask
        return super().__call__(inputs, *args, **kwargs)

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None,
        training: bool | None = None,
    ) -> Any:  # fmt: skip
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=fwd_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=bwd_state, mask=mask,
                                    training=training)  # fmt: skip
        states: list[Tensor] = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.getitem(y_rev, (slice(None), slice(None, None, -1)))
        output = self._merge(y, y_rev)
        if self.return_sequences and mask is not None and self.merge_mode is not None:
            output = attach_mask(output, mask)
        if self.merge_mode is None:
            return [*output, *states]
        return [output, *states] if self.return_state else output

    def _merge(self, y: Tensor, y_rev: Tensor) -> Any:
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) * 0.5
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def reset_states(self, states: Any = None) -> None:
        """Reset both directions' states (stateful layers only); see ``RNN.reset_states``."""
        half = None if states is None else len(states) // 2
        self.forward_layer.reset_states(None if states is None else states[:half])
        self.backward_layer.reset_states(None if states is None else states[half:])

    reset_state = reset_states

    def compute_output_shape(self, input_shape: tuple) -> Any:
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        if self.merge_mode is None:
            return [shape, shape, *states, *states]
        return [shape, *states, *states] if self.return_state else tuple(shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Bidirectional:
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"))
        backward = config.pop("backward_layer", None)
        backward = None if backward is None else deserialize_layer(backward)
        return cls(layer, backward_layer=backward, **config)


@LAYERS.register("TimeDistributed")
class TimeDistributed(Layer):
    """Applies ``layer`` to every time step of a sequence, with the same weights.

    As in Keras, the wrapped layer is called once per step on the (N, ...) slice, and the
    outputs are stacked back on axis 1 (so a layer with batch statistics, such as
    BatchNormalization in training, sees one step at a time). A mask on the input passes
    through to the output.

    Args:
        layer: any layer (``Dense(8)``, ``Conv2D(...)``).

    Shape:
        Input: (N, T, ...).  Output: (N, T, *layer's output shape for (N, ...)).

    Example:
        >>> from glassnet.layers import Dense
        >>> TimeDistributed(Dense(2))(np.zeros((4, 5, 3))).shape
        (4, 5, 2)
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise TypeError(
                f"TimeDistributed: expected a Layer, got {type(layer).__name__}. Wrap a "
                "layer instance such as Dense(8)."
            )
        self.layer = layer

    def _child_shape(self, input_shape: tuple) -> tuple:
        if len(input_shape) < 3:
            raise ShapeError(
                f"TimeDistributed '{self.name}': expected input of rank >= 3 (N, T, ...), got "
                f"shape {tuple(input_shape)}."
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: tuple) -> None:
        child = self._child_shape(input_shape)
        if not self.layer.built:
            self.layer._build_once((1, *child[1:]))
        _adopt(self, self.layer)
        self.built = True

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        out = super().__call__(inputs, *args, **kwargs)
        return attach_mask(out, get_mask(inputs)) if isinstance(out, Tensor) else out

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        self._child_shape(inputs.shape)
        steps = [self.layer(ops.getitem(inputs, (slice(None), t)), training=training)
                 for t in range(inputs.shape[1])]  # fmt: skip
        return ops.stack(steps, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        child = self.layer.compute_output_shape(self._child_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TimeDistributed:
        config = dict(config)
        return cls(deserialize_layer(config.pop("layer")), **config)
