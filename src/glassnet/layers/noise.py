"""Noise layers: ``GaussianNoise`` (additive noise in training only, as Keras's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet._constraints import is_int
from glassnet.errors import ConfigError
from glassnet.layers._checks import SEED, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.tensor import Tensor

__all__ = ["GaussianNoise"]


@LAYERS.register("GaussianNoise")
class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise during training; the identity at inference.

    A regularizer, and the corruption step of a denoising autoencoder: the model sees noisy
    inputs in ``fit`` and clean ones in ``predict`` / ``evaluate``.

    Math:
        noise ~ Normal(0, stddev**2),   y = x + noise   (training)
        dL/dx = dL/dy

    Args:
        stddev: standard deviation of the noise, a float >= 0.
        seed: a private seed for this layer's draws (default: glassnet's generator).

    Shape:
        Input: any shape (N, ...).  Output: the same shape.  No weights.

    Raises:
        ConfigError: for a negative or non-numeric ``stddev``, or a bad ``seed``.

    Example:
        >>> layer = GaussianNoise(0.1, seed=0)
        >>> x = np.ones((2, 3), np.float32)
        >>> bool((layer(x).numpy() == x).all()), bool((layer(x, training=True).numpy() != x).all())
        (True, True)
    """

    _constraints = {"seed": SEED}

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        good = isinstance(stddev, (int, float, np.floating)) and not isinstance(stddev, bool)
        if not good or not np.isfinite(stddev) or stddev < 0:
            raise ConfigError(
                f"The 'stddev' argument of GaussianNoise must be a float >= 0. Got {stddev!r}."
            )
        self.stddev = float(stddev)
        self.seed = int(seed) if is_int(seed) else seed
        check_args(self)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.stddev == 0:
            return inputs
        rng = self._rng or backend.rng()
        noise = rng.standard_normal(inputs.shape).astype(inputs.dtype) * inputs.dtype.type(
            self.stddev
        )
        return inputs + Tensor(noise)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
