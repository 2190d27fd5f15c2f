"""Attention layers: ``Attention``, ``AdditiveAttention``, ``MultiHeadAttention`` and the
positional embeddings of transformers."""

from glassnet.layers.attention.dot_attention import AdditiveAttention, Attention
from glassnet.layers.attention.multi_head_attention import MultiHeadAttention
from glassnet.layers.attention.position import (
    PositionEmbedding,
    SinusoidalPositionEncoding,
    TokenAndPositionEmbedding,
)

__all__ = [
    "AdditiveAttention",
    "Attention",
    "MultiHeadAttention",
    "PositionEmbedding",
    "SinusoidalPositionEncoding",
    "TokenAndPositionEmbedding",
]
