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

from collections.abc import Callable
from typing import Any

from glassnet.initializers.base import INITIALIZERS, Initializer, compute_fans
from glassnet.initializers.constant import Constant, Identity, Ones, Zeros
from glassnet.initializers.random import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)  # fmt: skip

__all__ = [
    "INITIALIZERS", "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform",
    "Identity", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros",
    "compute_fans", "deserialize", "get", "serialize",
]  # fmt: skip


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
