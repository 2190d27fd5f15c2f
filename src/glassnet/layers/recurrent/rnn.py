"""``RNN``: runs a cell over the time axis (Keras's ``keras.layers.RNN``).

The recurrent layers ``SimpleRNN``, ``LSTM`` and ``GRU`` are an ``RNN`` around their cell.
A built-in cell runs the whole sequence as one fused op (``glassnet.ops.lstm`` ...) when it
can; any other cell, or a built-in one with recurrent dropout in training or an activation
the fused ops lack, is stepped in a Python loop over time, each step built from ops.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import ops, regularizers
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers._checks import BOOL, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.recurrent.masking import attach_mask, get_mask
from glassnet.tensor import Tensor, as_tensor

__all__ = ["RNN", "CellLayer"]


@LAYERS.register("RNN")
class RNN(Layer):
    """Base class of the recurrent layers: applies ``cell`` at every step of a sequence.

    Args:
        cell: a layer with ``call(inputs, states[, training]) -> (output, new_states)`` and
            ``state_size`` (an int or a list of ints; optional ``output_size`` and
            ``get_initial_state(batch_size)``), such as ``LSTMCell(32)``.
        return_sequences: return the output of every step (N, T, U) instead of the last one.
        return_state: also return the final states: the call returns
            ``[output, *states]``.
        go_backwards: process the sequence from its last step to its first, and return the
            outputs in that (reversed) order.
        stateful: start each call from the final states of the previous call (sample i of a
            batch continues sample i of the previous batch); the batch size is then fixed.
            ``reset_states()`` sets them back to zeros.
        unroll: accepted for Keras compatibility; glassnet always loops.
        zero_output_for_mask: output zeros at masked steps of a returned sequence, instead
            of repeating the previous output.
        activity_regularizer: optional penalty on the output.

    Call arguments:
        sequences: (N, T, F).
        initial_state: a list of initial states (one (N, size) array per state), or None
            for zeros (or, when stateful, the states the previous call left).
        mask: boolean (N, T), True where a step holds data. When None, the mask attached to
            the input by ``Embedding(mask_zero=True)`` or ``Masking`` is used (see
            ``glassnet.layers.recurrent.masking``). A masked step is skipped: the states are
            carried over and the output repeats the previous one.
        training: enables dropout in the cell.

    Shape:
        Input: (N, T, F).  Output: (N, T, U) with ``return_sequences``, else (N, U); with
        ``return_state`` a list ``[output, *states]``, each state (N, size).

    Note:
        A stateful layer inside a functional ``Model`` has its states set once by the shape
        probe that builds the model; call ``reset_states()`` before using it.

    Example:
        >>> from glassnet.layers import LSTMCell
        >>> RNN(LSTMCell(4), return_sequences=True)(np.zeros((2, 5, 3))).shape
        (2, 5, 4)
    """

    _constraints = {
        "return_sequences": BOOL,
        "return_state": BOOL,
        "go_backwards": BOOL,
        "stateful": BOOL,
        "zero_output_for_mask": BOOL,
    }

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_cell(type(self).__name__, cell)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful = go_backwards, stateful
        self.zero_output_for_mask = zero_output_for_mask
        check_args(self)
        self.unroll = bool(unroll)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.states: list[np.ndarray] | None = None
        self.input_spec = InputSpec(ndim=3)
        self._cell_takes_training = "training" in inspect.signature(cell.call).parameters

    # ------------------------------------------------------------------ structure
    @property
    def state_size(self) -> list[int]:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [int(size)]

    @property
    def output_size(self) -> int:
        return int(getattr(self.cell, "output_size", None) or self.state_size[0])

    def build(self, input_shape: tuple) -> None:
        if len(input_shape) != 3:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected input of rank 3 (N, T, F), got "
                f"shape {tuple(input_shape)}. Reshape x to (samples, steps, features)."
            )
        if not self.cell.built:
            self.cell._build_once((1, input_shape[-1]))
        for weight, trainable in zip(self.cell._weights, self.cell._trainable_flags):
            weight.name = f"{self.name}/{weight.name}"  # Keras's path: lstm/lstm_cell/kernel
            self._weights.append(weight)
            self._trainable_flags.append(trainable)
        self._regularizers.extend(self.cell._regularizers)
        self.input_spec = InputSpec(ndim=3, axes={-1: input_shape[-1]})
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> Any:
        n, t = input_shape[0], input_shape[1]
        out = (n, t, self.output_size) if self.return_sequences else (n, self.output_size)
        if self.return_state:
            return [out, *[(n, s) for s in self.state_size]]
        return out

    # ------------------------------------------------------------------ states
    def get_initial_state(self, batch_size: int) -> list[Tensor]:
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [Tensor(np.zeros((batch_size, s), dtype=self.dtype)) for s in self.state_size]

    def reset_states(self, states: Sequence[Any] | None = None) -> None:
        """Set a stateful layer's states to zeros, or to ``states`` (one (N, size) each)."""
        if not self.stateful:
            raise ConfigError(
                f"{type(self).__name__} '{self.name}': expected a stateful layer, got "
                "stateful=False. Only stateful layers keep states between calls."
            )
        if states is None:
            self.states = None if self.states is None else [np.zeros_like(s) for s in self.states]
            return
        values = [np.asarray(s, dtype=self.dtype) for s in _as_list(states)]
        self._check_states(values, values[0].shape[0] if values else 0)
        self.states = [v.copy() for v in values]

    reset_state = reset_states

    def _check_states(self, states: Sequence[Any], batch: int) -> None:
        want = [(batch, s) for s in self.state_size]
        got = [tuple(s.shape) for s in states]
        if got != want:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected initial states of shapes "
                f"{want}, got {got}. Pass one (N, size) array per state of the cell."
            )

    def _initial_states(self, x: Tensor, initial_state: Any) -> list[Tensor]:
        n = x.shape[0]
        if initial_state is not None:
            states = [as_tensor(s, like=x) for s in _as_list(initial_state)]
        elif self.stateful and self.states is not None:
            if self.states[0].shape[0] != n:
                raise ShapeError(
                    f"{type(self).__name__} '{self.name}': a stateful layer keeps the batch size "
                    f"of its first call ({self.states[0].shape[0]}), got a batch of {n}. Feed "
                    "batches of one size, or call reset_states() and start over."
                )
            states = [Tensor(s) for s in self.states]
        else:
            states = self.get_initial_state(n)
        self._check_states(states, n)
        return states

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        mask = get_mask(inputs)
        if mask is not None and "mask" not in kwargs and len(args) < 2:
            kwargs["mask"] = mask
        return super().__call__(inputs, *args, **kwargs)

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None,
        training: bool | None = None,
    ) -> Any:  # fmt: skip
        x, mask = sequences, _check_mask(self, mask, sequences)
        states = self._initial_states(x, initial_state)
        if self.go_backwards:
            x = ops.getitem(x, (slice(None), slice(None, None, -1)))
            mask = None if mask is None else mask[:, ::-1]
        seqs, outputs = self._run(x, states, mask, training)
        if self.stateful:
            self.states = [s.data[:, -1].copy() for s in seqs]
        output = outputs if self.return_sequences else ops.getitem(outputs, (slice(None), -1))
        if self.activity_regularizer is not None:
            self._activity_losses = [self.activity_regularizer(output)]
        if self.return_sequences and mask is not None:
            output = attach_mask(output, mask[:, ::-1] if self.go_backwards else mask)
        if not self.return_state:
            return output
        return [output, *[ops.getitem(s, (slice(None), -1)) for s in seqs]]

    def _run(self, x: Tensor, states: list[Tensor], mask: Any, training: Any) -> tuple:
        """(state sequences [(N, T, size)], output sequence (N, T, U)) after masking rules."""
        cell = self.cell
        for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            getattr(cell, reset, lambda: None)()
        try:
            if hasattr(cell, "fused_sequence") and cell.can_fuse(training):
                seqs = cell.fused_sequence(x, states, mask, training)
                outputs = seqs[0]
                if mask is not None and self.zero_output_for_mask:
                    outputs = outputs * Tensor(mask[:, :, None].astype(outputs.dtype))
                return seqs, outputs
            return self._loop(x, states, mask, training)
        finally:
            for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
                getattr(cell, reset, lambda: None)()

    def _loop(self, x: Tensor, states: list[Tensor], mask: Any, training: Any) -> tuple:
        """Step the cell over time (any cell); Keras's masking rule at every step."""
        step = self.cell.__call__ if self._cell_takes_training else self.cell.call
        kwargs = {"training": training} if self._cell_takes_training else {}
        single = not isinstance(self.cell.state_size, (list, tuple))
        per_step: list[list[Tensor]] = []
        outputs: list[Tensor] = []
        for t in range(x.shape[1]):
            given = states[0] if single else states
            out, new = step(ops.getitem(x, (slice(None), t)), given, **kwargs)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                keep = Tensor(mask[:, t, None])
                if self.zero_output_for_mask:
                    out = ops.where(keep, out, Tensor(np.zeros((), dtype=out.dtype)))
                else:
                    out = ops.where(keep, out, states[0])
                new = [ops.where(keep, s_new, s) for s_new, s in zip(new, states)]
            states = new
            outputs.append(out)
            per_step.append(new)
        seqs = [ops.stack([step[k] for step in per_step], axis=1) for k in range(len(states))]
        return seqs, ops.stack(outputs, axis=1)

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        from glassnet.layers.serialize import serialize_layer

        reg = self.activity_regularizer
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "activity_regularizer": None if reg is None else regularizers.serialize(reg),
            "cell": serialize_layer(self.cell),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        from glassnet.layers.serialize import deserialize_layer

        config = dict(config)
        return cls(deserialize_layer(config.pop("cell")), **config)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_cell(who: str, cell: Any) -> None:
    if isinstance(cell, (list, tuple)):
        raise TypeError(
            f"{who}: expected one cell, got a list of {len(cell)}. Stacked cells are not "
            "supported; stack RNN layers with return_sequences=True instead."
        )
    if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
        raise TypeError(
            f"{who}: expected a cell: a Layer with call(inputs, states) and a state_size "
            f"attribute, got {type(cell).__name__}. Use e.g. LSTMCell(32)."
        )


def _check_mask(layer: RNN, mask: Any, x: Tensor) -> np.ndarray | None:
    if mask is None:
        return None
    mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if mask.shape != x.shape[:2]:
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}': expected mask of shape {x.shape[:2]} "
            f"(N, T), got {mask.shape}. One True/False per sample and step."
        )
    return mask.astype(bool)


_BASE_ARGS = ("name", "trainable", "dtype", "input_shape", "input_dim", "batch_input_shape")
_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask", "activity_regularizer")  # fmt: skip


class CellLayer(RNN):
    """An ``RNN`` that builds its own cell from its arguments: SimpleRNN, LSTM, GRU.

    Subclasses set ``cell_class`` and ``cell_name``, and pass their constructor's arguments
    to ``__init__``; the cell's hyper-parameters read through (``layer.units`` is
    ``layer.cell.units``) and the config lists them flat, as Keras's does.
    """

    cell_class: type
    cell_name: str

    def __init__(self, args: dict[str, Any]) -> None:
        args = {k: v for k, v in args.items() if k not in ("self", "__class__")}
        extra = args.pop("kwargs", {})
        extra.pop("use_cudnn", None)  # Keras's cuDNN switch: no meaning here
        args.update(extra)
        rnn = {k: args.pop(k) for k in _RNN_ARGS if k in args}
        base = {k: args.pop(k) for k in _BASE_ARGS if k in args}
        cell = self.cell_class(
            name=self.cell_name, dtype=base.get("dtype"), trainable=base.get("trainable", True),
            **args,
        )  # fmt: skip
        super().__init__(cell, **rnn, **base)

    def __getattr__(self, name: str) -> Any:
        cell = self.__dict__.get("cell")
        if cell is not None and name in _CELL_ATTRIBUTES:
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        cell = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cell.pop(key, None)
        return {**config, **cell}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CellLayer:
        return cls(**config)


_CELL_ATTRIBUTES = frozenset(
    ["units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
     "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
     "recurrent_regularizer", "bias_regularizer", "dropout", "recurrent_dropout", "seed",
     "reset_after", "kernel", "recurrent_kernel", "bias"]
)  # fmt: skip
