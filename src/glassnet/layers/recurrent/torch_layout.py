"""Keras's recurrent weight layout and PyTorch's, side by side, and the map between them.

Keras (and glassnet) store a recurrent layer's weights as ``kernel`` (F, G*U),
``recurrent_kernel`` (U, G*U) and ``bias``, one column block of U per gate. PyTorch's
``nn.RNN``/``nn.LSTM``/``nn.GRU`` store the transposes, ``weight_ih_l0`` (G*U, F) and
``weight_hh_l0`` (G*U, U), one row block per gate, and two biases, ``bias_ih_l0`` and
``bias_hh_l0``. Block by block:

    SimpleRNN (nn.RNN, nonlinearity 'tanh' or 'relu'):
        weight_ih_l0 = kernel.T          weight_hh_l0 = recurrent_kernel.T
        bias_ih_l0   = bias              bias_hh_l0   = 0     (PyTorch adds both biases)

    LSTM (nn.LSTM; gates i, f, g, o = Keras's i, f, c, o: the same order):
        weight_ih_l0 = kernel.T          weight_hh_l0 = recurrent_kernel.T
        bias_ih_l0   = bias              bias_hh_l0   = 0

    GRU (nn.GRU; gates r, z, n against Keras's z, r, h: swap the first two blocks):
        reset_after=True only. PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) is
        Keras's reset-after candidate, and h' = (1 - z) * n + z * h is the same update.
        weight_ih_l0 = [k_r, k_z, k_h].T     weight_hh_l0 = [u_r, u_z, u_h].T
        bias_ih_l0   = [b_r, b_z, b_h] of bias[0] (input)
        bias_hh_l0   = [b_r, b_z, b_h] of bias[1] (recurrent)
        reset_after=False (reset gate applied to h before the product) has no PyTorch form.

    Bidirectional(merge_mode='concat') = PyTorch's bidirectional=True: the backward layer's
    weights go to the ``*_reverse`` names, and PyTorch's output is [forward, backward]
    concatenated on the feature axis, with the backward outputs in time order.

PyTorch's default activations are Keras's defaults (tanh, sigmoid gates); the tests of
glassnet's recurrent layers load weights through ``torch_state_dict`` and compare outputs and
gradients with PyTorch's modules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError

__all__ = ["torch_state_dict"]

# Keras's gate blocks in PyTorch's order, per layer kind.
_TORCH_BLOCKS = {"SimpleRNN": (0,), "LSTM": (0, 1, 2, 3), "GRU": (1, 0, 2)}


def _kind(layer: Any) -> str:
    for kind in _TORCH_BLOCKS:
        if any(cls.__name__ == kind for cls in type(layer).__mro__):
            return kind
    raise ConfigError(
        f"torch_state_dict: expected a SimpleRNN, LSTM, GRU or Bidirectional layer, got "
        f"{type(layer).__name__}."
    )


def _blocks(array: np.ndarray, order: tuple[int, ...], units: int) -> np.ndarray:
    """Reorder the gate blocks on the last axis."""
    return np.concatenate([array[..., k * units : (k + 1) * units] for k in order], axis=-1)


def _one_direction(layer: Any, suffix: str) -> dict[str, np.ndarray]:
    kind, cell = _kind(layer), layer.cell
    if kind == "GRU" and not cell.reset_after:
        raise ConfigError(
            "torch_state_dict: expected a GRU with reset_after=True, got reset_after=False. "
            "PyTorch's nn.GRU has no reset-before form."
        )
    order, u = _TORCH_BLOCKS[kind], cell.units
    bias = np.zeros((2, len(order) * u), dtype=cell.kernel.dtype)
    if cell.bias is not None:
        bias[:] = cell.bias.data if cell.bias.ndim == 2 else [cell.bias.data, bias[1]]
    return {
        f"weight_ih_l0{suffix}": _blocks(cell.kernel.data, order, u).T.copy(),
        f"weight_hh_l0{suffix}": _blocks(cell.recurrent_kernel.data, order, u).T.copy(),
        f"bias_ih_l0{suffix}": _blocks(bias[0], order, u),
        f"bias_hh_l0{suffix}": _blocks(bias[1], order, u),
    }


def torch_state_dict(layer: Any) -> dict[str, np.ndarray]:
    """The ``state_dict`` of the PyTorch module equivalent to a built recurrent layer.

    Load it with ``module.load_state_dict({k: torch.from_numpy(v) ...})`` into
    ``nn.RNN``/``nn.LSTM``/``nn.GRU(F, U, batch_first=True)`` (``bidirectional=True`` for a
    ``Bidirectional`` layer). See the module docstring for the layout.

    Raises:
        ConfigError: for other layers, and for a GRU with ``reset_after=False``.
    """
    if type(layer).__name__ == "Bidirectional":
        return {**_one_direction(layer.forward_layer, ""),
                **_one_direction(layer.backward_layer, "_reverse")}  # fmt: skip
    return _one_direction(layer, "")
