"""glassnet: neural networks on NumPy where every forward pass and its gradient are in view.

Quick look:
    >>> import glassnet
    >>> x = glassnet.tensor([[1.0, -2.0]], requires_grad=True)
    >>> y = glassnet.ops.relu(x).sum()
    >>> y.backward()
    >>> x.grad
    array([[1., 0.]], dtype=float32)
"""

from glassnet import backend, errors, ops, utils
from glassnet.backend import floatx, set_floatx
from glassnet.inspect import gradcheck
from glassnet.tensor import Tensor, enable_grad, is_grad_enabled, no_grad, tensor

__version__ = "0.1.0"

__all__ = [
    "Tensor",
    "__version__",
    "backend",
    "enable_grad",
    "errors",
    "floatx",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "ops",
    "set_floatx",
    "tensor",
    "utils",
]
