"""Lazy access to Keras 3 on its PyTorch backend, an optional reference for the fit workloads."""

import os
from types import ModuleType


def require_keras() -> ModuleType:
    """Import Keras 3 with ``KERAS_BACKEND=torch`` (set here, before the import).

    Raises:
        ImportError: when keras is not installed (the runner then skips the Keras half with
            this message), or when keras was already imported with another backend.
    """
    os.environ["KERAS_BACKEND"] = "torch"
    try:
        import keras
    except ImportError:
        raise ImportError(
            "benchmarks: keras is not installed, so the Keras half was skipped. Install it with "
            "`pip install keras` (pure Python; it runs on the torch==2.13.0 already installed)."
        ) from None
    backend = keras.backend.backend()
    if backend != "torch":
        raise ImportError(
            f"benchmarks: expected Keras on the torch backend, got {backend!r} (keras was "
            "imported before KERAS_BACKEND=torch was set). Run the benchmark in a fresh process."
        )
    return keras
