"""Normalization layers: BatchNormalization and LayerNormalization (Keras 3 semantics).

Both are composites of ``glassnet.ops`` (mean, var, sqrt, multiply, add), so their gradients
come from those ops; the backward through the batch statistics is therefore exact, not the
"treat mean and variance as constants" shortcut. (BatchNormalization's training step on the
last axis runs the same maths as one fused node, ``ops.batch_norm``, tested against this
composition.)

Variance convention: glassnet, like Keras, uses the biased batch variance
``mean((x - mean(x))**2)`` both to normalise and to update ``moving_variance``. PyTorch
normalises with the biased variance too, but updates ``running_var`` with the unbiased one
(divided by n - 1), and its ``momentum`` is the weight of the *new* value:
``torch momentum = 1 - keras momentum``. With n values per channel in every batch, after T
training steps from the initial value v0 = 1:

    keras_var - m**T * v0 = (n - 1) / n * (torch_var - m**T * v0)      (m = keras momentum)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import initializers, ops, regularizers
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, INT, POSITIVE, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor

__all__ = ["BatchNormalization", "LayerNormalization"]

_MOMENTUM = (
    lambda v: (
        isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, (bool, np.bool_))
        and 0.0 <= v <= 1.0
    ),
    "a float in [0, 1]",
)


def _serialize_reg(reg: Any) -> Any:
    return None if reg is None else regularizers.serialize(reg)


class CenterScale:
    """The learned offset ``beta`` and factor ``gamma`` that the normalization layers share:
    their constructor arguments, their weights and their config entries."""

    def _set_center_scale(self, center: bool, scale: bool, beta_initializer: Any,
                          gamma_initializer: Any, beta_regularizer: Any,
                          gamma_regularizer: Any) -> None:  # fmt: skip
        """Store the arguments (``center`` and ``scale`` already checked, as bools)."""
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)

    def _add_center_scale(self, shape: tuple[int, ...]) -> None:
        """Create ``gamma`` (if ``scale``) and ``beta`` (if ``center``) of ``shape``; None else."""
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(  # type: ignore[attr-defined]
                "gamma", shape, self.gamma_initializer, self.gamma_regularizer
            )
        if self.center:
            self.beta = self.add_weight(  # type: ignore[attr-defined]
                "beta", shape, self.beta_initializer, self.beta_regularizer
            )

    def _center_scale_config(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": _serialize_reg(self.beta_regularizer),
            "gamma_regularizer": _serialize_reg(self.gamma_regularizer),
        }


def _resolve_axis(layer: Layer, axis: int, ndim: int) -> int:
    """``axis`` as a non-negative axis of a rank-``ndim`` input, or a ShapeError."""
    if not -ndim <= axis < ndim or axis % ndim == 0:
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}': expected axis {axis} to be a feature axis "
            f"of the input (1 to {ndim - 1}, or -{ndim - 1} to -1), got an input of rank "
            f"{ndim}. The batch axis 0 cannot be normalised over; pass another axis."
        )
    return axis % ndim


def _affine_normalize(
    x: Tensor, mean: Tensor, variance: Tensor, gamma: Any, beta: Any, epsilon: float
) -> Tensor:
    """``(x - mean) / sqrt(variance + epsilon) * gamma + beta`` with two full-size ops.

    why: the factors are folded on the small per-feature arrays first, so only one multiply
    and one add touch every element of x.
    """
    inv = 1.0 / ops.sqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv
    if beta is not None:
        shift = shift + beta
    return x * inv + shift


@LAYERS.register("BatchNormalization")
class BatchNormalization(CenterScale, Layer):
    """Normalises each feature with batch statistics in training, moving ones at inference.

    In training (``training=True`` and ``layer.trainable``), each feature (channel) is
    normalised with the mean and biased variance of the current batch over every axis but
    ``axis``, and the moving statistics are updated in place (outside the graph). At inference
    (``training`` False or None, the default, or a frozen layer, as in Keras) the moving
    statistics are used. See the module docstring for how this maps to PyTorch.

    Math:
        training:   mean = mean(x over all axes but axis),  var = mean((x - mean)**2)  (biased)
                    moving_mean     = moving_mean * momentum + mean * (1 - momentum)
                    moving_variance = moving_variance * momentum + var * (1 - momentum)
        inference:  mean = moving_mean,  var = moving_variance
        y     = gamma * (x - mean) / sqrt(var + epsilon) + beta
        dL/dx = (by composition) gamma / sqrt(var + epsilon) * (g - mean(g) - xhat * mean(g *
                xhat)) in training with g = dL/dy, xhat = (x - mean) / sqrt(var + epsilon);
                gamma / sqrt(var + epsilon) * dL/dy at inference

    Args:
        axis: the feature axis (default -1, channels-last).
        momentum: weight of the old value in the moving averages, in [0, 1] (default 0.99).
        epsilon: added to the variance, > 0 (default 1e-3; PyTorch's ``eps`` default is 1e-5).
        center: whether to learn the offset ``beta``.
        scale: whether to learn the factor ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers of the four weights.
        beta_regularizer, gamma_regularizer: optional penalties.

    Shape:
        Input: (N, ..., C) (C on ``axis``).  Output: same as input.
        gamma: (C,), trainable, ``gamma_initializer`` (ones).
        beta: (C,), trainable, ``beta_initializer`` (zeros).
        moving_mean: (C,), non-trainable, ``moving_mean_initializer`` (zeros).
        moving_variance: (C,), non-trainable, ``moving_variance_initializer`` (ones).

    Raises:
        ConfigError: for a bad hyper-parameter.
        ShapeError: in training, when a channel has a single value (a batch of one (1, F)
            sample): its variance is 0 and says nothing.

    Example:
        >>> bn = BatchNormalization()
        >>> bn(np.array([[1.0], [3.0]]), training=True).numpy().ravel()
        array([-0.9995...,  0.9995...], dtype=float32)
        >>> bn.moving_mean.numpy(), bn.moving_variance.numpy()
        (array([0.02], dtype=float32), array([1.], dtype=float32))

    Reference:
        Ioffe and Szegedy, 2015, https://arxiv.org/abs/1502.03167
    """

    _constraints = {
        "axis": INT,
        "momentum": _MOMENTUM,
        "epsilon": POSITIVE,
        "center": BOOL,
        "scale": BOOL,
    }

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        check_args(self)
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self._set_center_scale(center, scale, beta_initializer, gamma_initializer,
                               beta_regularizer, gamma_regularizer)  # fmt: skip
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        axis = _resolve_axis(self, self.axis, ndim)
        channels = (input_shape[axis],)
        self._add_center_scale(channels)
        self.moving_mean = self.add_weight(
            "moving_mean", channels, self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance", channels, self.moving_variance_initializer, trainable=False
        )
        self._reduction_axes = tuple(a for a in range(ndim) if a != axis)
        # why: per-channel vectors broadcast against x only when the channel axis is last.
        self._broadcast_shape = None if axis == ndim - 1 else tuple(
            input_shape[a] if a == axis else 1 for a in range(ndim)
        )  # fmt: skip
        self.input_spec = InputSpec(ndim=ndim, axes={axis: input_shape[axis]})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if training and self.trainable:
            self._check_batch(inputs.shape)
            if self._broadcast_shape is None:  # channels last: one fused node, same maths
                y, mean, variance = ops.batch_norm(
                    inputs, self.gamma, self.beta, epsilon=self.epsilon, return_stats=True
                )
                self._update_moving_statistics(mean, variance)
                return y
            mean = ops.mean(inputs, axis=self._reduction_axes, keepdims=True)
            variance = ops.var(inputs, axis=self._reduction_axes, keepdims=True)
            self._update_moving_statistics(mean.data, variance.data)
        else:
            mean = self._per_channel(self.moving_mean)
            variance = self._per_channel(self.moving_variance)
        gamma, beta = self._per_channel(self.gamma), self._per_channel(self.beta)
        return _affine_normalize(inputs, mean, variance, gamma, beta, self.epsilon)

    def _per_channel(self, weight: Tensor | None) -> Tensor | None:
        if weight is None or self._broadcast_shape is None:
            return weight
        return ops.reshape(weight, self._broadcast_shape)

    def _check_batch(self, shape: tuple[int, ...]) -> None:
        count = math.prod(shape[a] for a in self._reduction_axes)
        if count < 2:
            raise ShapeError(
                f"BatchNormalization '{self.name}': expected more than one value per channel "
                f"in training, got input of shape {shape} ({count} value per channel). The "
                "variance of one value is meaningless: train on batches of 2 or more samples, "
                "or call the layer with training=False."
            )

    def _update_moving_statistics(self, mean: np.ndarray, variance: np.ndarray) -> None:
        """The Keras update, in place on the weights' arrays (no graph is recorded)."""
        m = self.momentum
        for weight, batch_value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            new = weight.data * m + batch_value.reshape(weight.shape) * (1.0 - m)
            weight.data[...] = new

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            **self._center_scale_config(),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
        }


def _is_axes(value: Any) -> bool:
    def is_int(v: Any) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))

    if is_int(value):
        return True
    items = list(value) if isinstance(value, (list, tuple)) else []
    return len(items) > 0 and all(map(is_int, items))


@LAYERS.register("LayerNormalization")
class LayerNormalization(CenterScale, Layer):
    """Normalises each sample over ``axis`` (the features), independently of the batch.

    The same in training and at inference. ``gamma`` and ``beta`` span the normalised axes, as
    in Keras and ``torch.nn.LayerNorm(normalized_shape)`` (for trailing axes).

    Math:
        mean  = mean(x over axis),  var = mean((x - mean)**2 over axis)     (biased)
        y     = gamma * (x - mean) / sqrt(var + epsilon) + beta
        dL/dx = (by composition) gamma / sqrt(var + epsilon) * (g - mean(g) - xhat * mean(g *
                xhat)) with g = dL/dy, xhat = (x - mean) / sqrt(var + epsilon), means over axis

    Args:
        axis: an int or a list of ints, the axis or axes to normalise over (default -1).
        epsilon: added to the variance, > 0 (default 1e-3, Keras's; PyTorch's ``eps`` default
            is 1e-5).
        center: whether to learn the offset ``beta``.
        scale: whether to learn the factor ``gamma``.
        beta_initializer, gamma_initializer: default ``'zeros'`` and ``'ones'``.
        beta_regularizer, gamma_regularizer: optional penalties.

    Shape:
        Input: (N, ...).  Output: same as input.
        gamma: the input's sizes on ``axis`` (sorted), ``gamma_initializer`` (ones).
        beta: the same shape, ``beta_initializer`` (zeros).

    Raises:
        ConfigError: for a bad hyper-parameter.
        ShapeError: if an axis is the batch axis or out of range for the input.

    Reference:
        Ba et al., 2016, https://arxiv.org/abs/1607.06450
    """

    _constraints = {
        "axis": (_is_axes, "an int or a non-empty list of ints"),
        "epsilon": POSITIVE,
        "center": BOOL,
        "scale": BOOL,
    }

    def __init__(
        self,
        axis: int | Sequence[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale
        check_args(self)
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self._set_center_scale(center, scale, beta_initializer, gamma_initializer,
                               beta_regularizer, gamma_regularizer)  # fmt: skip
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        axes = sorted({_resolve_axis(self, a, ndim) for a in given})
        shape = tuple(input_shape[a] for a in axes)
        self._add_center_scale(shape)
        self._axes = tuple(axes)
        trailing = axes == list(range(ndim - len(axes), ndim))
        self._broadcast_shape = None if trailing else tuple(
            input_shape[a] if a in axes else 1 for a in range(ndim)
        )  # fmt: skip
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        mean = ops.mean(inputs, axis=self._axes, keepdims=True)
        variance = ops.var(inputs, axis=self._axes, keepdims=True)
        gamma, beta = self._spread(self.gamma), self._spread(self.beta)
        return _affine_normalize(inputs, mean, variance, gamma, beta, self.epsilon)

    def _spread(self, weight: Tensor | None) -> Tensor | None:
        if weight is None or self._broadcast_shape is None:
            return weight
        return ops.reshape(weight, self._broadcast_shape)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            **self._center_scale_config(),
        }
