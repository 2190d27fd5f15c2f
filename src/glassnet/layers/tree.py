"""``TreeLSTM``: a child-sum Tree-LSTM (Tai et al., 2015) over a batch of trees, level by level.

Trees come as one integer array (made by ``glassnet.zoo.tree_input.encode_trees``):

    trees[n, j, 0]  = token id of node j of tree n (0: padding, no node)
    trees[n, j, 1:] = positions of node j's children in the same tree (-1: no child)

Nodes are numbered children first (post-order), so every child comes before its parent and
the tree's root is its last node. Node j's *height* is 0 for a leaf and 1 + the largest
height of its children. All nodes of one height, across all the trees of the batch, depend
only on lower heights, so they are computed in one whole-array step: the Python loop runs
over heights (a tree of 9 nodes may have height 3), never over nodes or samples.

Each step gathers the children's states ``(n, K, U)`` from the states computed so far (one
``getitem``, whose backward adds the gradients back with ``np.add.at``), so the gradient of
the whole forest comes from glassnet's ops: no hand-written backward here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from glassnet import activations, initializers, ops
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor

__all__ = ["TreeLSTM", "TreeSchedule", "child_sum_tree_lstm", "tree_schedule"]


@dataclasses.dataclass
class TreeSchedule:
    """Which nodes run at each height, and where their children's states are.

    Attributes:
        nodes: flat node index ``n * M + j`` of every real node, lowest height first (R,).
        bounds: ``bounds[l]:bounds[l + 1]`` are the rows of height ``l`` in that order.
        child_rows: per height, (n_l, K) rows of each node's children among the rows of
            lower heights (0 where there is no child; ``child_mask`` says which are real).
        child_mask: per height, (n_l, K) float 0/1.
        roots: row of each tree's root (N,).
    """

    nodes: np.ndarray
    bounds: list[int]
    child_rows: list[np.ndarray]
    child_mask: list[np.ndarray]
    roots: np.ndarray


def _check_encoding(who: str, trees: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids, children and node counts of an encoded batch, or a ShapeError saying why."""
    if trees.ndim != 3 or trees.shape[2] < 2:
        raise ShapeError(
            f"{who}: expected encoded trees of shape (N, M, 1 + K) (token id, then K child "
            f"positions), got {trees.shape}. Encode trees with glassnet.zoo.encode_trees."
        )
    tokens, children = trees[:, :, 0], trees[:, :, 1:]
    n, m = tokens.shape
    real = tokens != 0
    count = real.sum(axis=1)
    position = np.arange(m)
    problems = [
        ((tokens < 0).any(), "negative token ids"),
        (n and (count == 0).any(), "a tree without nodes (every token id 0)"),
        ((real != (position < count[:, None])).any(), "padding (token 0) before a real node"),
        ((children < -1).any(), "child positions below -1"),
        (((children >= 0) & ~real[:, :, None]).any(), "children on a padding node"),
        ((children >= position[None, :, None]).any(), "a child at or after its parent"),
    ]
    for bad, what in problems:
        if bad:
            raise ShapeError(
                f"{who}: expected trees numbered children first (each child's position below "
                f"its parent's, -1 for none, token 0 only as padding after the nodes), got "
                f"{what}. Encode trees with glassnet.zoo.encode_trees."
            )
    return tokens, children, count


def tree_schedule(trees: Any, who: str = "tree_schedule") -> TreeSchedule:
    """The level-by-level schedule of a batch of encoded trees (see the module docstring).

    Args:
        trees: integer array (N, M, 1 + K) from ``glassnet.zoo.encode_trees``.
        who: the name used in error messages.

    Returns:
        A ``TreeSchedule``.

    Raises:
        ShapeError: for an encoding that is not a batch of trees numbered children first.

    Example:
        >>> trees = np.array([[[3, -1, -1], [4, -1, -1], [2, 0, 1]]])  # (a b), root last
        >>> s = tree_schedule(trees)
        >>> s.bounds, s.roots.tolist()
        ([0, 2, 3], [2])
    """
    trees = np.asarray(trees)
    tokens, children, count = _check_encoding(who, trees)
    n, m, k = children.shape
    has = children >= 0
    flat_children = np.where(has, np.arange(n)[:, None, None] * m + children, 0).reshape(-1, k)
    has = has.reshape(-1, k)
    height = np.zeros(n * m, np.int64)
    for _ in range(m):  # a loop over heights: it settles after (largest height + 1) rounds
        below = np.where(has, height[flat_children], -1).max(axis=1, initial=-1)
        new = below + 1
        if np.array_equal(new, height):
            break
        height = new
    real = (tokens != 0).reshape(-1)
    nodes = np.flatnonzero(real)
    nodes = nodes[np.argsort(height[nodes], kind="stable")]
    row_of = np.zeros(n * m, np.int64)
    row_of[nodes] = np.arange(nodes.size)
    levels = height[nodes]
    bounds = [0, *np.flatnonzero(np.diff(levels)) + 1, nodes.size] if nodes.size else [0]
    rows, masks = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        mine = nodes[lo:hi]
        rows.append(np.where(has[mine], row_of[flat_children[mine]], 0))
        masks.append(has[mine].astype(np.float64))
    roots = row_of[np.arange(n) * m + count - 1]
    return TreeSchedule(nodes, [int(b) for b in bounds], rows, masks, roots)


def child_sum_tree_lstm(
    x: Any, schedule: TreeSchedule, kernel: Any, recurrent_kernel: Any, bias: Any, *,
    activation: Any = ops.tanh, recurrent_activation: Any = ops.sigmoid,
) -> tuple[Tensor, Tensor]:  # fmt: skip
    """Child-sum Tree-LSTM over every real node of a batch, one height at a time.

    Math (node j with children C(j); gates in the kernel's column order i, f, u, o):
        h~_j  = sum_k h_k  over k in C(j)
        i_j   = sigmoid(x_j W_i + h~_j U_i + b_i)
        f_jk  = sigmoid(x_j W_f + h_k U_f + b_f)     one forget gate per child
        o_j   = sigmoid(x_j W_o + h~_j U_o + b_o)
        u_j   = tanh(x_j W_u + h~_j U_u + b_u)
        c_j   = i_j * u_j + sum_k f_jk * c_k
        h_j   = o_j * tanh(c_j)
    A leaf has no children: h~_j = 0 and c_j = i_j * u_j. Gradients come from the ops used.

    Args:
        x: node features (N, M, F) (rows of padding nodes are ignored).
        schedule: from ``tree_schedule`` of the same batch.
        kernel: (F, 4U); recurrent_kernel: (U, 4U); bias: (4U,).
        activation, recurrent_activation: the op for u and c, and for the gates.

    Returns:
        ``(h, c)``: states of every real node, (R, U) each, in ``schedule.nodes`` order.
    """
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
    u = recurrent_kernel.shape[0]
    feats = ops.getitem(ops.reshape(x, (-1, x.shape[-1])), schedule.nodes)
    z_all = ops.linear(feats, kernel, bias)  # why: one matmul for every node of the forest
    hs: list[Tensor] = []
    cs: list[Tensor] = []
    for level, (lo, hi) in enumerate(zip(schedule.bounds[:-1], schedule.bounds[1:])):
        z = ops.getitem(z_all, slice(lo, hi))
        z_iou = ops.concatenate([z[:, :u], z[:, 2 * u :]], axis=1)
        z_f = z[:, u : 2 * u]
        if level == 0:  # leaves: no children
            i, uu, o = ops.split(z_iou, 3, axis=1)
            c = recurrent_activation(i) * activation(uu)
        else:
            h_prev, c_prev = ops.concatenate(hs, axis=0), ops.concatenate(cs, axis=0)
            rows, mask = schedule.child_rows[level], schedule.child_mask[level]
            mask = mask.astype(x.dtype)[:, :, None]
            h_kids = ops.getitem(h_prev, rows) * mask  # (n, K, U)
            c_kids = ops.getitem(c_prev, rows) * mask
            w_iou = ops.concatenate([recurrent_kernel[:, :u], recurrent_kernel[:, 2 * u :]], 1)
            z_iou = z_iou + ops.matmul(ops.sum(h_kids, axis=1), w_iou)
            f = recurrent_activation(
                ops.expand_dims(z_f, 1) + ops.matmul(h_kids, recurrent_kernel[:, u : 2 * u])
            )
            i, uu, o = ops.split(z_iou, 3, axis=1)
            c = recurrent_activation(i) * activation(uu) + ops.sum(f * c_kids, axis=1)
        hs.append(recurrent_activation(o) * activation(c))
        cs.append(c)
    return ops.concatenate(hs, axis=0), ops.concatenate(cs, axis=0)


@LAYERS.register("TreeLSTM")
class TreeLSTM(Layer):
    """Child-sum Tree-LSTM over a batch of encoded trees: one state per tree (its root's).

    Token ids are embedded by the layer's own table (id 0 is padding), then
    ``child_sum_tree_lstm`` runs every node of every tree, one height at a time. Tree
    structure is data, not configuration: each batch may hold different shapes of tree.

    Args:
        units: size of each node's state h and memory c (U).
        input_dim: vocabulary size (largest token id + 1; ``TreeVocabulary.size``).
        embedding_dim: size of the token vectors (F; default: ``units``).
        activation: for u and c (default ``'tanh'``).
        recurrent_activation: for the gates i, f, o (default ``'sigmoid'``).
        embeddings_initializer: default ``'uniform'`` (as Keras's Embedding).
        kernel_initializer: default ``'glorot_uniform'``.
        recurrent_initializer: default ``'orthogonal'``.
        bias_initializer: default ``'zeros'``.
        unit_forget_bias: add 1 to the forget gate's bias at initialisation (default True).
        return_nodes: also return every node's state: ``[roots, nodes]`` with nodes
            (N, M, U), zeros at padding (default False).

    Shape:
        Input: (N, M, 1 + K) integer trees from ``glassnet.zoo.encode_trees``.
        Output: (N, U), the roots' h.
        Weights: embeddings (input_dim, F) uniform, kernel (F, 4U) glorot_uniform,
        recurrent_kernel (U, 4U) orthogonal, bias (4U,) zeros (forget gate's 1); gates in
        the column order i, f, u, o.

    Raises:
        ShapeError: for an input that is not a batch of trees, or token ids >= input_dim.
        TypeError: for a float input (trees are integer ids and positions).

    Example:
        >>> from glassnet.zoo.tree_input import TreeVocabulary, encode_trees
        >>> vocab = TreeVocabulary().fit([("not", "good")])
        >>> x = encode_trees([("not", "good"), "good"], vocab)
        >>> TreeLSTM(8, input_dim=vocab.size)(x).shape
        (2, 8)

    Reference:
        Tai, Socher and Manning, "Improved Semantic Representations From Tree-Structured
        Long Short-Term Memory Networks", ACL 2015 (section 3.1, child-sum Tree-LSTM).
    """

    _constraints = {"units": POSITIVE_INT, "input_dim": POSITIVE_INT,
                    "embedding_dim": POSITIVE_INT, "unit_forget_bias": BOOL,
                    "return_nodes": BOOL}  # fmt: skip
    _integer_input = True

    def __init__(
        self, units: int, input_dim: int, embedding_dim: int | None = None,
        activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
        embeddings_initializer: Any = "uniform", kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True, return_nodes: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.units, self.input_dim, self.unit_forget_bias = units, input_dim, unit_forget_bias
        self.embedding_dim = units if embedding_dim is None else embedding_dim
        self.return_nodes = return_nodes
        check_args(self)
        self.units, self.input_dim = int(units), int(input_dim)
        self.embedding_dim = int(self.embedding_dim)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: tuple) -> None:
        u = self.units
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.embedding_dim),
                                          self.embeddings_initializer)  # fmt: skip
        self.kernel = self.add_weight("kernel", (self.embedding_dim, 4 * u),
                                      self.kernel_initializer)  # fmt: skip
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (u, 4 * u),
                                                self.recurrent_initializer)  # fmt: skip
        init = self.bias_initializer
        if self.unit_forget_bias:

            def init(shape: tuple, dtype: Any = None) -> np.ndarray:
                bias = np.asarray(self.bias_initializer(shape, dtype=dtype), dtype=dtype)
                bias[u : 2 * u] += 1.0
                return bias

        self.bias = self.add_weight("bias", (4 * u,), init)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Any:
        who = f"TreeLSTM '{self.name}'"
        if inputs.dtype.kind not in "iu":
            raise TypeError(
                f"{who}: expected integer trees (token ids and child positions), got dtype "
                f"{inputs.dtype}. Encode trees with glassnet.zoo.encode_trees."
            )
        trees = inputs.data
        schedule = tree_schedule(trees, who)
        tokens = trees[:, :, 0]
        if tokens.size and tokens.max() >= self.input_dim:
            raise ShapeError(
                f"{who}: expected token ids in [0, {self.input_dim - 1}], got "
                f"{int(tokens.max())}. Set input_dim to the vocabulary size (largest id + 1)."
            )
        x = ops.getitem(self.embeddings, tokens)
        h, _ = child_sum_tree_lstm(
            x, schedule, self.kernel, self.recurrent_kernel, self.bias,
            activation=self.activation, recurrent_activation=self.recurrent_activation,
        )  # fmt: skip
        roots = ops.getitem(h, schedule.roots)
        if not self.return_nodes:
            return roots
        n, m = tokens.shape
        where = np.full(n * m, h.shape[0], np.int64)  # padding reads a row of zeros
        where[schedule.nodes] = np.arange(h.shape[0])
        padded = ops.concatenate([h, Tensor(np.zeros((1, self.units), h.dtype))], axis=0)
        return [roots, ops.reshape(ops.getitem(padded, where), (n, m, self.units))]

    def compute_output_shape(self, input_shape: tuple) -> Any:
        roots = (input_shape[0], self.units)
        return [roots, (*input_shape[:2], self.units)] if self.return_nodes else roots

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "input_dim": self.input_dim,
            "embedding_dim": self.embedding_dim,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "return_nodes": self.return_nodes,
        }
