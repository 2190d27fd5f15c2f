"""Optional dependencies (scikit-learn, mnist1d, ...), imported only when a function needs one."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def require(who: str, module: str, pip_name: str) -> ModuleType:
    """Import an optional dependency, or raise ImportError with the line that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{who}: expected the optional package '{pip_name}', but importing '{module}' "
            f"failed ({exc}). Install it with: pip install {pip_name}"
        ) from exc
