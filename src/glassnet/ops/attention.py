"""Scaled dot-product attention as one graph node: the core of ``MultiHeadAttention``.

The forward pass (scores, masked softmax, optional dropout, weighted sum of the values) and
its hand-written backward sit side by side below. Composed from primitive ops it would be
about ten graph nodes, each keeping its own copy of the (..., L, S) score matrix; fused, it
keeps the attention weights once. The composed version (``matmul``, ``where``, ``softmax``)
stays the reference in tests/ops/test_attention_ops.py, next to finite differences and
PyTorch's ``F.scaled_dot_product_attention`` (tests/ops/specs_attention.py).

Layout is PyTorch's: the attended axes are the last two, ``(..., L, E)`` for the queries and
``(..., S, E)`` for the keys; any leading axes (batch, heads) are independent.

Masks, PyTorch's convention:
    - a boolean ``attn_mask``: True = this query may attend to this key, False = it may not;
    - a float ``attn_mask``: added to the scores (0 keeps a key, -inf removes it); it is
      differentiable, like any other input;
    - ``is_causal=True``: query i sees keys j <= i (lower triangle, top-left aligned, as
      ``torch.ones(L, S).tril()``). PyTorch refuses a mask together with ``is_causal``;
      glassnet combines them (a key must pass both).
Masks broadcast against (..., L, S): a padding mask of the keys is ``(N, 1, 1, S)`` for
(N, H, L, E) queries.

Fully masked rows: a query that may attend to no key at all gets attention weights of 0
everywhere, so its output is 0 and no gradient flows through it (PyTorch's rule since 2.5;
a plain softmax would give NaN, 0/0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops._recurrent_core import outputs
from glassnet.tensor import Tensor, as_tensor

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(
    query: Any, key: Any, value: Any, attn_mask: Any = None, *, dropout_p: float = 0.0,
    is_causal: bool = False, scale: float | None = None, return_weights: bool = False,
    rng: np.random.Generator | None = None,
) -> Tensor | list[Tensor]:  # fmt: skip
    """Attention of each query over the keys, as PyTorch's ``F.scaled_dot_product_attention``.

    Math (s = scale, default 1 / sqrt(E); allowed = mask and causal rule; d = dropout keep
    mask / (1 - p), all ones without dropout):
        Z = s * Q @ K^T (+ float mask),   Z = -inf where not allowed
        P = softmax(Z) along the keys (a row with nothing allowed: P = 0)
        Y = (P * d) @ V
      backward, with G = dL/dY and Gp = dL/dP (the returned weights' gradient, if any):
        dL/dV = (P * d)^T @ G
        dP    = (G @ V^T) * d + Gp
        dZ    = P * (dP - sum_j dP * P)          (= dL/d(float mask))
        dL/dQ = s * dZ @ K,   dL/dK = s * dZ^T @ Q

    Args:
        query, key, value: the three inputs, of one float dtype.
        attn_mask: optional boolean (True = attend) or float (added) mask, broadcastable to
            (..., L, S). See the module docstring.
        dropout_p: fraction of attention weights dropped (inverted dropout; 0 disables).
        is_causal: hide the keys after each query (j > i).
        scale: the factor on the scores (default 1 / sqrt(E)).
        return_weights: also return the attention weights P (before dropout).
        rng: the generator for the dropout mask (default glassnet's, ``backend.rng()``).

    Returns:
        Y, or ``[Y, P]`` with ``return_weights=True`` (both differentiable).

    Shape:
        query: (..., L, E).  key: (..., S, E).  value: (..., S, Ev).  Leading axes equal.
        Output: (..., L, Ev).  Weights: (..., L, S).

    Raises:
        ShapeError: for inputs of rank < 2, mismatched sizes, or a mask that does not
            broadcast to (..., L, S).
        ConfigError: for dropout_p outside [0, 1) or a scale that is not a finite number.

    Example:
        >>> q = np.ones((1, 2, 4), "float32"); v = np.arange(8.0, dtype="float32").reshape(1, 2, 4)
        >>> scaled_dot_product_attention(q, q, v, is_causal=True).numpy()[0]
        array([[0., 1., 2., 3.],
               [2., 3., 4., 5.]], dtype=float32)
    """
    q, k, v = _check_inputs(query, key, value)
    s = _check_options(q, dropout_p, scale)
    allowed, added = _masks(attn_mask, is_causal, q, k)
    z = np.matmul(q.data, np.swapaxes(k.data, -1, -2))
    z *= z.dtype.type(s)
    if added is not None:
        z += added.data
    p = _masked_softmax(z, allowed)
    keep = None
    if dropout_p > 0:
        draws = (rng or backend.rng()).random(p.shape, dtype=np.float32)
        keep = (draws >= dropout_p).astype(p.dtype) / p.dtype.type(1 - dropout_p)
    pd = p if keep is None else p * keep
    y = np.matmul(pd, v.data)

    def backward(grads):
        grad, grad_p = grads
        dp = None
        if grad is not None:
            dp = np.matmul(grad, np.swapaxes(v.data, -1, -2))
            dp = dp if keep is None else dp * keep
        if grad_p is not None:
            dp = grad_p if dp is None else dp + grad_p
        grad_v = None
        if v.requires_grad and grad is not None:
            grad_v = np.matmul(np.swapaxes(pd, -1, -2), grad)
        if dp is None:
            return None, None, grad_v, None
        dz = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
        grad_q = np.matmul(dz, k.data) * s if q.requires_grad else None
        grad_k = np.matmul(np.swapaxes(dz, -1, -2), q.data) * s if k.requires_grad else None
        return grad_q, grad_k, grad_v, dz if added is not None else None

    parents = (q, k, v, added if added is not None else Tensor(np.zeros((), q.dtype)))
    out = outputs([y, p], parents, backward, "scaled_dot_product_attention")
    return out if return_weights else out[0]


def _masked_softmax(z: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """softmax(z) over the last axis where ``allowed``, 0 elsewhere; rows with nothing: 0."""
    if allowed is not None:
        z = np.where(allowed, z, -np.inf)
    # why: subtracting the row max keeps exp() <= 1; a row of -inf gets 0 to avoid inf - inf.
    m = np.max(z, axis=-1, keepdims=True, initial=-np.inf)
    e = np.exp(z - np.where(np.isfinite(m), m, 0).astype(z.dtype))
    total = e.sum(axis=-1, keepdims=True)
    # NOTE: a fully masked row sums to 0; dividing by 1 there leaves its zeros (not NaN).
    return e / np.where(total > 0, total, 1).astype(z.dtype)


def _check_inputs(query: Any, key: Any, value: Any) -> tuple[Tensor, Tensor, Tensor]:
    q = as_tensor(query)
    k, v = as_tensor(key, like=q), as_tensor(value, like=q)
    who = "scaled_dot_product_attention"
    for name, t in (("query", q), ("key", k), ("value", v)):
        if t.ndim < 2 or t.dtype.kind != "f":
            raise ShapeError(
                f"{who}: expected {name} as a float array of shape (..., T, features), got "
                f"shape {t.shape} and dtype {t.dtype}. Add the sequence axis (x[:, None])."
            )
    if k.shape[-1] != q.shape[-1] or v.shape[-2] != k.shape[-2]:
        raise ShapeError(
            f"{who}: expected query (..., L, E), key (..., S, E) and value (..., S, Ev), got "
            f"{q.shape}, {k.shape} and {v.shape}. Keys must have the queries' feature size and "
            "one row per value."
        )
    if not q.shape[:-2] == k.shape[:-2] == v.shape[:-2]:
        raise ShapeError(
            f"{who}: expected the same leading (batch, head) axes for query, key and value, got "
            f"{q.shape[:-2]}, {k.shape[:-2]} and {v.shape[:-2]}."
        )
    return q, k, v


def _check_options(q: Tensor, dropout_p: Any, scale: Any) -> float:
    who = "scaled_dot_product_attention"
    if isinstance(dropout_p, bool) or not isinstance(dropout_p, (int, float)):
        dropout_p = None
    if dropout_p is None or not 0 <= dropout_p < 1:
        raise ConfigError(f"{who}: expected dropout_p in [0, 1), got {dropout_p!r}.")
    if scale is None:
        return 1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise ConfigError(f"{who}: expected scale as a finite number or None, got {scale!r}.")
    return float(scale)


def _masks(
    attn_mask: Any, is_causal: bool, q: Tensor, k: Tensor
) -> tuple[np.ndarray | None, Tensor | None]:
    """(the boolean 'may attend' array or None, the additive float mask Tensor or None)."""
    rows, cols = q.shape[-2], k.shape[-2]
    allowed = np.tri(rows, cols, dtype=bool) if is_causal else None
    if attn_mask is None:
        return allowed, None
    mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor(np.asarray(attn_mask))
    target = q.shape[:-1] + (cols,)
    try:
        shape = np.broadcast_shapes(mask.shape, target)
    except ValueError:
        shape = None
    if shape != target or mask.dtype.kind not in "bf":
        raise ShapeError(
            f"scaled_dot_product_attention: expected attn_mask of bool or float dtype that "
            f"broadcasts to {target} (..., L, S), got shape {mask.shape} and dtype "
            f"{mask.dtype}. A key padding mask (N, S) becomes mask[:, None, None, :]."
        )
    if mask.dtype.kind == "b":
        return mask.data if allowed is None else mask.data & allowed, None
    return allowed, as_tensor(mask, like=q)
