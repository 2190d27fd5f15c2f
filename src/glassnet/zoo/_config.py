"""Config helpers shared by the zoo's models, so that ``save_model`` / ``load_model`` rebuild them.

A zoo model made of whole networks (an autoencoder's encoder and decoder, a GAN's generator
and discriminator) stores each part as a nested layer config (registered class name and
arguments, through ``glassnet.layers.serialize``): never pickle, never an import path.
"""

from __future__ import annotations

from typing import Any

from glassnet.layers.base import Layer
from glassnet.layers.serialize import deserialize_layer, serialize_layer

__all__ = ["build_from_config", "check_parts", "config_with_shape", "parts_config", "rebuild_parts"]


def check_parts(owner: str, **parts: Any) -> None:
    """Raise a TypeError naming ``owner`` for a part that is not a glassnet layer or model."""
    for what, part in parts.items():
        if not isinstance(part, Layer):
            raise TypeError(
                f"{owner}: expected the {what} as a glassnet model or layer, got "
                f"{type(part).__name__}. Build it with Sequential([...]) or Model(...)."
            )


def parts_config(model: Layer, names: tuple[str, ...]) -> dict[str, Any]:
    """``{name: serialize_layer(model.<name>)}`` for each part."""
    return {name: serialize_layer(getattr(model, name)) for name in names}


def rebuild_parts(config: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``config`` with each part's nested config rebuilt into a layer or model."""
    return {**config, **{name: deserialize_layer(config[name]) for name in names}}


def config_with_shape(model: Layer, config: dict[str, Any]) -> dict[str, Any]:
    """``config`` plus the input shape the model was built for, as ``batch_input_shape``.

    For models that cannot be built by a call on zeros (tree models read integer trees, and
    zeros are no tree): ``build_from_config`` builds them from this shape instead.
    """
    shape = getattr(model, "_build_input_shape", None) or model.batch_input_shape
    if shape is not None:
        config["batch_input_shape"] = [None if d is None else int(d) for d in shape]
    return config


def build_from_config(cls: type, config: dict[str, Any]) -> Any:
    """``cls(**config)``, built at once when the config holds its input shape."""
    model = cls(**config)
    if model.batch_input_shape is not None:
        model._build_once(model.batch_input_shape)
    return model
