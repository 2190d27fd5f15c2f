"""Transformer blocks (Vaswani et al. 2017) as keras_hub has them: ``TransformerEncoder`` and
``TransformerDecoder``, built from glassnet layers.

A block is attention, then a two-layer feed-forward network, each wrapped in a residual
connection with layer normalization: after the residual sum (``normalize_first=False``, the
paper's post-LN) or at the start of the branch (``normalize_first=True``, pre-LN, steadier for
deep stacks). Both are registered layers: models containing them save and load.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations, initializers
from glassnet._constraints import is_real
from glassnet.errors import ShapeError, StateError
from glassnet.layers import Dense, Dropout, Layer, LayerNormalization, MultiHeadAttention
from glassnet.layers._checks import BOOL, POSITIVE, POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, InputSpec
from glassnet.layers.recurrent.masking import attach_mask, get_mask
from glassnet.tensor import Tensor

__all__ = ["TransformerDecoder", "TransformerEncoder"]


class _Block(Layer):
    """What both blocks share: arguments, the feed-forward sub-block, residuals, config."""

    _constraints = {
        "intermediate_dim": POSITIVE_INT,
        "num_heads": POSITIVE_INT,
        "dropout": (lambda v: is_real(v) and 0 <= v < 1, "a float in [0, 1)"),
        "layer_norm_epsilon": POSITIVE,
        "normalize_first": BOOL,
    }

    def __init__(
        self, intermediate_dim: int, num_heads: int, dropout: float = 0.0,
        activation: Any = "relu", layer_norm_epsilon: float = 1e-5,
        kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        normalize_first: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.intermediate_dim, self.num_heads, self.dropout = intermediate_dim, num_heads, dropout
        self.layer_norm_epsilon, self.normalize_first = layer_norm_epsilon, normalize_first
        check_args(self)
        self.dropout, self.layer_norm_epsilon = float(dropout), float(layer_norm_epsilon)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(ndim=3)

    def _sublayers(self, prefix: str, hidden: int, value_features: int | None = None) -> None:
        """Create and build the attention sub-block ``prefix`` (attention, norm, dropout)."""
        if hidden % self.num_heads:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected a feature size divisible by "
                f"num_heads={self.num_heads}, got {hidden}. Change num_heads or the model width."
            )
        init = {"kernel_initializer": self.kernel_initializer,
                "bias_initializer": self.bias_initializer}  # fmt: skip
        mha = MultiHeadAttention(self.num_heads, hidden // self.num_heads, dropout=self.dropout,
                                 name=prefix, dtype=self.dtype, **init)  # fmt: skip
        setattr(self, f"_{prefix}", mha)
        setattr(self, f"_{prefix}_norm", self._norm(f"{prefix}_layer_norm"))
        setattr(self, f"_{prefix}_dropout", self._drop(f"{prefix}_dropout"))
        value = (1, 1, hidden if value_features is None else value_features)
        mha._pending = (value, value)  # the key/value features for its build
        mha._build_once((1, 1, hidden))
        mha._pending = ()

    def _drop(self, name: str) -> Dropout:
        return Dropout(self.dropout, name=name, dtype=self.dtype)

    def _norm(self, name: str) -> LayerNormalization:
        return LayerNormalization(epsilon=self.layer_norm_epsilon, name=name, dtype=self.dtype)

    def _feedforward(self, hidden: int) -> None:
        init = {"kernel_initializer": self.kernel_initializer,
                "bias_initializer": self.bias_initializer, "dtype": self.dtype}  # fmt: skip
        self._ff_in = Dense(self.intermediate_dim, self.activation,
                            name="feedforward_intermediate_dense", **init)  # fmt: skip
        self._ff_out = Dense(hidden, name="feedforward_output_dense", **init)
        self._ff_norm = self._norm("feedforward_layer_norm")
        self._ff_dropout = self._drop("feedforward_dropout")
        self._ff_in._build_once((1, 1, hidden))
        self._ff_out._build_once((1, 1, self.intermediate_dim))

    def _adopt_all(self, hidden: int) -> None:
        """Build the norms and make every sub-layer's weights this block's, in order."""
        for layer in list(vars(self).values()):
            if isinstance(layer, LayerNormalization):
                layer._build_once((1, 1, hidden))
            if isinstance(layer, Layer) and layer.weights:
                self._weights.extend(layer._weights)
                self._trainable_flags.extend(layer._trainable_flags)
                self._regularizers.extend(layer._regularizers)

    def _residual(self, x: Tensor, name: str, branch: Any, training: Any) -> Tensor:
        """x + dropout(branch(norm?(x))), normalised before or after as configured."""
        norm = getattr(self, f"_{name}_norm")
        y = branch(norm(x) if self.normalize_first else x)
        y = getattr(self, f"_{name}_dropout")(y, training=training) + x
        return y if self.normalize_first else norm(y)

    def _ffn(self, x: Tensor) -> Tensor:
        return self._ff_out(self._ff_in(x))

    def compute_output_shape(self, input_shape: Any, *rest: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "intermediate_dim": self.intermediate_dim,
            "num_heads": self.num_heads,
            "dropout": self.dropout,
            "activation": activations.serialize(self.activation),
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "normalize_first": self.normalize_first,
        }


def _padding(mask: Any, x: Any, who: str) -> np.ndarray | None:
    mask = get_mask(x) if mask is None else mask
    if mask is None:
        return None
    mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask).astype(bool)
    if mask.shape != tuple(x.shape[:2]):
        raise ShapeError(
            f"{who}: expected a padding mask of shape {x.shape[:2]}, got {mask.shape}."
        )
    return mask


@LAYERS.register("TransformerEncoder")
class TransformerEncoder(_Block):
    """Self-attention and a feed-forward network, each with a residual connection and layer
    normalization (keras_hub's ``TransformerEncoder``).

    Math (post-LN; normalize_first=True normalises x at the start of each branch instead):
        x = LayerNorm(x + Dropout(MultiHeadAttention(x, x)))
        y = LayerNorm(x + Dropout(Dense_F(activation(Dense_I(x)))))

    Args:
        intermediate_dim: width I of the feed-forward network's hidden layer.
        num_heads: attention heads; each has key_dim = F / num_heads.
        dropout: rate for the attention weights and both residual branches.
        activation: the feed-forward activation (default ``'relu'``).
        layer_norm_epsilon: epsilon of the layer normalizations (1e-5).
        kernel_initializer, bias_initializer: for attention and dense kernels and biases.
        normalize_first: pre-LN instead of post-LN.

    Call arguments:
        inputs: (N, T, F).  padding_mask: (N, T) bool, True for real steps (default: the
        input's mask, e.g. from ``Embedding(mask_zero=True)``); padded steps are neither
        attended to nor attend.  attention_mask: (N, T, T) bool.  training: dropout on.

    Shape:
        Output: (N, T, F), carrying the padding mask.

    Example:
        >>> block = TransformerEncoder(intermediate_dim=16, num_heads=2)
        >>> block(np.zeros((3, 5, 8), "float32")).shape
        (3, 5, 8)
    """

    def build(self, input_shape: tuple) -> None:
        hidden = input_shape[-1]
        self._sublayers("self_attention", hidden)
        self._feedforward(hidden)
        self._adopt_all(hidden)
        self.built = True

    def call(self, inputs: Tensor, padding_mask: Any = None, attention_mask: Any = None,
             training: bool | None = None) -> Tensor:  # fmt: skip
        pad = _padding(padding_mask, inputs, f"TransformerEncoder '{self.name}'")

        def attend(x: Tensor) -> Tensor:
            return self._self_attention(x, x, query_mask=pad, value_mask=pad,
                                        attention_mask=attention_mask, training=training)  # fmt: skip

        x = self._residual(inputs, "self_attention", attend, training)
        return attach_mask(self._residual(x, "ff", self._ffn, training), pad)


@LAYERS.register("TransformerDecoder")
class TransformerDecoder(_Block):
    """Causal self-attention, cross-attention over an encoder's output, and a feed-forward
    network, each with a residual connection and layer normalization (keras_hub's
    ``TransformerDecoder``).

    Math (post-LN; see ``TransformerEncoder`` for normalize_first):
        x = LayerNorm(x + Dropout(MultiHeadAttention(x, x, use_causal_mask=True)))
        x = LayerNorm(x + Dropout(MultiHeadAttention(x, encoder_sequence)))   (if given)
        y = LayerNorm(x + Dropout(Dense_F(activation(Dense_I(x)))))

    Args:
        See ``TransformerEncoder``.

    Call arguments:
        decoder_sequence: (N, T, F).  encoder_sequence: (N, S, Fe), or None for a
        decoder-only block (no cross-attention; a block is built for one or the other).
        decoder_padding_mask: (N, T), encoder_padding_mask: (N, S) bool (default: the inputs'
        masks).  decoder_attention_mask: (N, T, T).  use_causal_mask: default True.

    Shape:
        Output: (N, T, F), carrying the decoder padding mask.

    Example:
        >>> block = TransformerDecoder(intermediate_dim=16, num_heads=2)
        >>> x, memory = np.zeros((3, 5, 8), "float32"), np.zeros((3, 7, 8), "float32")
        >>> block(x, memory).shape
        (3, 5, 8)
    """

    _encoder_shape: Any = None

    def __call__(self, decoder_sequence: Any, encoder_sequence: Any = None, **kwargs: Any) -> Any:
        if encoder_sequence is None:
            return super().__call__(decoder_sequence, **kwargs)
        if not self.built:  # why: build() receives the decoder's shape only
            shape = getattr(encoder_sequence, "shape", None)
            self._encoder_shape = np.shape(encoder_sequence) if shape is None else shape
        try:
            return super().__call__(decoder_sequence, encoder_sequence, **kwargs)
        finally:
            self._encoder_shape = None

    def build(self, input_shape: tuple) -> None:
        hidden = input_shape[-1]
        self._sublayers("self_attention", hidden)
        if self._encoder_shape is not None and len(self._encoder_shape):
            self._sublayers("cross_attention", hidden, self._encoder_shape[-1])
        self._feedforward(hidden)
        self._adopt_all(hidden)
        self.built = True

    def call(
        self, decoder_sequence: Tensor, encoder_sequence: Any = None,
        decoder_padding_mask: Any = None, decoder_attention_mask: Any = None,
        encoder_padding_mask: Any = None, use_causal_mask: bool = True,
        training: bool | None = None,
    ) -> Tensor:  # fmt: skip
        who = f"TransformerDecoder '{self.name}'"
        has_cross = hasattr(self, "_cross_attention")
        if (encoder_sequence is not None) != has_cross:
            raise StateError(
                f"{who}: expected {'an' if has_cross else 'no'} encoder_sequence (the block was "
                f"built {'with' if has_cross else 'without'} one), got "
                f"{'none' if encoder_sequence is None else 'one'}. Use a block per kind of call."
            )
        pad = _padding(decoder_padding_mask, decoder_sequence, who)

        def attend(x: Tensor) -> Tensor:
            return self._self_attention(x, x, query_mask=pad, value_mask=pad,
                                        attention_mask=decoder_attention_mask,
                                        use_causal_mask=use_causal_mask, training=training)  # fmt: skip

        x = self._residual(decoder_sequence, "self_attention", attend, training)
        if has_cross:
            enc_pad = _padding(encoder_padding_mask, encoder_sequence, who)

            def cross(x: Tensor) -> Tensor:
                return self._cross_attention(x, encoder_sequence, value_mask=enc_pad,
                                             query_mask=pad, training=training)  # fmt: skip

            x = self._residual(x, "cross_attention", cross, training)
        return attach_mask(self._residual(x, "ff", self._ffn, training), pad)
