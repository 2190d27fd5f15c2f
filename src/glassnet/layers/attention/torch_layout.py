"""Keras's ``MultiHeadAttention`` weight layout and PyTorch's ``nn.MultiheadAttention``, mapped.

glassnet (as Keras) keeps one kernel per projection with the heads as an axis of their own;
PyTorch keeps flat matrices, transposed, with head h owning the rows h*D .. (h+1)*D - 1:

    glassnet / Keras                              torch.nn.MultiheadAttention
    query_kernel (Fq, H, K)     --reshape (Fq, H*K), .T-->  q_proj_weight (E, Fq)
    key_kernel   (Fk, H, K)     --reshape (Fk, H*K), .T-->  k_proj_weight (E, Fk)
    value_kernel (Fv, H, V)     --reshape (Fv, H*V), .T-->  v_proj_weight (E, Fv)
        (when Fq = Fk = Fv = E PyTorch stacks the three as in_proj_weight (3E, E))
    query/key/value bias (H, D) --reshape (H*D,), stacked-> in_proj_bias (3E,)
    output_kernel (H, V, O)     --reshape (H*V, O), .T-->   out_proj.weight (O, E)
    output_bias (O,)                                        out_proj.bias (O,)

PyTorch fixes K = V = E / H and O = E (embed_dim), so only layers with
``num_heads * key_dim == d_model``, ``value_dim == key_dim`` and the default ``output_shape``
have a PyTorch twin. Both scale the scores by 1 / sqrt(K).

Masks are the other way round in ``nn.MultiheadAttention``: its ``key_padding_mask`` and
boolean ``attn_mask`` are True where attention is *not* allowed, so glassnet's
``value_mask=m`` is ``key_padding_mask=~m`` and ``attention_mask=a`` is ``attn_mask=~a``
(``F.scaled_dot_product_attention``, by contrast, uses True = attend, as glassnet does).
``use_causal_mask=True`` is ``attn_mask=nn.Transformer.generate_square_subsequent_mask(T)``
(or ``torch.ones(T, S, dtype=bool).triu(1)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError

__all__ = ["mha_torch_state_dict"]


def mha_torch_state_dict(layer: Any) -> dict[str, np.ndarray]:
    """The weights of a built ``MultiHeadAttention`` under ``nn.MultiheadAttention``'s names.

    Load them with ``module.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})``
    into ``nn.MultiheadAttention(E, H, kdim=Fk, vdim=Fv, bias=use_bias, batch_first=True)``.

    Raises:
        ConfigError: for a layer PyTorch cannot express (see the module docstring).

    Example:
        >>> from glassnet.layers import MultiHeadAttention
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=3)
        >>> _ = mha(np.zeros((1, 4, 6), "float32"), np.zeros((1, 4, 6), "float32"))
        >>> sorted(mha_torch_state_dict(mha))
        ['in_proj_bias', 'in_proj_weight', 'out_proj.bias', 'out_proj.weight']
    """
    h, k, v, e = layer.num_heads, layer.key_dim, layer.value_dim, layer.query_kernel.shape[0]
    out = layer.output_kernel.shape[2:]
    if h * k != e or v != k or out != (e,):
        raise ConfigError(
            f"mha_torch_state_dict: expected num_heads * key_dim == value_dim * num_heads == "
            f"the query's {e} features and output_shape {e}, got num_heads={h}, key_dim={k}, "
            f"value_dim={v}, output {out}. nn.MultiheadAttention has no other layout."
        )
    flat = [w.numpy().reshape(w.shape[0], -1).T for w in (layer.query_kernel,
            layer.key_kernel, layer.value_kernel)]  # fmt: skip
    sd: dict[str, np.ndarray] = {}
    if all(w.shape == (e, e) for w in flat):
        sd["in_proj_weight"] = np.concatenate(flat)
    else:
        sd.update(zip(("q_proj_weight", "k_proj_weight", "v_proj_weight"), flat))
    sd["out_proj.weight"] = layer.output_kernel.numpy().reshape(h * v, e).T
    if layer.use_bias:
        biases = (layer.query_bias, layer.key_bias, layer.value_bias)
        sd["in_proj_bias"] = np.concatenate([b.numpy().reshape(-1) for b in biases])
        sd["out_proj.bias"] = layer.output_bias.numpy().copy()
    return {name: np.ascontiguousarray(a) for name, a in sd.items()}
