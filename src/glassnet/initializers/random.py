"""Random initializers: normal, truncated normal, uniform, variance scaling (Glorot, He, Lecun), orthogonal."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.initializers.base import (
    _NON_NEGATIVE,
    _POSITIVE,
    _REAL,
    _SEED,
    _TRUNCATED_STDDEV,
    INITIALIZERS,
    RandomInitializer,
    _options,
    _truncated_normal,
    compute_fans,
)


@INITIALIZERS.register("RandomNormal", "random_normal", "normal")
class RandomNormal(RandomInitializer):
    """Values from a normal distribution.

    Math:
        w ~ Normal(mean, stddev**2)

    Args:
        mean: the mean.
        stddev: the standard deviation, >= 0.
        seed: see ``RandomInitializer``.

    Raises:
        ConfigError: for a non-numeric mean, a negative stddev, or a bad seed.
    """

    _constraints = {"mean": _REAL, "stddev": _NON_NEGATIVE, "seed": _SEED}

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return self.mean + self.stddev * self._generator().standard_normal(shape, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@INITIALIZERS.register("TruncatedNormal", "truncated_normal")
class TruncatedNormal(RandomNormal):
    """Normal values, those more than two standard deviations from the mean redrawn.

    Math:
        w ~ Normal(mean, stddev**2) restricted to [mean - 2 stddev, mean + 2 stddev]
        (the result's standard deviation is 0.88 * stddev)

    Args:
        mean, stddev, seed: as for ``RandomNormal``.

    Raises:
        ConfigError: for a non-numeric mean, a negative stddev, or a bad seed.
    """

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return self.mean + self.stddev * _truncated_normal(self._generator(), shape, dtype)


@INITIALIZERS.register("RandomUniform", "random_uniform", "uniform")
class RandomUniform(RandomInitializer):
    """Values from a uniform distribution on ``[minval, maxval)``.

    Args:
        minval: the lower bound (inclusive).
        maxval: the upper bound (exclusive), >= minval.
        seed: see ``RandomInitializer``.

    Raises:
        ConfigError: for non-numeric bounds, ``minval > maxval``, or a bad seed.
    """

    _constraints = {"minval": _REAL, "maxval": _REAL, "seed": _SEED}

    def __init__(
        self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None
    ) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval
        self._validate()
        if minval > maxval:
            raise ConfigError(
                f"RandomUniform: expected minval <= maxval, got minval={minval!r}, "
                f"maxval={maxval!r}. Swap the two bounds."
            )

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        u = self._generator().random(shape, dtype=dtype)  # in [0, 1)
        return self.minval + (self.maxval - self.minval) * u

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


# ---------------------------------------------------------------- variance scaling
@INITIALIZERS.register("VarianceScaling", "variance_scaling")
class VarianceScaling(RandomInitializer):
    """Random values whose variance is ``scale / n``, n taken from the weight's fans.

    The shared base of the Glorot, He and Lecun initializers.

    Math:
        n = fan_in | fan_out | (fan_in + fan_out) / 2        (mode; see compute_fans)
        truncated_normal:    w ~ TruncatedNormal(0, sqrt(scale / n) / 0.8796...)
        untruncated_normal:  w ~ Normal(0, scale / n)
        uniform:             w ~ Uniform(-limit, limit),  limit = sqrt(3 * scale / n)
        (n is at least 1)

    Args:
        scale: the variance multiplier, > 0.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'`` (``'normal'`` is accepted as its alias, as in
            Keras), ``'untruncated_normal'`` or ``'uniform'``.
        seed: see ``RandomInitializer``.

    Raises:
        ConfigError: for a scale <= 0, an unknown mode or distribution, or a bad seed.
    """

    _constraints = {
        "scale": _POSITIVE,
        "mode": _options("fan_in", "fan_out", "fan_avg"),
        "distribution": _options("truncated_normal", "untruncated_normal", "uniform"),
        "seed": _SEED,
    }

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if isinstance(distribution, str):
            distribution = distribution.lower()
        self.scale = scale
        self.mode = mode
        self.distribution = "truncated_normal" if distribution == "normal" else distribution
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._generator()
        if self.distribution == "truncated_normal":
            return math.sqrt(variance) / _TRUNCATED_STDDEV * _truncated_normal(rng, shape, dtype)
        if self.distribution == "untruncated_normal":
            return math.sqrt(variance) * rng.standard_normal(shape, dtype=dtype)
        limit = math.sqrt(3.0 * variance)
        return limit * (2 * rng.random(shape, dtype=dtype) - 1)

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed (scale, mode, distribution): only ``seed`` is configurable."""

    _settings: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None) -> None:
        scale, mode, distribution = self._settings
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


@INITIALIZERS.register("GlorotUniform", "glorot_uniform")
class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: the Keras default for kernels.

    Math:
        w ~ Uniform(-limit, limit),  limit = sqrt(6 / (fan_in + fan_out))

    Reference:
        Glorot and Bengio, 2010, http://proceedings.mlr.press/v9/glorot10a.html
    """

    _settings = (1.0, "fan_avg", "uniform")


@INITIALIZERS.register("GlorotNormal", "glorot_normal")
class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal, truncated at two standard deviations as in Keras.

    Math:
        w ~ TruncatedNormal(0, s),  s = sqrt(2 / (fan_in + fan_out)) / 0.8796...
        (so the variance of w is 2 / (fan_in + fan_out))
    """

    _settings = (1.0, "fan_avg", "truncated_normal")


@INITIALIZERS.register("HeUniform", "he_uniform")
class HeUniform(_FixedVarianceScaling):
    """He (Kaiming) uniform, for relu networks.

    Math:
        w ~ Uniform(-limit, limit),  limit = sqrt(6 / fan_in)

    Reference:
        He et al., 2015, https://arxiv.org/abs/1502.01852
    """

    _settings = (2.0, "fan_in", "uniform")


@INITIALIZERS.register("HeNormal", "he_normal")
class HeNormal(_FixedVarianceScaling):
    """He (Kaiming) normal, truncated at two standard deviations as in Keras.

    Math:
        w ~ TruncatedNormal(0, s),  s = sqrt(2 / fan_in) / 0.8796...   (variance 2 / fan_in)
    """

    _settings = (2.0, "fan_in", "truncated_normal")


@INITIALIZERS.register("LecunUniform", "lecun_uniform")
class LecunUniform(_FixedVarianceScaling):
    """Lecun uniform.

    Math:
        w ~ Uniform(-limit, limit),  limit = sqrt(3 / fan_in)
    """

    _settings = (1.0, "fan_in", "uniform")


@INITIALIZERS.register("LecunNormal", "lecun_normal")
class LecunNormal(_FixedVarianceScaling):
    """Lecun normal, truncated as in Keras; pairs with the ``selu`` activation.

    Math:
        w ~ TruncatedNormal(0, s),  s = sqrt(1 / fan_in) / 0.8796...   (variance 1 / fan_in)

    Reference:
        Klambauer et al., 2017, https://arxiv.org/abs/1706.02515
    """

    _settings = (1.0, "fan_in", "truncated_normal")


# ---------------------------------------------------------------- orthogonal
@INITIALIZERS.register("Orthogonal", "orthogonal", "OrthogonalInitializer")
class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (times ``gain``), from the QR decomposition of a normal one.

    A shape ``(K..., F_out)`` is treated as the matrix ``(prod(K...), F_out)``: its columns
    are orthonormal when it has at least as many rows as columns, its rows otherwise.

    Math:
        A ~ Normal(0, 1) of shape (max(rows, cols), min(rows, cols))
        Q, R = qr(A);  Q = Q * sign(diag(R))      (makes Q uniformly distributed)
        w = gain * Q  (transposed when rows < cols), reshaped to ``shape``

    Args:
        gain: a finite number multiplying the matrix.
        seed: see ``RandomInitializer``.

    Raises:
        ConfigError: for a non-numeric gain or a bad seed.
        ShapeError: when called with a shape of fewer than 2 axes.

    Reference:
        Saxe et al., 2014, https://arxiv.org/abs/1312.6120
    """

    _constraints = {"gain": _REAL, "seed": _SEED}

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        if len(shape) < 2:
            raise ShapeError(
                f"Orthogonal: expected a shape with at least 2 axes, got {shape}. Use it for "
                "kernels, and 'zeros' or another initializer for vectors such as biases."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, **super().get_config()}


# ---------------------------------------------------------------- lookup
