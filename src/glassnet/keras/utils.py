"""``keras.utils``: to_categorical, plot_model, set_random_seed, timeseries_dataset_from_array,
(un)pack_x_y_sample_weight."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.backend import set_random_seed
from glassnet.data.timeseries import timeseries_dataset_from_array
from glassnet.errors import ShapeError
from glassnet.models.step_data import pack_x_y_sample_weight, unpack_x_y_sample_weight
from glassnet.plot.model_graph import plot_model

__all__ = [
    "pack_x_y_sample_weight",
    "plot_model",
    "set_random_seed",
    "timeseries_dataset_from_array",
    "to_categorical",
    "unpack_x_y_sample_weight",
]


def to_categorical(y: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """Integer class labels to one-hot rows, as ``keras.utils.to_categorical``.

    Example:
        >>> to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
        raise ShapeError("to_categorical: expected integer class labels, got fractional values.")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ShapeError(f"to_categorical: expected labels >= 0, got {labels.min()}.")
    n = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.size and labels.max() >= n:
        raise ShapeError(
            f"to_categorical: expected labels in [0, {n - 1}], got {labels.max()}. "
            "Increase num_classes or check the labels."
        )
    out = np.zeros(labels.shape + (n,), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out
