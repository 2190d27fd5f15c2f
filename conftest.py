"""Root conftest: names every doctest in src/ may use without importing them."""

import numpy as np
import pytest

import glassnet


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["glassnet"] = glassnet
    doctest_namespace["np"] = np
