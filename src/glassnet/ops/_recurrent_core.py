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

    forward:   projections of step t = [W; b]^T @ xh[:F+1, t]        (T products, batched)
    backward:  dL/d[W; b; U] = dZ @ xh[:F+1+U, :T]^T,  dL/dx = W @ dZ  (one product each)

with dZ (G, T, N) the gradients of the gates' pre-activations (each step writes its (G, N)
slice; the products then run over T*N columns at once). The output sequence (N, T, U)
is a transposed view of the h rows, and a recurrent layer stacked on top copies those rows
straight into its own ``xh``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
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


# name -> (forward written into `out`, which may be x itself; derivative from the output y)
ACTIVATIONS = {
    "tanh": (_tanh_, lambda y: 1 - y * y),
    "sigmoid": (_sigmoid_, lambda y: y * (1 - y)),
    "relu": (_relu_, lambda y: (y > 0).astype(y.dtype)),
    "linear": (_linear_, lambda y: np.ones_like(y)),
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


def feature_major_steps(grad_z: np.ndarray) -> np.ndarray:
    """Time-major step gradients (T, G, N) as one contiguous (G, T, N) array (one copy)."""
    return np.ascontiguousarray(grad_z.transpose(1, 0, 2))
