"""Broadcasting arithmetic: add, subtract, multiply, divide, power, negative.

Each backward returns gradients in the broadcast output shape; ``Tensor.backward`` sums them
down to each operand's shape (``_unbroadcast``), so no op here handles broadcasting itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops._util import broadcast_error, pair
from glassnet.tensor import Tensor, as_tensor


def add(a: Any, b: Any) -> Tensor:
    """Element-wise ``a + b`` with broadcasting.

    Math:
        y     = a + b
        dL/da = dL/dy,  dL/db = dL/dy

    Example:
        >>> add(glassnet.tensor([1.0, 2.0]), 1).numpy()
        array([2., 3.], dtype=float32)
    """
    a, b = pair(a, b)
    try:
        y = a.data + b.data
    except ValueError:
        raise broadcast_error("add", a, b) from None

    def backward(grad):
        return grad, grad

    return Tensor.from_op(y, (a, b), backward, "add")


def subtract(a: Any, b: Any) -> Tensor:
    """Element-wise ``a - b`` with broadcasting.

    Math:
        y     = a - b
        dL/da = dL/dy,  dL/db = -dL/dy
    """
    a, b = pair(a, b)
    try:
        y = a.data - b.data
    except ValueError:
        raise broadcast_error("subtract", a, b) from None

    def backward(grad):
        return grad, (-grad if b.requires_grad else None)

    return Tensor.from_op(y, (a, b), backward, "subtract")


def multiply(a: Any, b: Any) -> Tensor:
    """Element-wise ``a * b`` with broadcasting.

    Math:
        y     = a * b
        dL/da = dL/dy * b,  dL/db = dL/dy * a
    """
    a, b = pair(a, b)
    try:
        y = a.data * b.data
    except ValueError:
        raise broadcast_error("multiply", a, b) from None

    def backward(grad):
        grad_a = grad * b.data if a.requires_grad else None
        grad_b = grad * a.data if b.requires_grad else None
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, "multiply")


def divide(a: Any, b: Any) -> Tensor:
    """Element-wise ``a / b`` with broadcasting (true division).

    Math:
        y     = a / b
        dL/da = dL/dy / b,  dL/db = -dL/dy * y / b
    """
    a, b = pair(a, b)
    try:
        y = a.data / b.data
    except ValueError:
        raise broadcast_error("divide", a, b) from None

    def backward(grad):
        grad_a = grad / b.data if a.requires_grad else None
        grad_b = -grad * y / b.data if b.requires_grad else None
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, "divide")


def power(a: Any, b: Any) -> Tensor:
    """Element-wise ``a ** b`` with broadcasting.

    Math:
        y     = a ** b
        dL/da = dL/dy * b * a ** (b - 1)
        dL/db = dL/dy * y * log(a)       (0 where a == 0, as in PyTorch)
    """
    a, b = pair(a, b)
    try:
        y = a.data**b.data
    except ValueError:
        raise broadcast_error("power", a, b) from None

    def backward(grad):
        grad_a = grad * b.data * a.data ** (b.data - 1) if a.requires_grad else None
        grad_b = None
        if b.requires_grad:
            with np.errstate(invalid="ignore"):
                log_a = np.log(np.where(a.data == 0, 1, a.data))
            grad_b = grad * y * log_a
        return grad_a, grad_b

    return Tensor.from_op(y, (a, b), backward, "power")


def negative(x: Any) -> Tensor:
    """Element-wise ``-x``.

    Math:
        y     = -x
        dL/dx = -dL/dy
    """
    x = as_tensor(x)

    def backward(grad):
        return (-grad,)

    return Tensor.from_op(-x.data, (x,), backward, "negative")
