"""Layer configs as JSON-ready dicts, resolved back through the closed layer registry only."""

from __future__ import annotations

from typing import Any

from glassnet.layers.base import LAYERS, Layer


def serialize_layer(layer: Layer) -> dict[str, Any]:
    """``{"class_name": <registered name>, "config": layer.get_config()}``."""
    return LAYERS.serialize(layer)


def deserialize_layer(config: dict[str, Any]) -> Layer:
    """Rebuild an (unbuilt) layer from ``serialize_layer``'s output; names only, never code."""
    return LAYERS.deserialize(config, base=Layer)
