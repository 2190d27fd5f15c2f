"""Shared fixtures: a seeded generator and a float64 switch."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture
def float64():
    """Run a test with float64 as the default dtype, then restore float32."""
    glassnet.set_floatx("float64")
    yield
    glassnet.set_floatx("float32")
