"""Models: ``Sequential``, functional ``Model(inputs, outputs)`` and the Keras training workflow."""

from glassnet.models.functional import Functional
from glassnet.models.model import Model
from glassnet.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
