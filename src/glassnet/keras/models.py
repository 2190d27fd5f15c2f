"""``keras.models``: Sequential, Model and loading."""

from glassnet.io import load_model
from glassnet.models import Model, Sequential

__all__ = ["Model", "Sequential", "load_model"]
