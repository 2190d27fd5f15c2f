"""``keras.initializers``: the names of ``glassnet.initializers``."""

from glassnet.initializers import *  # noqa: F403
from glassnet.initializers import __all__  # noqa: F401
