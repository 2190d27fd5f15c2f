"""``keras.regularizers``: the names of ``glassnet.regularizers``."""

from glassnet.regularizers import *  # noqa: F403
from glassnet.regularizers import __all__  # noqa: F401
