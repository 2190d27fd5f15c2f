"""Keras 3 itself, on its PyTorch backend, for tests that compare a layer with Keras's own."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest


def keras_on_torch() -> Any:
    """Import Keras with ``KERAS_BACKEND=torch`` (skip the test when Keras is missing, or was
    already imported with another backend)."""
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "torch"
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("keras was imported with another backend")
    return keras
