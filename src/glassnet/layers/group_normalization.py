"""GroupNormalization and UnitNormalization (Keras 3 semantics), composites of glassnet ops.

Mapping to PyTorch: ``GroupNormalization(groups, epsilon=e)`` on channels-last (N, ..., C)
equals ``torch.nn.GroupNorm(groups, C, eps=e)`` on the channels-first input (N, C, ...), with
``gamma`` -> ``weight`` and ``beta`` -> ``bias``. Keras's epsilon default is 1e-3, PyTorch's
1e-5. ``UnitNormalization(axis)`` equals ``torch.nn.functional.normalize(x, dim=axis)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet import ops
from glassnet._constraints import is_int
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, INT, POSITIVE, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.normalization import CenterScale, _is_axes, _resolve_axis
from glassnet.tensor import Tensor

__all__ = ["GroupNormalization", "UnitNormalization"]


@LAYERS.register("GroupNormalization")
class GroupNormalization(CenterScale, Layer):
    """Normalises each sample over groups of channels, independently of the batch.

    The channels on ``axis`` are split into ``groups`` consecutive groups; each group of each
    sample is normalised with the mean and biased variance over its channels and every other
    non-batch axis. The same in training and at inference. ``groups=1`` normalises a sample as
    a whole; ``groups=-1`` (one group per channel) is instance normalization.

    Math:
        mean, var = mean and mean((x - mean)**2) over (spatial axes, channels of the group)
        y     = gamma * (x - mean) / sqrt(var + epsilon) + beta      (gamma, beta per channel)
        dL/dx follows by composition of mean, var, sqrt, multiply and add.

    Args:
        groups: the number of groups, an int >= 1 that divides the channel count, or -1
            (one group per channel); default 32.
        axis: the channel axis (default -1, channels-last).
        epsilon: added to the variance, > 0 (default 1e-3; PyTorch's ``eps`` is 1e-5).
        center: whether to learn the offset ``beta``.
        scale: whether to learn the factor ``gamma``.
        beta_initializer, gamma_initializer: default ``'zeros'`` and ``'ones'``.
        beta_regularizer, gamma_regularizer: optional penalties.

    Shape:
        Input: (N, ..., C) (C on ``axis``).  Output: same as input.
        gamma: (C,), ``gamma_initializer`` (ones).  beta: (C,), ``beta_initializer`` (zeros).

    Raises:
        ConfigError: for a bad hyper-parameter.
        ShapeError: when ``groups`` is more than, or does not divide, the channel count.

    Example:
        >>> layer = GroupNormalization(groups=2)
        >>> layer(np.array([[1.0, 3.0, 5.0, 9.0]])).numpy()
        array([[-0.9995...,  0.9995..., -0.9998...,  0.9998...]], dtype=float32)

    Reference:
        Wu and He, 2018, https://arxiv.org/abs/1803.08494
    """

    _constraints = {
        "groups": (lambda v: is_int(v) and (v >= 1 or v == -1), "an int >= 1, or -1"),
        "axis": INT,
        "epsilon": POSITIVE,
        "center": BOOL,
        "scale": BOOL,
    }

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
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
        self.groups, self.axis, self.epsilon = groups, axis, epsilon
        self.center, self.scale = center, scale
        check_args(self)
        self.groups, self.axis, self.epsilon = int(groups), int(axis), float(epsilon)
        self._set_center_scale(center, scale, beta_initializer, gamma_initializer,
                               beta_regularizer, gamma_regularizer)  # fmt: skip
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        axis = _resolve_axis(self, self.axis, ndim)
        channels = input_shape[axis]
        groups = channels if self.groups == -1 else self.groups
        if groups > channels or channels % groups:
            raise ShapeError(
                f"GroupNormalization '{self.name}': expected a channel count divisible by "
                f"groups={groups}, got {channels} channels on axis {axis}. Pass groups that "
                f"divide {channels} (e.g. 1 or {channels}), or -1 for one group per channel."
            )
        self._add_center_scale((channels,))
        self._axis, self._groups = axis, groups
        self._weight_shape = tuple(channels if a == axis else 1 for a in range(ndim))
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        shape, axis, groups = inputs.shape, self._axis, self._groups
        # split the channel axis into (groups, channels per group), then reduce over every
        # axis but the batch and the group axes.
        split = shape[:axis] + (groups, shape[axis] // groups) + shape[axis + 1 :]
        grouped = ops.reshape(inputs, split)
        axes = tuple(a for a in range(1, len(split)) if a != axis)
        mean = ops.mean(grouped, axis=axes, keepdims=True)
        variance = ops.var(grouped, axis=axes, keepdims=True)
        normed = ops.reshape((grouped - mean) / ops.sqrt(variance + self.epsilon), shape)
        if self.gamma is not None:
            normed = normed * ops.reshape(self.gamma, self._weight_shape)
        if self.beta is not None:
            normed = normed + ops.reshape(self.beta, self._weight_shape)
        return normed

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            **self._center_scale_config(),
        }


@LAYERS.register("UnitNormalization")
class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over ``axis``.

    Math:
        y     = x / max(||x||, 1e-12),   ||x|| = sqrt(sum(x**2 over axis))
        dL/dx = (g - y * sum(g * y over axis)) / ||x||   with g = dL/dy (when ||x|| > 1e-12)

    Args:
        axis: an int or a list of ints, the axis or axes to normalise over (default -1).

    Shape:
        Input: (N, ...).  Output: same as input.  No weights.

    Raises:
        ShapeError: if an axis is the batch axis or out of range for the input.

    Example:
        >>> UnitNormalization()(np.array([[3.0, 4.0]])).numpy()
        array([[0.6, 0.8]], dtype=float32)
    """

    _constraints = {"axis": (_is_axes, "an int or a non-empty list of ints")}

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        check_args(self)
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = tuple(sorted({_resolve_axis(self, a, ndim) for a in given}))
        self.input_spec = InputSpec(ndim=ndim)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        norm = ops.sqrt(ops.sum(inputs * inputs, axis=self._axes, keepdims=True))
        # why: Keras and torch clamp the norm at 1e-12 so a zero vector stays zero.
        return inputs / ops.maximum(norm, inputs.dtype.type(1e-12))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
