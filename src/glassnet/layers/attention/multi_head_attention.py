"""``MultiHeadAttention`` (Keras's ``keras.layers.MultiHeadAttention``, Vaswani et al. 2017)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, initializers, ops, regularizers
from glassnet._constraints import is_int, is_real
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE_INT, SEED, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.layers.graph import any_symbolic, symbolic_call
from glassnet.layers.recurrent.masking import attach_mask, get_mask
from glassnet.tensor import Tensor

__all__ = ["MultiHeadAttention"]

_SEQUENCE_AXES = (None, 1, -2, (1,), (-2,), [1], [-2])


def _is_output_shape(v: Any) -> bool:
    dims = v if isinstance(v, (list, tuple)) else (v,)
    return v is None or (len(dims) > 0 and all(is_int(d) and d >= 1 for d in dims))


@LAYERS.register("MultiHeadAttention")
class MultiHeadAttention(Layer):
    """Attention of every query step over the value sequence, in ``num_heads`` heads.

    Each head projects the query, key and value to its own subspace, attends with
    ``ops.scaled_dot_product_attention``, and the heads' outputs are projected back together.

    Math (per head h; @ over the feature axis; s = 1 / sqrt(key_dim)):
        Q_h = query @ Wq[:, h] + bq[h],   K_h = key @ Wk[:, h] + bk[h],   V_h = value @ Wv[:, h] + bv[h]
        O_h = softmax(s * Q_h @ K_h^T, masked) @ V_h                (dropout on the weights)
        y   = sum_h O_h @ Wo[h] + bo

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head's queries and keys.
        value_dim: size of each head's values (default ``key_dim``).
        dropout: fraction of attention weights dropped in training.
        use_bias: whether the four projections have biases.
        output_shape: size (int or tuple) of the output's last axes (default: the query's
            feature size).
        attention_axes: None (or 1): attend over the sequence axis of (N, T, F) inputs. Keras's
            attention over other or several axes is not supported.
        kernel_initializer, bias_initializer: default ``'glorot_uniform'`` and ``'zeros'``.
        kernel_regularizer, bias_regularizer: optional penalties.
        seed: a private seed for the dropout draws.

    Call arguments:
        query: (N, T, Fq).  value: (N, S, Fv).  key: (N, S, Fk), default ``value``.
        query_mask, value_mask, key_mask: boolean (N, T) / (N, S), True for real steps; read
            from the inputs' masks (``Embedding(mask_zero=True)``, ``Masking``) when not given.
        attention_mask: boolean (N, T, S), True where query t may attend to key s.
        return_attention_scores: also return the weights, (N, num_heads, T, S).
        training: apply dropout.
        use_causal_mask: query t sees keys s <= t only (decoder self-attention).
    The masks are combined with "and"; a query that may attend to nothing gets an attention
    output of 0 (then the output bias), see ``ops.scaled_dot_product_attention``.

    Shape:
        Output: (N, T, *output_shape); it carries the query's mask.
        query_kernel (Fq, H, key_dim), key_kernel (Fk, H, key_dim), value_kernel (Fv, H,
        value_dim), biases (H, dim); output_kernel (H, value_dim, *output_shape), output_bias
        (*output_shape,). Keras's layout; ``glassnet.layers.attention.torch_layout`` maps it to
        ``torch.nn.MultiheadAttention``.

    Example:
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> x = np.zeros((3, 5, 8), "float32")
        >>> y, scores = mha(x, x, return_attention_scores=True)
        >>> y.shape, scores.shape
        ((3, 5, 8), (3, 2, 5, 5))
    """

    _constraints = {
        "num_heads": POSITIVE_INT,
        "key_dim": POSITIVE_INT,
        "value_dim": (lambda v: v is None or POSITIVE_INT[0](v), "None or a positive int"),
        "dropout": (lambda v: is_real(v) and 0 <= v < 1, "a float in [0, 1)"),
        "use_bias": BOOL,
        "output_shape": (_is_output_shape, "None, a positive int or a tuple of them"),
        "attention_axes": (
            lambda v: any(v == a and type(v) is type(a) for a in _SEQUENCE_AXES),
            "None or 1 (the sequence axis of (N, T, F) inputs; other axes are not supported)",
        ),
        "seed": SEED,
    }

    def __init__(
        self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
        use_bias: bool = True, output_shape: Any = None, attention_axes: Any = None,
        kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None, bias_regularizer: Any = None, seed: int | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.num_heads, self.key_dim, self.value_dim = num_heads, key_dim, value_dim
        self.dropout, self.use_bias, self.output_shape = dropout, use_bias, output_shape
        self.attention_axes, self.seed = attention_axes, seed
        check_args(self)
        self.value_dim = key_dim if value_dim is None else int(value_dim)
        self.dropout = float(dropout)
        if isinstance(output_shape, (list, tuple)):
            self.output_shape = tuple(int(d) for d in output_shape)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._rng = None if seed is None else np.random.default_rng(seed)
        self._pending: tuple = ()

    # ------------------------------------------------------------------ building
    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        """Create the weights; ``value_shape`` defaults to the query's, ``key_shape`` to the
        value's."""
        value_shape, key_shape = self._pending or (value_shape, key_shape)
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        h, k, v = self.num_heads, self.key_dim, self.value_dim
        out = self._out_dims(query_shape)
        for part, shape, dim in (("query", query_shape, k), ("key", key_shape, k),
                                 ("value", value_shape, v)):  # fmt: skip
            self._add_projection(part, (shape[-1], h, dim), (h, dim))
        self._add_projection("output", (h, v, *out), out)
        self.built = True

    def _add_projection(self, part: str, kernel: tuple, bias: tuple) -> None:
        name = "attention_output" if part == "output" else part  # Keras's sub-layer names
        setattr(self, f"{part}_kernel", self.add_weight(
            f"{name}/kernel", kernel, self.kernel_initializer, self.kernel_regularizer))  # fmt: skip
        bias_weight = None
        if self.use_bias:
            bias_weight = self.add_weight(
                f"{name}/bias", bias, self.bias_initializer, self.bias_regularizer
            )
        setattr(self, f"{part}_bias", bias_weight)

    def _out_dims(self, query_shape: Any) -> tuple[int, ...]:
        if self.output_shape is None:
            return (query_shape[-1],)
        return self.output_shape if isinstance(self.output_shape, tuple) else (self.output_shape,)

    # ------------------------------------------------------------------ calling
    def __call__(self, query: Any, value: Any = None, key: Any = None, **kwargs: Any) -> Any:
        who = f"MultiHeadAttention '{self.name}'"
        if value is None:
            raise TypeError(
                f"{who}: expected a value sequence, got none. Call it as layer(query, value) "
                "(layer(x, x) for self-attention)."
            )
        inputs = (query, value) if key is None else (query, value, key)
        if any_symbolic(inputs) or any_symbolic(kwargs):
            return symbolic_call(self, inputs, kwargs)
        for name, x in zip(("query_mask", "value_mask", "key_mask"), inputs):
            if kwargs.get(name) is None and get_mask(x) is not None:
                kwargs[name] = get_mask(x)
        q, v = self._as_input(query), self._as_input(value)
        k = v if key is None else self._as_input(key)
        for name, t in (("query", q), ("value", v), ("key", k)):
            if t.ndim != 3:
                raise ShapeError(
                    f"{who}: expected {name} of shape (N, T, features), got {t.shape}. "
                    "Reshape it to one sequence axis (attention_axes other than the sequence "
                    "axis are not supported)."
                )
        if self.built:
            return super().__call__(q, v, k, **kwargs)
        self._pending = (v.shape, k.shape)  # why: build() receives the query's shape only
        try:
            return super().__call__(q, v, k, **kwargs)
        finally:
            self._pending = ()

    def _check_features(self, q: Tensor, v: Tensor, k: Tensor) -> None:
        for name, t, kernel in (("query", q, self.query_kernel), ("value", v, self.value_kernel),
                                ("key", k, self.key_kernel)):  # fmt: skip
            if t.shape[-1] != kernel.shape[0]:
                raise ShapeError(
                    f"MultiHeadAttention '{self.name}': expected {name} with {kernel.shape[0]} "
                    f"features (the layer was built for them), got shape {t.shape}. Pass "
                    "sequences of the built sizes or use a new layer."
                )
        if q.shape[0] != v.shape[0] or k.shape[:2] != v.shape[:2]:
            raise ShapeError(
                f"MultiHeadAttention '{self.name}': expected query (N, T, F), value (N, S, F) "
                f"and key (N, S, F) with equal N and S, got {q.shape}, {v.shape} and {k.shape}."
            )

    def call(
        self, query: Tensor, value: Tensor, key: Tensor | None = None, query_mask: Any = None,
        value_mask: Any = None, key_mask: Any = None, attention_mask: Any = None,
        return_attention_scores: bool = False, training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:  # fmt: skip
        key = value if key is None else key
        self._check_features(query, value, key)
        q = self._project(query, "query")
        k, v = self._project(key, "key"), self._project(value, "value")
        mask = self._mask(query, value, query_mask, value_mask, key_mask, attention_mask)
        rate = self.dropout if training else 0.0
        o, scores = ops.scaled_dot_product_attention(
            q, k, v, mask, dropout_p=rate, is_causal=bool(use_causal_mask),
            return_weights=True, rng=self._rng or backend.rng(),
        )  # fmt: skip
        n, h, t, dv = o.shape
        o = ops.reshape(ops.transpose(o, (0, 2, 1, 3)), (n, t, h * dv))
        out_dims = self.output_kernel.shape[2:]
        w = ops.reshape(self.output_kernel, (h * dv, int(np.prod(out_dims))))
        b = None if self.output_bias is None else ops.reshape(self.output_bias, (-1,))
        y = ops.reshape(ops.linear(o, w, b), (n, t, *out_dims))
        y = attach_mask(y, None if query_mask is None else np.asarray(query_mask, bool))
        return [y, scores] if return_attention_scores else y

    def _project(self, x: Tensor, part: str) -> Tensor:
        """(N, T, F) @ kernel (F, H, D) + bias (H, D) -> (N, H, T, D)."""
        kernel, bias = getattr(self, f"{part}_kernel"), getattr(self, f"{part}_bias")
        f, h, d = kernel.shape
        b = None if bias is None else ops.reshape(bias, (h * d,))
        y = ops.linear(x, ops.reshape(kernel, (f, h * d)), b)
        return ops.transpose(ops.reshape(y, (x.shape[0], x.shape[1], h, d)), (0, 2, 1, 3))

    def _mask(self, query, value, query_mask, value_mask, key_mask, attention_mask) -> Any:
        """Keras's combination of the masks, as a boolean (N, 1, T, S) array (or None)."""
        n, t, s = query.shape[0], query.shape[1], value.shape[1]
        mask = None
        for name, given, shape, where in (
            ("query_mask", query_mask, (n, t), (slice(None), None, slice(None), None)),
            ("value_mask", value_mask, (n, s), (slice(None), None, None, slice(None))),
            ("key_mask", key_mask, (n, s), (slice(None), None, None, slice(None))),
            ("attention_mask", attention_mask, (n, t, s), (slice(None), None)),
        ):
            if given is None:
                continue
            m = np.asarray(given.data if isinstance(given, Tensor) else given)
            if m.shape != shape:
                raise ShapeError(
                    f"MultiHeadAttention '{self.name}': expected {name} of shape {shape}, got "
                    f"{m.shape}. Masks are True where a step (or query-key pair) is real."
                )
            m = m.astype(bool)[where]
            mask = m if mask is None else mask & m
        return mask

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None,
                             key_shape: Any = None) -> tuple:  # fmt: skip
        return (*tuple(query_shape)[:-1], *self._out_dims(query_shape))

    def get_config(self) -> dict[str, Any]:
        axes = self.attention_axes
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": list(self.output_shape)
            if isinstance(self.output_shape, tuple)
            else self.output_shape,
            "attention_axes": list(axes) if isinstance(axes, tuple) else axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": None
            if self.kernel_regularizer is None
            else regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": None
            if self.bias_regularizer is None
            else regularizers.serialize(self.bias_regularizer),
            "seed": self.seed,
        }
