"""``Normalization``: the Keras 3 preprocessing layer that standardises features.

Its statistics come either from the constructor (``mean=``, ``variance=``) or from
``adapt(data)``, which computes them from a NumPy array or from batches (a ``PyDataset`` or
any iterable of arrays or ``(x, y)`` tuples). Adapted statistics are two non-trainable
weights, ``mean`` and ``variance``, so they are saved and loaded with the model.

Keras's conventions, kept here: the variance is the biased (population) one,
``mean((x - mean)**2)``, and the standard deviation is clamped below at Keras's
``epsilon()`` = 1e-7, not added to the variance. Batches are combined exactly (Chan's
parallel formula), so adapting on batches gives the statistics of the whole data set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet import ops
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers._checks import BOOL, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor

__all__ = ["Normalization"]

EPSILON = 1e-7  # keras.config.epsilon()


def _is_axis(value: Any) -> bool:
    if value is None or is_int(value):
        return True
    return isinstance(value, (list, tuple)) and all(is_int(v) for v in value)


@LAYERS.register("Normalization")
class Normalization(Layer):
    """Shifts and scales features to mean 0 and variance 1 (or back, with ``invert=True``).

    Math:
        y = (x - mean) / max(sqrt(variance), 1e-7)          (invert=False)
        y = mean + x * max(sqrt(variance), 1e-7)            (invert=True)
        dL/dx = dL/dy / max(sqrt(variance), 1e-7)  (or times it, inverted)

    Args:
        axis: the axis or axes that keep their own statistics (default -1: one mean and
            variance per feature); None means one mean and variance for everything. The
            statistics are reduced over every other axis, the batch axis included.
        mean: the mean to use, a float or an array broadcastable to the kept axes' shape;
            None (default) to compute it with ``adapt``. Give ``variance`` with it.
        variance: the variance to use (see ``mean``).
        invert: apply the inverse transform, turning standardised values back into data.

    Shape:
        Input: (N, ...).  Output: same as input.
        mean, variance: the input's sizes on ``axis``, non-trainable, zeros and ones until
        ``adapt`` (absent when ``mean`` and ``variance`` are given).

    Raises:
        ConfigError: for a bad ``axis``, ``invert``, or a ``mean`` without ``variance``.
        ShapeError: for an axis out of range or the batch axis, or data of the wrong shape.
        StateError: when ``adapt`` is called on a layer given ``mean`` and ``variance``.

    Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> layer(np.array([[2.0, 40.0]])).numpy()
        array([[0., 2.]], dtype=float32)
    """

    _constraints = {
        "axis": (_is_axis, "an int, a tuple of ints, or None"),
        "invert": BOOL,
    }

    def __init__(
        self,
        axis: int | tuple[int, ...] | None = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis, self.invert = axis, invert
        check_args(self)
        self.axis = tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else axis
        self.axis = int(self.axis) if is_int(self.axis) else self.axis
        if (mean is None) != (variance is None):
            raise ConfigError(
                "Normalization: expected both 'mean' and 'variance', or neither, got only "
                f"{'mean' if variance is None else 'variance'}. Pass both, or leave both out "
                "and call adapt(data)."
            )
        self.input_mean = None if mean is None else self._constant("mean", mean)
        self.input_variance = None if variance is None else self._constant("variance", variance)
        self.input_spec = InputSpec(min_ndim=2 if self.axis is not None else 1)

    @staticmethod
    def _constant(name: str, value: Any) -> np.ndarray:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            array = None
        if (
            array is None
            or not np.all(np.isfinite(array))
            or (name == "variance" and (array < 0).any())
        ):
            rule = "finite floats >= 0" if name == "variance" else "finite floats"
            raise ConfigError(
                f"The '{name}' argument of Normalization must be None, a float or an array of "
                f"{rule}. Got {value!r}."
            )
        return array

    def _kept_axes(self, ndim: int) -> tuple[int, ...]:
        given = (
            ()
            if self.axis is None
            else (self.axis if isinstance(self.axis, tuple) else (self.axis,))
        )
        if any(not -ndim <= a < ndim or a % ndim == 0 for a in given):
            raise ShapeError(
                f"Normalization '{self.name}': expected axis {self.axis} to name non-batch axes "
                f"of the input (1 to {ndim - 1}, or -{ndim - 1} to -1), got an input of rank "
                f"{ndim}. Pass axes of the features, or axis=None for one mean and variance."
            )
        return tuple(sorted({a % ndim for a in given}))

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        kept = self._kept_axes(ndim)
        shape = tuple(input_shape[a] for a in kept)
        self._kept = kept
        self._broadcast_shape = tuple(input_shape[a] if a in kept else 1 for a in range(ndim))
        if self.input_mean is None:
            self.mean = self.add_weight("mean", shape, "zeros", trainable=False)
            self.variance = self.add_weight("variance", shape, "ones", trainable=False)
        else:
            self.mean = Tensor(self._broadcast("mean", self.input_mean, shape))
            self.variance = Tensor(self._broadcast("variance", self.input_variance, shape))
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in kept})
        self.built = True

    def _broadcast(self, name: str, value: np.ndarray, shape: tuple) -> np.ndarray:
        try:
            return np.broadcast_to(value, shape).astype(self.dtype)
        except ValueError:
            raise ShapeError(
                f"Normalization '{self.name}': expected '{name}' broadcastable to the kept "
                f"axes' shape {shape}, got shape {value.shape}. Give one value per feature."
            ) from None

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        mean = ops.reshape(self.mean, self._broadcast_shape)
        variance = ops.reshape(self.variance, self._broadcast_shape)
        std = ops.maximum(ops.sqrt(variance), inputs.dtype.type(EPSILON))
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def adapt(self, data: Any) -> None:
        """Compute ``mean`` and ``variance`` from ``data``: an array (N, ...), or batches.

        Args:
            data: a NumPy array, or a ``PyDataset`` / iterable yielding arrays or ``(x, ...)``
                tuples (only ``x`` is used).

        Raises:
            StateError: if the layer was given ``mean`` and ``variance``.
            ShapeError: if the data's shape does not fit the layer or no batch was given.
        """
        if self.input_mean is not None:
            raise StateError(
                f"Normalization '{self.name}': expected a layer without fixed statistics to "
                "adapt, got one built with 'mean' and 'variance'. Leave them out to use adapt()."
            )
        count, mean, variance = 0, None, None
        for batch in _batches(data):
            if batch.ndim == 0 or batch.shape[0] == 0:
                continue
            if not self.built:
                self._build_once(batch.shape)
            self.input_spec.check(self, batch.shape)
            axes = tuple(a for a in range(batch.ndim) if a not in self._kept)
            n = batch.size // max(1, int(np.prod([batch.shape[a] for a in self._kept])))
            b_mean, b_var = batch.mean(axis=axes), batch.var(axis=axes)
            if count == 0:
                count, mean, variance = n, b_mean, b_var
                continue
            total = count + n
            new_mean = mean * (count / total) + b_mean * (n / total)
            variance = (variance + (mean - new_mean) ** 2) * (count / total) + (
                b_var + (b_mean - new_mean) ** 2
            ) * (n / total)
            count, mean = total, new_mean
        if count == 0:
            raise ShapeError(
                f"Normalization '{self.name}': expected at least one sample to adapt on, got "
                "none. Pass a non-empty array or dataset."
            )
        self.mean.data[...] = mean.reshape(self.mean.shape)
        self.variance.data[...] = variance.reshape(self.variance.shape)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis

        def listed(v: np.ndarray | None) -> Any:
            return None if v is None else v.tolist()

        return {
            **super().get_config(),
            "axis": axis,
            "mean": listed(self.input_mean),
            "variance": listed(self.input_variance),
            "invert": self.invert,
        }


def _batches(data: Any) -> Iterable[np.ndarray]:
    """The arrays of ``data``: itself if an array, else each batch's (first) array."""
    if isinstance(data, (np.ndarray, Tensor, list, tuple)):
        yield _float(data)
        return
    if (
        hasattr(data, "__len__")
        and hasattr(data, "__getitem__")
        and not isinstance(data, (str, bytes))
    ):
        source: Iterable[Any] = (data[i] for i in range(len(data)))
    elif isinstance(data, Iterable) and not isinstance(data, (str, bytes, list, tuple)):
        source = data
    else:
        raise TypeError(
            "Normalization.adapt: expected a NumPy array, a PyDataset or an iterable of "
            f"batches, got {type(data).__name__}. Convert the data with np.asarray(data)."
        )
    for batch in source:
        yield _float(batch[0] if isinstance(batch, (tuple, list)) else batch)


def _float(x: Any) -> np.ndarray:
    array = x.data if isinstance(x, Tensor) else np.asarray(x)
    return array.astype(np.float64)
