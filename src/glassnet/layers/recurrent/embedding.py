"""``Embedding``: integer ids to learned vectors (Keras's ``keras.layers.Embedding``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet import initializers, ops, regularizers
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.layers.recurrent.masking import attach_mask
from glassnet.tensor import Tensor

__all__ = ["Embedding"]


@LAYERS.register("Embedding")
class Embedding(Layer):
    """Turns non-negative integer ids into dense vectors: row ``id`` of a learned table.

    Math:
        y[..., :] = embeddings[x[...], :]
        dL/dembeddings[k] = sum of dL/dy over the positions where x == k

    Args:
        input_dim: size of the vocabulary (largest id + 1).
        output_dim: size of each vector.
        embeddings_initializer: default ``'uniform'`` (Keras's RandomUniform(-0.05, 0.05)).
        embeddings_regularizer: optional penalty on the table.
        mask_zero: treat id 0 as padding: the output carries the mask ``x != 0`` for the
            recurrent layers after it (see ``glassnet.layers.recurrent.masking``). Id 0 is
            then not a word: set ``input_dim`` to the vocabulary size + 1.
        weights: optional initial table, ``[array]`` of shape (input_dim, output_dim).

    Shape:
        Input: (N, ...) integer ids (floats are truncated to integers, as in Keras).
        Output: (N, ..., output_dim).  embeddings: (input_dim, output_dim).

    Raises:
        ShapeError: for an id outside [0, input_dim).

    Example:
        >>> layer = Embedding(10, 3)
        >>> layer(np.array([[1, 2, 0]])).shape
        (1, 3, 3)
    """

    _constraints = {"input_dim": POSITIVE_INT, "output_dim": POSITIVE_INT, "mask_zero": BOOL}
    _integer_input = True  # ids stay integers (float32 is exact only up to 2**24)

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim, self.output_dim, self.mask_zero = input_dim, output_dim, mask_zero
        check_args(self)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.mask_zero = bool(mask_zero)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        if weights is not None:
            self.build(None)
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape: Any) -> None:
        if self.built:
            return
        self.embeddings = self.add_weight(
            "embeddings",
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            self.embeddings_regularizer,
        )
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        ids = inputs.data if inputs.dtype.kind in "iu" else inputs.data.astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            bad = ids.min() if ids.min() < 0 else ids.max()
            raise ShapeError(
                f"Embedding '{self.name}': expected ids in [0, {self.input_dim - 1}], got "
                f"{int(bad)}. Set input_dim to the vocabulary size (largest id + 1)."
            )
        out = ops.getitem(self.embeddings, ids)
        return attach_mask(out, ids != 0) if self.mask_zero else out

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": None
            if self.embeddings_regularizer is None
            else regularizers.serialize(self.embeddings_regularizer),
            "mask_zero": self.mask_zero,
        }
