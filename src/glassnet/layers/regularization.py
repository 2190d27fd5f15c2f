"""Regularization layers (Keras 3 names and defaults): GaussianDropout, SpatialDropout1D,
SpatialDropout2D, ActivityRegularization, and Identity.

The dropout layers change their input only with ``training=True`` (``fit`` does that); at
inference they return it unchanged. Their random masks are constants of the graph, so the
gradient is ``dL/dx = dL/dy * mask``. Randomness comes from glassnet's generator
(``glassnet.utils.set_random_seed``) unless ``seed=`` gives the layer its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import backend, regularizers
from glassnet._constraints import is_real
from glassnet.errors import ConfigError
from glassnet.layers import _conv_args as args
from glassnet.layers._checks import NON_NEGATIVE, SEED, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor

__all__ = [
    "ActivityRegularization",
    "GaussianDropout",
    "Identity",
    "SpatialDropout1D",
    "SpatialDropout2D",
]


def _rate(cls: str, rate: Any) -> float:
    if not (is_real(rate) and 0 <= rate < 1):
        raise ConfigError(f"The 'rate' argument of {cls} must be a float in [0, 1). Got {rate!r}.")
    return float(rate)


class _RandomLayer(Layer):
    """A layer with a ``rate`` in [0, 1) and a private or global random generator."""

    _constraints = {"seed": SEED}

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _rate(type(self).__name__, rate)
        self.seed = seed
        check_args(self)
        self.seed = None if seed is None else int(seed)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _generator(self) -> np.random.Generator:
        return self._rng or backend.rng()

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@LAYERS.register("GaussianDropout")
class GaussianDropout(_RandomLayer):
    """Multiplies the input by Gaussian noise of mean 1 during training; identity at inference.

    Math:
        mask ~ Normal(1, rate / (1 - rate)),   y = x * mask   (training)
        dL/dx = dL/dy * mask

    Args:
        rate: the drop probability of the equivalent Bernoulli dropout, in [0, 1); the noise's
            standard deviation is sqrt(rate / (1 - rate)).
        seed: a private seed for this layer's draws (default: glassnet's generator).

    Shape:
        Input: any shape (N, ...).  Output: the same shape.  No weights.

    Example:
        >>> layer = GaussianDropout(0.2, seed=0)
        >>> x = np.ones((2, 3), np.float32)
        >>> bool((layer(x).numpy() == x).all()), layer(x, training=True).shape
        (True, (2, 3))
    """

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + stddev * self._generator().standard_normal(inputs.shape)
        return inputs * Tensor(noise.astype(inputs.dtype))


class _SpatialDropout(_RandomLayer):
    """Dropout of whole channels: one draw per (sample, channel), shared over the other axes."""

    _rank = 1

    def __init__(
        self, rate: float, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = args.data_format(type(self).__name__, data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        shape = (inputs.shape[0],) + (1,) * self._rank + (inputs.shape[-1],)
        keep = self._generator().random(shape, dtype=np.float32) >= self.rate
        mask = keep.astype(inputs.dtype) / inputs.dtype.type(1.0 - self.rate)
        return inputs * Tensor(mask)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


@LAYERS.register("SpatialDropout1D")
class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of a sequence during training (Keras's scaling).

    Each (sample, channel) pair is kept with probability 1 - rate for every time step at
    once, and kept values are divided by (1 - rate); at inference the layer is the identity.

    Math:
        mask[n, 0, c] ~ Bernoulli(1 - rate),   y = x * mask / (1 - rate)   (training)
        dL/dx = dL/dy * mask / (1 - rate)

    Args:
        rate: fraction of channels to drop, in [0, 1).
        seed: a private seed for this layer's draws (default: glassnet's generator).
        data_format: ``'channels_last'`` or None.

    Shape:
        Input: (N, T, C).  Output: the same.  No weights.

    Example:
        >>> SpatialDropout1D(0.5, seed=0)(np.ones((2, 5, 3)), training=True).shape
        (2, 5, 3)
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)


@LAYERS.register("SpatialDropout2D")
class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of an image during training (Keras's scaling).

    Each (sample, channel) pair is kept with probability 1 - rate for every pixel at once.

    Math:
        mask[n, 0, 0, c] ~ Bernoulli(1 - rate),   y = x * mask / (1 - rate)   (training)
        dL/dx = dL/dy * mask / (1 - rate)

    Args:
        rate: fraction of channels to drop, in [0, 1).
        seed: a private seed for this layer's draws (default: glassnet's generator).
        data_format: ``'channels_last'`` or None.

    Shape:
        Input: (N, H, W, C).  Output: the same.  No weights.

    Example:
        >>> SpatialDropout2D(0.5, seed=0)(np.ones((2, 4, 4, 3)), training=True).shape
        (2, 4, 4, 3)
    """

    _rank = 2


@LAYERS.register("ActivityRegularization")
class ActivityRegularization(Layer):
    """Passes its input through unchanged and adds an L1/L2 penalty on it to ``losses``.

    As in Keras 3, the penalty is a sum over the whole batch (not divided by the batch size);
    ``model.losses`` holds the last call's value and ``fit`` adds it to the loss.

    Math:
        y = x,   penalty = l1 * sum(|x|) + l2 * sum(x**2)
        dpenalty/dx = l1 * sign(x) + 2 * l2 * x

    Args:
        l1: the L1 factor, a float >= 0 (default 0.0).
        l2: the L2 factor, a float >= 0 (default 0.0).

    Shape:
        Input: any shape (N, ...).  Output: the same.  No weights.

    Example:
        >>> layer = ActivityRegularization(l1=0.5)
        >>> _ = layer(np.array([[1.0, -2.0]]))
        >>> float(layer.losses[0].numpy())
        1.5
    """

    _constraints = {"l1": NON_NEGATIVE, "l2": NON_NEGATIVE}

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.l1, self.l2 = l1, l2
        check_args(self)
        self.l1, self.l2 = float(l1), float(l2)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        # why: the same penalty as regularizers.L1L2; nothing is added when both factors are 0
        active = self.l1 or self.l2
        self._activity_losses = [regularizers.L1L2(self.l1, self.l2)(inputs)] if active else []
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


@LAYERS.register("Identity")
class Identity(Layer):
    """Returns its input unchanged: a placeholder, as Keras's and ``torch.nn.Identity``.

    Shape:
        Input: any shape (N, ...).  Output: the same.  No weights.

    Example:
        >>> Identity()(np.ones((2, 3))).shape
        (2, 3)
    """

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
