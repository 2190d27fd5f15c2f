"""An optimizer's config: ``get_config()``, ``from_config()`` and ``repr``.

``Optimizer`` inherits this mixin. The class using it provides ``name``, ``_learning_rate``,
``weight_decay``, ``clipnorm``, ``global_clipnorm``, ``clipvalue`` and, in subclasses, the
algorithm's own arguments through ``_hyper_config()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glassnet import schedules
from glassnet.errors import ConfigError

__all__ = ["OptimizerConfig"]

# Keras config keys glassnet does not implement, with the only value accepted for each.
_KERAS_ONLY = {
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class OptimizerConfig:
    """The config half of ``Optimizer`` (see the module docstring)."""

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-ready (a schedule as {"class_name", "config"}).

        Raises:
            TypeError: if the learning rate is a plain function rather than a schedule.
        """
        learning_rate: Any = self._learning_rate
        if callable(learning_rate):
            learning_rate = schedules.serialize(learning_rate)
        return {**self._base_config(learning_rate), **self._hyper_config()}

    def _base_config(self, learning_rate: Any) -> dict[str, Any]:
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }

    def _hyper_config(self) -> dict[str, Any]:
        """The algorithm's own arguments (beta_1, momentum, ...); subclasses extend this."""
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Any:
        """Create an optimizer from ``get_config()`` output (Keras 3 configs too).

        Raises:
            ConfigError: for a Keras-only option glassnet does not implement (EMA, ...).
        """
        config = dict(config)
        for key, default in _KERAS_ONLY.items():
            value = config.pop(key, default)
            if value != default:
                raise ConfigError(
                    f"{cls.__name__}.from_config: expected {key}={default!r}, got {value!r}. "
                    f"glassnet does not implement {key}; remove it from the config."
                )
        if isinstance(config.get("learning_rate"), Mapping):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        config = {**self._base_config(self._learning_rate), **self._hyper_config()}
        args = ", ".join(f"{k}={v!r}" for k, v in config.items() if v is not None)
        return f"{type(self).__name__}({args})"
