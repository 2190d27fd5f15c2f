"""Matrix products: matmul (batched, with NumPy's broadcasting of batch axes)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.ops._util import constant, pair, relu_
from glassnet.ops.activation import _relu_slope, _sigmoid_slope, _stable_sigmoid, _tanh_slope
from glassnet.tensor import Tensor, as_tensor


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product ``a @ b``, NumPy semantics (1-D operands, broadcast batch axes).

    Math:
        Y     = A @ B
        dL/dA = dL/dY @ B^T,  dL/dB = A^T @ dL/dY
        (batch axes that were broadcast are summed by Tensor.backward)

    Shape:
        a: (..., N, K) or (K,).  b: (..., K, M) or (K,).  Output: (..., N, M).

    Raises:
        ShapeError: when the inner sizes differ or an operand is 0-d.

    Example:
        >>> a = glassnet.tensor([[1.0, 2.0]]); b = glassnet.tensor([[3.0], [4.0]])
        >>> matmul(a, b).numpy()
        array([[11.]], dtype=float32)
    """
    a, b = pair(a, b)
    if a.data.ndim == 2 and b.data.ndim == 2:
        return _matmul_2d(a, b)
    _check_matmul(a.shape, b.shape)
    y = np.matmul(a.data, b.data)

    def backward(grad):
        # why: treat 1-D operands as a row (a) or column (b) matrix, then drop that axis again.
        a2 = a.data[None, :] if a.ndim == 1 else a.data
        b2 = b.data[:, None] if b.ndim == 1 else b.data
        g2 = grad
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = np.matmul(g2, np.swapaxes(b2, -1, -2))
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if b.requires_grad:
            grad_b = np.matmul(np.swapaxes(a2, -1, -2), g2)
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, "matmul")


def _matmul_2d(a: Tensor, b: Tensor) -> Tensor:
    """The common case without batch axes, kept lean: it dominates small networks."""
    if a.data.shape[1] != b.data.shape[0]:
        _check_matmul(a.shape, b.shape)
    y = a.data @ b.data

    def backward(grad):
        grad_a = grad @ b.data.T if a.requires_grad else None
        grad_b = a.data.T @ grad if b.requires_grad else None
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, "matmul")


def _check_matmul(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    if not a_shape or not b_shape:
        raise ShapeError(
            f"matmul: expected operands with at least one axis, got {a_shape} and {b_shape}. "
            "Use multiply for a scalar factor."
        )
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul: cannot multiply {a_shape} by {b_shape}; inner sizes {inner_a} and "
            f"{inner_b} differ. The last axis of the first operand must equal the "
            "second-to-last axis of the second."
        )
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ShapeError(
            f"matmul: cannot broadcast the batch axes of {a_shape} and {b_shape}."
        ) from None


def _tanh_(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


# name -> (forward applied in place on a fresh array, derivative written from the output y as
# a fresh array of y's dtype: a float relu mask, which multiplies faster than a bool one)
_FUSED_ACTIVATIONS = {
    "linear": (None, None),
    "relu": (relu_, _relu_slope),
    "sigmoid": (_stable_sigmoid, _sigmoid_slope),
    "tanh": (_tanh_, _tanh_slope),
}
FUSED_ACTIVATIONS = tuple(_FUSED_ACTIVATIONS)


def linear(x: Any, kernel: Any, bias: Any = None, activation: str | None = None) -> Tensor:
    """A dense layer as one graph node: ``activation(x @ kernel + bias)`` with one backward.

    Fusing saves the two intermediate arrays and two graph nodes of the composed version
    (matmul, add, activation), which is what a small network spends its time on. The composed
    version stays the test reference.

    Math:
        z     = x @ W + b,   y = f(z)      (f: linear, relu, sigmoid or tanh)
        g     = dL/dy * f'(z)              (f' written from y: [y > 0], y(1 - y), 1 - y**2)
        dL/dx = g @ W^T,  dL/dW = x^T @ g (summed over all leading axes),  dL/db = sum(g)

    Shape:
        x: (N, ..., F).  kernel: (F, units).  bias: (units,).  Output: (N, ..., units).

    Raises:
        ShapeError: when kernel is not 2-D, F differs from kernel's rows, or bias has the
            wrong shape.
        ConfigError: for an activation that cannot be fused.
    """
    if type(x) is not Tensor or type(kernel) is not Tensor:
        x, kernel = pair(x, kernel)
    if bias is not None and type(bias) is not Tensor:
        bias = as_tensor(bias, like=kernel)
    fused = _FUSED_ACTIVATIONS.get("linear" if activation is None else activation)
    forward, derivative = fused if fused is not None else _fused_activation(activation)
    x_data, k_data = x.data, kernel.data
    _check_linear(x_data.shape, k_data.shape, None if bias is None else bias.data.shape)
    y = np.matmul(x_data, k_data)
    if bias is not None:
        _add_bias(y, bias.data)
    if forward is not None:
        y = forward(y)

    def backward(grad):
        if derivative is None:
            g = grad
        else:
            g = derivative(y)
            g *= grad
        # NOTE: explicit row counts: reshape(-1, 0) fails when a size is 0 (empty features).
        features, units = k_data.shape
        rows = y.size // units if units else math.prod(y.shape[:-1])
        g2 = g.reshape(rows, units)
        grad_x = grad_k = None
        if x.requires_grad:
            grad_x = _small_dot(g2, k_data.T).reshape(x_data.shape)
        if kernel.requires_grad:
            grad_k = _small_dot(x_data.reshape(rows, features).T, g2)
        if bias is None:
            return grad_x, grad_k
        grad_b = constant((rows,), 1.0, g2.dtype) @ g2 if bias.requires_grad else None
        return grad_x, grad_k, grad_b

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    return Tensor.from_op(y, parents, backward, "linear")


def _small_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D arrays: np.dot for small products, matmul for large ones.

    For small ones np.dot's call is cheaper, and it hands a K = 1 product (a Dense(1) layer's
    input gradient) to BLAS where matmul loops in C: 9.3 -> 2.5 us at 800 x 1 x 8. For large
    ones np.dot was up to 3% slower. A small transposed ``b`` (a kernel's ``.T``) is copied
    first: OpenBLAS multiplies 800 x 8 by 8 x 10 in 3.1 us from a contiguous kernel, 4.3 us
    from its transpose, and the copy costs 0.3 us."""
    if a.shape[0] * a.shape[1] * b.shape[1] < 1 << 20:
        if b.size <= 4096 and not b.flags.c_contiguous:
            b = np.ascontiguousarray(b)
        return np.dot(a, b)
    return np.matmul(a, b)


def _add_bias(y: np.ndarray, bias: np.ndarray) -> None:
    """``y += bias`` along the last axis, in place.

    NumPy runs a broadcast add as one inner loop per row, so with few units (a 10-unit
    layer on 800 samples: 800 loops of 10) the loop overhead costs more than the adds. Then
    ``bias`` is repeated r times and added to ``y`` seen as rows r times longer: the same
    sums, 4.1 -> 2.6 us at 800 x 10. Wide layers and small batches take the plain add."""
    units = bias.shape[0]
    rows = y.size // units if units else 0
    if not 1 < units < 64 or rows < 256 or not y.flags.c_contiguous:
        y += bias
        return
    r = 1
    while units * r < 128 and rows % (2 * r) == 0:
        r *= 2
    repeated = np.empty((r, units), y.dtype)
    repeated[...] = bias
    wide = y.reshape(rows // r, r * units)
    wide += repeated.reshape(-1)


def _fused_activation(activation: str | None) -> tuple:
    key = "linear" if activation is None else activation
    if key not in _FUSED_ACTIVATIONS:
        raise ConfigError(
            f"linear: expected activation in {', '.join(FUSED_ACTIVATIONS)}, got {activation!r}. "
            "Apply other activations after the op."
        )
    return _FUSED_ACTIVATIONS[key]


def _check_linear(x_shape: tuple, k_shape: tuple, b_shape: tuple | None) -> None:
    if len(k_shape) != 2:
        raise ShapeError(f"linear: expected a 2-D kernel (F, units), got shape {k_shape}.")
    if not x_shape or x_shape[-1] != k_shape[0]:
        raise ShapeError(
            f"linear: expected input with last axis {k_shape[0]} (the kernel's rows), got shape "
            f"{x_shape}. Reshape the input or build the kernel for {x_shape[-1:]} features."
        )
    if b_shape is not None and b_shape != (k_shape[1],):
        raise ShapeError(f"linear: expected bias of shape ({k_shape[1]},), got {b_shape}.")
