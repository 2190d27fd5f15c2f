"""Pooling layers (Keras 3 names and defaults): MaxPooling1D/2D, AveragePooling1D/2D and the
global poolings, with Keras's aliases (MaxPool2D, AvgPool2D, GlobalAvgPool2D, ...).

The windowed poolings call ``ops.max_pool*d`` / ``ops.avg_pool*d``; the global ones are the
``mean`` and ``max`` reductions over the spatial axes.
"""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.errors import ShapeError
from glassnet.layers import _conv_args as args
from glassnet.layers.base import LAYERS, InputSpec, Layer, shape_text
from glassnet.tensor import Tensor

__all__ = [
    "AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D",
]  # fmt: skip


class _Pooling(Layer):
    """Windowed pooling: ``pool_size`` (default 2), ``strides`` (None: pool_size), ``padding``.

    Args:
        pool_size: an int or ``rank`` ints (default 2).
        strides: an int, ``rank`` ints, or None (default) for pool_size.
        padding: ``'valid'`` (default) or ``'same'`` (TF/Keras: output ceil(size / stride);
            padding never wins a max and is not counted in an average).
        data_format: ``'channels_last'`` or None.
    """

    _rank = 2
    _op: Any = None

    def __init__(
        self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
        data_format: str | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.pool_size = args.int_tuple(cls, "pool_size", pool_size, self._rank)
        strides = self.pool_size if strides is None else strides
        self.strides = args.int_tuple(cls, "strides", strides, self._rank)
        self.padding = args.padding_mode(cls, padding)
        self.data_format = args.data_format(cls, data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def build(self, input_shape: tuple) -> None:
        out = self.compute_output_shape(input_shape)[1:-1]
        if any(n is not None and n < 1 for n in out):
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected spatial sizes of at least "
                f"pool_size {self.pool_size} with padding='valid', got input of shape "
                f"{shape_text(input_shape)}. Use padding='same' or a smaller pool_size."
            )
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return self._op(
            inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        sizes = zip(input_shape[1:-1], self.pool_size, self.strides)
        spatial = [args.conv_output_length(n, k, self.padding, s) for n, k, s in sizes]
        return (input_shape[0], *spatial, input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
        }


@LAYERS.register("MaxPooling1D")
class MaxPooling1D(_Pooling):
    """Maximum over windows of a sequence. See ``_Pooling`` for the arguments.

    Shape:
        Input: (N, W, C).  Output: (N, Wo, C); valid: (W - pool) // strides + 1.
    """

    _rank = 1
    _op = staticmethod(ops.max_pool1d)


@LAYERS.register("MaxPooling2D")
class MaxPooling2D(_Pooling):
    """Maximum over windows of an image. See ``_Pooling`` for the arguments.

    Math:
        y[n, p, q, c] = max_{i, j} x[n, p*sh + i, q*sw + j, c];  the gradient goes to the
        first maximum of each window.

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, C); valid: (H - ph) // sh + 1, same:
        ceil(H / sh).

    Example:
        >>> MaxPooling2D()(np.ones((1, 28, 28, 3))).shape
        (1, 14, 14, 3)
    """

    _op = staticmethod(ops.max_pool2d)


@LAYERS.register("AveragePooling1D")
class AveragePooling1D(_Pooling):
    """Mean over windows of a sequence. See ``_Pooling`` for the arguments.

    Shape:
        Input: (N, W, C).  Output: (N, Wo, C), as MaxPooling1D.
    """

    _rank = 1
    _op = staticmethod(ops.avg_pool1d)


@LAYERS.register("AveragePooling2D")
class AveragePooling2D(_Pooling):
    """Mean over windows of an image. See ``_Pooling`` for the arguments.

    Shape:
        Input: (N, H, W, C).  Output: (N, Ho, Wo, C), as MaxPooling2D.
    """

    _op = staticmethod(ops.avg_pool2d)


class _GlobalPooling(Layer):
    """Reduce every spatial axis: ``keepdims=True`` keeps them with size 1.

    Args:
        data_format: ``'channels_last'`` or None.
        keepdims: keep the spatial axes (size 1) instead of dropping them (default False).
    """

    _rank = 2
    _reduce: Any = None

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = args.data_format(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        axes = tuple(range(1, self._rank + 1))
        return self._reduce(inputs, axis=axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self.keepdims:
            return (input_shape[0], *([1] * self._rank), input_shape[-1])
        return (input_shape[0], input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


@LAYERS.register("GlobalAveragePooling1D")
class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps of a sequence: (N, W, C) -> (N, C). See ``_GlobalPooling``."""

    _rank = 1
    _reduce = staticmethod(ops.mean)


@LAYERS.register("GlobalAveragePooling2D")
class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over the pixels of an image: (N, H, W, C) -> (N, C). See ``_GlobalPooling``.

    Example:
        >>> GlobalAveragePooling2D()(np.ones((2, 7, 7, 16))).shape
        (2, 16)
    """

    _reduce = staticmethod(ops.mean)


@LAYERS.register("GlobalMaxPooling1D")
class GlobalMaxPooling1D(_GlobalPooling):
    """Maximum over the steps of a sequence: (N, W, C) -> (N, C). See ``_GlobalPooling``."""

    _rank = 1
    _reduce = staticmethod(ops.max)


@LAYERS.register("GlobalMaxPooling2D")
class GlobalMaxPooling2D(_GlobalPooling):
    """Maximum over the pixels of an image: (N, H, W, C) -> (N, C). See ``_GlobalPooling``."""

    _reduce = staticmethod(ops.max)


MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
