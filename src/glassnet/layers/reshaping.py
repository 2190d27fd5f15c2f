"""Reshaping layers (Keras 3 names and defaults): ZeroPadding1D, ZeroPadding2D,
UpSampling2D, Cropping2D, RepeatVector, Permute. No weights; their gradients come from
``ops.pad``, ``ops.upsampling2d``, ``ops.getitem``, ``ops.multiply`` and ``ops.transpose``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import _conv_args as args
from glassnet.layers._checks import POSITIVE_INT, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer, shape_text
from glassnet.tensor import Tensor

__all__ = [
    "Cropping2D", "Permute", "RepeatVector", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D",
]  # fmt: skip


def _pairs(cls: str, name: str, value: Any, rank: int) -> tuple[tuple[int, int], ...]:
    """Keras's padding/cropping forms: an int (every side), ``rank`` ints (symmetric per
    axis; for rank 1, the (before, after) pair), or ``rank`` (before, after) pairs."""
    if is_int(value):
        value = (value,) * rank if rank > 1 else (value, value)
    items = list(value) if isinstance(value, (tuple, list)) else []
    if rank == 1 and len(items) == 2 and all(is_int(v) for v in items):
        items = [tuple(items)]
    pairs = [(v, v) if is_int(v) else v for v in items]
    ok = len(pairs) == rank and all(
        isinstance(p, (tuple, list)) and len(p) == 2 and all(is_int(v) and v >= 0 for v in p)
        for p in pairs
    )
    if not ok:
        forms = "an int or a (before, after) pair" if rank == 1 else (
            f"an int, {rank} ints, or {rank} (before, after) pairs"
        )  # fmt: skip
        raise ConfigError(
            f"The '{name}' argument of {cls} must be {forms} of ints >= 0. Got {value!r}."
        )
    return tuple((int(a), int(b)) for a, b in pairs)


class _ZeroPadding(Layer):
    _rank = 2

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.padding = _pairs(cls, "padding", padding, self._rank)
        self.data_format = args.data_format(cls, data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return ops.pad(inputs, ((0, 0), *self.padding, (0, 0)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = [
            None if n is None else n + lo + hi
            for n, (lo, hi) in zip(input_shape[1:-1], self.padding)
        ]
        return (input_shape[0], *spatial, input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        padding = [list(p) for p in self.padding]
        return {
            **super().get_config(),
            "padding": padding[0] if self._rank == 1 else padding,
            "data_format": self.data_format,
        }


@LAYERS.register("ZeroPadding1D")
class ZeroPadding1D(_ZeroPadding):
    """Adds zeros at the start and end of each sequence.

    Args:
        padding: an int (both ends, default 1) or a (before, after) pair.
        data_format: ``'channels_last'`` or None.

    Shape:
        Input: (N, W, C).  Output: (N, before + W + after, C).

    Example:
        >>> ZeroPadding1D(1)(np.ones((2, 40, 1))).shape
        (2, 42, 1)
    """

    _rank = 1


@LAYERS.register("ZeroPadding2D")
class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around each image.

    Args:
        padding: an int (every side, default 1), (rows, cols) (symmetric), or
            ((top, bottom), (left, right)).
        data_format: ``'channels_last'`` or None.

    Shape:
        Input: (N, H, W, C).  Output: (N, top + H + bottom, left + W + right, C).
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


@LAYERS.register("UpSampling2D")
class UpSampling2D(Layer):
    """Repeats rows and columns (``'nearest'``) or interpolates them (``'bilinear'``).

    Args:
        size: an int or (rows, cols) factors (default (2, 2)).
        data_format: ``'channels_last'`` or None.
        interpolation: ``'nearest'`` (default) or ``'bilinear'`` (half-pixel centres, like
            Keras's resize and PyTorch's ``align_corners=False``).

    Shape:
        Input: (N, H, W, C).  Output: (N, H * rows, W * cols, C).

    Example:
        >>> UpSampling2D()(np.ones((1, 3, 4, 2))).shape
        (1, 6, 8, 2)
    """

    def __init__(
        self, size: Any = (2, 2), data_format: str | None = None,
        interpolation: str = "nearest", **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.size = args.int_tuple(cls, "size", size, 2)
        self.data_format = args.data_format(cls, data_format)
        if interpolation not in ("nearest", "bilinear"):
            raise ConfigError(
                f"The 'interpolation' argument of {cls} must be 'nearest' or 'bilinear'. "
                f"Got {interpolation!r}."
            )
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return ops.upsampling2d(inputs, self.size, self.interpolation)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = [None if n is None else n * s for n, s in zip(input_shape[1:3], self.size)]
        return (input_shape[0], *spatial, input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": list(self.size),
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }


@LAYERS.register("Cropping2D")
class Cropping2D(Layer):
    """Cuts rows and columns off the edges of each image.

    Args:
        cropping: an int (every side), (rows, cols) (symmetric), or ((top, bottom),
            (left, right)) (default: none).
        data_format: ``'channels_last'`` or None.

    Shape:
        Input: (N, H, W, C).  Output: (N, H - top - bottom, W - left - right, C).

    Raises:
        ShapeError: when the crop leaves no rows or columns.
    """

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.cropping = _pairs(cls, "cropping", cropping, 2)
        self.data_format = args.data_format(cls, data_format)
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape: tuple) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        (top, bottom), (left, right) = self.cropping
        _, h, w, _ = inputs.shape
        return ops.getitem(inputs, (slice(None), slice(top, h - bottom), slice(left, w - right)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = []
        for n, (lo, hi) in zip(input_shape[1:3], self.cropping):
            if n is not None and n - lo - hi < 1:
                raise ShapeError(
                    f"Cropping2D '{self.name}': expected an input larger than the cropping "
                    f"{self.cropping}, got shape {shape_text(input_shape)}. Crop less."
                )
            spatial.append(None if n is None else n - lo - hi)
        return (input_shape[0], *spatial, input_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "cropping": [list(p) for p in self.cropping],
            "data_format": self.data_format,
        }


@LAYERS.register("RepeatVector")
class RepeatVector(Layer):
    """Repeats each input vector ``n`` times along a new time axis (for example to feed an
    encoder's summary to every step of a decoder).

    Args:
        n: the number of repetitions.

    Shape:
        Input: (N, F).  Output: (N, n, F).

    Example:
        >>> RepeatVector(3)(np.ones((2, 4))).shape
        (2, 3, 4)
    """

    _constraints = {"n": POSITIVE_INT}

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = n
        check_args(self)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        ones = Tensor(np.ones((1, self.n, 1), inputs.dtype))  # broadcast: backward sums the copies
        return ops.multiply(ops.expand_dims(inputs, 1), ones)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


@LAYERS.register("Permute")
class Permute(Layer):
    """Reorders the axes of each sample (the batch axis stays first).

    Args:
        dims: a permutation of 1..k, the input axis that each output axis takes; axes count
            from 1, as in Keras (0 is the batch axis).

    Shape:
        Input: (N, d1, ..., dk).  Output: (N, d[dims[0]], ..., d[dims[k-1]]).

    Example:
        >>> Permute((2, 1))(np.ones((2, 3, 4))).shape
        (2, 4, 3)
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        items = list(dims) if isinstance(dims, (tuple, list)) else None
        if (
            not items
            or not all(is_int(d) for d in items)
            or sorted(items) != list(range(1, len(items) + 1))
        ):
            raise ConfigError(
                f"The 'dims' argument of Permute must be a permutation of 1..k (axes count "
                f"from 1; the batch axis 0 stays first), for example (2, 1). Got {dims!r}."
            )
        self.dims = tuple(int(d) for d in items)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": list(self.dims)}
