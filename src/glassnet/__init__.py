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
from glassnet.anomaly import detect_anomaly, set_detect_anomaly
from glassnet.backend import floatx, set_floatx
from glassnet.inspect import gradcheck
from glassnet.tensor import Tensor, enable_grad, is_grad_enabled, no_grad, tensor

__version__ = "0.1.0"

# why: submodules load on first use (PEP 562), so `import glassnet` stays about 0.1 s.
_LAZY_MODULES = (
    "activations", "callbacks", "datasets", "initializers", "io", "layers", "losses",
    "metrics", "models", "optimizers", "regularizers", "schedules",
)  # fmt: skip
_LAZY_NAMES = {"Sequential": "models", "Model": "models", "Input": "layers", "load_model": "io"}


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"glassnet.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f"glassnet.{_LAZY_NAMES[name]}"), name)
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


__all__ = [
    "Input",
    "Model",
    "Sequential",
    "Tensor",
    "__version__",
    "backend",
    "detect_anomaly",
    "enable_grad",
    "errors",
    "floatx",
    "gradcheck",
    "is_grad_enabled",
    "load_model",
    "no_grad",
    "ops",
    "set_detect_anomaly",
    "set_floatx",
    "tensor",
    "utils",
    *_LAZY_MODULES,
]
