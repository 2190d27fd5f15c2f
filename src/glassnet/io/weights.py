"""Weights by name: ``save_weights`` / ``load_weights`` and the key scheme both files use.

Each weight is stored under the path of layer names that leads to it, relative to the model
being saved: ``"dense/kernel"``, or ``"encoder/dense_1/bias"`` inside a nested model named
``encoder``. Loading matches by these names. When every name differs but the structure is the
same (a model built again in one session gets new automatic names, ``dense_2`` for ``dense``),
weights are matched by position instead, provided their count, their own names (``kernel``)
and every shape agree. Everything is checked before the first weight changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ModelFileError, StateError
from glassnet.io import safetensors
from glassnet.io._container import is_zip_path
from glassnet.layers.base import Layer
from glassnet.tensor import Tensor

__all__ = ["load_weights", "save_weights", "weight_keys"]

#: The metadata key holding the weight names in the model's own order (JSON list).
ORDER_KEY = "glassnet.weight_order"


def _is_model(layer: Layer) -> bool:
    from glassnet.models.model import Model

    return isinstance(layer, Model)


def _local_name(layer: Layer, weight: Tensor, index: int) -> str:
    name = weight.name or f"weight_{index}"
    prefix = f"{layer.name}/"
    return name[len(prefix) :] if name.startswith(prefix) and len(name) > len(prefix) else name


def weight_keys(model: Layer) -> dict[str, Tensor]:
    """Every weight of ``model`` under its file name, in ``model.weights`` order.

    Raises:
        ConfigError: if two weights would get the same name (rename one of their layers).

    Example:
        >>> from glassnet.layers import Dense
        >>> model = glassnet.Sequential([Dense(2, input_shape=(3,), name="hidden")])
        >>> list(weight_keys(model))
        ['hidden/kernel', 'hidden/bias']
    """
    found: dict[int, str] = {}
    taken: dict[str, Tensor] = {}

    def add(key: str, weight: Tensor) -> None:
        if id(weight) in found:  # a shared layer: its first path names it
            return
        if key in taken:
            raise ConfigError(
                f"save_weights: two weights of '{model.name}' would both be saved as {key!r}. "
                "Give their layers distinct names."
            )
        found[id(weight)] = key
        taken[key] = weight

    def walk(layer: Layer, prefix: str) -> None:
        if _is_model(layer):
            for child in layer.layers:
                walk(child, f"{prefix}{child.name}/" if _is_model(child) else prefix)
            for i, weight in enumerate(layer._weights):
                add(prefix + _local_name(layer, weight, i), weight)
        else:
            for i, weight in enumerate(layer.weights):
                add(f"{prefix}{layer.name}/{_local_name(layer, weight, i)}", weight)

    walk(model, "")
    for i, weight in enumerate(model.weights):  # weights the walk cannot see, by own name
        add(weight.name or f"weight_{i}", weight)
    return {found[id(w)]: w for w in model.weights}


def _require_built(model: Layer, who: str) -> None:
    if not model.built:
        raise StateError(
            f"{who}: expected a built model, got '{model.name}' with no weights yet. Give its "
            "first layer an input shape, or call it on data (or fit it) first."
        )


def collect(model: Layer) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The weights as ``{key: array}`` and metadata recording their order."""
    keys = weight_keys(model)
    order = json.dumps(list(keys), separators=(",", ":"))
    return {key: w.data for key, w in keys.items()}, {ORDER_KEY: order}


def match(
    model: Layer,
    tensors: Mapping[str, np.ndarray],
    metadata: Mapping[str, str] | None,
    source: str,
    *,
    by_position: bool = True,
) -> list[tuple[Tensor, np.ndarray]]:
    """Pair each weight of ``model`` with an array of the file, checking names and shapes.

    Raises:
        ModelFileError: for missing, extra or misshapen weights (nothing is assigned).
    """
    keys = weight_keys(model)
    if set(tensors) == set(keys):
        pairs = [(key, key) for key in keys]
    elif (
        by_position
        and (order := _file_order(metadata, tensors))
        and _same_structure(keys, order, tensors)
    ):
        pairs = list(zip(keys, order))
    else:
        raise ModelFileError(_mismatch(model, source, keys, tensors))
    out = []
    for key, file_key in pairs:
        weight, array = keys[key], tensors[file_key]
        if array.shape != weight.shape:
            raise ModelFileError(
                f"{source}: weight {file_key!r} has shape {array.shape} but '{model.name}' "
                f"expects {weight.shape} for {key!r}. The file belongs to another architecture."
            )
        if array.dtype.kind != weight.dtype.kind and not (
            array.dtype.kind in "iub" and weight.dtype.kind in "iub"
        ):
            raise ModelFileError(
                f"{source}: weight {file_key!r} has dtype {array.dtype} but '{model.name}' "
                f"expects {weight.dtype} for {key!r}."
            )
        out.append((weight, array))
    return out


def assign(pairs: list[tuple[Tensor, np.ndarray]]) -> None:
    """Copy checked arrays into the weights in place (optimizers keep their references)."""
    for weight, array in pairs:
        weight.data[...] = array


def _file_order(metadata: Mapping[str, str] | None, tensors: Mapping[str, Any]) -> list | None:
    try:
        order = json.loads((metadata or {}).get(ORDER_KEY, "null"))
    except ValueError:
        return None
    if isinstance(order, list) and sorted(map(str, order)) == sorted(tensors):
        return order
    return None


def _same_structure(keys: Mapping[str, Tensor], order: list[str], tensors: Mapping) -> bool:
    return len(order) == len(keys) and all(
        key.rsplit("/", 1)[-1] == file_key.rsplit("/", 1)[-1]
        and tensors[file_key].shape == weight.shape
        for (key, weight), file_key in zip(keys.items(), order)
    )


def _mismatch(model: Layer, source: str, keys: Mapping, tensors: Mapping) -> str:
    missing = sorted(set(keys) - set(tensors))
    extra = sorted(set(tensors) - set(keys))
    return (
        f"{source}: the weights do not fit '{model.name}': "
        + (f"missing {missing[:5]}{' ...' if len(missing) > 5 else ''}; " if missing else "")
        + (f"unexpected {extra[:5]}{' ...' if len(extra) > 5 else ''}; " if extra else "")
        + "matching by position failed too (count, names or shapes differ). Load them into "
        "the architecture that saved them."
    )


# ---------------------------------------------------------------------- public API
def save_weights(model: Layer, path: str | os.PathLike, overwrite: bool = True) -> None:
    """Write the model's weights to one safetensors file, atomically.

    Args:
        model: a built model (any ``Model``, subclassed ones included).
        path: the file to write; ``'.weights.safetensors'`` is the customary ending.
        overwrite: if False and ``path`` exists, raise ``FileExistsError``.

    Raises:
        StateError: if the model is not built.
        ValueError: if ``path`` ends with a model-file extension (use ``save_model``).
    """
    if is_zip_path(path):
        raise ValueError(
            f"save_weights: {os.fspath(path)!r} has a model-file extension, but save_weights "
            "writes a single safetensors file. Use model.save(path) for a full model, or a name "
            "ending in '.weights.safetensors'."
        )
    _require_built(model, "save_weights")
    tensors, metadata = collect(model)
    safetensors.save_file(tensors, path, metadata, overwrite=overwrite)


def load_weights(model: Layer, path: str | os.PathLike) -> None:
    """Set the model's weights from ``save_weights``'s file or a saved model (zip or folder).

    Raises:
        StateError: if the model is not built.
        ModelFileError: for a corrupt file, or weights that do not fit the model; the model
            is unchanged then.
    """
    _require_built(model, "load_weights")
    source = os.fspath(path)
    if is_zip_path(path) or os.path.isdir(path):
        from glassnet.io.model_file import read_model_file

        files = read_model_file(path)
        tensors, metadata = files.weights, files.weights_metadata
    else:
        tensors, metadata = safetensors.load_file(path)
    assign(match(model, tensors, metadata, source))
