"""Sequence reshaping layers (Keras 3 names and defaults): UpSampling1D and Cropping1D.

No weights; their gradients come from ``ops.reshape`` (a broadcast copy) and ``ops.getitem``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers.base import LAYERS, InputSpec, Layer, shape_text
from glassnet.tensor import Tensor

__all__ = ["Cropping1D", "UpSampling1D"]


@LAYERS.register("UpSampling1D")
class UpSampling1D(Layer):
    """Repeats each time step ``size`` times along the time axis.

    Math:
        y[n, t * size + k, c] = x[n, t, c]   for k in 0 .. size - 1
        dL/dx[n, t, c] = sum over k of dL/dy[n, t * size + k, c]

    Args:
        size: the repetition factor, an int >= 1 (default 2).

    Shape:
        Input: (N, T, C).  Output: (N, T * size, C).  No weights.

    Example:
        >>> UpSampling1D(3)(np.arange(2.0).reshape(1, 2, 1)).numpy().ravel()
        array([0., 0., 0., 1., 1., 1.], dtype=float32)
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not (is_int(size) and size >= 1):
            raise ConfigError(
                f"The 'size' argument of UpSampling1D must be an int >= 1. Got {size!r}."
            )
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        n, t, c = inputs.shape
        # why: (N, T, 1, C) * ones(size) broadcasts to (N, T, size, C), whose reshape repeats
        # each step; the multiply's backward sums the copies back.
        ones = Tensor(np.ones((1, 1, self.size, 1), dtype=inputs.dtype))
        wide = ops.reshape(inputs, (n, t, 1, c)) * ones
        return ops.reshape(wide, (n, t * self.size, c))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        t = input_shape[1]
        return (input_shape[0], None if t is None else t * self.size, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size}


@LAYERS.register("Cropping1D")
class Cropping1D(Layer):
    """Cuts time steps off the start and end of each sequence.

    Args:
        cropping: an int (both ends) or a (start, end) pair of ints >= 0 (default (1, 1)).

    Shape:
        Input: (N, T, C).  Output: (N, T - start - end, C).  No weights.

    Raises:
        ShapeError: when the crop leaves no time steps.

    Example:
        >>> Cropping1D((1, 2))(np.ones((2, 6, 3))).shape
        (2, 3, 3)
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pair = (cropping, cropping) if is_int(cropping) else cropping
        if not (
            isinstance(pair, (tuple, list))
            and len(pair) == 2
            and all(is_int(v) and v >= 0 for v in pair)
        ):
            raise ConfigError(
                "The 'cropping' argument of Cropping1D must be an int or a (start, end) pair "
                f"of ints >= 0. Got {cropping!r}."
            )
        self.cropping = (int(pair[0]), int(pair[1]))
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: tuple) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        start, end = self.cropping
        return ops.getitem(inputs, (slice(None), slice(start, inputs.shape[1] - end)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        t = input_shape[1]
        start, end = self.cropping
        if t is not None and t - start - end < 1:
            raise ShapeError(
                f"Cropping1D '{self.name}': expected more than {start + end} time steps to "
                f"crop {self.cropping}, got shape {shape_text(input_shape)}. Crop less."
            )
        return (input_shape[0], None if t is None else t - start - end, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": list(self.cropping)}
