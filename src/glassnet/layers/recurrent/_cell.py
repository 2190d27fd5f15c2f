"""What the built-in cells (SimpleRNNCell, LSTMCell, GRUCell) share.

A cell computes one time step, ``call(inputs, states, training) -> (output, new_states)``,
from primitive ops: that is the readable definition, and the reference the fused sequence ops
are tested against. ``RNN`` asks a built-in cell for its fused version (``fused_sequence``),
which runs the whole sequence as one op, whenever the cell's activations allow it and no
recurrent dropout is active; otherwise it loops over the steps calling ``call``.

Dropout follows Keras's ``DropoutRNNCell``: one mask per sequence (the same units are dropped
at every step), drawn at the first step of an ``RNN`` call and cleared at its end. With
``recurrent_dropout`` Keras switches the cell to "implementation 1", which draws one mask per
gate for the inputs and for the state; glassnet does the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations, backend, initializers, ops, regularizers
from glassnet._constraints import is_real
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE_INT, SEED, Constraint, check_args
from glassnet.layers.base import InputSpec, Layer
from glassnet.ops.recurrent import FUSED_ACTIVATIONS
from glassnet.tensor import Tensor

__all__ = ["RecurrentCell"]

# NOTE: Keras accepts 1.0 and then silently skips dropout; dropping every unit is refused here.
_RATE: Constraint = (lambda v: is_real(v) and 0 <= v < 1, "a float in [0, 1)")


def _serialize_or_none(reg: Any) -> Any:
    return None if reg is None else regularizers.serialize(reg)


class RecurrentCell(Layer):
    """Base of the built-in cells: hyper-parameters, weights, dropout masks, initial state.

    Subclasses set ``gates`` (weight blocks per unit), implement ``call`` and
    ``fused_sequence``, and may extend ``build`` and ``get_config``.
    """

    gates = 1
    _constraints = {
        "units": POSITIVE_INT,
        "use_bias": BOOL,
        "dropout": _RATE,
        "recurrent_dropout": _RATE,
        "seed": SEED,
    }

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("implementation", None)  # Keras's choice of kernel layout; one here
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.seed = seed
        check_args(self)
        self.units, self.use_bias = int(units), bool(use_bias)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        # None means glorot_uniform, as in Layer.add_weight (LSTM's forget-bias init calls it)
        default = "glorot_uniform" if bias_initializer is None else bias_initializer
        self.bias_initializer = initializers.get(default)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self._dropout_mask: Any = None
        self._recurrent_dropout_mask: Any = None
        self.input_spec = InputSpec(ndim=2)  # one time step: (N, F)

    # ------------------------------------------------------------------ state
    @property
    def state_size(self) -> int | list[int]:
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def get_initial_state(self, batch_size: int) -> list[Tensor]:
        """Zero states, one (batch_size, size) tensor per entry of ``state_size``."""
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [Tensor(np.zeros((batch_size, s), dtype=self.dtype)) for s in sizes]

    def __call__(self, inputs: Any, states: Any = None, *args: Any, **kwargs: Any) -> Any:
        """``cell(inputs, states, training=None)``: one step, after checking that every state
        is (batch, size) for the inputs' batch (NumPy would broadcast a mismatch silently)."""
        if states is None:
            return super().__call__(inputs, *args, **kwargs)
        _check_states(self, inputs, states)
        return super().__call__(inputs, states, *args, **kwargs)

    # ------------------------------------------------------------------ weights
    def _add_kernels(self, input_shape: tuple, bias_shape: tuple, bias_init: Any) -> None:
        width = self.gates * self.units
        self.kernel = self.add_weight(
            "kernel", (input_shape[-1], width), self.kernel_initializer, self.kernel_regularizer
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", (self.units, width), self.recurrent_initializer,
            self.recurrent_regularizer,
        )  # fmt: skip
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", bias_shape, bias_init, self.bias_regularizer)
        self.input_spec = InputSpec(ndim=2, axes={-1: input_shape[-1]})
        self.built = True

    # ------------------------------------------------------------------ dropout
    @property
    def _mask_count(self) -> int | None:
        """Masks per draw: one per gate in Keras's implementation 1 (recurrent dropout)."""
        return self.gates if self.recurrent_dropout and self.gates > 1 else None

    def _draw(self, like: Tensor, rate: float) -> Any:
        rng = self._rng or backend.rng()

        def one() -> Tensor:
            keep = rng.random(like.shape, dtype=np.float32) >= rate
            return Tensor(keep.astype(like.dtype) / like.dtype.type(1 - rate))

        count = self._mask_count
        return one() if count is None else [one() for _ in range(count)]

    def get_dropout_mask(self, step_input: Tensor) -> Any:
        """The input dropout mask(s) of the current sequence (drawn on first use)."""
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._draw(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state: Tensor) -> Any:
        """The state dropout mask(s) of the current sequence (drawn on first use)."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw(state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    def _masks(self, inputs: Tensor, h: Tensor, training: Any) -> tuple:
        """(input masks, state masks) for this step; None where dropout is off."""
        if not training:
            return None, None
        dp = self.get_dropout_mask(inputs) if 0 < self.dropout < 1 else None
        rdp = self.get_recurrent_dropout_mask(h) if 0 < self.recurrent_dropout < 1 else None
        return dp, rdp

    def _gate_inputs(self, inputs: Tensor, h: Tensor, dp: Any, rdp: Any) -> list[tuple]:
        """Per gate block k: ((inputs * dp_k) @ W_k + b_k, (h * rdp_k) @ U_k).

        Keras's implementation 1, used when a mask per gate was drawn; ``dp``/``rdp`` are a
        mask, a list of one mask per gate, or None.
        """
        u, bias = self.units, self._input_bias()
        pairs = []
        for k in range(self.gates):
            cols = (slice(None), slice(k * u, (k + 1) * u))
            x_k = inputs if dp is None else inputs * _pick(dp, k)
            h_k = h if rdp is None else h * _pick(rdp, k)
            b_k = None if bias is None else ops.getitem(bias, cols[1])
            pairs.append((ops.linear(x_k, ops.getitem(self.kernel, cols), b_k),
                          ops.matmul(h_k, ops.getitem(self.recurrent_kernel, cols))))  # fmt: skip
        return pairs

    def _input_bias(self) -> Tensor | None:
        """The bias added to the input projection (GRU's first bias row)."""
        return self.bias

    # ------------------------------------------------------------------ fused path
    def _activation_name(self, fn: Any) -> str | None:
        return activations.ACTIVATIONS.name_of(fn)

    def can_fuse(self, training: Any) -> bool:
        """Whether ``fused_sequence`` computes what stepping ``call`` would."""
        names = [self._activation_name(fn) for fn in self._activations()]
        if any(name not in FUSED_ACTIVATIONS for name in names):
            return False
        return not (training and 0 < self.recurrent_dropout < 1)

    def _activations(self) -> list[Any]:
        return [self.activation]

    def _dropped_sequence(self, x: Tensor, training: Any) -> Tensor:
        """The input sequence with this sequence's input dropout mask applied at every step."""
        if not training or not 0 < self.dropout < 1:
            return x
        mask = self.get_dropout_mask(ops.getitem(x, (slice(None), 0)))
        return x * ops.expand_dims(mask, 1)

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize_or_none(self.kernel_regularizer),
            "recurrent_regularizer": _serialize_or_none(self.recurrent_regularizer),
            "bias_regularizer": _serialize_or_none(self.bias_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


def _check_states(cell: RecurrentCell, inputs: Any, states: Any) -> None:
    shape = getattr(inputs, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] is None:
        return  # why: the input checks (and symbolic calls) say what is wrong with inputs
    items = list(states) if isinstance(states, (list, tuple)) else [states]
    sizes = cell.state_size if isinstance(cell.state_size, list) else [cell.state_size]
    got = [getattr(s, "shape", None) for s in items]
    want = [(shape[0], size) for size in sizes]
    if len(got) != len(want) or any(g is not None and tuple(g) != w for g, w in zip(got, want)):
        raise ShapeError(
            f"{cell.name}: expected {len(want)} state(s) of shape "
            f"{', '.join(str(w) for w in want)} for inputs of shape {tuple(shape)}, got "
            f"{', '.join(str(tuple(g)) if g is not None else '?' for g in got)}. Pass states "
            f"with the inputs' batch size (cell.get_initial_state({shape[0]}) gives zeros)."
        )


def _pick(mask: Any, k: int) -> Tensor:
    return mask[k] if isinstance(mask, list) else mask
