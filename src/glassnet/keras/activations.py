"""``keras.activations``: the names of ``glassnet.activations``."""

from glassnet.activations import *  # noqa: F403
from glassnet.activations import __all__  # noqa: F401
