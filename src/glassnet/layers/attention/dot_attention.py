"""``Attention`` (Luong, dot product) and ``AdditiveAttention`` (Bahdanau): Keras 3's
weight-free attention of a query sequence over a value sequence, called on ``[query, value]``
or ``[query, value, key]``.

The softmax, dropout and weighted sum come from ``ops.scaled_dot_product_attention``: the
dot scores are its own ``Q @ K^T``; the other scores (``'concat'``, additive) are computed
with glassnet ops and handed to it as an additive float mask over zero queries and keys.

Masks follow Keras: ``value_mask`` (N, Tv) hides keys, ``use_causal_mask`` hides keys after
each query (top-left aligned), ``query_mask`` (N, Tq) zeroes the output rows and is the
output's mask. One difference: Keras subtracts 1e9 from hidden scores, so a query with no
visible key averages all values; here (as in ``MultiHeadAttention``) its output is 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, initializers, ops
from glassnet._constraints import is_real
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, SEED, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.layers.graph import any_symbolic
from glassnet.layers.recurrent.masking import attach_mask, get_mask
from glassnet.tensor import Tensor

__all__ = ["AdditiveAttention", "Attention"]

_DROPOUT = (lambda v: is_real(v) and 0 <= v < 1, "a float in [0, 1)")


class _ScoreAttention(Layer):
    """Shared calling, masking and checking of ``Attention`` and ``AdditiveAttention``."""

    _multi_input = True

    def __init__(self, use_scale: bool, score_mode: str, dropout: float, seed: int | None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.use_scale, self.score_mode, self.dropout, self.seed = (
            use_scale,
            score_mode,
            dropout,
            seed,
        )
        check_args(self)
        self.dropout = float(dropout)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        who = f"{type(self).__name__} '{self.name}'"
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            got = (
                f"a list of {len(inputs)}"
                if isinstance(inputs, (list, tuple))
                else type(inputs).__name__
            )
            raise TypeError(
                f"{who}: expected a list [query, value] or [query, value, key], got {got}. "
                "Call it as layer([query, value]) (layer([x, x]) for self-attention)."
            )
        if kwargs.get("mask") is None and not any_symbolic(inputs):
            masks = [get_mask(x) for x in inputs[:2]]
            kwargs["mask"] = None if all(m is None for m in masks) else masks
        return super().__call__(list(inputs), *args, **kwargs)

    def build(self, input_shape: list) -> None:
        self.scale = None
        self.built = True

    def call(
        self, inputs: list[Tensor], mask: Any = None, training: bool | None = None,
        return_attention_scores: bool = False, use_causal_mask: bool = False,
    ) -> Any:  # fmt: skip
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        self._check_shapes(q, v, k)
        q_mask, v_mask = self._masks(mask, q, v)
        rate = self.dropout if training else 0.0
        sdpa = dict(scale=1.0, is_causal=bool(use_causal_mask), return_weights=True)
        if self.score_mode == "dot":
            query = q if self.scale is None else ops.multiply(q, self.scale)
            hide = None if v_mask is None else v_mask[:, None, :]
            _, weights = ops.scaled_dot_product_attention(query, k, v, hide, **sdpa)
        else:
            scores = self._scores(q, k)
            if v_mask is not None:  # -inf on hidden keys: their weight is exactly 0
                scores = ops.add(scores, np.where(v_mask[:, None, :], 0, -np.inf).astype(q.dtype))
            zq, zk = np.zeros((*q.shape[:2], 1), q.dtype), np.zeros((*k.shape[:2], 1), q.dtype)
            _, weights = ops.scaled_dot_product_attention(zq, zk, v, scores, **sdpa)
        if rate > 0:  # why: Keras returns the scores after dropout, so drop them here
            draws = (self._rng or backend.rng()).random(weights.shape, dtype=np.float32)
            keep = (draws >= rate).astype(q.dtype) / q.dtype.type(1 - rate)
            weights = ops.multiply(weights, keep)
        y = ops.matmul(weights, v)
        if q_mask is not None:
            y = attach_mask(ops.multiply(y, q_mask[:, :, None].astype(y.dtype)), q_mask)
        return [y, weights] if return_attention_scores else y

    def _scores(self, q: Tensor, k: Tensor) -> Tensor:
        raise NotImplementedError

    def _check_shapes(self, q: Tensor, v: Tensor, k: Tensor) -> None:
        who = f"{type(self).__name__} '{self.name}'"
        if q.ndim != 3 or v.ndim != 3 or k.ndim != 3:
            raise ShapeError(
                f"{who}: expected query, value and key of shape (N, T, dim), got {q.shape}, "
                f"{v.shape} and {k.shape}. Add the sequence axis (x[:, None]) or flatten the "
                "extra axes."
            )
        if q.shape[0] != v.shape[0] or k.shape[:2] != v.shape[:2] or k.shape[2] != q.shape[2]:
            raise ShapeError(
                f"{who}: expected query (N, Tq, dim), value (N, Tv, dim_v) and key (N, Tv, dim) "
                f"with equal N and Tv and key features equal to the query's, got {q.shape}, "
                f"{v.shape} and {k.shape}. Project them to one size first (a Dense layer)."
            )

    def _masks(self, mask: Any, q: Tensor, v: Tensor) -> tuple[Any, Any]:
        """(query_mask, value_mask) as boolean (N, Tq) / (N, Tv) arrays or None."""
        who = f"{type(self).__name__} '{self.name}'"
        if mask is None:
            return None, None
        if not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3:
            raise ValueError(
                f"{who}: expected mask as a list [query_mask, value_mask], got {mask!r:.80}. "
                "Pass None for a mask you do not need."
            )
        out = []
        for name, m, x in (("query_mask", mask[0], q), ("value_mask", mask[1], v)):
            if m is not None:
                m = np.asarray(m.data if isinstance(m, Tensor) else m)
                if m.shape != x.shape[:2]:
                    raise ShapeError(
                        f"{who}: expected {name} of shape {x.shape[:2]} (N, T), got {m.shape}. "
                        "A mask is True where a step is real."
                    )
                m = m.astype(bool)
            out.append(m)
        return out[0], out[1]

    def compute_output_shape(self, input_shape: list) -> tuple:
        return (*tuple(input_shape[0])[:-1], input_shape[1][-1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "use_scale": bool(self.use_scale), "dropout": self.dropout,
                "seed": self.seed}  # fmt: skip


@LAYERS.register("Attention")
class Attention(_ScoreAttention):
    """Dot-product (Luong) attention of each query step over the value sequence.

    Math (per sample; w = ``scale`` or 1, c = ``concat_score_weight``):
        'dot':    scores[i, j] = w * q_i . k_j
        'concat': scores[i, j] = c * sum_d tanh(w * (q_id + k_jd))
        weights = softmax_j(scores, masked);   y_i = sum_j weights[i, j] * v_j

    Args:
        use_scale: learn a scalar ``scale`` (initial 1) on the scores.
        score_mode: ``'dot'`` or ``'concat'`` (adds a learned scalar ``concat_score_weight``).
        dropout: fraction of attention weights dropped in training.
        seed: a private seed for the dropout draws.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]`` (key defaults to value).
        mask: ``[query_mask, value_mask]``, boolean (N, Tq) / (N, Tv), True for real steps;
            read from the inputs' masks (``Embedding(mask_zero=True)``, ``Masking``) if None.
        return_attention_scores: also return the weights (N, Tq, Tv), after dropout.
        use_causal_mask: query i sees keys j <= i only.
        training: apply dropout.

    Shape:
        query: (N, Tq, dim).  value: (N, Tv, dim_v).  key: (N, Tv, dim).
        Output: (N, Tq, dim_v), carrying the query mask.  Weights: ``scale`` () and
        ``concat_score_weight`` () when enabled.

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> y, scores = Attention()([q, v], return_attention_scores=True)
        >>> y.shape, scores.shape
        ((2, 3, 4), (2, 3, 5))
    """

    _constraints = {"use_scale": BOOL, "score_mode": (lambda v: v in ("dot", "concat"),
                    "'dot' or 'concat'"), "dropout": _DROPOUT, "seed": SEED}  # fmt: skip

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(use_scale, score_mode, dropout, seed, **kwargs)

    def build(self, input_shape: list) -> None:
        ones = initializers.get("ones")
        self.scale = self.add_weight("scale", (), ones) if self.use_scale else None
        self.concat_score_weight = None
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight("concat_score_weight", (), ones)
        self.built = True

    def _scores(self, q: Tensor, k: Tensor) -> Tensor:
        s = ops.add(ops.expand_dims(q, 2), ops.expand_dims(k, 1))  # (N, Tq, Tv, dim)
        s = s if self.scale is None else ops.multiply(s, self.scale)
        return ops.multiply(ops.sum(ops.tanh(s), axis=-1), self.concat_score_weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "score_mode": self.score_mode}


@LAYERS.register("AdditiveAttention")
class AdditiveAttention(_ScoreAttention):
    """Additive (Bahdanau) attention of each query step over the value sequence.

    Math (per sample; w = the learned ``scale`` vector, or ones):
        scores[i, j] = sum_d w_d * tanh(q_id + k_jd)
        weights = softmax_j(scores, masked);   y_i = sum_j weights[i, j] * v_j

    Args:
        use_scale: learn ``scale`` (dim,) (``'glorot_uniform'``), as Keras (default True).
        dropout: fraction of attention weights dropped in training.
        seed: a private seed for the dropout draws.

    Call arguments, Shape: as ``Attention`` (``scale`` has shape (dim,)).

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> AdditiveAttention()([q, v]).shape
        (2, 3, 4)
    """

    _constraints = {"use_scale": BOOL, "dropout": _DROPOUT, "seed": SEED}

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, seed: int | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(use_scale, "additive", dropout, seed, **kwargs)

    def build(self, input_shape: list) -> None:
        dim = input_shape[0][-1]
        self.scale = self.add_weight("scale", (dim,), "glorot_uniform") if self.use_scale else None
        self.built = True

    def _scores(self, q: Tensor, k: Tensor) -> Tensor:
        t = ops.tanh(ops.add(ops.expand_dims(q, 2), ops.expand_dims(k, 1)))  # (N, Tq, Tv, dim)
        return ops.sum(t if self.scale is None else ops.multiply(t, self.scale), axis=-1)
