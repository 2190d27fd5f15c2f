"""``GRUCell`` and ``GRU``: gated recurrent units (Cho et al. 2014), Keras's layout."""

from __future__ import annotations

from typing import Any

from glassnet import activations, ops
from glassnet.layers._checks import BOOL
from glassnet.layers.base import LAYERS
from glassnet.layers.recurrent._cell import RecurrentCell
from glassnet.layers.recurrent.rnn import CellLayer
from glassnet.tensor import Tensor

__all__ = ["GRU", "GRUCell"]


@LAYERS.register("GRUCell")
class GRUCell(RecurrentCell):
    """One GRU step: an update gate mixes the previous state with a candidate.

    Math (s = recurrent_activation, g = activation; gate blocks in Keras's order z, r, h;
    xz, xr, xh = x_t @ kernel + b_in):
        reset_after=True (default; cuDNN's and PyTorch's form), b_rec = the recurrent bias:
            [mz, mr, mh] = h_{t-1} @ recurrent_kernel + b_rec
            z = s(xz + mz),  r = s(xr + mr),  hh = g(xh + r * mh)
        reset_after=False (the first paper's form):
            z = s(xz + h_{t-1} @ Uz),  r = s(xr + h_{t-1} @ Ur),  hh = g(xh + (r * h_{t-1}) @ Uh)
        h_t = z * h_{t-1} + (1 - z) * hh

    Args:
        units: size of the state (and of the output).
        activation: g, default ``'tanh'``.
        recurrent_activation: s, default ``'sigmoid'``.
        reset_after: apply the reset gate after the recurrent product (default True).
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer, dropout,
        recurrent_dropout, seed: see ``SimpleRNNCell`` (with recurrent dropout each gate gets
            its own masks, as in Keras).

    Shape:
        Call: ``cell(x_t (N, F), [h (N, U)])`` returns ``(h_t, [h_t])``.
        kernel: (F, 3U).  recurrent_kernel: (U, 3U).
        bias: (2, 3U) = [b_in, b_rec] with reset_after, else (3U,).
    """

    gates = 3
    _constraints = {**RecurrentCell._constraints, "reset_after": BOOL}

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.reset_after = reset_after
        super().__init__(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            dropout, recurrent_dropout, seed, **kwargs,
        )  # fmt: skip
        self.reset_after = bool(reset_after)
        self.recurrent_activation = activations.get(recurrent_activation)

    def build(self, input_shape: tuple) -> None:
        width = 3 * self.units
        shape = (2, width) if self.reset_after else (width,)
        self._add_kernels(input_shape, shape, self.bias_initializer)

    def _input_bias(self) -> Tensor | None:
        if self.bias is None or not self.reset_after:
            return self.bias
        return ops.getitem(self.bias, 0)

    def _recurrent_bias(self) -> Tensor | None:
        return None if self.bias is None or not self.reset_after else ops.getitem(self.bias, 1)

    def call(self, inputs: Tensor, states: Any, training: bool | None = None) -> tuple:
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        dp, rdp = self._masks(inputs, h_tm1, training)
        u, s, g = self.units, self.recurrent_activation, self.activation
        if isinstance(dp, list) or isinstance(rdp, list):
            (xz, mz), (xr, mr), (xh, _) = self._gate_inputs(inputs, h_tm1, dp, rdp)
            h_h = h_tm1 if rdp is None else h_tm1 * rdp[2]
        else:
            x = inputs if dp is None else inputs * dp
            xz, xr, xh = ops.split(ops.linear(x, self.kernel, self._input_bias()), 3, axis=1)
            mz, mr, _ = ops.split(h_tm1 @ self.recurrent_kernel, 3, axis=1)
            h_h = h_tm1
        u_h = ops.getitem(self.recurrent_kernel, (slice(None), slice(2 * u, 3 * u)))
        b_rec = self._recurrent_bias()
        if b_rec is not None:
            b_z, b_r, b_h = ops.split(b_rec, 3)
            mz, mr = mz + b_z, mr + b_r
        z, r = s(xz + mz), s(xr + mr)
        if self.reset_after:
            mh = h_h @ u_h if b_rec is None else h_h @ u_h + b_h
            hh = g(xh + r * mh)
        else:
            hh = g(xh + (r * h_h) @ u_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, [h] if nested else h

    def fused_sequence(self, x: Tensor, states: list[Tensor], mask: Any, training: Any) -> list:
        """The states after every step, [h (N, T, U)], as one ``ops.gru``."""
        x = self._dropped_sequence(x, training)
        return [ops.gru(
            x, self.kernel, self.recurrent_kernel, self.bias, states[0], mask=mask,
            reset_after=self.reset_after, activation=self._activation_name(self.activation),
            recurrent_activation=self._activation_name(self.recurrent_activation),
        )]  # fmt: skip

    def _activations(self) -> list[Any]:
        return [self.activation, self.recurrent_activation]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


@LAYERS.register("GRU")
class GRU(CellLayer):
    """Gated recurrent unit layer (Keras's ``GRU``): ``RNN(GRUCell(...))``.

    See ``GRUCell`` for the maths (both ``reset_after`` forms) and the cell's arguments,
    ``RNN`` for ``return_sequences``, ``return_state`` (the call returns ``[output, h]``),
    ``go_backwards``, ``stateful``, masking and the call arguments. The whole sequence runs as
    one fused op (``glassnet.ops.gru``) unless recurrent dropout is active in training or an
    activation is not one of tanh, sigmoid, relu, linear.

    Shape:
        Input: (N, T, F).  Output: (N, U), or (N, T, U) with ``return_sequences``.
        Weights: kernel (F, 3U) glorot_uniform, recurrent_kernel (U, 3U) orthogonal,
        bias zeros, (2, 3U) with ``reset_after`` else (3U,).

    Example:
        >>> GRU(4, reset_after=False)(np.zeros((2, 5, 3))).shape
        (2, 4)
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
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
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(locals())
