"""Optimizers with Keras 3 names, defaults and update equations.

Each optimizer class keeps its state and delegates the arithmetic to a stateless function
that updates arrays in place (``Adam.update_step`` calls ``adam_update``), tested directly
against ``torch.optim``. Every class docstring lists its update rule as numbered steps, says
where epsilon goes, and how it differs from its ``torch.optim`` counterpart.

Two ways to drive one (see ``Optimizer``)::

    opt.apply_gradients(zip(grads, params))                          # Keras style
    opt = Adam(learning_rate=1e-2, params=weights)                   # PyTorch style
    opt.zero_grad(); loss.backward(); opt.step()

``get('adam')`` returns a fresh ``Adam()``; the registered names are ``'sgd'``, ``'rmsprop'``,
``'adam'``, ``'adamw'``, ``'adagrad'``, ``'adadelta'`` and ``'nadam'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glassnet.optimizers.adam import (
    Adam,
    AdamW,
    Nadam,
    adam_update,
    nadam_momentum,
    nadam_update,
)
from glassnet.optimizers.adaptive import (
    Adadelta,
    Adagrad,
    RMSprop,
    adadelta_update,
    adagrad_update,
    rmsprop_update,
)
from glassnet.optimizers.base import (
    OPTIMIZERS,
    Optimizer,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    decay_weights,
)
from glassnet.optimizers.sgd import SGD, sgd_update

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "adadelta_update",
    "adagrad_update",
    "adam_update",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "decay_weights",
    "deserialize",
    "get",
    "nadam_momentum",
    "nadam_update",
    "rmsprop_update",
    "serialize",
    "sgd_update",
]


def get(identifier: Any) -> Optimizer:
    """Return an optimizer: a fresh default instance for a name, an instance as is.

    Args:
        identifier: a registered name (``'adam'``, case-insensitive), an ``Optimizer``, or a
            ``{"class_name": ..., "config": ...}`` dict.

    Raises:
        ConfigError: for an unknown name (listing the known ones and the closest).
        TypeError: for anything else.

    Example:
        >>> glassnet.optimizers.get("adam").learning_rate
        0.001
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return OPTIMIZERS.get(identifier)()
    raise TypeError(
        f"optimizers.get: expected an optimizer name such as 'adam', an Optimizer or a config "
        f"dict, got {type(identifier).__name__}."
    )


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """``{"class_name": ..., "config": optimizer.get_config()}``, readable by ``deserialize``."""
    return OPTIMIZERS.serialize(optimizer)


def deserialize(config: Mapping[str, Any]) -> Optimizer:
    """Rebuild an optimizer from ``serialize`` output (Keras 3's form is read too).

    Raises:
        ConfigError: for a config without "class_name" or with an unknown one.
    """
    return OPTIMIZERS.deserialize(config, base=Optimizer)
