"""Convolution layers (Keras 3 names, defaults and kernel layouts): Conv1D, Conv2D,
Conv2DTranspose. Depthwise and separable convolutions are in ``depthwise.py``.

Each ``call`` is one fused op (``ops.conv1d``, ``ops.conv2d``, ``ops.conv2d_transpose``):
convolution, bias and a relu/sigmoid/tanh activation in one graph node; other activations
are applied after it.
"""

from __future__ import annotations

from typing import Any

from glassnet import activations, initializers, ops, regularizers
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import _conv_args as args
from glassnet.layers.base import LAYERS, InputSpec, Layer, shape_text
from glassnet.tensor import Tensor

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "Convolution1D", "Convolution2D"]


class ActivationTail:
    """The end of every convolution layer's call: unfused activation, activity penalty."""

    activation: Any
    activity_regularizer: Any
    _fused: str | None

    def _finish(self, y: Tensor) -> Tensor:
        if self._fused is None:
            y = self.activation(y)
        if self.activity_regularizer is not None:
            self._activity_losses = [self.activity_regularizer(y)]
        return y


class BaseConv(ActivationTail, Layer):
    """Shared arguments, weights and shapes of Conv1D, Conv2D and Conv2DTranspose.

    Args:
        filters: number of output channels.
        kernel_size: an int or ``rank`` ints.
        strides: an int or ``rank`` ints (default 1); strides > 1 and dilation_rate > 1
            cannot be combined (as in Keras).
        padding: ``'valid'`` (default) or ``'same'`` (TF/Keras: output ceil(size / stride),
            an odd total puts the extra zero after); Conv1D also takes ``'causal'``.
        data_format: ``'channels_last'`` or None (glassnet is channels-last).
        dilation_rate: an int or ``rank`` ints (default 1).
        groups: split input channels and filters into this many groups (default 1).
        activation: name or function (default: none). relu, sigmoid and tanh are fused.
        use_bias: whether to add a bias (default True).
        kernel_initializer: default ``'glorot_uniform'`` (fans count the kernel window).
        bias_initializer: default ``'zeros'``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
    """

    _rank = 2

    def __init__(
        self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
        data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1,
        activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
        bias_regularizer: Any = None, activity_regularizer: Any = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        cls, rank = type(self).__name__, self._rank
        self.filters = args.positive_int(cls, "filters", filters)
        self.kernel_size = args.int_tuple(cls, "kernel_size", kernel_size, rank)
        self.strides = args.int_tuple(cls, "strides", strides, rank)
        self.padding = args.padding_mode(cls, padding, allow_causal=rank == 1)
        self.data_format = args.data_format(cls, data_format)
        self.dilation_rate = args.int_tuple(cls, "dilation_rate", dilation_rate, rank)
        self.groups = args.positive_int(cls, "groups", groups)
        args.no_strided_dilation(cls, self.strides, self.dilation_rate)
        if self.filters % self.groups:
            raise ConfigError(
                f"{cls}: expected filters ({self.filters}) divisible by groups ({self.groups}). "
                "Change filters or groups."
            )
        self.activation = activations.get(activation)
        self._fused = args.fused_name(self.activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        return self.kernel_size + (channels // self.groups, self.filters)

    def build(self, input_shape: tuple) -> None:
        channels = input_shape[-1]
        if channels % self.groups:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected input channels divisible by "
                f"groups={self.groups}, got input of shape {shape_text(input_shape)}. Change "
                "groups or the channels of the previous layer."
            )
        self._check_fits(input_shape)
        self.kernel = self.add_weight(
            "kernel", self._kernel_shape(channels), self.kernel_initializer,
            self.kernel_regularizer,
        )  # fmt: skip
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (self.filters,), self.bias_initializer, self.bias_regularizer
            )
        self.input_spec = InputSpec(ndim=self._rank + 2, axes={-1: channels})
        self.built = True

    def _check_fits(self, input_shape: tuple) -> None:
        """A ShapeError naming the layer when the window does not fit the input."""
        out = self.compute_output_shape(input_shape)[1:-1]
        if any(n is not None and n < 1 for n in out):
            reach = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected spatial sizes of at least "
                f"{reach} (the kernel's reach) with padding='{self.padding}', got input of shape "
                f"{shape_text(input_shape)}. Use padding='same', a smaller kernel_size or a "
                "larger input."
            )

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        conv = ops.conv1d if self._rank == 1 else ops.conv2d
        y = conv(
            inputs, self.kernel, self.bias, strides=self.strides, padding=self.padding,
            dilation_rate=self.dilation_rate, groups=self.groups,
            activation=self._fused or "linear",
        )  # fmt: skip
        return self._finish(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = [
            args.conv_output_length(n, k, self.padding, s, d)
            for n, k, s, d in zip(
                input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate
            )
        ]
        return (input_shape[0], *spatial, self.filters)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": args.serialize_regularizer(self.kernel_regularizer),
            "bias_regularizer": args.serialize_regularizer(self.bias_regularizer),
            "activity_regularizer": args.serialize_regularizer(self.activity_regularizer),
        }


@LAYERS.register("Conv1D")
class Conv1D(BaseConv):
    """1-D convolution over sequences (temporal convolution). See ``BaseConv`` for the args.

    Math:
        y[n, t, o] = activation(sum_{i, c} xp[n, t*s + i*d, c] * kernel[i, c, o] + bias[o])

    Shape:
        Input: (N, W, C).  Output: (N, Wo, filters); Wo = ceil(W / s) for 'same' and
        'causal', (W - (K - 1) * d - 1) // s + 1 for 'valid'.
        kernel: (K, C / groups, filters).  bias: (filters,).

    Example:
        >>> Conv1D(4, 3, padding="causal")(np.ones((2, 10, 1))).shape
        (2, 10, 4)
    """

    _rank = 1


@LAYERS.register("Conv2D")
class Conv2D(BaseConv):
    """2-D convolution over images (N, H, W, C). See ``BaseConv`` for the args.

    Math:
        y[n, p, q, o] = activation(sum_{i, j, c} xp[n, p*sh + i*dh, q*sw + j*dw, c]
                                   * kernel[i, j, c, o] + bias[o])

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, filters); Ho = ceil(H / sh) for 'same',
        (H - (KH - 1) * dh - 1) // sh + 1 for 'valid'.
        kernel: (KH, KW, C / groups, filters), ``kernel_initializer``.
        bias: (filters,), ``bias_initializer``.

    Example:
        >>> Conv2D(8, (3, 3), activation="relu")(np.ones((2, 28, 28, 1))).shape
        (2, 26, 26, 8)
    """

    _rank = 2


@LAYERS.register("Conv2DTranspose")
class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution ("deconvolution"): the gradient of a Conv2D with respect to
    its input, used to upsample. Keras's output sizes and kernel layout.

    Args:
        output_padding: None (default: Keras picks the size below) or an int or 2 ints, each
            smaller than the stride: extra rows/columns at the end of the output.
        The others: see ``BaseConv`` (no ``groups``).

    Math:
        See ``glassnet.ops.conv2d_transpose``.

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, filters) with, per axis (k_eff =
        (K - 1) * d + 1): 'same': H * s; 'valid': (H - 1) * s + max(k_eff, s); with
        output_padding p: 'valid': (H - 1) * s + k_eff + p, 'same': (H - 1) * s + k_eff % 2 + p.
        kernel: (KH, KW, filters, C) (PyTorch: (C, filters, KH, KW)).  bias: (filters,).

    Example:
        >>> Conv2DTranspose(4, 3, strides=2, padding="same")(np.ones((1, 5, 5, 2))).shape
        (1, 10, 10, 4)
    """

    def __init__(
        self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
        output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        if "groups" in kwargs:
            raise ConfigError(
                f"{type(self).__name__}: unexpected argument(s) groups. Transposed convolutions "
                "have no groups (as in Keras)."
            )
        super().__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, **kwargs,
        )  # fmt: skip
        self.output_padding = None
        if output_padding is not None:
            cls = type(self).__name__
            self.output_padding = args.int_tuple(cls, "output_padding", output_padding, 2, 0)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ConfigError(
                    f"{cls}: expected output_padding smaller than strides {self.strides} on "
                    f"each axis, got {self.output_padding}. Lower it or use None."
                )

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        return self.kernel_size + (self.filters, channels)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        y = ops.conv2d_transpose(
            inputs, self.kernel, self.bias, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, dilation_rate=self.dilation_rate,
            activation=self._fused or "linear",
        )  # fmt: skip
        return self._finish(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        extra = self.output_padding or (None, None)
        spatial = []
        for n, k, s, d, p in zip(
            input_shape[1:3], self.kernel_size, self.strides, self.dilation_rate, extra
        ):
            k_eff = (k - 1) * d + 1
            if n is None:
                spatial.append(None)
            elif self.padding == "valid":
                spatial.append((n - 1) * s + (max(k_eff, s) if p is None else k_eff + p))
            else:
                spatial.append(n * s if p is None else (n - 1) * s + k_eff % 2 + p)
        return (input_shape[0], *spatial, self.filters)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("groups")
        out = None if self.output_padding is None else list(self.output_padding)
        return {**config, "output_padding": out}


Convolution1D = Conv1D
Convolution2D = Conv2D
