"""Oracle table for the special-function ops (glassnet/ops/special.py): erf.

Collected by tests/ops/test_op_table.py with every other ``specs_*.py`` module.
"""

from __future__ import annotations

import numpy as np
import torch

from glassnet.ops.special import erf
from tests._oracle import Case, ErrorCase, OpSpec, Raw

# Points in each of erf's approximation regions and on their boundaries (|x| = 0.84375,
# 1.25, 1/0.35, 6), plus the tails where erf rounds to +-1.
_REGION_POINTS = np.array(
    [-7.0, -6.0, -4.0, -1 / 0.35, -2.0, -1.25, -1.0, -0.84375, -0.3, 0.0,
     1e-9, 0.5, 0.84375, 1.1, 1.25, 2.5, 1 / 0.35, 3.5, 5.9, 6.0, 9.0]
)  # fmt: skip

SPECS = [
    OpSpec(
        "erf",
        erf,
        torch.erf,
        [Case((3, 4)), Case(()), Case((2, 3, 5)), Case(_REGION_POINTS)],
        low=-4.0,
        high=4.0,
        errors=[
            ErrorCase((Raw("abc"),), {}, TypeError, r"expected a Tensor, number or numeric array"),
        ],
    ),
]
