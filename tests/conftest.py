"""Shared fixtures: seeded generator, float64 switch, glassnet in doctest namespace."""

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


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["glassnet"] = glassnet
    doctest_namespace["np"] = np
