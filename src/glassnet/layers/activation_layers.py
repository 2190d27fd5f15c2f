"""Activation layers: LeakyReLU, PReLU, ELU, ReLU, Softmax, and glassnet's Maxout.

Each layer (but PReLU and Maxout, which learn weights) wraps one function of
``glassnet.activations`` or ``glassnet.ops``, so its gradient is the function's. Names,
arguments and defaults follow Keras 3 (``keras.layers.LeakyReLU`` ...); ``Maxout`` has no
Keras counterpart and is documented on its class.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from glassnet import activations, initializers, ops, regularizers
from glassnet.errors import ConfigError
from glassnet.layers._checks import BOOL, NON_NEGATIVE, POSITIVE_INT, REAL, Constraint, check_args
from glassnet.layers._checks import is_int as _is_int
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor

__all__ = ["ELU", "LeakyReLU", "Maxout", "PReLU", "ReLU", "Softmax"]


class _Elementwise(Layer):
    """An activation layer without weights: output shape = input shape."""

    _constraints: dict[str, Constraint] = {}

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)


# ---------------------------------------------------------------- fixed activations
@LAYERS.register("LeakyReLU")
class LeakyReLU(_Elementwise):
    """Leaky relu: negative inputs are scaled by ``negative_slope`` instead of zeroed.

    Math:
        y     = x if x > 0 else negative_slope * x
        dL/dx = dL/dy if x > 0 else dL/dy * negative_slope      (slope at 0, as in PyTorch)

    Args:
        negative_slope: slope for x <= 0, a float >= 0. Keras's layer default is 0.3 (the
            ``leaky_relu`` function's is 0.2, PyTorch's ``nn.LeakyReLU`` 0.01).

    Shape:
        Input: any.  Output: same as input.  No weights.

    Raises:
        ConfigError: if ``negative_slope`` is negative or not a number.

    Example:
        >>> LeakyReLU(negative_slope=0.5)(np.array([[-10.0, 0.0, 5.0]])).numpy()
        array([[-5.,  0.,  5.]], dtype=float32)
    """

    _constraints = {"negative_slope": NON_NEGATIVE}

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:  # why: Keras 3 still takes Keras 2's name, with a warning
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU: the argument 'alpha' is deprecated; use 'negative_slope' instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.negative_slope = negative_slope
        check_args(self)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}


@LAYERS.register("ELU")
class ELU(_Elementwise):
    """Exponential linear unit.

    Math:
        y     = x if x > 0 else alpha * (exp(x) - 1)
        dL/dx = dL/dy if x > 0 else dL/dy * alpha * exp(x)

    Args:
        alpha: the output tends to ``-alpha`` for large negative x (default 1.0).

    Shape:
        Input: any.  Output: same as input.  No weights.

    Raises:
        ConfigError: if ``alpha`` is not a finite number.

    Reference:
        Clevert et al., 2016, https://arxiv.org/abs/1511.07289
    """

    _constraints = {"alpha": REAL}

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        check_args(self)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


@LAYERS.register("ReLU")
class ReLU(_Elementwise):
    """Rectified linear unit with Keras's optional cap, leak and threshold.

    See ``glassnet.activations.relu`` for the gradient at the kinks (PyTorch's convention).

    Math:
        y     = min(x, max_value)                  if x > threshold
              = negative_slope * (x - threshold)   otherwise
        dL/dx = dL/dy * [threshold < x < max_value] + dL/dy * negative_slope * [x <= threshold]

    Args:
        max_value: the largest output, a float >= 0, or None (no cap).
        negative_slope: slope below the threshold, a float >= 0.
        threshold: the value below which outputs are damped, a float >= 0.

    Shape:
        Input: any.  Output: same as input.  No weights.

    Raises:
        ConfigError: for a negative or non-numeric argument.

    Example:
        >>> ReLU(max_value=6.0)(np.array([[-1.0, 3.0, 9.0]])).numpy()
        array([[0., 3., 6.]], dtype=float32)
    """

    _constraints = {
        "max_value": (lambda v: v is None or NON_NEGATIVE[0](v), "None or a float >= 0"),
        "negative_slope": NON_NEGATIVE,
        "threshold": NON_NEGATIVE,
    }

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        check_args(self)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


def _is_axis_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(map(_is_int, value))


@LAYERS.register("Softmax")
class Softmax(_Elementwise):
    """Softmax along ``axis``: each slice becomes a probability distribution.

    With several axes, the softmax runs over all of them jointly (Keras's rule).

    Math:
        y_i   = exp(x_i) / sum_j exp(x_j)          (j over the softmax axes)
        dL/dx = y * (dL/dy - sum_j dL/dy_j * y_j)

    Args:
        axis: an int, or a list of ints, the axis or axes to normalise over (default -1).

    Shape:
        Input: any.  Output: same as input.  No weights.

    Raises:
        ConfigError: if ``axis`` is not an int or a non-empty list of ints.
        ShapeError: (at call) if an axis is out of range for the input.

    Example:
        >>> Softmax()(np.array([[1.0, 2.0, 1.0]])).numpy()
        array([[0.2119..., 0.5761..., 0.2119...]], dtype=float32)
    """

    _constraints = {"axis": (lambda v: _is_int(v) or _is_axis_list(v), "an int or a list of ints")}

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        check_args(self)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if isinstance(self.axis, list) and len(self.axis) > 1:
            axes = tuple(self.axis)
            return ops.exp(inputs - ops.logsumexp(inputs, axis=axes, keepdims=True))
        axis = self.axis[0] if isinstance(self.axis, list) else self.axis
        return ops.softmax(inputs, axis=int(axis))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


# ---------------------------------------------------------------- learned activations
@LAYERS.register("PReLU")
class PReLU(Layer):
    """Parametric relu: a leaky relu whose negative slope ``alpha`` is learned.

    ``alpha`` has one entry per input value of a sample, except along ``shared_axes``, where
    one entry is shared (``shared_axes=[1, 2]`` on (N, H, W, C) images gives one slope per
    channel, as PyTorch's ``nn.PReLU(C)``).

    Math:
        y         = x if x > 0 else alpha * x
        dL/dx     = dL/dy if x > 0 else dL/dy * alpha          (alpha at 0, as in PyTorch)
        dL/dalpha = sum over shared axes and the batch of dL/dy * x * [x <= 0]

    Args:
        alpha_initializer: initializer of ``alpha`` (default ``'zeros'``, Keras's; the layer
            starts as a relu. PyTorch starts at 0.25).
        alpha_regularizer: optional penalty on ``alpha``.
        shared_axes: an int or list of ints (axes of the input, 1-based as the batch is axis
            0) along which ``alpha`` is shared, or None.

    Shape:
        Input: (N, d1, ..., dk).  Output: same as input.
        alpha: (d1, ..., dk) with a 1 on each shared axis; initialised by
            ``alpha_initializer`` (zeros).

    Raises:
        ConfigError: if ``shared_axes`` is not None, an int >= 1 or a list of them.
    """

    _constraints = {
        "shared_axes": (
            lambda v: v is None or (_is_axis_list(v) and all(a >= 1 for a in v)),
            "None or a list of axes >= 1 (axis 0 is the batch)",
        )
    }

    def __init__(
        self,
        alpha_initializer: Any = "zeros",
        alpha_regularizer: Any = None,
        shared_axes: int | Sequence[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        if _is_int(shared_axes):
            shared_axes = [shared_axes]
        self.shared_axes = list(shared_axes) if isinstance(shared_axes, tuple) else shared_axes
        check_args(self)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if axis >= len(input_shape):
                raise ConfigError(
                    f"The 'shared_axes' argument of PReLU must name axes of the input "
                    f"(1 to {len(input_shape) - 1} for input shape {input_shape}). "
                    f"Got {self.shared_axes!r}."
                )
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer, self.alpha_regularizer)
        shared = set(self.shared_axes or [])
        fixed = {a: input_shape[a] for a in range(1, len(input_shape)) if a not in shared}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=fixed)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return ops.where(inputs.data > 0, inputs, inputs * self.alpha)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        reg = self.alpha_regularizer
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": None if reg is None else regularizers.serialize(reg),
            "shared_axes": self.shared_axes,
        }


@LAYERS.register("Maxout")
class Maxout(Layer):
    """Maxout unit: a dense layer to ``units * pieces`` features, then the max of each group.

    glassnet's own layer (Keras 3 has none; Keras 1 had ``MaxoutDense``): each output unit is
    the largest of ``pieces`` affine functions of the input, a learned convex piecewise-linear
    activation. Output unit ``j`` takes kernel columns ``j * pieces`` to
    ``j * pieces + pieces - 1`` (the dense output reshaped to ``(..., units, pieces)``).

    Math:
        z     = x @ kernel + bias                  z: (..., units * pieces)
        y_j   = max_p z[..., j * pieces + p]
        dL/dz = dL/dy_j at the winning piece of unit j, 0 elsewhere (ties share it equally)

    Args:
        units: number of output features, a positive int.
        pieces: number of affine pieces per unit, a positive int (2 or more to be useful).
        use_bias: whether to add a bias.
        kernel_initializer: default ``'glorot_uniform'``.
        bias_initializer: default ``'zeros'``.
        kernel_regularizer, bias_regularizer: optional penalties.

    Shape:
        Input: (N, ..., F).  Output: (N, ..., units).
        kernel: (F, units * pieces), ``kernel_initializer`` (glorot_uniform).
        bias: (units * pieces,), ``bias_initializer`` (zeros).

    Raises:
        ConfigError: if ``units`` or ``pieces`` is not a positive int.

    Reference:
        Goodfellow et al., 2013, https://arxiv.org/abs/1302.4389
    """

    _constraints = {"units": POSITIVE_INT, "pieces": POSITIVE_INT, "use_bias": BOOL}

    def __init__(
        self,
        units: int,
        pieces: int,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units, self.pieces, self.use_bias = units, pieces, use_bias
        check_args(self)
        self.units, self.pieces = int(units), int(pieces)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        features, width = input_shape[-1], self.units * self.pieces
        self.kernel = self.add_weight(
            "kernel", (features, width), self.kernel_initializer, self.kernel_regularizer
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (width,), self.bias_initializer, self.bias_regularizer
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        z = ops.linear(inputs, self.kernel, self.bias)
        z = ops.reshape(z, (*inputs.shape[:-1], self.units, self.pieces))
        return ops.max(z, axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict[str, Any]:
        def reg(r: Any) -> Any:
            return None if r is None else regularizers.serialize(r)

        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": reg(self.kernel_regularizer),
            "bias_regularizer": reg(self.bias_regularizer),
        }
