"""The compile config and the optimizer state of a saved model, by registered names only.

``compile_config(model)`` records what ``compile`` was given: the optimizer (its registered
class and config), the loss and metrics (registered names as given, or ``{"class_name",
"config"}`` for objects; lists and dicts per output kept as they were) and ``loss_weights``.
``restore_compile`` calls ``model.compile`` with objects rebuilt from those names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ModelFileError

__all__ = ["compile_config", "optimizer_state", "restore_compile", "restore_optimizer_state"]

_COMPILE_KEYS = {"optimizer", "loss", "metrics", "loss_weights"}


def _compile_args(model: Any) -> tuple[Any, Any, Any]:
    """(loss, loss_weights, metrics) exactly as passed to ``compile``."""
    compiled_loss = getattr(model, "compiled_loss", None)
    if compiled_loss is not None and hasattr(compiled_loss, "spec"):
        loss, loss_weights = compiled_loss.spec, compiled_loss.weights_spec
    else:
        loss, loss_weights = model.loss, getattr(model, "loss_weights", None)
    metrics = model.compiled_metrics
    return loss, loss_weights, getattr(metrics, "spec", metrics)


def _nested(value: Any, leaf: Callable[[Any], Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {str(k): _nested(v, leaf) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nested(v, leaf) for v in value]
    return leaf(value)


def _loss_leaf(value: Any) -> Any:
    from glassnet import losses

    if isinstance(value, str):
        return value
    if isinstance(value, losses.Loss):
        return losses.serialize(value)
    name = losses.LOSSES.name_of(value)
    if name is None:
        raise ConfigError(
            f"save_model: expected a registered loss, got {getattr(value, '__name__', value)!r}. "
            "Register it with @glassnet.losses.LOSSES.register('name'), or save the weights "
            "alone with model.save_weights(path)."
        )
    return name


def _metric_leaf(value: Any) -> Any:
    from glassnet import metrics

    if isinstance(value, str):
        return value
    if isinstance(value, metrics.Metric):
        return metrics.serialize(value)
    from glassnet import losses

    name = metrics.METRICS.name_of(value) or losses.LOSSES.name_of(value)
    if name is None:
        raise ConfigError(
            f"save_model: expected a registered metric, got "
            f"{getattr(value, '__name__', value)!r}. Register it with "
            "@glassnet.metrics.METRICS.register('name'), or save with model.save_weights(path)."
        )
    return name


def compile_config(model: Any) -> dict[str, Any] | None:
    """The JSON-ready compile arguments of ``model``, or None if it is not compiled.

    Raises:
        ConfigError: for a loss, metric or optimizer that cannot be rebuilt from its name.
    """
    from glassnet import optimizers

    if getattr(model, "optimizer", None) is None or not getattr(model, "_compile_saved", True):
        return None  # why: _compile_saved False: a model (GAN) whose compile the file cannot hold
    if getattr(model, "_own_loss", False):  # why: its train_step computes the loss (VAE)
        loss = loss_weights = metrics = None
    else:
        loss, loss_weights, metrics = _compile_args(model)
    config = {
        "optimizer": optimizers.serialize(model.optimizer),
        "loss": _nested(loss, _loss_leaf),
        "metrics": _nested(metrics, _metric_leaf),
        "loss_weights": _nested(loss_weights, float),
    }
    try:  # why: fail at save time, not when someone loads the file years later
        _rebuild(config)
    except ConfigError as exc:
        raise ConfigError(
            f"save_model: the compile config of '{model.name}' cannot be rebuilt: {exc} "
            "Register custom objects, or save the weights alone with model.save_weights(path)."
        ) from None
    return config


def _rebuild(config: Mapping[str, Any]) -> dict[str, Any]:
    from glassnet import losses, metrics, optimizers

    def loss(value: Any) -> Any:
        if isinstance(value, Mapping):
            return losses.deserialize(value)
        losses.get(value)  # check the name now; compile gets the string, as it was given
        return value

    def metric(value: Any) -> Any:
        return metrics.deserialize(value) if isinstance(value, Mapping) else value

    return {
        "optimizer": optimizers.deserialize(config["optimizer"]),
        "loss": _rebuild_nested(config["loss"], loss),
        "metrics": _rebuild_nested(config["metrics"], metric),
        "loss_weights": config["loss_weights"],
    }


def _rebuild_nested(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """Inverse of ``_nested``: a dict with 'class_name' is a leaf, other dicts are per output."""
    if value is None:
        return None
    if isinstance(value, Mapping) and "class_name" not in value:
        return {k: _rebuild_nested(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild_nested(v, leaf) for v in value]
    if not isinstance(value, (str, Mapping)):
        raise ConfigError(f"expected a registered name or a class config, got {value!r}.")
    return leaf(value)


def restore_compile(model: Any, config: Any, source: str) -> None:
    """``model.compile(...)`` from ``compile_config``'s output.

    Raises:
        ModelFileError: for a malformed config or a name no registry knows.
    """
    if not isinstance(config, Mapping) or set(config) != _COMPILE_KEYS:
        got = sorted(config) if isinstance(config, Mapping) else type(config).__name__
        raise ModelFileError(
            f"{source}: expected 'compile' with keys {sorted(_COMPILE_KEYS)}, got {got}."
        )
    try:
        args = _rebuild(config)
        if getattr(model, "_own_loss", False):  # e.g. VAE.compile(optimizer): no loss to give
            model.compile(args["optimizer"])
        else:
            model.compile(**args)
    except Exception as exc:  # why: any failure here is the file's: report it as such
        raise ModelFileError(f"{source}: cannot restore the compile config: {exc}") from exc


# ---------------------------------------------------------------------- optimizer state
def optimizer_state(model: Any, keys: Mapping[str, Any]) -> tuple[dict, list[str]] | None:
    """The optimizer's state arrays and its parameters' weight names (in its index order).

    Returns None when there is nothing to save (not compiled, or no step taken yet).

    Raises:
        ConfigError: if the optimizer updates tensors that are not weights of the model.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "get_state"):
        return None
    state = optimizer.get_state()
    if int(state["iterations"]) == 0:  # why: slots appear at the first step; nothing to keep
        return None
    by_id = {id(weight): key for key, weight in keys.items()}
    names = [by_id.get(id(param)) for param in optimizer.params]
    if None in names:
        raise ConfigError(
            f"save_model: the optimizer of '{model.name}' updates tensors that are not weights "
            "of this model, so its state cannot be saved with it. Save the weights alone with "
            "model.save_weights(path)."
        )
    return state, names


def restore_optimizer_state(
    model: Any, state: Mapping[str, np.ndarray], names: Any, keys: Mapping[str, Any], source: str
) -> None:
    """Attach the model's weights in the saved order and load the state into the optimizer.

    Raises:
        ModelFileError: for names that are not weights, slots of unknown parameters, or state
            the optimizer rejects.
    """
    optimizer = model.optimizer
    if not isinstance(names, list) or not all(isinstance(n, str) and n in keys for n in names):
        raise ModelFileError(
            f"{source}: expected 'optimizer_weights' to list weight names of the model, got "
            f"{str(names)[:200]}."
        )
    if len(set(names)) != len(names):
        raise ModelFileError(f"{source}: 'optimizer_weights' names a weight twice.")
    _check_state(state, len(names), source)
    try:
        optimizer.attach([keys[name] for name in names])
        optimizer.set_state(dict(state))
    except Exception as exc:  # why: any failure here is the file's: report it as such
        raise ModelFileError(f"{source}: cannot restore the optimizer state: {exc}") from exc


def _check_state(state: Mapping[str, np.ndarray], count: int, source: str) -> None:
    """Slot indices within the saved parameters; scalar, non-negative integer 'iterations'."""
    for key, value in state.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[2].isdecimal():
            if len(parts[2]) > 9 or int(parts[2]) >= count:
                raise ModelFileError(
                    f"{source}: optimizer state {key[:80]!r} is for parameter {parts[2][:20]}, "
                    f"but only {count} parameters were saved."
                )
        if key in ("iterations", "learning_rate") and np.shape(value) != ():
            raise ModelFileError(
                f"{source}: expected {key!r} to be a scalar, got shape {np.shape(value)}."
            )
    iterations = state.get("iterations")
    if iterations is not None and (iterations.dtype.kind not in "iu" or int(iterations) < 0):
        raise ModelFileError(f"{source}: expected 'iterations' to be an integer >= 0.")
