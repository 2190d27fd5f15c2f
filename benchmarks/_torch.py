"""Lazy access to PyTorch, the peer most workloads are timed against."""

from types import ModuleType

TORCH_PIN = "torch==2.13.0"


def require_torch() -> ModuleType:
    """Import torch, or explain how to install the pinned version.

    Raises:
        ImportError: when torch is not installed.
    """
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"benchmarks: the PyTorch half needs torch. Install exactly `pip install {TORCH_PIN}` "
            "(CPU); other versions download gigabytes. Or run only the glassnet half."
        ) from None
    return torch
