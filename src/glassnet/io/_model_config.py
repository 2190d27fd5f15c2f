"""What ``save_model`` writes about the model itself: its config, its build shape, as JSON.

Checked at save time, so that a file that cannot be loaded is never written: every class must
be registered, and a class that adds constructor arguments must also return them from
``get_config``.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.io.weights import _is_model
from glassnet.layers.base import Layer
from glassnet.layers.serialize import serialize_layer

__all__ = ["build_shape", "dump_json", "model_config"]


def model_config(model: Layer) -> dict[str, Any]:
    try:
        config = serialize_layer(model)
    except ConfigError as exc:
        raise ConfigError(
            f"save_model: '{model.name}' ({type(model).__name__}) cannot be rebuilt from a "
            f"config: {exc} Register the class in glassnet.layers.LAYERS and give it "
            "get_config(), or save the weights alone with model.save_weights(path)."
        ) from None
    _check_configs(model)
    return config


def _owner(cls: type, attribute: str) -> type:
    return next(klass for klass in cls.__mro__ if attribute in vars(klass))


def _check_configs(layer: Layer) -> None:
    """Fail when a class adds constructor arguments but inherits a ``get_config`` without them."""
    cls = type(layer)
    init_owner = _owner(cls, "__init__")
    if init_owner is not _owner(cls, "get_config") and issubclass(
        init_owner, _owner(cls, "get_config")
    ):
        _check_arguments(layer, cls)
    for child in layer.layers if _is_model(layer) else []:
        _check_configs(child)


def _check_arguments(layer: Layer, cls: type) -> None:
    config = layer.get_config()
    skipped = inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD
    base = {"self", *inspect.signature(Layer.__init__).parameters}  # Layer's own arguments
    params = inspect.signature(cls.__init__).parameters.values()
    missing = [p.name for p in params if p.kind not in skipped and p.name not in {*config, *base}]
    if missing:
        raise ConfigError(
            f"save_model: {cls.__name__} '{layer.name}' takes argument(s) {missing} that its "
            "get_config() does not return, so it cannot be rebuilt. Add them to get_config(), "
            "or save the weights alone with model.save_weights(path)."
        )


def build_shape(model: Layer) -> Any:
    """The input shape(s) ``model`` was built for, with None for the batch axis."""
    for owner in (model, *getattr(model, "_layers", [])[:1]):
        for attr in ("_build_input_shape", "batch_input_shape"):
            shape = getattr(owner, attr, None)
            if shape is not None:
                return _json_shape(shape)
    if getattr(model, "inputs", None) is not None:
        return None  # a functional model: its Input layers are in its config
    raise ConfigError(
        f"save_model: cannot tell which input shape '{model.name}' was built for. Start it "
        "with Input(shape=...) or give its first layer input_shape=..."
    )


def _json_shape(shape: Any) -> Any:
    if shape and isinstance(shape[0], (list, tuple)):
        return [_json_shape(s) for s in shape]
    return [None if d is None else int(d) for d in shape]


def dump_json(model: Layer, config: dict[str, Any]) -> bytes:
    def default(value: Any) -> Any:
        if isinstance(value, np.generic | np.ndarray):
            return value.tolist()
        raise ConfigError(
            f"save_model: the config of '{model.name}' holds a {type(value).__name__} "
            f"({value!r:.80}), which JSON cannot store. Return plain numbers, strings, lists "
            "and dicts from get_config()."
        )

    return json.dumps(config, default=default, indent=1, sort_keys=True).encode("utf-8")
