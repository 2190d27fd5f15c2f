"""Tree networks: the Tree-LSTM classifier and its bag-of-words baseline (the tree input:
``glassnet.zoo.tree_input``, re-exported here).

A tree is a word (a ``str``: a leaf) or a tuple of trees (an inner node with those children):
``("not", ("very", "good"))`` is the tree the parse string ``"(not (very good))"`` describes.

Training works with the ordinary ``fit``: ``encode_trees`` turns a list of trees into one
integer array (N, M, 1 + K), padded to the largest tree, which ``fit`` slices into batches
like any other array; the ``TreeLSTM`` layer turns each batch back into a level-by-level
schedule (``glassnet.layers.tree``). So callbacks, ``validation_split``, ``evaluate`` and
``predict`` all work unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations, ops
from glassnet.errors import ShapeError
from glassnet.layers import Dense
from glassnet.layers.base import LAYERS
from glassnet.layers.tree import TreeLSTM
from glassnet.models import Model
from glassnet.tensor import Tensor
from glassnet.zoo._config import build_from_config, config_with_shape
from glassnet.zoo.tree_input import (
    TreeVocabulary,
    encode_trees,
    parse_tree,
    tree_to_string,
)

__all__ = [
    "BagOfWordsClassifier",
    "TreeClassifier",
    "TreeVocabulary",
    "encode_trees",
    "parse_tree",
    "tree_to_string",
]


@LAYERS.register("TreeClassifier")
class TreeClassifier(Model):
    """A child-sum Tree-LSTM over each tree, then a Dense classifier on the root's state.

    Args:
        vocabulary_size: ``TreeVocabulary.size``.
        classes: number of output units.
        units: Tree-LSTM state size (default 32).
        embedding_dim: token vector size (default ``units``).
        classifier_activation: default ``'softmax'`` (None: logits).
        name: the model's name.

    Shape:
        Input: (N, M, 1 + K) from ``encode_trees``.  Output: (N, classes).

    Example:
        >>> vocab = TreeVocabulary().fit(["good", "bad", "not"])
        >>> model = TreeClassifier(vocab.size, 2, units=8)
        >>> model(encode_trees(["(not good)", "bad"], vocab)).shape
        (2, 2)
    """

    _integer_input = True

    def __init__(self, vocabulary_size: int, classes: int, *, units: int = 32,
                 embedding_dim: int | None = None, classifier_activation: Any = "softmax",
                 name: str = "tree_classifier", **kwargs: Any) -> None:  # fmt: skip
        super().__init__(name=name, **kwargs)
        self.tree = TreeLSTM(units, vocabulary_size, embedding_dim, name=f"{name}_tree_lstm")
        self.head = Dense(classes, activation=classifier_activation, name=f"{name}_dense")

    def build(self, input_shape: tuple) -> None:
        self.tree._build_once(tuple(input_shape))
        self.head._build_once((None, self.tree.units))
        self.built = True

    def get_config(self) -> dict[str, Any]:
        return config_with_shape(self, {
            **super().get_config(), "vocabulary_size": self.tree.input_dim,
            "classes": self.head.units, "units": self.tree.units,
            "embedding_dim": self.tree.embedding_dim,
            "classifier_activation": activations.serialize(self.head.activation),
        })  # fmt: skip

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TreeClassifier:
        return build_from_config(cls, config)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return self.head(self.tree(inputs))


@LAYERS.register("BagOfWordsClassifier")
class BagOfWordsClassifier(Model):
    """The baseline that ignores structure: the mean of the words' vectors, then Dense layers.

    Reads the same encoded trees as ``TreeClassifier`` and keeps only the leaves (the words),
    so ``(not (good and bad))`` and ``((not good) and bad)`` look the same to it.

    Args:
        vocabulary_size, classes, classifier_activation, name: as for ``TreeClassifier``.
        embedding_dim: word vector size (default 32).
        hidden: units of an optional tanh hidden layer (default None: none).

    Example:
        >>> vocab = TreeVocabulary().fit(["good", "bad", "not"])
        >>> BagOfWordsClassifier(vocab.size, 2)(encode_trees(["(not good)"], vocab)).shape
        (1, 2)
    """

    _integer_input = True

    def __init__(self, vocabulary_size: int, classes: int, *, embedding_dim: int = 32,
                 hidden: int | None = None, classifier_activation: Any = "softmax",
                 name: str = "bag_of_words", **kwargs: Any) -> None:  # fmt: skip
        super().__init__(name=name, **kwargs)
        from glassnet.layers import Embedding

        self.embedding = Embedding(vocabulary_size, embedding_dim, name=f"{name}_embedding")
        self.hidden = None if hidden is None else Dense(hidden, "tanh", name=f"{name}_hidden")
        self.head = Dense(classes, activation=classifier_activation, name=f"{name}_dense")

    def build(self, input_shape: tuple) -> None:
        self.embedding._build_once((None, input_shape[1]))
        width = self.embedding.output_dim
        if self.hidden is not None:
            self.hidden._build_once((None, width))
            width = self.hidden.units
        self.head._build_once((None, width))
        self.built = True

    def get_config(self) -> dict[str, Any]:
        return config_with_shape(self, {
            **super().get_config(), "vocabulary_size": self.embedding.input_dim,
            "classes": self.head.units, "embedding_dim": self.embedding.output_dim,
            "hidden": None if self.hidden is None else self.hidden.units,
            "classifier_activation": activations.serialize(self.head.activation),
        })  # fmt: skip

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BagOfWordsClassifier:
        return build_from_config(cls, config)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        trees = inputs.data
        if trees.ndim != 3 or inputs.dtype.kind not in "iu":
            raise ShapeError(f"{self.name}: expected integer trees (N, M, 1 + K) from "
                             f"encode_trees, got {trees.dtype} {trees.shape}.")  # fmt: skip
        tokens = trees[:, :, 0]
        words = ((tokens != 0) & (tokens != 2)).astype(self.dtype)
        weights = words / np.maximum(words.sum(axis=1, keepdims=True), 1.0)
        mean = ops.sum(self.embedding(tokens) * weights[:, :, None], axis=1)
        return self.head(mean if self.hidden is None else self.hidden(mean))
