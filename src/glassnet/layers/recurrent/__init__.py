"""Recurrent layers with Keras's names, arguments and weight layout.

``SimpleRNN``, ``LSTM`` and ``GRU`` (and their one-step ``*Cell`` forms), the generic
``RNN(cell)``, the ``Bidirectional`` and ``TimeDistributed`` wrappers, ``Embedding`` and
``Masking``. Inputs are batch-first sequences (N, T, F).

- How a padding mask reaches a recurrent layer: ``glassnet.layers.recurrent.masking``.
- Keras's weight layout against PyTorch's: ``glassnet.layers.recurrent.torch_layout``.
- The fused ops behind the layers (one graph node per sequence, hand-written
  backpropagation through time): ``glassnet.ops.recurrent``.
"""

from glassnet.layers.recurrent.embedding import Embedding
from glassnet.layers.recurrent.gru import GRU, GRUCell
from glassnet.layers.recurrent.lstm import LSTM, LSTMCell
from glassnet.layers.recurrent.masking import Masking, attach_mask, get_mask
from glassnet.layers.recurrent.rnn import RNN
from glassnet.layers.recurrent.simple_rnn import SimpleRNN, SimpleRNNCell
from glassnet.layers.recurrent.torch_layout import torch_state_dict
from glassnet.layers.recurrent.wrappers import Bidirectional, TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Bidirectional",
    "Embedding",
    "GRUCell",
    "LSTMCell",
    "Masking",
    "SimpleRNN",
    "SimpleRNNCell",
    "TimeDistributed",
    "attach_mask",
    "get_mask",
    "torch_state_dict",
]
