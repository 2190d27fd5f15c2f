"""``keras.regularizers``: the names of ``glassnet.regularizers``, and Keras's ``l1``/``l2``.

Keras 3 exports ``l1`` and ``l2`` as lower-case aliases of the ``L1`` and ``L2`` classes, so
``keras.regularizers.l2(0.01)`` makes an instance; the same aliases are here.
"""

from glassnet.regularizers import *  # noqa: F403
from glassnet.regularizers import L1, L2
from glassnet.regularizers import __all__ as _names

l1 = L1
l2 = L2

__all__ = [*_names, "l1", "l2"]
