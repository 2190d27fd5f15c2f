"""Losses with Keras 3 names, defaults and formulas, each as a class and as a function.

``MeanSquaredError()`` (the class) and ``mean_squared_error`` (the function) compute the same
per-sample losses; the class adds ``sample_weight`` and ``reduction`` (see ``Loss``). Any
``Loss``, a registered name or a plain function ``f(y_true, y_pred)`` built from
``glassnet.ops`` can be passed to ``compile(loss=...)``; ``get`` turns each into a ``Loss``.

How a training loop uses a loss:
    >>> loss_fn = get("binary_crossentropy")
    >>> y_pred = glassnet.tensor([[0.8], [0.3]], requires_grad=True)
    >>> loss = loss_fn(np.array([1, 0]), y_pred, sample_weight=None)   # a scalar Tensor
    >>> loss.backward()
    >>> y_pred.grad.shape
    (2, 1)

Families: ``regression`` (mse, mae, mape, msle, huber, log_cosh), ``probabilistic``
(binary / weighted / focal / categorical / sparse cross-entropy, kl_divergence, poisson),
``hinge`` (hinge, squared_hinge, categorical_hinge) and ``similarity`` (cosine_similarity,
contrastive_loss, triplet_loss).
"""

from __future__ import annotations

from typing import Any

from glassnet.errors import ConfigError
from glassnet.losses.base import (
    EPSILON,
    LOSSES,
    REDUCTIONS,
    Loss,
    LossFunctionWrapper,
    reduce_weighted_values,
)
from glassnet.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from glassnet.losses.probabilistic import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    WeightedBinaryCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
    weighted_binary_crossentropy,
)
from glassnet.losses.regression import (
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from glassnet.losses.similarity import (
    ContrastiveLoss,
    CosineSimilarity,
    TripletLoss,
    contrastive_loss,
    cosine_similarity,
    triplet_loss,
    triplet_margin_loss,
)

__all__ = [
    "EPSILON",
    "LOSSES",
    "REDUCTIONS",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ContrastiveLoss",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "TripletLoss",
    "WeightedBinaryCrossentropy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "contrastive_loss",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "triplet_loss",
    "triplet_margin_loss",
    "weighted_binary_crossentropy",
]

# The function behind each built-in class, so ``get`` and the metrics can find either form.
FUNCTIONS = {
    cls: cls().fn
    for cls in (
        MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError, Huber, LogCosh, BinaryCrossentropy,
        WeightedBinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
        SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge,
        CategoricalHinge, CosineSimilarity, ContrastiveLoss, TripletLoss,
    )
}  # fmt: skip

_CLASSES = {cls.__name__: cls for cls in (*FUNCTIONS, LossFunctionWrapper)}


def get(identifier: Any) -> Loss | None:
    """Return a ``Loss`` instance for ``identifier`` (what ``compile(loss=...)`` calls).

    Args:
        identifier: a registered name (``'mse'``, ``'mean_squared_error'``,
            ``'MeanSquaredError'``, ...), a ``Loss`` instance (returned as is), a ``Loss``
            class (instantiated with its defaults), a ``serialize`` dict, any function
            ``f(y_true, y_pred)`` (wrapped in ``LossFunctionWrapper``), or None.

    NOTE: unlike ``keras.losses.get``, a name always gives a ``Loss`` instance (with its
    reduction), never the bare function; use the module functions for per-sample values.

    Raises:
        ConfigError: for an unknown name, listing the known ones and the closest match.
        TypeError: for any other kind of object.

    Example:
        >>> get("mse")
        MeanSquaredError(name='mean_squared_error', reduction='sum_over_batch_size')
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        entry = LOSSES.get(identifier)
        return entry() if isinstance(entry, type) else LossFunctionWrapper(entry, name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"losses.get: expected a loss name, Loss, config dict or function, got "
        f"{type(identifier).__name__} {identifier!r}. Pass a name such as 'mse'."
    )


def serialize(loss: Loss) -> dict[str, Any]:
    """Return ``{'class_name': ..., 'config': ...}`` for a built-in or wrapped loss.

    Raises:
        ConfigError: for a ``Loss`` subclass that is not registered.

    Example:
        >>> serialize(Huber(delta=2.0))
        {'class_name': 'Huber', 'config': {'name': 'huber_loss', 'reduction': 'sum_over_batch_size', 'delta': 2.0}}
    """
    cls = type(loss)
    registered = cls.__name__ in LOSSES and LOSSES.get(cls.__name__) is cls
    if _CLASSES.get(cls.__name__) is cls or registered:
        return {"class_name": cls.__name__, "config": loss.get_config()}
    return LOSSES.serialize(loss)


def deserialize(config: dict[str, Any] | str) -> Loss:
    """Rebuild a loss from ``serialize``'s output (or from a name); never runs code from it.

    Raises:
        ConfigError: for a dict without 'class_name', or an unknown class name.
    """
    if isinstance(config, str):
        return get(config)
    LOSSES.check_config(config)
    name = config["class_name"]
    cls = _CLASSES.get(name) or LOSSES.get(name)
    if not (isinstance(cls, type) and issubclass(cls, Loss)):
        raise ConfigError(
            f"losses.deserialize: expected 'class_name' to name a Loss class, got {name!r}."
        )
    return cls.from_config(dict(config.get("config") or {}))
