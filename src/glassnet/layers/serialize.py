"""Layer configs as JSON-ready dicts, resolved back through the closed layer registry only."""

from __future__ import annotations

from typing import Any

from glassnet.errors import ConfigError
from glassnet.layers.base import LAYERS, Layer


def serialize_layer(layer: Layer) -> dict[str, Any]:
    name = LAYERS.name_of(layer)
    if name is None:
        raise ConfigError(
            f"serialize: layer class {type(layer).__name__} is not registered. Register it with "
            "@glassnet.layers.LAYERS.register() so a saved model can name it."
        )
    return {"class_name": name, "config": layer.get_config()}


def deserialize_layer(config: dict[str, Any]) -> Layer:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(
            f"deserialize: expected {{'class_name': ..., 'config': ...}}, got {config!r}."
        )
    cls = LAYERS.get(config["class_name"])
    return cls.from_config(dict(config.get("config", {})))
