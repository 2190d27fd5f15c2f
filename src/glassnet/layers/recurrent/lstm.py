"""``LSTMCell`` and ``LSTM``: long short-term memory (Hochreiter 1997), Keras's layout."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations, ops
from glassnet.layers._checks import BOOL
from glassnet.layers.base import LAYERS
from glassnet.layers.recurrent._cell import RecurrentCell
from glassnet.layers.recurrent.rnn import CellLayer
from glassnet.tensor import Tensor

__all__ = ["LSTM", "LSTMCell"]


@LAYERS.register("LSTMCell")
class LSTMCell(RecurrentCell):
    """One LSTM step: gates decide what the cell state forgets, stores and shows.

    Math (s = recurrent_activation, g = activation; gate blocks in Keras's order i, f, c, o):
        [zi, zf, zc, zo] = x_t @ kernel + bias + h_{t-1} @ recurrent_kernel
        i = s(zi),  f = s(zf),  o = s(zo)
        c_t = f * c_{t-1} + i * g(zc)
        h_t = o * g(c_t)

    Args:
        units: size of the hidden state h and the cell state c.
        activation: g, default ``'tanh'``.
        recurrent_activation: s, default ``'sigmoid'``.
        use_bias: whether to add a bias.
        kernel_initializer: default ``'glorot_uniform'``.
        recurrent_initializer: default ``'orthogonal'``.
        bias_initializer: default ``'zeros'``.
        unit_forget_bias: add 1 to the forget gate's bias at initialisation (default True,
            as Keras; Jozefowicz et al. 2015).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        dropout, recurrent_dropout, seed: see ``SimpleRNNCell``. With recurrent dropout
            each gate gets its own masks, as in Keras.

    Shape:
        Call: ``cell(x_t (N, F), [h (N, U), c (N, U)])`` returns ``(h_t, [h_t, c_t])``.
        kernel: (F, 4U).  recurrent_kernel: (U, 4U).  bias: (4U,).
    """

    gates = 4
    _constraints = {**RecurrentCell._constraints, "unit_forget_bias": BOOL}

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.unit_forget_bias = unit_forget_bias
        super().__init__(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            dropout, recurrent_dropout, seed, **kwargs,
        )  # fmt: skip
        self.unit_forget_bias = bool(unit_forget_bias)
        self.recurrent_activation = activations.get(recurrent_activation)

    @property
    def state_size(self) -> list[int]:
        return [self.units, self.units]

    def build(self, input_shape: tuple) -> None:
        init = self.bias_initializer
        if self.unit_forget_bias:
            u = self.units

            def init(shape: tuple, dtype: Any = None) -> np.ndarray:
                parts = [self.bias_initializer((u,), dtype=dtype), np.ones(u),
                         self.bias_initializer((2 * u,), dtype=dtype)]  # fmt: skip
                return np.concatenate([np.asarray(p, dtype=dtype) for p in parts])

        self._add_kernels(input_shape, (4 * self.units,), init)

    def call(self, inputs: Tensor, states: Any, training: bool | None = None) -> tuple:
        h_tm1, c_tm1 = states
        dp, rdp = self._masks(inputs, h_tm1, training)
        if isinstance(dp, list) or isinstance(rdp, list):
            zi, zf, zc, zo = (a + b for a, b in self._gate_inputs(inputs, h_tm1, dp, rdp))
        else:
            x = inputs if dp is None else inputs * dp
            z = ops.linear(x, self.kernel, self.bias) + h_tm1 @ self.recurrent_kernel
            zi, zf, zc, zo = ops.split(z, 4, axis=1)
        s, g = self.recurrent_activation, self.activation
        c = s(zf) * c_tm1 + s(zi) * g(zc)
        h = s(zo) * g(c)
        return h, [h, c]

    def fused_sequence(self, x: Tensor, states: list[Tensor], mask: Any, training: Any) -> list:
        """The states after every step, [h, c] (each (N, T, U)), as one ``ops.lstm``."""
        x = self._dropped_sequence(x, training)
        return ops.lstm(
            x, self.kernel, self.recurrent_kernel, self.bias, states[0], states[1], mask=mask,
            activation=self._activation_name(self.activation),
            recurrent_activation=self._activation_name(self.recurrent_activation),
        )  # fmt: skip

    def _activations(self) -> list[Any]:
        return [self.activation, self.recurrent_activation]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


@LAYERS.register("LSTM")
class LSTM(CellLayer):
    """Long short-term memory layer (Keras's ``LSTM``): ``RNN(LSTMCell(...))``.

    See ``LSTMCell`` for the maths and the cell's arguments, ``RNN`` for
    ``return_sequences``, ``return_state`` (the call returns ``[output, h, c]``),
    ``go_backwards``, ``stateful``, masking and the call arguments. The whole sequence runs
    as one fused op (``glassnet.ops.lstm``) unless recurrent dropout is active in training or
    an activation is not one of tanh, sigmoid, relu, linear.

    Shape:
        Input: (N, T, F).  Output: (N, U), or (N, T, U) with ``return_sequences``.
        Weights: kernel (F, 4U) glorot_uniform, recurrent_kernel (U, 4U) orthogonal,
        bias (4U,) zeros with the forget block at 1 (``unit_forget_bias``).

    Example:
        >>> out, h, c = LSTM(4, return_state=True)(np.zeros((2, 5, 3)))
        >>> out.shape, h.shape, c.shape
        ((2, 4), (2, 4), (2, 4))
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(locals())
