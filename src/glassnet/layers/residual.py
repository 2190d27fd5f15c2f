"""Residual blocks (He et al., 2016): ``y = shortcut(x) + F(x)``, dense and convolutional.

Both are *pre-activation* blocks (He et al.'s "Identity Mappings in Deep Residual Networks",
ResNet v2): normalization and activation come before each weight layer, and nothing comes
after the addition, so the shortcut carries the gradient to earlier blocks unchanged:

    dL/dx = dL/dy + dL/dy . dF/dx

A stack of plain layers multiplies the gradient by one Jacobian per layer and, with
saturating activations, shrinks it geometrically; the identity term above does not shrink.

The blocks are layers (registered, configurable, savable) built from other layers (Dense or
Conv2D, BatchNormalization); their weights are the sublayers' weights, in build order.
"""

from __future__ import annotations

from typing import Any

from glassnet import activations, initializers
from glassnet.layers._checks import BOOL, POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.convolutional import Conv2D
from glassnet.layers.core import Dense
from glassnet.layers.normalization import BatchNormalization
from glassnet.tensor import Tensor

__all__ = ["ResidualBlock", "ResidualConvBlock"]


class _Residual(Layer):
    """What both blocks share: sublayers adopted in order, the pre-activation, the config."""

    _constraints = {"batch_normalization": BOOL}

    def _sub(self, layer: Layer, shape: tuple) -> Layer:
        layer._build_once(shape)
        self._weights.extend(layer._weights)
        self._trainable_flags.extend(layer._trainable_flags)
        self._regularizers.extend(layer._regularizers)
        return layer

    def _preact(self, norm: Layer | None, x: Tensor, training: bool | None) -> Tensor:
        return self.activation(x if norm is None else norm(x, training=training))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
            "batch_normalization": self.batch_normalization,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
        }


@LAYERS.register("ResidualBlock")
class ResidualBlock(_Residual):
    """A pre-activation residual block of two Dense layers.

    Math:
        a = activation(BN1(x))                    (BN: BatchNormalization, if enabled)
        F = Dense2(activation(BN2(Dense1(a))))
        y = x + F                                 when x has ``units`` features
        y = P a + F                               otherwise (P: a Dense projection, no bias)

    Args:
        units: width of both Dense layers and of the output.
        activation: default ``'relu'``.
        batch_normalization: put a BatchNormalization before each activation (default True).
        kernel_initializer: of the Dense layers (default ``'glorot_uniform'``).

    Shape:
        Input: (N, F).  Output: (N, units).
        Weights, in order: [BN1 gamma, beta, moving_mean, moving_variance], Dense1 kernel
        (F, units) and bias, [BN2 ...], Dense2 kernel (units, units) and bias, [projection
        kernel (F, units) when F != units].

    Example:
        >>> block = ResidualBlock(8)
        >>> block(np.ones((2, 8), np.float32)).shape, len(block.weights)
        ((2, 8), 12)

    Reference:
        He, Zhang, Ren and Sun, "Identity Mappings in Deep Residual Networks", ECCV 2016.
    """

    _constraints = {**_Residual._constraints, "units": POSITIVE_INT}

    def __init__(self, units: int, activation: Any = "relu", batch_normalization: bool = True,
                 kernel_initializer: Any = "glorot_uniform", **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.units, self.batch_normalization = units, batch_normalization
        check_args(self)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.input_spec = InputSpec(ndim=2)

    def build(self, input_shape: tuple) -> None:
        features, u, name = input_shape[-1], self.units, self.name
        bn = self.batch_normalization
        self.norm1 = (
            self._sub(BatchNormalization(name=f"{name}_bn1", dtype=self.dtype), input_shape)
            if bn
            else None
        )
        init = {"kernel_initializer": self.kernel_initializer, "dtype": self.dtype}
        self.dense1 = self._sub(Dense(u, name=f"{name}_dense1", **init), input_shape)
        self.norm2 = (
            self._sub(BatchNormalization(name=f"{name}_bn2", dtype=self.dtype), (None, u))
            if bn
            else None
        )
        self.dense2 = self._sub(Dense(u, name=f"{name}_dense2", **init), (None, u))
        self.projection = None
        if features != u:
            self.projection = self._sub(
                Dense(u, use_bias=False, name=f"{name}_projection", **init), input_shape
            )
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        a = self._preact(self.norm1, inputs, training)
        shortcut = inputs if self.projection is None else self.projection(a)
        h = self._preact(self.norm2, self.dense1(a), training)
        return shortcut + self.dense2(h)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.units)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units}


@LAYERS.register("ResidualConvBlock")
class ResidualConvBlock(_Residual):
    """A pre-activation residual block of two 3x3 convolutions ('same' padding).

    Math:
        a = activation(BN1(x))
        F = Conv2(activation(BN2(Conv1(a))))      Conv1 has ``strides``; Conv2 stride 1
        y = x + F                                 when x has ``filters`` channels, stride 1
        y = P a + F                               otherwise (P: 1x1 Conv2D with ``strides``)

    Args:
        filters: output channels of both convolutions.
        kernel_size: default 3.
        strides: of the first convolution and the projection (default 1; 2 halves H and W).
        activation, batch_normalization, kernel_initializer: as for ``ResidualBlock``.

    Shape:
        Input: (N, H, W, C).  Output: (N, ceil(H / strides), ceil(W / strides), filters).

    Example:
        >>> block = ResidualConvBlock(4, strides=2)
        >>> block(np.ones((1, 8, 8, 2), np.float32)).shape
        (1, 4, 4, 4)

    Reference:
        He, Zhang, Ren and Sun, "Identity Mappings in Deep Residual Networks", ECCV 2016.
    """

    _constraints = {**_Residual._constraints, "filters": POSITIVE_INT,
                    "kernel_size": POSITIVE_INT, "strides": POSITIVE_INT}  # fmt: skip

    def __init__(self, filters: int, kernel_size: int = 3, strides: int = 1,
                 activation: Any = "relu", batch_normalization: bool = True,
                 kernel_initializer: Any = "glorot_uniform", **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
        self.batch_normalization = batch_normalization
        check_args(self)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape: tuple) -> None:
        f, name, bn = self.filters, self.name, self.batch_normalization
        init = {"kernel_initializer": self.kernel_initializer, "dtype": self.dtype,
                "padding": "same"}  # fmt: skip
        self.norm1 = (
            self._sub(BatchNormalization(name=f"{name}_bn1", dtype=self.dtype), input_shape)
            if bn
            else None
        )
        conv1 = Conv2D(f, self.kernel_size, self.strides, name=f"{name}_conv1", **init)
        self.conv1 = self._sub(conv1, input_shape)
        inner = conv1.compute_output_shape(input_shape)
        self.norm2 = (
            self._sub(BatchNormalization(name=f"{name}_bn2", dtype=self.dtype), inner)
            if bn
            else None
        )
        self.conv2 = self._sub(Conv2D(f, self.kernel_size, name=f"{name}_conv2", **init), inner)
        self.projection = None
        if input_shape[-1] != f or self.strides != 1:
            projection = Conv2D(f, 1, self.strides, use_bias=False, name=f"{name}_projection",
                                **init)  # fmt: skip
            self.projection = self._sub(projection, input_shape)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        a = self._preact(self.norm1, inputs, training)
        shortcut = inputs if self.projection is None else self.projection(a)
        h = self._preact(self.norm2, self.conv1(a), training)
        return shortcut + self.conv2(h)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, _ = input_shape
        s = self.strides
        return (n, None if h is None else -(-h // s), None if w is None else -(-w // s),
                self.filters)  # fmt: skip

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides}  # fmt: skip
