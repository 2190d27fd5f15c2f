"""``SimpleRNNCell`` and ``SimpleRNN``: the fully connected recurrence (Keras's names)."""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.layers.base import LAYERS
from glassnet.layers.recurrent._cell import RecurrentCell
from glassnet.layers.recurrent.rnn import CellLayer
from glassnet.tensor import Tensor

__all__ = ["SimpleRNN", "SimpleRNNCell"]


@LAYERS.register("SimpleRNNCell")
class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected recurrence: the output is fed back as the state.

    Math:
        h_t = activation((x_t * dropout_mask) @ kernel + bias
                         + (h_{t-1} * recurrent_dropout_mask) @ recurrent_kernel)

    Args:
        units: size of the state (and of the output).
        activation: default ``'tanh'``; None means linear.
        use_bias: whether to add a bias.
        kernel_initializer: default ``'glorot_uniform'``.
        recurrent_initializer: default ``'orthogonal'``.
        bias_initializer: default ``'zeros'``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        dropout: fraction of the input units dropped in training (one mask per sequence).
        recurrent_dropout: fraction of the state units dropped in training.
        seed: a private seed for the dropout masks.

    Shape:
        Call: ``cell(x_t (N, F), [h_{t-1} (N, U)])`` returns ``(h_t, [h_t])``.
        kernel: (F, U).  recurrent_kernel: (U, U).  bias: (U,).

    Example:
        >>> from glassnet.layers import RNN
        >>> RNN(SimpleRNNCell(4))(np.zeros((2, 5, 3))).shape
        (2, 4)
    """

    gates = 1

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
        super().__init__(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            dropout, recurrent_dropout, seed, **kwargs,
        )  # fmt: skip

    def build(self, input_shape: tuple) -> None:
        self._add_kernels(input_shape, (self.units,), self.bias_initializer)

    def call(self, inputs: Tensor, states: Any, training: bool | None = None) -> tuple:
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        dp, rdp = self._masks(inputs, h_tm1, training)
        x = inputs if dp is None else inputs * dp
        prev = h_tm1 if rdp is None else h_tm1 * rdp
        h = self.activation(ops.linear(x, self.kernel, self.bias) + prev @ self.recurrent_kernel)
        return h, [h] if nested else h

    def fused_sequence(self, x: Tensor, states: list[Tensor], mask: Any, training: Any) -> list:
        """The states after every step, [h (N, T, U)], as one ``ops.simple_rnn``."""
        x = self._dropped_sequence(x, training)
        name = self._activation_name(self.activation)
        return [ops.simple_rnn(x, self.kernel, self.recurrent_kernel, self.bias, states[0],
                               mask=mask, activation=name)]  # fmt: skip


@LAYERS.register("SimpleRNN")
class SimpleRNN(CellLayer):
    """Fully connected RNN whose output is fed back as its state (Keras's ``SimpleRNN``).

    ``RNN(SimpleRNNCell(...))`` with the cell's arguments given to the layer; see
    ``SimpleRNNCell`` for the maths and the cell's arguments, ``RNN`` for
    ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``, masking and the
    call arguments.

    Shape:
        Input: (N, T, F).  Output: (N, U), or (N, T, U) with ``return_sequences``.
        Weights: kernel (F, U) glorot_uniform, recurrent_kernel (U, U) orthogonal,
        bias (U,) zeros.

    Example:
        >>> SimpleRNN(4, return_sequences=True)(np.zeros((2, 5, 3))).shape
        (2, 5, 4)
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

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
        activity_regularizer: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(locals())
