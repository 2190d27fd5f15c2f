"""Models: ``Sequential``, ``Model`` and the Keras training workflow."""

from glassnet.models.model import Model
from glassnet.models.sequential import Sequential

__all__ = ["Model", "Sequential"]
