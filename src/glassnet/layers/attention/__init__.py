"""Attention layers: ``MultiHeadAttention`` and the positional embeddings of transformers."""

from glassnet.layers.attention.multi_head_attention import MultiHeadAttention
from glassnet.layers.attention.position import (
    PositionEmbedding,
    SinusoidalPositionEncoding,
    TokenAndPositionEmbedding,
)

__all__ = [
    "MultiHeadAttention",
    "PositionEmbedding",
    "SinusoidalPositionEncoding",
    "TokenAndPositionEmbedding",
]
