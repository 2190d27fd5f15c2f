"""``keras.models``: Sequential, Model and loading."""

from glassnet.models import Model, Sequential

__all__ = ["Model", "Sequential"]
