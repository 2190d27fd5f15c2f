"""Metrics with Keras 3 names: stateful objects that accumulate over batches, in NumPy.

How a training loop uses them (what ``fit`` does each epoch):
    >>> loss_tracker = Mean(name="loss")
    >>> acc = resolve("accuracy", loss="binary_crossentropy")
    >>> for y_true, y_pred, loss in [([1, 0], [[0.9], [0.4]], 0.3), ([1, 1], [[0.2], [0.7]], 0.5)]:
    ...     loss_tracker.update_state(loss, sample_weight=len(y_true))
    ...     acc.update_state(y_true, y_pred)
    >>> {m.name: round(m.result(), 3) for m in (loss_tracker, acc)}
    {'loss': 0.4, 'accuracy': 0.75}

``result()`` gives a Python float; call ``reset_state()`` before each epoch. A metric's
``name`` is its ``History`` key (``'accuracy'``, and ``'val_accuracy'`` on validation data).

Families: ``classification`` (accuracies), ``confusion`` (Precision, Recall, AUC),
``regression`` (MAE, MSE, RMSE, MAPE), ``base`` (Metric, Mean, MeanMetricWrapper).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet import losses as _losses
from glassnet.errors import ConfigError
from glassnet.metrics.base import METRICS, Mean, MeanMetricWrapper, Metric
from glassnet.metrics.classification import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from glassnet.metrics.confusion import AUC, Precision, Recall
from glassnet.metrics.regression import (
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    RootMeanSquaredError,
)

__all__ = [
    "AUC",
    "METRICS",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "Precision",
    "Recall",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "deserialize",
    "get",
    "resolve",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]

_ACCURACY_NAMES = ("accuracy", "acc")
_BINARY_LOSSES = (
    _losses.BinaryCrossentropy,
    _losses.WeightedBinaryCrossentropy,
    _losses.BinaryFocalCrossentropy,
    _losses.Hinge,
    _losses.SquaredHinge,
)
_CATEGORICAL_LOSSES = (_losses.CategoricalCrossentropy, _losses.CategoricalHinge)
_SPARSE_LOSSES = (_losses.SparseCategoricalCrossentropy,)


def _known(registry: Any, name: str) -> bool:
    """``name`` is in ``registry`` as given or in lower case (as ``Registry.get`` looks)."""
    return name in registry or name.lower() in registry


def get(identifier: Any) -> Metric | None:
    """Return a ``Metric`` for ``identifier``, with the class's default name.

    Args:
        identifier: a registered name (``'auc'``, ``'mae'``, ``'Precision'``, ...), a
            ``Metric`` (returned as is), a ``Metric`` class, a ``serialize`` dict, a loss name
            (its function as a running mean), any function ``f(y_true, y_pred)`` returning
            per-sample values, or None.

    NOTE: ``get('accuracy')`` is the exact-match ``Accuracy``; ``resolve`` is what
    ``compile(metrics=['accuracy'])`` uses.

    Raises:
        ConfigError: for an unknown name (listing the known metric names).
        TypeError: for any other kind of object.
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if not _known(METRICS, identifier) and _known(_losses.LOSSES, identifier):
            loss = _losses.get(identifier)
            return MeanMetricWrapper(loss.fn, name=loss.name, **loss.fn_kwargs)
        entry = METRICS.get(identifier)
        return entry() if isinstance(entry, type) else MeanMetricWrapper(entry, name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, _losses.LossFunctionWrapper):
        return MeanMetricWrapper(identifier.fn, name=identifier.name, **identifier.fn_kwargs)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"metrics.get: expected a metric name, Metric, config dict or function, got "
        f"{type(identifier).__name__} {identifier!r}. Pass a name such as 'auc'."
    )


def resolve(
    identifier: Any,
    loss: Any = None,
    *,
    y_true_shape: Sequence[int] | None = None,
    y_pred_shape: Sequence[int] | None = None,
) -> Metric:
    """Turn one entry of ``compile(metrics=[...])`` into a Metric, as Keras's compile does.

    ``'accuracy'`` and ``'acc'`` pick the accuracy that fits the loss: binary for binary
    cross-entropies and hinge losses (threshold 0.0 when the loss takes logits or is a
    hinge loss, else 0.5), categorical for categorical cross-entropy and hinge, sparse
    categorical for sparse cross-entropy. For other losses the output shapes decide, by
    Keras 3's rule: ``y_pred`` with one output -> binary; ``y_true`` of lower rank than
    ``y_pred`` (or with a last axis of 1 against several outputs) -> sparse; else categorical.

    A string gives the metric that name, so ``History`` keys are the strings passed
    (``'accuracy'``, ``'mae'``, ``'auc'``); objects keep their own ``name``.

    Args:
        identifier: anything ``get`` accepts.
        loss: the compiled loss (a name, ``Loss`` or function), used for ``'accuracy'``.
        y_true_shape, y_pred_shape: one batch's target and output shapes, used for
            ``'accuracy'`` when the loss does not decide.

    Raises:
        ConfigError: for an unknown name, or ``'accuracy'`` with neither a deciding loss
            nor the shapes.

    Example:
        >>> resolve("acc", "sparse_categorical_crossentropy")
        SparseCategoricalAccuracy(name='acc')
        >>> resolve("accuracy", "mse", y_true_shape=(32, 1), y_pred_shape=(32, 1)).threshold
        0.5
    """
    if not isinstance(identifier, str):
        return get(identifier)
    if identifier.lower() not in _ACCURACY_NAMES:
        metric = get(identifier)
        metric.name = identifier
        return metric
    kind, threshold = _accuracy_from_loss(loss)
    if kind is None:
        kind = _accuracy_from_shapes(identifier, y_true_shape, y_pred_shape)
    if kind == "binary":
        return BinaryAccuracy(name=identifier, threshold=threshold)
    if kind == "sparse":
        return SparseCategoricalAccuracy(name=identifier)
    return CategoricalAccuracy(name=identifier)


def _accuracy_from_loss(loss: Any) -> tuple[str | None, float]:
    if loss is None:
        return None, 0.5
    if not isinstance(loss, _losses.Loss):
        functions = {fn: cls for cls, fn in _losses.FUNCTIONS.items()}
        known = callable(loss) and not isinstance(loss, type) and loss in functions
        loss = functions[loss]() if known else _losses.get(loss)
    if isinstance(loss, _BINARY_LOSSES):
        takes_scores = getattr(loss, "from_logits", False) or isinstance(
            loss, (_losses.Hinge, _losses.SquaredHinge)
        )
        return "binary", 0.0 if takes_scores else 0.5
    if isinstance(loss, _CATEGORICAL_LOSSES):
        return "categorical", 0.5
    if isinstance(loss, _SPARSE_LOSSES):
        return "sparse", 0.5
    return None, 0.5


def _accuracy_from_shapes(
    name: str, y_true_shape: Sequence[int] | None, y_pred_shape: Sequence[int] | None
) -> str:
    if y_pred_shape is None or y_true_shape is None:
        raise ConfigError(
            f"metrics.resolve: expected a classification loss or the output shapes to choose "
            f"the accuracy for {name!r}, got neither. Pass y_true_shape= and y_pred_shape=, "
            "or name the metric: 'binary_accuracy', 'categorical_accuracy' or "
            "'sparse_categorical_accuracy'."
        )
    true_shape, pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if len(pred_shape) < 2 or pred_shape[-1] == 1:
        return "binary"
    if len(true_shape) < len(pred_shape) or (true_shape[-1:] == (1,) and pred_shape[-1] > 1):
        return "sparse"
    return "categorical"


def serialize(metric: Metric) -> dict[str, Any]:
    """Return ``{'class_name': ..., 'config': ...}`` for a registered metric.

    Raises:
        ConfigError: for a metric whose class is not registered (a bare ``MeanMetricWrapper``
            is saved with its function's registered name).
    """
    if type(metric) is MeanMetricWrapper:
        return {"class_name": "MeanMetricWrapper", "config": metric.get_config()}
    return METRICS.serialize(metric)


def deserialize(config: dict[str, Any] | str) -> Metric:
    """Rebuild a metric (with empty state) from ``serialize``'s output; never runs code.

    Raises:
        ConfigError: for a dict without 'class_name', an unknown class, or a wrapped
            function that is not registered.
    """
    if isinstance(config, str):
        return get(config)
    METRICS.check_config(config)
    settings = dict(config.get("config") or {})
    if config["class_name"] == "MeanMetricWrapper":
        fn_name = settings.pop("fn", None)
        return _wrapped(fn_name, settings)
    return METRICS.deserialize(config, base=Metric)


def _wrapped(fn_name: Any, settings: dict[str, Any]) -> Metric:
    if isinstance(fn_name, str) and _known(METRICS, fn_name):
        fn = METRICS.get(fn_name)
        if not isinstance(fn, type):
            return MeanMetricWrapper(fn, **settings)
    if isinstance(fn_name, str) and _known(_losses.LOSSES, fn_name):
        return MeanMetricWrapper(_losses.get(fn_name).fn, **settings)
    raise ConfigError(
        f"metrics.deserialize: expected 'fn' to name a registered metric or loss function, "
        f"got {fn_name!r}. Register it with @glassnet.metrics.METRICS.register('my_metric')."
    )
