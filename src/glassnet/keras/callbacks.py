"""``keras.callbacks``: the names of ``glassnet.callbacks``."""

from glassnet.callbacks import *  # noqa: F403
from glassnet.callbacks import __all__  # noqa: F401
