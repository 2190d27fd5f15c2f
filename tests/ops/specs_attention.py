# ruff: noqa: E501  (a table: one op per entry reads better than wrapped lines)
"""Oracle table for the fused attention op (glassnet/ops/attention.py): finite differences in
float64 and PyTorch's ``F.scaled_dot_product_attention`` in float32, with causal masks,
padding masks, both together, additive float masks (differentiated) and fully masked rows.

PyTorch refuses ``attn_mask`` together with ``is_causal=True``; the torch side then folds the
causal triangle into the boolean mask, which is what glassnet does inside.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from tests._oracle import Case, ErrorCase, OpSpec


def torch_sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None, return_weights=False):
    if attn_mask is not None and not isinstance(attn_mask, torch.Tensor):
        attn_mask = torch.as_tensor(attn_mask)
    if is_causal and (attn_mask is not None or return_weights):
        tril = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        attn_mask, is_causal = tril if attn_mask is None else attn_mask & tril, False
    y = F.scaled_dot_product_attention(
        q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale
    )
    if not return_weights:
        return y
    z = q @ k.transpose(-1, -2) * (scale if scale is not None else q.shape[-1] ** -0.5)
    if attn_mask is not None:
        z = (
            z.masked_fill(~attn_mask, -torch.inf)
            if attn_mask.dtype == torch.bool
            else z + attn_mask
        )
    return [y, torch.softmax(z, dim=-1)]


# Key padding of two samples: sample 0 keeps 3 of 5 keys, sample 1 all 5 (shape (N, 1, 1, S)
# against (N, H, L, E) queries, as MultiHeadAttention builds it).
PAD = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)[:, None, None, :]
# Padding at the start of sample 0: with the causal rule its first query has no key at all.
PAD_FRONT = np.array([[0, 1, 1, 1], [1, 1, 1, 0]], dtype=bool)[:, None, None, :]
# Row 1 masked entirely (every key hidden): output 0, no gradient, as PyTorch.
FULL_ROW = np.ones((3, 5), dtype=bool)
FULL_ROW[1] = False
SOME = np.random.default_rng(3).random((2, 3, 5)) > 0.3
SOME[:, :, 0] = True  # every row keeps a key (the weights' torch reference has no 0/0 rule)

SPECS = [
    OpSpec("scaled_dot_product_attention", ops.scaled_dot_product_attention, torch_sdpa,
           [Case((2, 3, 4), (2, 5, 4), (2, 5, 3)),
            Case((2, 2, 4, 3), (2, 2, 4, 3), (2, 2, 4, 3), is_causal=True),
            Case((1, 3, 4), (1, 5, 4), (1, 5, 2), is_causal=True),
            Case((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), attn_mask=PAD),
            Case((2, 3, 4, 2), (2, 3, 4, 2), (2, 3, 4, 2), attn_mask=PAD_FRONT, is_causal=True),
            Case((2, 3, 4), (2, 5, 4), (2, 5, 3), attn_mask=FULL_ROW),
            Case((2, 3, 4), (2, 5, 4), (2, 5, 3), (3, 5)),
            Case((2, 3, 4), (2, 5, 4), (2, 5, 3), (2, 1, 5), scale=0.7),
            Case((2, 3, 4), (2, 5, 4), (2, 5, 3), attn_mask=SOME, return_weights=True),
            Case((3, 4), (3, 4), (3, 2), is_causal=True, return_weights=True)],
           errors=[ErrorCase(((2, 3, 4), (2, 5, 3), (2, 5, 3)), {}, ShapeError, r"scaled_dot_product_attention: expected query \(\.\.\., L, E\), key \(\.\.\., S, E\) and value \(\.\.\., S, Ev\), got \(2, 3, 4\), \(2, 5, 3\) and \(2, 5, 3\)"),
                   ErrorCase(((2, 3, 4), (2, 5, 4), (2, 4, 3)), {}, ShapeError, r"Keys must have the queries' feature size and one row per value"),
                   ErrorCase(((2, 3, 4), (3, 5, 4), (3, 5, 3)), {}, ShapeError, r"expected the same leading \(batch, head\) axes for query, key and value, got \(2,\), \(3,\) and \(3,\)"),
                   ErrorCase(((4,), (5, 4), (5, 3)), {}, ShapeError, r"expected query as a float array of shape \(\.\.\., T, features\), got shape \(4,\)"),
                   ErrorCase(((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"attn_mask": np.ones((2, 3, 4), bool)}, ShapeError, r"expected attn_mask of bool or float dtype that broadcasts to \(2, 3, 5\) \(\.\.\., L, S\), got shape \(2, 3, 4\)"),
                   ErrorCase(((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"attn_mask": np.ones((3, 5), int)}, ShapeError, r"got shape \(3, 5\) and dtype int64"),
                   ErrorCase(((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"dropout_p": 1.0}, ConfigError, r"scaled_dot_product_attention: expected dropout_p in \[0, 1\), got 1.0"),
                   ErrorCase(((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"scale": float("nan")}, ConfigError, r"expected scale as a finite number or None, got nan")]),
]  # fmt: skip
