"""``keras.losses``: the names of ``glassnet.losses``."""

from glassnet.losses import *  # noqa: F403
from glassnet.losses import __all__  # noqa: F401
