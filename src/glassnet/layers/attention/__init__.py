"""Attention layers: ``MultiHeadAttention`` and the positional embeddings of transformers."""

from glassnet.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["MultiHeadAttention"]
