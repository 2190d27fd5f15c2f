"""``keras.layers``: the names of ``glassnet.layers``."""

from glassnet.layers import *  # noqa: F403
from glassnet.layers import __all__  # noqa: F401
