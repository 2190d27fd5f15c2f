"""``glassnet.callbacks``: the Keras callback names (they live in ``glassnet.models.callbacks``)."""

from glassnet.models.callbacks import *  # noqa: F403
from glassnet.models.callbacks import __all__  # noqa: F401
