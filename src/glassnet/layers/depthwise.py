"""Depthwise and separable 2-D convolutions (Keras 3 names, defaults and weight layouts).

Both run on ``ops.conv2d`` with ``groups`` equal to the input channels: the depthwise kernel
``(KH, KW, C, M)`` is the grouped kernel ``(KH, KW, 1, C * M)`` read in the same memory order,
so output channel ``c * M + m`` is input channel c filtered by its m-th kernel, as in Keras.
"""

from __future__ import annotations

from typing import Any

from glassnet import activations, initializers, ops, regularizers
from glassnet.errors import ShapeError
from glassnet.layers import _conv_args as args
from glassnet.layers.base import LAYERS, InputSpec, Layer, shape_text
from glassnet.layers.convolutional import ActivationTail
from glassnet.tensor import Tensor

__all__ = ["DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D"]


class _DepthwiseBase(ActivationTail, Layer):
    """The arguments and the depthwise step shared by DepthwiseConv2D and SeparableConv2D."""

    def __init__(
        self, kernel_size: Any, strides: Any = 1, padding: str = "valid",
        depth_multiplier: int = 1, data_format: str | None = None, dilation_rate: Any = 1,
        activation: Any = None, use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None, bias_regularizer: Any = None,
        activity_regularizer: Any = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.kernel_size = args.int_tuple(cls, "kernel_size", kernel_size, 2)
        self.strides = args.int_tuple(cls, "strides", strides, 2)
        self.padding = args.padding_mode(cls, padding)
        self.depth_multiplier = args.positive_int(cls, "depth_multiplier", depth_multiplier)
        self.data_format = args.data_format(cls, data_format)
        self.dilation_rate = args.int_tuple(cls, "dilation_rate", dilation_rate, 2)
        args.no_strided_dilation(cls, self.strides, self.dilation_rate)
        self.activation = activations.get(activation)
        self._fused = args.fused_name(self.activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = InputSpec(ndim=4)

    def _check_channels(self, input_shape: tuple) -> None:
        if input_shape[-1] == 0:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected at least one input channel, got "
                f"input of shape {shape_text(input_shape)}. Pass images of shape (N, H, W, C) "
                "with C >= 1."
            )

    def _spatial(self, input_shape: tuple) -> list[int | None]:
        sizes = zip(input_shape[1:3], self.kernel_size, self.strides, self.dilation_rate)
        out = [args.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in sizes]
        if any(n is not None and n < 1 for n in out):
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected spatial sizes of at least the "
                f"kernel's reach {self.kernel_size} (dilation {self.dilation_rate}) with "
                f"padding='{self.padding}', got input of shape {shape_text(input_shape)}. Use "
                "padding='same', a smaller kernel_size or a larger input."
            )
        return out

    def _depthwise(self, inputs: Tensor, kernel: Tensor, bias: Tensor | None, act: str) -> Tensor:
        kh, kw, c, m = kernel.shape
        grouped = ops.reshape(kernel, (kh, kw, 1, c * m))
        return ops.conv2d(
            inputs, grouped, bias, strides=self.strides, padding=self.padding,
            dilation_rate=self.dilation_rate, groups=c, activation=act,
        )  # fmt: skip

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "depth_multiplier": self.depth_multiplier,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": args.serialize_regularizer(self.depthwise_regularizer),
            "bias_regularizer": args.serialize_regularizer(self.bias_regularizer),
            "activity_regularizer": args.serialize_regularizer(self.activity_regularizer),
        }


@LAYERS.register("DepthwiseConv2D")
class DepthwiseConv2D(_DepthwiseBase):
    """Convolves each input channel with its own ``depth_multiplier`` kernels.

    Args:
        kernel_size: an int or 2 ints.
        strides, padding, data_format, dilation_rate, activation, use_bias: as ``Conv2D``.
        depth_multiplier: output channels per input channel (default 1).
        depthwise_initializer: default ``'glorot_uniform'``.  bias_initializer: ``'zeros'``.
        depthwise_regularizer, bias_regularizer, activity_regularizer: optional penalties.

    Math:
        y[n, p, q, c*M + m] = activation(sum_{i, j} xp[n, p*sh + i*dh, q*sw + j*dw, c]
                                         * kernel[i, j, c, m] + bias[c*M + m])

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, C * depth_multiplier), Ho as in Conv2D.
        kernel: (KH, KW, C, depth_multiplier) (PyTorch groups=C: (C * M, 1, KH, KW)).
        bias: (C * depth_multiplier,).

    Example:
        >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 5, 5, 3))).shape
        (1, 3, 3, 6)
    """

    def build(self, input_shape: tuple) -> None:
        channels = input_shape[-1]
        self._check_channels(input_shape)
        self._spatial(input_shape)
        self.kernel = self.add_weight(
            "kernel", self.kernel_size + (channels, self.depth_multiplier),
            self.depthwise_initializer, self.depthwise_regularizer,
        )  # fmt: skip
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (channels * self.depth_multiplier,), self.bias_initializer,
                self.bias_regularizer,
            )  # fmt: skip
        self.input_spec = InputSpec(ndim=4, axes={-1: channels})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        y = self._depthwise(inputs, self.kernel, self.bias, self._fused or "linear")
        return self._finish(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        channels = input_shape[-1] * self.depth_multiplier
        return (input_shape[0], *self._spatial(input_shape), channels)


@LAYERS.register("SeparableConv2D")
class SeparableConv2D(_DepthwiseBase):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution that mixes channels.

    Args:
        filters: output channels of the pointwise step.
        pointwise_initializer: default ``'glorot_uniform'``.
        pointwise_regularizer: optional penalty.
        The others: as ``DepthwiseConv2D`` (the bias belongs to the pointwise step).

    Math:
        h = depthwise(x, depthwise_kernel)                       (no bias, no activation)
        y = activation(h @ pointwise_kernel[0, 0] + bias)        (per pixel)

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, filters), Ho as in Conv2D.
        depthwise_kernel: (KH, KW, C, depth_multiplier).
        pointwise_kernel: (1, 1, C * depth_multiplier, filters).  bias: (filters,).

    Example:
        >>> SeparableConv2D(8, 3, padding="same")(np.ones((1, 6, 6, 3))).shape
        (1, 6, 6, 8)
    """

    def __init__(
        self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
        data_format: str | None = None, dilation_rate: Any = 1, depth_multiplier: int = 1,
        pointwise_initializer: Any = "glorot_uniform", pointwise_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(
            kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
            data_format=data_format, dilation_rate=dilation_rate, **kwargs,
        )  # fmt: skip
        self.filters = args.positive_int(type(self).__name__, "filters", filters)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)

    def build(self, input_shape: tuple) -> None:
        channels = input_shape[-1]
        self._check_channels(input_shape)
        self._spatial(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            self.depthwise_initializer, self.depthwise_regularizer,
        )  # fmt: skip
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1, 1, channels * self.depth_multiplier, self.filters),
            self.pointwise_initializer, self.pointwise_regularizer,
        )  # fmt: skip
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (self.filters,), self.bias_initializer, self.bias_regularizer
            )
        self.input_spec = InputSpec(ndim=4, axes={-1: channels})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        h = self._depthwise(inputs, self.depthwise_kernel, None, "linear")
        y = ops.conv2d(h, self.pointwise_kernel, self.bias, activation=self._fused or "linear")
        return self._finish(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], *self._spatial(input_shape), self.filters)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "pointwise_regularizer": args.serialize_regularizer(self.pointwise_regularizer),
        }


SeparableConvolution2D = SeparableConv2D
