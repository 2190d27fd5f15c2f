"""Matrix products: matmul (batched, with NumPy's broadcasting of batch axes)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops._util import pair
from glassnet.tensor import Tensor


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
