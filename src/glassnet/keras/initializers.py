"""``keras.initializers``: the names of ``glassnet.initializers``, and Keras's lower-case aliases.

Keras 3 also exports each initializer class under its snake_case name
(``keras.initializers.glorot_uniform`` is ``GlorotUniform``), so ``glorot_uniform()`` makes
an instance. The same aliases are here.
"""

from glassnet.initializers import *  # noqa: F403
from glassnet.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from glassnet.initializers import __all__ as _names

constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros

__all__ = [
    *_names, "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal",
    "random_uniform", "truncated_normal", "variance_scaling", "zeros",
]  # fmt: skip
