"""Positional embeddings for transformers (keras_hub's layers): learned, sinusoidal, and token +
position in one layer.

Attention alone does not know the order of a sequence; adding a vector that depends on the
position to each step's features gives it that. ``PositionEmbedding`` learns one vector per
position, ``SinusoidalPositionEncoding`` uses Vaswani et al.'s fixed sines and cosines.
Both return the position vectors broadcast to the input's shape (add them yourself, as in
keras_hub); ``TokenAndPositionEmbedding`` does the embedding lookup and the sum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import initializers, ops
from glassnet._constraints import is_int, is_real
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.recurrent.masking import attach_mask
from glassnet.tensor import Tensor

__all__ = ["PositionEmbedding", "SinusoidalPositionEncoding", "TokenAndPositionEmbedding"]

_START = (lambda v: is_int(v) and v >= 0, "an int >= 0")


def _check_start(layer: Layer, start_index: Any, steps: int, limit: int | None) -> int:
    if not _START[0](start_index):
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}': expected start_index as an int >= 0, got "
            f"{start_index!r}."
        )
    if limit is not None and start_index + steps > limit:
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}': expected at most {limit} positions "
            f"(sequence_length), got {steps} steps from position {start_index}. Build the "
            "layer with a larger sequence_length or pass shorter sequences."
        )
    return int(start_index)


@LAYERS.register("PositionEmbedding")
class PositionEmbedding(Layer):
    """A learned vector per position, broadcast to the input (keras_hub's ``PositionEmbedding``).

    Math:
        y[n, t, :] = embeddings[start_index + t, :]
        dL/dembeddings[start_index + t] = sum_n dL/dy[n, t]

    Args:
        sequence_length: the largest number of positions.
        initializer: default ``'glorot_uniform'``.

    Call arguments:
        inputs: (N, T, F), only its shape is used.  start_index: the first position (0).

    Shape:
        Output: (N, T, F), the input's shape.  embeddings: (sequence_length, F).

    Example:
        >>> x = np.zeros((2, 3, 4), "float32")
        >>> PositionEmbedding(sequence_length=10)(x).shape
        (2, 3, 4)
    """

    _constraints = {"sequence_length": POSITIVE_INT}

    def __init__(self, sequence_length: int, initializer: Any = "glorot_uniform",
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.sequence_length = sequence_length
        check_args(self)
        self.sequence_length = int(sequence_length)
        self.initializer = initializers.get(initializer)
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape: tuple) -> None:
        shape = (self.sequence_length, input_shape[-1])
        self.embeddings = self.add_weight("embeddings", shape, self.initializer)
        self.built = True

    def call(self, inputs: Tensor, start_index: int = 0, training: bool | None = None) -> Tensor:
        steps = inputs.shape[-2]
        start = _check_start(self, start_index, steps, self.sequence_length)
        rows = ops.getitem(self.embeddings, slice(start, start + steps))
        return ops.multiply(rows, Tensor(np.ones(inputs.shape, dtype=self.dtype)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "sequence_length": self.sequence_length,
            "initializer": initializers.serialize(self.initializer),
        }


def sinusoidal_encoding(steps: int, features: int, start: int = 0,
                        max_wavelength: float = 10000.0, dtype: Any = "float32") -> np.ndarray:  # fmt: skip
    """The (steps, features) table of Vaswani et al.'s position encoding.

    Math (p = start + t, i = feature index):
        y[t, 2j]     = sin(p / max_wavelength ** (2j / features))
        y[t, 2j + 1] = cos(p / max_wavelength ** (2j / features))
    """
    position = np.arange(start, start + steps, dtype=np.float64)[:, None]
    i = np.arange(features)
    angles = position * max_wavelength ** (-(2 * (i // 2)) / features)
    return np.where(i % 2 == 0, np.sin(angles), np.cos(angles)).astype(dtype)


@LAYERS.register("SinusoidalPositionEncoding")
class SinusoidalPositionEncoding(Layer):
    """Fixed sine/cosine position vectors (Vaswani et al. 2017; keras_hub's layer). No weights.

    Math: see ``sinusoidal_encoding`` (even features sines, odd features cosines, wavelengths
    from 2 pi to ``max_wavelength`` * 2 pi).

    Args:
        max_wavelength: the longest wavelength (10000, as in the paper).

    Call arguments:
        inputs: (N, T, F), only its shape is used.  start_index: the first position (0).

    Shape:
        Output: (N, T, F), the input's shape.

    Example:
        >>> y = SinusoidalPositionEncoding()(np.zeros((1, 2, 4), "float32"))
        >>> y.numpy()[0, 1].round(4)
        array([0.8415, 0.5403, 0.01  , 1.    ], dtype=float32)
    """

    _constraints = {"max_wavelength": (lambda v: is_real(v) and v > 0, "a float > 0")}

    def __init__(self, max_wavelength: float = 10000.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_wavelength = max_wavelength
        check_args(self)
        self.max_wavelength = float(max_wavelength)
        self.input_spec = InputSpec(min_ndim=3)

    def call(self, inputs: Tensor, start_index: int = 0, training: bool | None = None) -> Tensor:
        start = _check_start(self, start_index, inputs.shape[-2], None)
        table = sinusoidal_encoding(inputs.shape[-2], inputs.shape[-1], start,
                                    self.max_wavelength, self.dtype)  # fmt: skip
        return Tensor(np.ascontiguousarray(np.broadcast_to(table, inputs.shape)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


@LAYERS.register("TokenAndPositionEmbedding")
class TokenAndPositionEmbedding(Layer):
    """Token embedding plus a learned position embedding (keras_hub's layer).

    Math:
        y[n, t] = token_embeddings[ids[n, t]] + position_embeddings[t]

    Args:
        vocabulary_size: number of token ids.
        sequence_length: the largest number of positions.
        embedding_dim: size of each vector.
        embeddings_initializer: for both tables (default ``'uniform'``, as Keras's Embedding).
        mask_zero: treat id 0 as padding; the output carries the mask ``ids != 0``.

    Shape:
        Input: (N, T) integer ids.  Output: (N, T, embedding_dim).
        token_embedding/embeddings (vocabulary_size, D), position_embedding/embeddings
        (sequence_length, D).

    Example:
        >>> TokenAndPositionEmbedding(10, 8, 4)(np.array([[1, 2, 3]])).shape
        (1, 3, 4)
    """

    _constraints = {
        "vocabulary_size": POSITIVE_INT,
        "sequence_length": POSITIVE_INT,
        "embedding_dim": POSITIVE_INT,
        "mask_zero": BOOL,
    }
    _integer_input = True

    def __init__(self, vocabulary_size: int, sequence_length: int, embedding_dim: int,
                 embeddings_initializer: Any = "uniform", mask_zero: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.vocabulary_size, self.sequence_length = vocabulary_size, sequence_length
        self.embedding_dim, self.mask_zero = embedding_dim, mask_zero
        check_args(self)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.input_spec = InputSpec(ndim=2)

    def build(self, input_shape: tuple) -> None:
        d, init = self.embedding_dim, self.embeddings_initializer
        self.token_embeddings = self.add_weight(
            "token_embedding/embeddings", (self.vocabulary_size, d), init
        )
        self.position_embeddings = self.add_weight(
            "position_embedding/embeddings", (self.sequence_length, d), init
        )
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        ids = inputs.data if inputs.dtype.kind in "iu" else inputs.data.astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocabulary_size):
            bad = ids.min() if ids.min() < 0 else ids.max()
            raise ShapeError(
                f"TokenAndPositionEmbedding '{self.name}': expected ids in [0, "
                f"{self.vocabulary_size - 1}], got {int(bad)}. Set vocabulary_size to the "
                "largest id + 1."
            )
        _check_start(self, 0, ids.shape[1], self.sequence_length)
        tokens = ops.getitem(self.token_embeddings, ids)
        y = tokens + ops.getitem(self.position_embeddings, slice(0, ids.shape[1]))
        return attach_mask(y, ids != 0) if self.mask_zero else y

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, self.embedding_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "sequence_length": self.sequence_length,
            "embedding_dim": self.embedding_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "mask_zero": self.mask_zero,
        }
