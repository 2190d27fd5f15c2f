# ruff: noqa: E501  (a table: one op per entry reads better than wrapped lines)
"""Oracle table for the fused batch_norm op (glassnet/ops/norm.py): finite differences in
float64 and PyTorch's ``F.batch_norm`` in training mode (channels-last input moved to
channels-first for it). tests/ops/test_batch_norm.py checks it against the composed version.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from glassnet import ops
from glassnet.errors import ShapeError
from tests._oracle import Case, ErrorCase, OpSpec


def _torch_batch_norm(x, gamma=None, beta=None, epsilon=1e-3):
    y = F.batch_norm(torch.movedim(x, -1, 1), None, None, gamma, beta, training=True, eps=epsilon)
    return torch.movedim(y, 1, -1)


SPECS = [
    OpSpec("batch_norm", ops.batch_norm, _torch_batch_norm,
           [Case((6, 3), (3,), (3,)),
            Case((4, 3, 3, 2), (2,), (2,)),
            Case((2, 5, 4), (4,), (4,), epsilon=1e-5),
            Case((5, 4)),
            Case((3, 2, 2, 3), (3,))],
           errors=[ErrorCase(((1, 3), (3,), (3,)), {}, ShapeError, r"batch_norm: expected at least 2 values per channel"),
                   ErrorCase(((4, 3), (2,), (3,)), {}, ShapeError, r"batch_norm: expected gamma of shape \(3,\), got \(2,\)")]),
]  # fmt: skip
