"""Activation functions with Keras names and defaults, reachable by string name.

Each activation is a function of a Tensor that returns a Tensor. Most are composites of
``glassnet.ops`` (their gradients come from the ops they are built from); the ones that are
primitives (``relu``, ``sigmoid``, ``tanh``, ``softplus``, ``softmax``, ``log_softmax``,
and ``erf`` inside the exact ``gelu``) have their backward pass next to their forward pass in
``glassnet/ops``.

Names follow Keras 3 (``keras.activations``): ``get('relu')`` returns ``relu``, ``get(None)``
returns ``linear``, and ``serialize(fn)`` gives the name back. ``'swish'`` is another name for
``silu`` and ``'hard_swish'`` for ``hard_silu``, as in Keras.

At points where a function has no derivative (relu at 0, relu6 at 0 and 6, hard_sigmoid at
-3 and 3) the gradient follows PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import ops
from glassnet._constraints import is_real as _is_real
from glassnet.errors import ConfigError
from glassnet.ops.special import erf
from glassnet.registry import Registry
from glassnet.tensor import Tensor, as_tensor

__all__ = [
    "ACTIVATIONS", "deserialize", "elu", "exponential", "gelu", "get", "hard_sigmoid",
    "hard_silu", "hard_swish", "leaky_relu", "linear", "log_softmax", "mish", "relu", "relu6",
    "selu", "serialize", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh",
]  # fmt: skip

ACTIVATIONS = Registry("activation")

# SELU's constants (Klambauer et al., 2017), as in Keras and PyTorch.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2.0 / math.pi)


def _check(ok: bool, who: str, name: str, expected: str, value: Any, fix: str) -> None:
    if not ok:
        raise ConfigError(f"{who}: expected {name} to be {expected}, got {value!r}. {fix}")


@ACTIVATIONS.register("linear")
def linear(x: Any) -> Tensor:
    """The identity: returns its input unchanged (the default when no activation is given).

    Math:
        y     = x
        dL/dx = dL/dy
    """
    return as_tensor(x)


@ACTIVATIONS.register("relu")
def relu(
    x: Any,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> Tensor:
    """Rectified linear unit; with its defaults, ``max(x, 0)``.

    The optional arguments give Keras's generalised relu: values above ``threshold`` pass
    (capped at ``max_value``), values at or below it are scaled by ``negative_slope``.

    Math:
        y     = min(x, max_value)                 if x > threshold
              = negative_slope * (x - threshold)  otherwise
        dL/dx = dL/dy * [threshold < x < max_value] + dL/dy * negative_slope * [x <= threshold]
        (with the defaults, relu'(0) = 0, as in PyTorch)

    Args:
        x: input tensor.
        negative_slope: slope below the threshold, a float >= 0.
        max_value: the largest output value, a float >= 0, or None for no cap.
        threshold: the value below which outputs are damped.

    Raises:
        ConfigError: for a negative or non-numeric ``negative_slope`` or ``max_value``, or a
            non-numeric ``threshold``.

    Example:
        >>> relu(glassnet.tensor([-10.0, -5.0, 0.0, 5.0, 10.0]), max_value=5.0).numpy()
        array([0., 0., 0., 5., 5.], dtype=float32)
    """
    fix = "Pass a plain number such as 0.1."
    _check(
        _is_real(negative_slope) and negative_slope >= 0,
        "relu", "negative_slope", "a float >= 0", negative_slope, fix,
    )  # fmt: skip
    _check(
        max_value is None or (_is_real(max_value) and max_value >= 0),
        "relu", "max_value", "None or a float >= 0", max_value, fix,
    )  # fmt: skip
    _check(_is_real(threshold), "relu", "threshold", "a finite float", threshold, fix)
    x = as_tensor(x)
    if negative_slope == 0 and max_value is None and threshold == 0:
        return ops.relu(x)
    if threshold != 0:
        positive = ops.where(x.data > threshold, x, 0.0)
    else:
        positive = ops.relu(x)
    if max_value is not None:
        positive = ops.clip(positive, 0.0, max_value)
    if negative_slope == 0:
        return positive
    return positive - negative_slope * ops.relu(threshold - x)


@ACTIVATIONS.register("leaky_relu")
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """Leaky relu: negative inputs are scaled by ``negative_slope`` instead of zeroed.

    Math:
        y     = x if x > 0 else negative_slope * x
        dL/dx = dL/dy if x > 0 else dL/dy * negative_slope     (slope at 0, as in PyTorch)

    Args:
        x: input tensor.
        negative_slope: slope for x <= 0, a float >= 0 (Keras's default 0.2; PyTorch's
            ``F.leaky_relu`` defaults to 0.01).

    Raises:
        ConfigError: if ``negative_slope`` is negative or not a number.

    Example:
        >>> leaky_relu(glassnet.tensor([-2.0, 3.0])).numpy()
        array([-0.4,  3. ], dtype=float32)
    """
    _check(
        _is_real(negative_slope) and negative_slope >= 0,
        "leaky_relu", "negative_slope", "a float >= 0", negative_slope,
        "Pass a small positive slope such as 0.2.",
    )  # fmt: skip
    x = as_tensor(x)
    return ops.where(x.data > 0, x, x * negative_slope)


@ACTIVATIONS.register("relu6")
def relu6(x: Any) -> Tensor:
    """Relu capped at 6.

    Math:
        y     = min(max(x, 0), 6)
        dL/dx = dL/dy * [0 < x < 6]     (0 at x == 0 and x == 6, as in PyTorch)

    Example:
        >>> relu6(glassnet.tensor([-1.0, 3.0, 8.0])).numpy()
        array([0., 3., 6.], dtype=float32)
    """
    x = as_tensor(x)
    # NOTE: where(x < 6, ...) rather than minimum(..., 6), which would pass half the
    # gradient at exactly 6.
    return ops.where(x.data < 6, ops.relu(x), 6.0)


@ACTIVATIONS.register("elu")
def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit.

    Math:
        y     = x                      if x > 0
              = alpha * (exp(x) - 1)   otherwise
        dL/dx = dL/dy if x > 0 else dL/dy * alpha * exp(x)

    Args:
        x: input tensor.
        alpha: the value the output tends to for large negative x is ``-alpha``.

    Raises:
        ConfigError: if ``alpha`` is not a finite number.

    Reference:
        Clevert et al., 2016, https://arxiv.org/abs/1511.07289
    """
    _check(_is_real(alpha), "elu", "alpha", "a finite float", alpha, "Pass a number such as 1.0.")
    x = as_tensor(x)
    # why: exp of the clipped input, so large positive x (whose branch is unused) cannot
    # overflow to inf and turn the gradient into 0 * inf = nan.
    negative = alpha * (ops.exp(ops.clip(x, a_max=0.0)) - 1.0)
    return ops.where(x.data > 0, x, negative)


@ACTIVATIONS.register("selu")
def selu(x: Any) -> Tensor:
    """Scaled exponential linear unit, self-normalising with ``lecun_normal`` weights.

    Math:
        y     = scale * elu(x, alpha)      alpha = 1.67326324..., scale = 1.05070098...
        dL/dx = dL/dy * scale if x > 0 else dL/dy * scale * alpha * exp(x)

    Reference:
        Klambauer et al., 2017, https://arxiv.org/abs/1706.02515
    """
    return _SELU_SCALE * elu(x, alpha=_SELU_ALPHA)


@ACTIVATIONS.register("sigmoid")
def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid (see ``glassnet.ops.sigmoid``).

    Math:
        y     = 1 / (1 + exp(-x))
        dL/dx = dL/dy * y * (1 - y)
    """
    return ops.sigmoid(x)


@ACTIVATIONS.register("tanh")
def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent (see ``glassnet.ops.tanh``).

    Math:
        y     = tanh(x)
        dL/dx = dL/dy * (1 - y**2)
    """
    return ops.tanh(x)


@ACTIVATIONS.register("softplus")
def softplus(x: Any) -> Tensor:
    """Softplus, a smooth relu (see ``glassnet.ops.softplus``).

    Math:
        y     = log(1 + exp(x))
        dL/dx = dL/dy * sigmoid(x)
    """
    return ops.softplus(x)


@ACTIVATIONS.register("softsign")
def softsign(x: Any) -> Tensor:
    """Softsign, a slowly saturating alternative to tanh.

    Math:
        y     = x / (1 + |x|)
        dL/dx = dL/dy / (1 + |x|)**2
    """
    x = as_tensor(x)
    return x / (1.0 + ops.abs(x))


@ACTIVATIONS.register("silu", "swish")
def silu(x: Any) -> Tensor:
    """Sigmoid linear unit, also called swish.

    Math:
        y     = x * sigmoid(x)
        dL/dx = dL/dy * (sigmoid(x) + y * (1 - sigmoid(x)))

    Reference:
        Ramachandran et al., 2017, https://arxiv.org/abs/1710.05941
    """
    x = as_tensor(x)
    return x * ops.sigmoid(x)


swish = silu


@ACTIVATIONS.register("gelu")
def gelu(x: Any, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit: ``x`` weighted by the standard normal CDF at ``x``.

    Keras's default is the exact form (``approximate=False``), built on ``ops.erf``;
    ``approximate=True`` gives the tanh form (PyTorch's ``approximate='tanh'``).

    Math:
        exact:        y = 0.5 * x * (1 + erf(x / sqrt(2)))
                      dL/dx = dL/dy * (Phi(x) + x * exp(-x**2 / 2) / sqrt(2 * pi))
        approximate:  u = sqrt(2 / pi) * (x + 0.044715 * x**3)
                      y = 0.5 * x * (1 + tanh(u))
                      dL/dx = dL/dy * (0.5 * (1 + tanh(u))
                              + 0.5 * x * (1 - tanh(u)**2) * du/dx)

    Args:
        x: input tensor.
        approximate: use the tanh approximation instead of erf.

    Raises:
        ConfigError: if ``approximate`` is not a bool.

    Example:
        >>> gelu(glassnet.tensor([-1.0, 0.0, 1.0])).numpy()
        array([-0.15865526,  0.        ,  0.8413447 ], dtype=float32)

    Reference:
        Hendrycks and Gimpel, 2016, https://arxiv.org/abs/1606.08415
    """
    _check(
        isinstance(approximate, (bool, np.bool_)),
        "gelu", "approximate", "True or False", approximate,
        "Pass approximate=True for the tanh form.",
    )  # fmt: skip
    x = as_tensor(x)
    if approximate:
        inner = _SQRT_TWO_OVER_PI * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1.0 + ops.tanh(inner))
    return 0.5 * x * (1.0 + erf(x * _SQRT_HALF))


@ACTIVATIONS.register("hard_sigmoid")
def hard_sigmoid(x: Any) -> Tensor:
    """Piecewise-linear approximation of the sigmoid (Keras 3 and PyTorch definition).

    Math:
        y     = 0 if x <= -3,  1 if x >= 3,  x / 6 + 0.5 otherwise   (= relu6(x + 3) / 6)
        dL/dx = dL/dy / 6 if -3 < x < 3, else 0    (0 at x == +-3, as in PyTorch)

    NOTE: Keras 2 used 0.2 * x + 0.5 clipped to [0, 1]; Keras 3 changed to this form.

    Example:
        >>> hard_sigmoid(glassnet.tensor([-4.0, 0.0, 1.5, 4.0])).numpy()
        array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    x = as_tensor(x)
    inside = (x.data > -3) & (x.data < 3)
    return ops.where(inside, x / 6.0 + 0.5, (x.data >= 3).astype(x.dtype))


@ACTIVATIONS.register("hard_silu", "hard_swish")
def hard_silu(x: Any) -> Tensor:
    """Hard SiLU (hard swish): ``x`` times ``hard_sigmoid(x)``.

    Math:
        y     = x * hard_sigmoid(x)
        dL/dx = dL/dy * (hard_sigmoid(x) + x * hard_sigmoid'(x))
              = 0 if x < -3,  dL/dy * (x / 3 + 0.5) if -3 < x < 3,  dL/dy if x > 3

    Reference:
        Howard et al., 2019, https://arxiv.org/abs/1905.02244
    """
    x = as_tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@ACTIVATIONS.register("mish")
def mish(x: Any) -> Tensor:
    """Mish: ``x * tanh(softplus(x))``, a smooth, non-monotonic activation.

    Math:
        y     = x * tanh(softplus(x))
        dL/dx = dL/dy * (tanh(softplus(x)) + x * (1 - tanh(softplus(x))**2) * sigmoid(x))

    Reference:
        Misra, 2019, https://arxiv.org/abs/1908.08681
    """
    x = as_tensor(x)
    return x * ops.tanh(ops.softplus(x))


@ACTIVATIONS.register("exponential")
def exponential(x: Any) -> Tensor:
    """The exponential function.

    Math:
        y     = exp(x)
        dL/dx = dL/dy * y
    """
    return ops.exp(x)


@ACTIVATIONS.register("softmax")
def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax along ``axis``: each slice becomes a probability distribution.

    Math:
        y_i   = exp(x_i) / sum_j exp(x_j)
        dL/dx = y * (dL/dy - sum_j dL/dy_j * y_j)

    Raises:
        ShapeError: if ``axis`` is out of range.
    """
    return ops.softmax(x, axis=axis)


@ACTIVATIONS.register("log_softmax")
def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """Logarithm of softmax along ``axis``, computed without forming softmax.

    Math:
        y_i   = x_i - log(sum_j exp(x_j))
        dL/dx = dL/dy - exp(y) * sum_j dL/dy_j
    """
    return ops.log_softmax(x, axis=axis)


def get(identifier: str | Callable[..., Any] | None) -> Callable[..., Any]:
    """Return the activation function named by ``identifier``.

    Args:
        identifier: a registered name (``'relu'``), a callable (returned as is), or None
            (which means ``linear``, as in Keras).

    Raises:
        ConfigError: for an unknown name, listing the known ones and the closest match.
        TypeError: for anything that is neither a string, a callable nor None.

    Example:
        >>> get("relu") is relu, get(None) is linear
        (True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return ACTIVATIONS.get(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"activations.get: expected an activation name, a callable or None, got "
        f"{type(identifier).__name__} {identifier!r}. Pass a name such as 'relu'."
    )


def serialize(activation: Callable[..., Any]) -> str:
    """Return the registered name of an activation function (for model configs).

    Raises:
        ConfigError: if the function is not registered (a lambda, an unregistered function).

    Example:
        >>> serialize(swish)
        'silu'
    """
    name = ACTIVATIONS.name_of(activation)
    if name is None:
        label = getattr(activation, "__name__", repr(activation))
        raise ConfigError(
            f"activations.serialize: expected a registered activation, got {label}. "
            "Register it with @glassnet.activations.ACTIVATIONS.register('my_name') so a "
            "saved model can name it."
        )
    return name


def deserialize(name: str) -> Callable[..., Any]:
    """Return the activation registered under ``name`` (the inverse of ``serialize``)."""
    return get(name)
