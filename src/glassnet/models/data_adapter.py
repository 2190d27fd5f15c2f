"""Turning what users pass to fit/evaluate/predict into checked arrays and batches.

Data is one array, or (for models with several inputs or outputs) a list or dict of arrays:
a *structure*. ``to_structure`` converts every leaf with ``to_array``; ``take`` indexes every
leaf with the same batch indices. Batch sources (``glassnet.models.batch_sources``) build on
these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet import backend
from glassnet._constraints import is_int, is_real
from glassnet.errors import ConfigError, ShapeError
from glassnet.tensor import Tensor


def to_array(who: str, name: str, data: Any, dtype: Any = None) -> np.ndarray:
    """Convert arrays, lists, pandas objects or Tensors to an ndarray, with clear errors."""
    if isinstance(data, Tensor):
        data = data.data
    if hasattr(data, "to_numpy"):  # pandas DataFrame / Series
        data = data.to_numpy()
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as err:
        raise TypeError(f"{who}: could not turn {name} into an array ({err}).") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{who}: expected {name} to hold numbers, got dtype {array.dtype}. Encode strings "
            "or categories as numbers first (for example with sklearn's LabelEncoder)."
        )
    if array.ndim == 0 or array.shape[0] == 0:
        raise ShapeError(
            f"{who}: expected {name} with at least one sample, got shape {array.shape}."
        )
    if array.dtype.kind == "f" or dtype is not None:
        array = array.astype(dtype or backend.floatx(), copy=False)
    if array.dtype.kind == "f" and not _all_finite(array):
        bad = int((~np.isfinite(array)).sum())
        raise ValueError(
            f"{who}: expected finite values in {name}, got {bad} NaN or infinite entries. "
            "Impute or drop them before training."
        )
    return array


_FINITE_BLOCK = 1 << 18  # elements per block: a 256 KiB boolean temporary at most


def _all_finite(array: np.ndarray) -> bool:
    """``np.isfinite(array).all()`` over blocks of rows, so a large input never needs a
    boolean copy of itself (60,000 x 784 floats would need 47 MB); stops at the first bad
    block. Slicing rows never copies, whatever the array's memory layout."""
    row = max(1, array[0].size)
    step = max(1, _FINITE_BLOCK // row)
    for start in range(0, len(array), step):
        if not np.isfinite(array[start : start + step]).all():
            return False
    return True


def _is_array_like(value: Any) -> bool:
    return isinstance(value, (np.ndarray, Tensor)) or hasattr(value, "to_numpy")


def to_structure(who: str, name: str, data: Any, arity: int | None) -> Any:
    """One array, or a list/dict of arrays when the model has several inputs (``arity``).

    A list is a structure (one array per input or output) when the model has more than one,
    or, for models of unknown arity, when it holds more than one array; otherwise a list is
    the data itself (``[[0, 1], [1, 0]]``).
    """
    if isinstance(data, dict):
        return {k: to_array(who, f"{name}[{k!r}]", v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        many = (arity is not None and arity > 1) or (
            arity is None and len(data) > 1 and all(_is_array_like(d) for d in data)
        )
        if many:
            return [to_array(who, f"{name}[{i}]", v) for i, v in enumerate(data)]
    return to_array(who, name, data)


def leaves(structure: Any) -> list[tuple[str, np.ndarray]]:
    """``(suffix, array)`` for every array in a structure: ``""``, ``"[0]"``, ``"['a']"``."""
    if isinstance(structure, dict):
        return [(f"[{k!r}]", v) for k, v in structure.items()]
    if isinstance(structure, (list, tuple)):
        return [(f"[{i}]", v) for i, v in enumerate(structure)]
    return [("", structure)]


def take(structure: Any, idx: Any) -> Any:
    """The same rows of every array in a structure."""
    if structure is None:
        return None
    if isinstance(structure, dict):
        return {k: v[idx] for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [v[idx] for v in structure]
    return structure[idx]


def count_samples(who: str, **structures: Any) -> int:
    """All arrays in all structures must have the same number of samples; return it."""
    arrays = {
        name + suffix: array
        for name, structure in structures.items()
        if structure is not None
        for suffix, array in leaves(structure)
    }
    return check_lengths(who, **arrays)


def check_lengths(who: str, **arrays: np.ndarray | None) -> int:
    """All given arrays must have the same number of samples; return it."""
    sizes = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} has {n}" for k, n in sizes.items())
        raise ShapeError(f"{who}: expected the same number of samples everywhere, but {listed}.")
    return next(iter(sizes.values()))


def check_count(who: str, name: str, value: Any, minimum: int = 1) -> int:
    """An int argument of ``who`` that must be >= ``minimum`` (1: positive, 0: non-negative)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise ConfigError(f"The '{name}' argument of {who} must be a {kind} int. Got {value!r}.")
    return int(value)


def check_batch_size(who: str, batch_size: Any) -> int:
    return check_count(who, "batch_size", batch_size)


def batches(
    n: int, batch_size: int, shuffle: bool, rng: np.random.Generator | None
) -> Iterator[Any]:
    """Yield index slices (or index arrays when shuffling) covering range(n).

    When one batch covers all ``n`` samples there is nothing to shuffle: reordering the rows
    of the only batch changes just the order of the sums over it. The batch is then a slice
    (a view, no copy), which saves a permutation and a gather of every array each epoch.
    """
    if shuffle and n > batch_size:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]
    else:
        for start in range(0, n, batch_size):
            yield slice(start, start + batch_size)


def _check_class_weight(who: str, class_weight: Any) -> None:
    good = isinstance(class_weight, dict) and all(
        is_int(k) and is_real(v) and v >= 0 for k, v in class_weight.items()
    )
    if not good:
        raise ConfigError(
            f"The 'class_weight' argument of {who} must be a dict mapping class ids (ints) to "
            f"weights (floats >= 0), such as {{0: 1.0, 1: 5.0}}. Got {class_weight!r}."
        )


def class_weights_to_sample_weights(who: str, y: np.ndarray, class_weight: dict) -> np.ndarray:
    """Map each sample's class (integer label, one-hot row or 0/1 probability) to its weight."""
    _check_class_weight(who, class_weight)
    if y.size == 0:
        raise ShapeError(
            f"{who}: class_weight needs one class per sample in y, got y of shape {y.shape}. "
            "Pass integer labels (N,), one-hot rows (N, C) or 0/1 targets (N, 1)."
        )
    labels = (
        y.argmax(axis=-1)
        if y.ndim > 1 and y.shape[-1] > 1
        else np.rint(y.reshape(len(y), -1)[:, 0])
    )
    labels = labels.astype(int)
    missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
    if missing:
        raise ConfigError(
            f"{who}: class_weight has no weight for class(es) {missing}. "
            "Give a weight for every class that appears in y."
        )
    lookup = np.vectorize(lambda c: float(class_weight[c]), otypes=[np.float64])
    return lookup(labels).astype(backend.floatx())
