"""Weight initializers with Keras names and defaults, reachable by string name.

An initializer is a small object: ``init(shape, dtype=None)`` returns a new ndarray (float32
by default, ``glassnet.backend.floatx()``), ``get_config()`` gives the arguments that rebuild
it with ``from_config``. ``get('glorot_uniform')`` returns an instance; class names
(``'GlorotUniform'``) work too.

Randomness: without a ``seed``, every draw comes from ``glassnet.backend.rng()``, so
``glassnet.utils.set_random_seed(s)`` makes a whole model's initial weights repeat bit for bit
and two layers get different weights. With ``seed=int``, the initializer draws from its own
generator, made afresh on each call: like Keras, it returns the same values every time it is
called with the same shape.

Fans: ``compute_fans(shape)`` follows Keras: a kernel ``(F_in, F_out)`` has fan_in = F_in and
fan_out = F_out; a convolution kernel ``(K..., C_in, C_out)`` multiplies both by the receptive
field size (the product of the K axes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import backend
from glassnet._constraints import is_real as _is_real
from glassnet.errors import ConfigError, ShapeError
from glassnet.registry import Registry

__all__ = [
    "INITIALIZERS", "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform",
    "Identity", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros",
    "compute_fans", "deserialize", "get", "serialize",
]  # fmt: skip

INITIALIZERS = Registry("initializer")

# why: the standard deviation of a standard normal truncated to [-2, 2] is 0.8796...;
# VarianceScaling divides by it so the truncated draw has the variance it asks for (Keras).
_TRUNCATED_STDDEV = 0.87962566103423978


# ---------------------------------------------------------------- argument checks
# Each constraint: (test, what the value should be, how to fix it).
_REAL = (_is_real, "a finite float", "Pass a plain number.")
_NON_NEGATIVE = (lambda v: _is_real(v) and v >= 0, "a float >= 0", "Pass a number >= 0.")
_POSITIVE = (lambda v: _is_real(v) and v > 0, "a float > 0", "Pass a number > 0.")
_SEED = (
    lambda v: v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0),
    "None or an int >= 0",
    "Pass seed=None to draw from glassnet's generator, or a seed such as 42.",
)  # fmt: skip


def _options(*choices: str) -> tuple:
    listed = ", ".join(repr(c) for c in choices)
    return (lambda v: v in choices, f"one of {listed}", f"Use one of {listed}.")


def _shape(who: str, shape: Any) -> tuple[int, ...]:
    """``shape`` as a tuple of ints >= 0 (an int means a 1-D shape)."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    try:
        dims = tuple(dims)
        valid = all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in dims
        )
    except TypeError:
        valid = False
    if not valid:
        raise ShapeError(
            f"{who}: expected a shape (a tuple of ints >= 0), got {shape!r}. "
            "Pass a shape such as (784, 128)."
        )
    return tuple(int(n) for n in dims)


def _dtype(who: str, dtype: Any, floating: bool = True) -> np.dtype:
    """``dtype`` as a NumPy dtype; None means ``backend.floatx()``."""
    if dtype is None:
        return backend.floatx()
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    allowed = "f" if floating else "biuf"
    if result is None or result.kind not in allowed:
        what = "a floating dtype ('float32' or 'float64')" if floating else "a numeric dtype"
        raise ConfigError(
            f"{who}: expected {what}, got {dtype!r}. Leave dtype=None for glassnet's default "
            f"({backend.floatx()})."
        )
    return result


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight of this shape, as Keras computes them.

    Math:
        ()                       -> (1, 1)
        (n,)                     -> (n, n)
        (F_in, F_out)            -> (F_in, F_out)
        (K1, ..., C_in, C_out)   -> (C_in * r, C_out * r),   r = K1 * ... (receptive field)

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


# ---------------------------------------------------------------- base classes
class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns a new array of that shape.

    ``__call__`` checks ``shape`` and ``dtype`` (None means ``backend.floatx()``), then asks
    ``_generate(shape, dtype)`` for the values; subclasses write ``_generate`` (or replace
    ``__call__`` entirely). Hyper-parameters are declared in ``_constraints`` (attribute name
    -> (test, expected, fix)) and checked by ``_validate()`` at construction, so a bad value is
    reported where it was written, not when the layer is built.
    """

    _constraints: dict[str, tuple] = {}
    _floating_only = True  # False where integer dtypes make sense (zeros, ones, constant)

    def __call__(self, shape: tuple[int, ...], dtype: Any = None) -> np.ndarray:
        who = type(self).__name__
        shape, dtype = _shape(who, shape), _dtype(who, dtype, self._floating_only)
        # why: astype also stops a NumPy float64 scalar argument (mean=np.float64(0))
        # from up-casting float32 output.
        return np.asarray(self._generate(shape, dtype)).astype(dtype, copy=False)

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not define _generate.")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this initializer (JSON-friendly)."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Rebuild an initializer from ``get_config()``'s output."""
        return cls(**config)

    def _validate(self) -> None:
        for name, (test, expected, fix) in self._constraints.items():
            value = getattr(self, name)
            if not test(value):
                raise ConfigError(
                    f"{type(self).__name__}: expected {name} to be {expected}, got {value!r}. {fix}"
                )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class RandomInitializer(Initializer):
    """Base of the random initializers: holds ``seed`` and picks the generator.

    Args:
        seed: None (draw from ``glassnet.backend.rng()``) or an int >= 0 (a private
            generator made afresh on each call, so each call returns the same values).
    """

    _constraints = {"seed": _SEED}

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        # NOTE: backend.rng() is looked up on every call: set_random_seed replaces it.
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


def _truncated_normal(rng: np.random.Generator, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """Standard normal values, redrawing those more than 2 away from 0 (as Keras)."""
    z = rng.standard_normal(shape, dtype=dtype)
    outside = np.abs(z) > 2
    while outside.any():  # why: about 4.6% redrawn per round; a loop over rounds, not values.
        z[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = np.abs(z) > 2
    return z


# ---------------------------------------------------------------- constants
@INITIALIZERS.register("Zeros", "zeros", "zero")
class Zeros(Initializer):
    """All zeros (the Keras default for biases).

    Example:
        >>> Zeros()((2,))
        array([0., 0.], dtype=float32)
    """

    _floating_only = False

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.zeros(shape, dtype=dtype)


@INITIALIZERS.register("Ones", "ones", "one")
class Ones(Initializer):
    """All ones (the Keras default for a normalisation layer's ``gamma``)."""

    _floating_only = False

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.ones(shape, dtype=dtype)


@INITIALIZERS.register("Constant", "constant")
class Constant(Initializer):
    """Every element set to ``value``.

    Args:
        value: a finite number.

    Raises:
        ConfigError: if ``value`` is not a finite number.

    Example:
        >>> Constant(0.1)((2, 2))
        array([[0.1, 0.1],
               [0.1, 0.1]], dtype=float32)
    """

    _constraints = {"value": _REAL}
    _floating_only = False

    def __init__(self, value: float = 0.0) -> None:
        self.value = value
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


@INITIALIZERS.register("Identity", "identity", "IdentityInitializer")
class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular is allowed).

    Args:
        gain: a finite number multiplying the matrix.

    Raises:
        ConfigError: if ``gain`` is not a finite number.
        ShapeError: when called with a shape that is not 2-D.
    """

    _constraints = {"gain": _REAL}

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain
        self._validate()

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        if len(shape) != 2:
            raise ShapeError(
                f"Identity: expected a 2-D shape, got {shape}. Use it for a Dense kernel "
                "(F_in, F_out), or pick another initializer for this weight."
            )
        return self.gain * np.eye(*shape, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


# ---------------------------------------------------------------- plain random
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
def get(identifier: Any) -> Initializer | Callable[..., Any] | None:
    """Return an initializer instance for ``identifier``.

    Args:
        identifier: a registered name (``'glorot_uniform'`` or ``'GlorotUniform'``), a
            ``{'class_name': ..., 'config': {...}}`` dict (from ``serialize``), an
            Initializer class (instantiated with its defaults), an instance or any callable
            ``(shape, dtype) -> array`` (returned as is), or None (returned as None).

    Raises:
        ConfigError: for an unknown name, listing the known ones and the closest match.
        TypeError: for anything else.

    Example:
        >>> get("he_normal")
        HeNormal(seed=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return INITIALIZERS.get(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"initializers.get: expected an initializer name, instance, config dict or callable, "
        f"got {type(identifier).__name__} {identifier!r}. Pass a name such as 'glorot_uniform'."
    )


def serialize(initializer: Initializer) -> dict[str, Any]:
    """Return ``{'class_name': ..., 'config': ...}`` for a registered initializer.

    Raises:
        ConfigError: if the initializer's class is not registered.

    Example:
        >>> serialize(RandomNormal(stddev=0.1))
        {'class_name': 'RandomNormal', 'config': {'mean': 0.0, 'stddev': 0.1, 'seed': None}}
    """
    return INITIALIZERS.serialize(initializer)


def deserialize(config: dict[str, Any] | str) -> Initializer:
    """Rebuild an initializer from ``serialize``'s output (or from a name).

    Raises:
        ConfigError: for a dict without 'class_name', or an unknown class name.
    """
    if isinstance(config, str):
        return INITIALIZERS.get(config)()
    return INITIALIZERS.deserialize(config, base=Initializer)
