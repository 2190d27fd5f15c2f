"""Error messages of the optimizers and schedules that their other tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import optimizers, schedules
from glassnet.errors import ConfigError, ShapeError


def _unnamed_gradient_of_the_wrong_shape():
    weight = glassnet.tensor(np.ones(3), requires_grad=True)
    optimizers.SGD(0.1).apply_gradients([(np.ones(2), weight)])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: optimizers.SGD(clipnorm=1.0, clipvalue=1.0), ConfigError,
         r"SGD: expected at most one of clipnorm, clipvalue and global_clipnorm, got "
         r"clipnorm=1\.0, clipvalue=1\.0\. Keep the one you want\."),
        (_unnamed_gradient_of_the_wrong_shape, ShapeError,
         r"SGD: expected the gradient of parameter #0 to have shape \(3,\), got \(2,\)\. Pair "
         r"each gradient with its own parameter\."),
        (lambda: optimizers.Adam.from_config({"use_ema": True}), ConfigError,
         r"Adam.from_config: expected use_ema=False, got True\. glassnet does not implement "
         r"use_ema; remove it from the config\."),
        (lambda: schedules.PiecewiseConstantDecay([1], [1.0]), ConfigError,
         r"PiecewiseConstantDecay: expected one more value than boundaries, got 1 boundaries "
         r"and 1 values\."),
        (lambda: schedules.PiecewiseConstantDecay(["a"], [1.0, 2.0]), ConfigError,
         r"PiecewiseConstantDecay: expected numbers, got boundaries=\['a'\] and "
         r"values=\[1\.0, 2\.0\]\."),
        (lambda: schedules.PiecewiseConstantDecay([2, 1], [1.0, 2.0, 3.0]), ConfigError,
         r"PiecewiseConstantDecay: expected strictly increasing boundaries, got \[2, 1\]\. Sort "
         r"them and remove repeats\."),
    ],
)  # fmt: skip
def test_optimizer_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
