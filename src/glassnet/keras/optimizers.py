"""``keras.optimizers``: the names of ``glassnet.optimizers``."""

from glassnet.optimizers import *  # noqa: F403
from glassnet.optimizers import __all__  # noqa: F401
