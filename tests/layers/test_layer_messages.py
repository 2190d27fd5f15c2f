"""Error messages of the layers that their family tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import GRU, LSTM, Add, Bidirectional, Dense, Dropout, Layer, Reshape
from glassnet.layers.recurrent.torch_layout import torch_state_dict


class NoCall(Layer):
    """A layer that forgot its forward pass."""


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: NoCall()(np.ones((2, 3))), NotImplementedError, r"^NoCall must implement call\(\)\.$"),
        (lambda: Dense(2, name="d")(np.array([["a", "b"]])), TypeError,
         r"Dense 'd': expected numeric input, got dtype <U1\. Convert the data to numbers first\."),
        (lambda: Dropout(0.5, noise_shape=(0,)), ConfigError,
         r"The 'noise_shape' argument of Dropout must be None or a tuple of positive ints or None, "
         r"one per input axis\. Got \(0,\)\."),
        (lambda: Reshape((-1, -1)), ConfigError,
         r"Reshape: expected at most one -1 in target_shape, got \(-1, -1\)\."),
        (lambda: torch_state_dict(Dense(2)), ConfigError,
         r"torch_state_dict: expected a SimpleRNN, LSTM, GRU or Bidirectional layer, got Dense\."),
        (lambda: torch_state_dict(GRU(2, reset_after=False)), ConfigError,
         r"torch_state_dict: expected a GRU with reset_after=True, got reset_after=False\. "
         r"PyTorch's nn.GRU has no reset-before form\."),
        (lambda: Bidirectional(LSTM(2, return_sequences=True), backward_layer=LSTM(2, go_backwards=True)),
         ConfigError,
         r"Bidirectional: expected the forward and backward layers to have the same "
         r"return_sequences, got True and False\."),
        (lambda: Dense(2, name="d")(np.ones(3)), ShapeError,
         r"Dense 'd': expected input of rank >= 2, got shape \(3,\)\. Add a batch axis "
         r"\(x\[None\]\) or reshape the input\."),
        (lambda: Add(name="add").compute_output_shape([(), ()]), ShapeError,
         r"Add 'add': expected inputs with a batch axis, got a scalar \(shape \(\)\)\. Add a "
         r"batch axis \(x\[None\]\)\."),
        (lambda: LSTM(2).no_such_attribute, AttributeError,
         r"'LSTM' object has no attribute 'no_such_attribute'"),
    ],
)  # fmt: skip
def test_layer_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
