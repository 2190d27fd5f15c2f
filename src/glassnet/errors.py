"""The exception types glassnet raises.

Every message follows one formula: ``<who>: expected <what>, got <actual>. <how to fix>.``
The types subclass the built-in exception a Python user would already catch, so
``except ValueError`` still works around a ``ShapeError``.
"""

from __future__ import annotations

__all__ = [
    "AnomalyError",
    "ConfigError",
    "DataFileError",
    "GradientCheckError",
    "ModelFileError",
    "ShapeError",
    "StateError",
]


class ShapeError(ValueError):
    """A shape or rank does not fit: matmul inner sizes, broadcasting, axis out of range."""


class ConfigError(ValueError):
    """A bad hyper-parameter or an unknown name in a catalogue."""


class StateError(RuntimeError):
    """An object is used in the wrong state: not built, not compiled, graph already freed."""


class ModelFileError(ValueError):
    """A model or weights file is corrupt, truncated, oversized, hostile or does not fit the model.

    Raised by everything in ``glassnet.io`` that reads a file; the message names the file, the
    entry and what was wrong. Nothing has been changed when it is raised.
    """


class DataFileError(ValueError):
    """A data file (MNIST IDX, CIFAR-10 batch) is corrupt, truncated or not in its format."""


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


class AnomalyError(FloatingPointError):
    """In anomaly mode (``glassnet.detect_anomaly()``), an op made a NaN or Inf.

    The message names the op, the layer it ran in, and whether the forward output or the
    gradient of the backward pass held it.
    """
