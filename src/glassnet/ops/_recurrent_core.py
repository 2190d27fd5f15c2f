"""Shared machinery of the fused recurrent ops (``ops/recurrent.py``): checks, layout, masks.

Layout. The ops work on *feature-major* arrays: the state of one step is a (U, N) array (units
by batch) and its gates a (G, N) array, so each gate block is a contiguous run of rows and
the element-wise work of a step runs on contiguous memory (on (N, G) rows a gate block is a
strided view, about four times slower). Sequences are stored (features, T, N), so that every
sum over steps and samples is one matrix product over T*N columns:

    xh = [ x_t  (F rows) ]   column t = step t; the last column (t = T) holds no input
         [ 1    (1 row)  ]   the bias row: dL/dbias falls out of the weight-gradient product
         [ h_t  (U rows) ]   h_0 in column 0, h_t (after step t) in column t
         [ c_t  (U rows) ]   LSTM only

    forward, step t:  gates' pre-activations = [W; b; U]^T @ xh[:F+1+U, t]   (one product)
                      (the GRU, which needs x's and h's parts apart, projects x for all
                      steps at once and adds U^T h per step)
    backward:         dL/d[W; b; U] = dZ @ xh[:F+1+U, :T]^T                   (one product)

with dZ (G, T, N) the gradients of the gates' pre-activations (each step writes its (G, N)
slice; the product then runs over T*N columns at once). The output sequence (N, T, U) is a
transposed view of the h rows, and a recurrent layer stacked on top copies those rows
straight into its own ``xh``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.ops.activation import _relu_slope, _sigmoid_slope, _tanh_slope
from glassnet.tensor import Tensor, as_tensor


def _sigmoid_(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    # why: sigmoid(x) = (1 + tanh(x / 2)) / 2 cannot overflow (1 / (1 + exp(-x)) does for
    # x < -88 in float32) and costs one transcendental call.
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def _tanh_(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.tanh(x, out=out)


def _relu_(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0, out=out)


def _linear_(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    if out is not x:
        out[...] = x
    return out


def _linear_slope(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None:
        return np.ones_like(y)
    out[...] = 1
    return out


# name -> (forward written into `out`, which may be x itself; the derivative written from the
# output y, into `out` when given)
ACTIVATIONS = {
    "tanh": (_tanh_, _tanh_slope),
    "sigmoid": (_sigmoid_, _sigmoid_slope),
    "relu": (_relu_, _relu_slope),
    "linear": (_linear_, _linear_slope),
}


def activation(op: str, name: str | None) -> tuple:
    """(forward, derivative) of a fusable activation; ConfigError for any other."""
    key = "linear" if name is None else name
    if key not in ACTIVATIONS:
        raise ConfigError(
            f"{op}: expected an activation in {', '.join(ACTIVATIONS)}, got {name!r}. Other "
            "activations run through the layer's composed cell (RNN(cell))."
        )
    return ACTIVATIONS[key]


def check_weights(op: str, x: Any, kernel: Any, recurrent_kernel: Any, gates: int) -> tuple:
    """Check x (N, T, F), kernel (F, G*U), recurrent_kernel (U, G*U); return them and U."""
    x = as_tensor(x)
    kernel, recurrent = as_tensor(kernel, like=x), as_tensor(recurrent_kernel, like=x)
    r = recurrent.shape
    if len(r) != 2 or r[1] != gates * r[0]:
        raise ShapeError(
            f"{op}: expected recurrent_kernel of shape (U, {gates}*U), got {r}. It maps the "
            f"previous state (U units) to the {gates} gate blocks."
        )
    if kernel.ndim != 2 or kernel.shape[1] != r[1]:
        raise ShapeError(
            f"{op}: expected kernel of shape (F, {r[1]}) to match recurrent_kernel {r}, got "
            f"{kernel.shape}."
        )
    if x.ndim != 3 or x.shape[2] != kernel.shape[0] or x.shape[1] == 0:
        raise ShapeError(
            f"{op}: expected inputs of shape (N, T, {kernel.shape[0]}) (the kernel's rows, at "
            f"least one step), got {x.shape}. Recurrent ops take batch-first sequences."
        )
    return x, kernel, recurrent, r[0]


def check_bias(op: str, bias: Any, shape: tuple, like: Tensor) -> Tensor:
    """The bias as a Tensor (zeros when None), checked to have ``shape``."""
    if bias is None:
        return Tensor(np.zeros(shape, dtype=like.dtype))
    bias = as_tensor(bias, like=like)
    if bias.shape != shape:
        raise ShapeError(f"{op}: expected bias of shape {shape}, got {bias.shape}.")
    return bias


def initial(op: str, name: str, state: Any, x: Tensor, units: int) -> Tensor:
    """An initial state as a Tensor (zeros when None), checked to be (N, U)."""
    n = x.shape[0]
    if state is None:
        return Tensor(np.zeros((n, units), dtype=x.dtype))
    state = as_tensor(state, like=x)
    if state.shape != (n, units):
        raise ShapeError(
            f"{op}: expected {name} of shape ({n}, {units}) (N, U), got {state.shape}."
        )
    return state


def time_mask(op: str, mask: Any, x: Tensor) -> tuple | None:
    """The mask as (keep (T, 1, N) float 0/1, skipped (T, 1, N) bool), or None."""
    if mask is None:
        return None
    mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if mask.shape != x.shape[:2]:
        raise ShapeError(
            f"{op}: expected mask of shape {x.shape[:2]} (N, T), got {mask.shape}. One "
            "True/False per sample and step."
        )
    skipped = ~mask.astype(bool).T[:, None, :]
    return (~skipped).astype(x.dtype), skipped


def gate_order(units: int, blocks: tuple[int, ...]) -> np.ndarray:
    """Column indices of Keras's kernels, gate block by gate block in an op's internal order."""
    return np.concatenate([np.arange(b * units, (b + 1) * units) for b in blocks])


def stack_inputs(x: np.ndarray, state_rows: int) -> np.ndarray:
    """``xh`` (F + 1 + state_rows, T + 1, N): the inputs, the bias row, room for the states."""
    n, steps, f = x.shape
    xh = np.empty((f + 1 + state_rows, steps + 1, n), dtype=x.dtype)
    xh[:f, :steps] = x.transpose(2, 1, 0)
    xh[:f, steps] = 0
    xh[f] = 1
    return xh


def project(xh: np.ndarray, f: int, kernel: np.ndarray, bias: np.ndarray, order) -> tuple:
    """[W; b] (G, F+1) in the internal gate order, and the projections of all steps (T, G, N).

    One small product per step (batched), written time-major so that each step's slice is
    contiguous: adding a (G, N) slice of a (G, T, N) array costs ~3x more per step.
    """
    g, steps = len(order), xh.shape[1] - 1
    wb = np.empty((g, f + 1), dtype=xh.dtype)
    wb[:, :f] = kernel.T[order]
    wb[:, f] = bias[order]
    return wb, np.matmul(wb, xh[: f + 1, :steps].transpose(1, 0, 2))


def weight_grads(grad_z: np.ndarray, xh: np.ndarray, start: int, stop: int) -> np.ndarray:
    """dL/d(the weights applied to rows start:stop of xh) (G, stop - start), summed over steps
    and samples in one product over T*N columns."""
    steps = grad_z.shape[1]
    rows = xh[start:stop, :steps].reshape(stop - start, -1)
    return grad_z.reshape(grad_z.shape[0], -1) @ rows.T


def input_grad(grad_z: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """dL/dx (N, T, F) = W @ dZ for every step: one product, returned as a transposed view.

    ``kernel`` (F, G) has its columns in the internal gate order of ``grad_z`` (G, T, N).
    """
    g, steps, n = grad_z.shape
    f = kernel.shape[0]
    return (kernel @ grad_z.reshape(g, -1)).reshape(f, steps, n).transpose(2, 1, 0)


def fused_weights(kernel, bias, recurrent, order, scale=None) -> np.ndarray:
    """[W; b; U]^T (G, F+1+U), rows in the internal gate order (optionally scaled row-wise).

    One product with column t of ``xh`` ([x_t; 1; h_{t-1}]) gives all gates of step t.
    """
    kwb = np.concatenate([kernel.T, bias[:, None], recurrent.T], axis=1)[order]
    if scale is not None:
        kwb *= scale[:, None].astype(kwb.dtype)
    return kwb


def keras_columns(grad: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rows of an internal-order gradient (G, ...) back to Keras's column order, transposed."""
    return grad[np.argsort(order)].T


def split_grad(grad: np.ndarray, keep: Any, t: int) -> tuple:
    """Split dL/d(carried state) into the part through step t and the part carried past it."""
    if keep is None:
        return grad, None
    through = grad * keep[0][t]
    return through, grad - through


def carry(new: np.ndarray, old: np.ndarray, keep: Any, t: int) -> None:
    """Where step t is masked, overwrite ``new`` (in place) with the carried ``old`` state."""
    if keep is not None:
        np.copyto(new, old, where=keep[1][t])


def feature_major(grad: np.ndarray) -> np.ndarray:
    """A gradient (N, T, U) as a contiguous (U, T, N) array (no copy when it already is one)."""
    return np.ascontiguousarray(grad.transpose(2, 1, 0))


class Workspace:
    """Large scratch arrays reused across calls instead of allocated afresh.

    The saved gates of a sequence are megabytes; a fresh allocation of that size comes from
    new pages that the operating system maps (and zeroes) on first touch, which cost about as
    much as the element-wise work of the steps. The ops take their big buffers from here and
    give them back when their graph node is freed (``keep_until``), or at the end of the
    backward pass for its own scratch. At most ``per_shape`` arrays of one shape and
    ``max_bytes`` in all are kept; the shapes used longest ago go first (batches of varying
    length must not pile up arrays).
    """

    def __init__(self, per_shape: int = 8, max_bytes: int = 64 * 2**20) -> None:
        self._free: dict[tuple, list[np.ndarray]] = {}  # insertion order = least recent first
        self._per_shape, self._max_bytes, self._bytes = per_shape, max_bytes, 0

    def take(self, shape: tuple, dtype: Any) -> np.ndarray:
        """An uninitialised array of ``shape`` and ``dtype`` (like ``np.empty``)."""
        stack = self._free.get((tuple(shape), np.dtype(dtype).str))
        if not stack:
            return np.empty(shape, dtype=dtype)
        array = stack.pop()
        self._bytes -= array.nbytes
        return array

    def give(self, *arrays: np.ndarray | None) -> None:
        """Return arrays taken with ``take``; nothing may use them afterwards."""
        for array in arrays:
            if array is None:
                continue
            key = (array.shape, array.dtype.str)
            stack = self._free.pop(key, [])
            self._free[key] = stack  # why: re-inserted last, as the most recently used shape
            if len(stack) < self._per_shape and array.nbytes <= self._max_bytes:
                stack.append(array)
                self._bytes += array.nbytes
        while self._bytes > self._max_bytes:
            key = next(iter(self._free))
            for old in self._free.pop(key):
                self._bytes -= old.nbytes

    def keep_until(self, owner: Any, *arrays: np.ndarray | None) -> None:
        """Give ``arrays`` back once ``owner`` (what the backward closure holds) is freed."""
        weakref.finalize(owner, self.give, *arrays)


WORKSPACE = Workspace()


class Saved:
    """The arrays a backward closure keeps; they go back to ``WORKSPACE`` when it is freed."""

    __slots__ = ("__weakref__", "arrays")

    def __init__(self, *arrays: np.ndarray | None) -> None:
        self.arrays = arrays
        WORKSPACE.keep_until(self, *arrays)


def outputs(datas: list[np.ndarray], parents: tuple, backward: Any, op: str) -> list[Tensor]:
    """Tensors for an op with several outputs that share one backward pass.

    The first output is the op's graph node. Each other output is a node whose only parent
    is the first: its backward hands its gradient over to the shared backward and passes a
    zero gradient (a broadcast view, nothing allocated) to the first, so that the shared
    backward runs even when only another output is used. Being children of the first output,
    they always run before it. ``backward(grads)`` receives one gradient per output, None for
    an output the loss does not depend on, and returns one gradient per parent.
    """
    handed: dict[int, np.ndarray] = {}

    def first(grad: np.ndarray) -> Any:
        return backward([grad] + [handed.pop(k, None) for k in range(1, len(datas))])

    head = Tensor.from_op(datas[0], parents, first, op)
    result = [head]
    for k, data in enumerate(datas[1:], start=1):

        def hand_over(grad: np.ndarray, k: int = k) -> tuple:
            handed[k] = grad
            return (np.broadcast_to(np.zeros((), dtype=grad.dtype), head.shape),)

        result.append(Tensor.from_op(data, (head,), hand_over, f"{op}:{k}"))
    return result


def step_grads(grad: np.ndarray | None) -> tuple:
    """An output sequence's gradient (N, T, U) as (U, T, N), and the steps it is nonzero at.

    A layer returning only its last output passes a gradient that is zero at all other
    steps; the reverse loop then skips adding it there.
    """
    if grad is None:
        return None, frozenset()
    live = np.flatnonzero(grad.any(axis=(0, 2)))
    g = grad.transpose(2, 1, 0)
    if len(live) > 1:
        g = np.ascontiguousarray(g)  # why: per-step (U, N) slices of a (N, T, U) array gather
    return g, frozenset(live.tolist())
