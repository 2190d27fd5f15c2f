"""The lazy matplotlib import every plot uses, and the shared label handling."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ShapeError


def pyplot(who: str) -> Any:
    """Import ``matplotlib.pyplot``, or raise ImportError with the install line."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            f"{who} needs matplotlib. Install it with: pip install matplotlib "
            "(or pip install glassnet[test])."
        ) from None
    return plt


def class_ids(who: str, name: str, labels: Any) -> np.ndarray:
    """Class ids (N,) from ids (N,) or (N, 1), or from one-hot rows / probabilities (N, K)."""
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2:
        return array.argmax(axis=1)
    if array.ndim != 1:
        raise ShapeError(
            f"{who}: expected {name} as class ids (N,) or one row of scores per sample "
            f"(N, K), got shape {array.shape}."
        )
    if array.dtype.kind == "f" and not np.all(array == np.round(array)):
        raise ValueError(f"{who}: expected integer class ids in {name}, got fractional values.")
    return array.astype(np.int64)


def save(fig: Any, to_file: Any) -> None:
    if to_file is not None:
        fig.savefig(to_file, dpi=100, bbox_inches="tight")
