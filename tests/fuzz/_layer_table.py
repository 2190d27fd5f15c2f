"""Every registered layer with a small valid configuration and one valid input shape.

``LAYER_CASES[name] = (make, sample_shape, kind)``: ``make()`` builds a fresh layer,
``sample_shape`` is one valid sample (no batch axis) and ``kind`` says how it is called:
``"single"`` (one array), ``"multi"`` (a list of two arrays), ``"cell"`` (``cell(x, states)``),
``"int"`` (integer ids, Embedding), ``"tree"`` (encoded trees, TreeLSTM), ``"train"`` (random
augmentation: called with training).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassnet import layers as L
from glassnet import ops, zoo

Case = tuple[Callable[[], Any], tuple[int, ...], str]

SEQ, IMG, VEC = (5, 2), (6, 6, 2), (4,)


class _SelfAttention(L.MultiHeadAttention):
    """Fuzzed as ``layer(x)`` = ``MultiHeadAttention(x, x)`` (the one-input calls below)."""

    def __call__(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(x, x, *args, **kwargs)


LAYER_CASES: dict[str, Case] = {
    "Activation": (lambda: L.Activation("relu"), VEC, "single"),
    "ActivityRegularization": (lambda: L.ActivityRegularization(0.01, 0.01), VEC, "single"),
    "Add": (L.Add, VEC, "multi"),
    "AdditiveAttention": (lambda: L.AdditiveAttention(dropout=0.5, seed=0), SEQ, "multi"),
    "Attention": (
        lambda: L.Attention(use_scale=True, score_mode="concat", dropout=0.5, seed=0),
        SEQ,
        "multi",
    ),
    "Average": (L.Average, VEC, "multi"),
    "AveragePooling1D": (L.AveragePooling1D, SEQ, "single"),
    "AveragePooling2D": (L.AveragePooling2D, IMG, "single"),
    "BatchNormalization": (L.BatchNormalization, VEC, "single"),
    "Bidirectional": (lambda: L.Bidirectional(L.SimpleRNN(3)), SEQ, "single"),
    "Concatenate": (L.Concatenate, VEC, "multi"),
    "Conv1D": (lambda: L.Conv1D(2, 3), SEQ, "single"),
    "Conv2D": (lambda: L.Conv2D(2, 3), IMG, "single"),
    "Conv2DTranspose": (lambda: L.Conv2DTranspose(2, 3, strides=2), (3, 3, 2), "single"),
    "Cropping1D": (L.Cropping1D, SEQ, "single"),
    "Cropping2D": (lambda: L.Cropping2D(((1, 1), (1, 1))), IMG, "single"),
    "Dense": (lambda: L.Dense(3), VEC, "single"),
    "DepthwiseConv2D": (lambda: L.DepthwiseConv2D(3), IMG, "single"),
    "Dot": (lambda: L.Dot(axes=1), VEC, "multi"),
    "Dropout": (lambda: L.Dropout(0.5, seed=0), VEC, "train"),
    "ELU": (L.ELU, VEC, "single"),
    "Embedding": (lambda: L.Embedding(10, 3), (5,), "int"),
    "Flatten": (L.Flatten, (3, 2), "single"),
    "GRU": (lambda: L.GRU(3), SEQ, "single"),
    "GRUCell": (lambda: L.GRUCell(3), (2,), "cell"),
    "GaussianDropout": (lambda: L.GaussianDropout(0.5, seed=0), VEC, "train"),
    "GaussianNoise": (lambda: L.GaussianNoise(0.5, seed=0), VEC, "train"),
    "GlobalAveragePooling1D": (L.GlobalAveragePooling1D, SEQ, "single"),
    "GlobalAveragePooling2D": (L.GlobalAveragePooling2D, IMG, "single"),
    "GlobalMaxPooling1D": (L.GlobalMaxPooling1D, SEQ, "single"),
    "GlobalMaxPooling2D": (L.GlobalMaxPooling2D, IMG, "single"),
    "GroupNormalization": (lambda: L.GroupNormalization(2), VEC, "single"),
    "Identity": (L.Identity, VEC, "single"),
    "InputLayer": (lambda: L.InputLayer(shape=VEC), VEC, "single"),
    "LSTM": (lambda: L.LSTM(3, return_sequences=True), SEQ, "single"),
    "LSTMCell": (lambda: L.LSTMCell(3), (2,), "cell"),
    "Lambda": (lambda: L.Lambda(ops.tanh), VEC, "single"),
    "LayerNormalization": (L.LayerNormalization, VEC, "single"),
    "LeakyReLU": (L.LeakyReLU, VEC, "single"),
    "Masking": (L.Masking, SEQ, "single"),
    "MaxPooling1D": (L.MaxPooling1D, SEQ, "single"),
    "MaxPooling2D": (L.MaxPooling2D, IMG, "single"),
    "Maximum": (L.Maximum, VEC, "multi"),
    "Maxout": (lambda: L.Maxout(3, 2), VEC, "single"),
    "Minimum": (L.Minimum, VEC, "multi"),
    "MultiHeadAttention": (lambda: _SelfAttention(2, 3, dropout=0.5, seed=0), SEQ, "single"),
    "Multiply": (L.Multiply, VEC, "multi"),
    "Normalization": (L.Normalization, VEC, "single"),
    "PReLU": (L.PReLU, VEC, "single"),
    "Permute": (lambda: L.Permute((2, 1)), SEQ, "single"),
    "PositionEmbedding": (lambda: L.PositionEmbedding(8), SEQ, "single"),
    "RBF": (lambda: L.RBF(3), VEC, "single"),
    "RNN": (lambda: L.RNN(L.SimpleRNNCell(3)), SEQ, "single"),
    "RandomFlip": (lambda: L.RandomFlip(seed=0), IMG, "train"),
    "RandomRotation": (lambda: L.RandomRotation(0.2, seed=0), IMG, "train"),
    "RandomTranslation": (lambda: L.RandomTranslation(0.2, 0.2, seed=0), IMG, "train"),
    "RandomZoom": (lambda: L.RandomZoom(0.2, seed=0), IMG, "train"),
    "ReLU": (L.ReLU, VEC, "single"),
    "RepeatVector": (lambda: L.RepeatVector(2), VEC, "single"),
    "Rescaling": (lambda: L.Rescaling(1 / 255), VEC, "single"),
    "ResidualBlock": (lambda: L.ResidualBlock(3), VEC, "single"),
    "ResidualConvBlock": (lambda: L.ResidualConvBlock(2, strides=2), IMG, "single"),
    "Reshape": (lambda: L.Reshape((2, 2)), VEC, "single"),
    "Sampling": (lambda: zoo.Sampling(seed=0), VEC, "multi"),
    "SeparableConv2D": (lambda: L.SeparableConv2D(2, 3), IMG, "single"),
    "SimpleRNN": (lambda: L.SimpleRNN(3), SEQ, "single"),
    "SimpleRNNCell": (lambda: L.SimpleRNNCell(3), (2,), "cell"),
    "SinusoidalPositionEncoding": (L.SinusoidalPositionEncoding, SEQ, "single"),
    "Softmax": (L.Softmax, VEC, "single"),
    "SpatialDropout1D": (lambda: L.SpatialDropout1D(0.5, seed=0), SEQ, "train"),
    "SpatialDropout2D": (lambda: L.SpatialDropout2D(0.5, seed=0), IMG, "train"),
    "Subtract": (L.Subtract, VEC, "multi"),
    "TimeDistributed": (lambda: L.TimeDistributed(L.Dense(3)), SEQ, "single"),
    "TokenAndPositionEmbedding": (
        lambda: L.TokenAndPositionEmbedding(10, 8, 3, mask_zero=True),
        (5,),
        "int",
    ),
    "TransformerDecoder": (lambda: zoo.TransformerDecoder(4, 2, dropout=0.5), SEQ, "single"),
    "TransformerEncoder": (lambda: zoo.TransformerEncoder(4, 2, dropout=0.5), SEQ, "single"),
    "TreeLSTM": (lambda: L.TreeLSTM(3, input_dim=5), (2, 2), "tree"),
    "UnitNormalization": (L.UnitNormalization, VEC, "single"),
    "UpSampling1D": (L.UpSampling1D, SEQ, "single"),
    "UpSampling2D": (L.UpSampling2D, (3, 3, 2), "single"),
    "ZeroPadding1D": (L.ZeroPadding1D, SEQ, "single"),
    "ZeroPadding2D": (L.ZeroPadding2D, (3, 3, 2), "single"),
}
