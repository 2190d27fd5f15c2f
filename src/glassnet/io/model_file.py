"""``save_model`` / ``load_model``: a whole model in one zip or one folder, no code inside.

A model file holds three members (a ``.keras``, ``.glassnet`` or ``.zip`` path is one zip,
any other path a folder):

- ``config.json``: the format and its version, the glassnet version, the model's config
  (registered class names and constructor arguments), the input shape it was built for, and
  the compile arguments (optimizer, loss, metrics, loss weights, by registered name);
- ``model.weights.safetensors``: the weights, named as ``glassnet.io.weights`` describes;
- ``optimizer.safetensors``: the optimizer's slots and step count, once it has taken a step.

Loading resolves every name through glassnet's closed registries and nothing else: no pickle,
no eval, no import of a name from the file. Sizes, shapes and names are checked before use, and
a model is returned only when all of it fitted; any problem raises ``ModelFileError``.
"""

from __future__ import annotations

import dataclasses
import math
import os
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ModelFileError
from glassnet.io import _compile, safetensors
from glassnet.io._container import read_members, write_members
from glassnet.io._json import parse_json
from glassnet.io._model_config import build_shape, dump_json, model_config
from glassnet.io.weights import _require_built, assign, collect, match, weight_keys
from glassnet.layers._budget import weight_budget
from glassnet.layers.base import Layer
from glassnet.layers.serialize import deserialize_layer

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "read_model_file", "save_model"]

FORMAT, FORMAT_VERSION = "glassnet.model", 1
CONFIG, WEIGHTS, OPTIMIZER = "config.json", "model.weights.safetensors", "optimizer.safetensors"
#: Hard caps on what a file may declare, checked before anything is allocated.
MAX_CONFIG_BYTES = 16 * 2**20
MAX_TENSOR_FILE_BYTES = 2**40
MAX_PROBE_ELEMENTS = 2**24  # the zeros a model without its own Input is built on
_CAPS = {CONFIG: MAX_CONFIG_BYTES, WEIGHTS: MAX_TENSOR_FILE_BYTES, OPTIMIZER: MAX_TENSOR_FILE_BYTES}
_KEYS = {"format", "format_version", "glassnet_version", "model", "build_input_shape", "compile"}
_OPTIONAL_KEYS = {"optimizer_weights"}


@dataclasses.dataclass
class ModelFiles:
    """The checked contents of a model file (nothing rebuilt from it yet)."""

    config: dict[str, Any]
    weights: dict[str, np.ndarray]
    weights_metadata: dict[str, str] | None
    optimizer: dict[str, np.ndarray] | None


# ---------------------------------------------------------------------- saving
def save_model(model: Layer, path: str | os.PathLike, overwrite: bool = True) -> None:
    """Save config, weights and optimizer state; ``load_model(path)`` gives the model back.

    Args:
        model: a built model whose classes are all registered (``Sequential``, functional
            ``Model``, or a subclass registered in ``glassnet.layers.LAYERS`` with
            ``get_config``).
        path: ``'*.keras'``, ``'*.glassnet'`` or ``'*.zip'`` for one zip file; any other path
            is written as a folder.
        overwrite: if False and ``path`` exists, raise ``FileExistsError``.

    The bytes depend only on the model (fixed timestamps, sorted names), and the file appears
    in one rename, so an interrupted save leaves the previous file intact.

    Raises:
        StateError: if the model is not built.
        ConfigError: if the model, its loss or its metrics cannot be rebuilt from registered
            names (use ``save_weights`` then), or two weights would share a name.
    """
    _require_built(model, "save_model")
    tensors, metadata = collect(model)
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "glassnet_version": _version(),
        "model": model_config(model),
        "build_input_shape": build_shape(model),
        "compile": _compile.compile_config(model),
    }
    members = {WEIGHTS: _tensor_member(tensors, metadata)}
    state = _compile.optimizer_state(model, weight_keys(model)) if config["compile"] else None
    if state is not None:
        config["optimizer_weights"] = state[1]
        members[OPTIMIZER] = _tensor_member(state[0], None)
    text = dump_json(model, config)
    members[CONFIG] = (len(text), lambda file: file.write(text))
    write_members(path, members, overwrite)


def _version() -> str:
    import glassnet

    return glassnet.__version__


def _tensor_member(tensors: dict, metadata: dict | None):
    plan = safetensors.Plan(tensors, metadata)
    return plan.size, plan.write_to


# ---------------------------------------------------------------------- loading
def read_model_file(path: str | os.PathLike) -> ModelFiles:
    """Read and check every member of a model file; builds nothing.

    Raises:
        FileNotFoundError: if nothing is at ``path``.
        ModelFileError: for a corrupt, truncated, oversized or hostile file.
    """
    source = os.fspath(path)
    members = read_members(path, _CAPS, required=(CONFIG, WEIGHTS))
    config = _parse_config(members[CONFIG], f"{source}:{CONFIG}")
    weights, metadata = safetensors.loads(members[WEIGHTS], f"{source}:{WEIGHTS}")
    optimizer = None
    if OPTIMIZER in members:
        optimizer, _ = safetensors.loads(members[OPTIMIZER], f"{source}:{OPTIMIZER}")
    if (optimizer is None) != ("optimizer_weights" not in config):
        raise ModelFileError(
            f"{source}: {OPTIMIZER} and the config's 'optimizer_weights' must come together."
        )
    return ModelFiles(config, weights, metadata, optimizer)


def _parse_config(raw: bytearray, source: str) -> dict[str, Any]:
    config = parse_json(bytes(raw), source, "config", constants=True)
    keys = set(config)
    if not _KEYS <= keys <= _KEYS | _OPTIONAL_KEYS:
        raise ModelFileError(
            f"{source}: expected the keys {sorted(_KEYS)}, got {sorted(keys)}"
            + (f" (unexpected: {sorted(keys - _KEYS - _OPTIONAL_KEYS)})" if keys - _KEYS else "")
            + ". It was not written by glassnet's save_model, or it was altered."
        )
    if config["format"] != FORMAT:
        raise ModelFileError(f"{source}: expected format {FORMAT!r}, got {config['format']!r}.")
    version = config["format_version"]
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        raise ModelFileError(
            f"{source}: format_version {version!r} is not one this glassnet reads (1 to "
            f"{FORMAT_VERSION}). Upgrade glassnet to read files from newer versions."
        )
    if not isinstance(config["model"], dict):
        raise ModelFileError(f"{source}: expected 'model' to be an object.")
    if config["build_input_shape"] is not None:
        _check_shape(config["build_input_shape"], source)
    return config


def _check_shape(shape: Any, source: str) -> None:
    """A build shape: a list of positive sizes (None for the batch axis), or a list of them."""
    if isinstance(shape, list) and shape and all(isinstance(s, list) for s in shape):
        for one in shape:
            _check_shape(one, source)
        return
    if (
        not isinstance(shape, list)
        or not 1 <= len(shape) <= safetensors.MAX_NDIM
        or not all(d is None or (type(d) is int and 0 < d <= MAX_PROBE_ELEMENTS) for d in shape)
        or math.prod(1 if d is None else d for d in shape) > MAX_PROBE_ELEMENTS
    ):
        raise ModelFileError(
            f"{source}: expected 'build_input_shape' as a list of positive sizes (null for the "
            f"batch axis) with at most {MAX_PROBE_ELEMENTS} elements, got {str(shape)[:200]}."
        )


def _probe(shape: list, dtype: np.dtype) -> Any:
    """Zeros of a checked build shape (batch axis 1), or a list of them."""
    if isinstance(shape[0], list):
        return [_probe(s, dtype) for s in shape]
    return np.zeros(tuple(1 if d is None else d for d in shape), dtype=dtype)


def _rebuild(files: ModelFiles, source: str) -> Any:
    """The model rebuilt from the config and built, its weight count capped by the file's."""
    import glassnet.zoo  # noqa: F401  (registers the zoo's layers, e.g. TransformerEncoder)
    from glassnet.models.model import Model
    from glassnet.tensor import no_grad

    budget = sum(array.size for array in files.weights.values())
    try:
        with weight_budget(budget), no_grad():
            model = deserialize_layer(files.config["model"])
            if not isinstance(model, Model):
                raise ConfigError(f"expected a model class, got {type(model).__name__}.")
            shape = files.config["build_input_shape"]
            if not model.built and shape is not None:
                model(_probe(shape, model.dtype), training=False)
    except ModelFileError:
        raise
    except Exception as exc:  # why: any failure to rebuild is the file's: report it as such
        raise ModelFileError(f"{source}: cannot rebuild the model from its config: {exc}") from exc
    if not model.built:
        raise ModelFileError(f"{source}: the config builds no model ('build_input_shape' is null).")
    return model


def load_model(path: str | os.PathLike, *, compile: bool = True) -> Any:  # noqa: A002
    """Load a model saved by ``save_model``: architecture, weights, compile and optimizer state.

    A loaded compiled model continues training exactly as the saved one would have (same
    optimizer slots and step count); seed glassnet (``glassnet.utils.set_random_seed``) to
    repeat the shuffling and dropout draws too.

    Args:
        path: the ``.keras``/``.glassnet``/``.zip`` file or the folder ``save_model`` wrote.
        compile: if False, skip the compile config and optimizer state.

    Raises:
        FileNotFoundError: if nothing is at ``path``.
        ModelFileError: for a corrupt, truncated, oversized or hostile file, or one naming a
            class, loss or optimizer no registry knows (with the closest known name).

    Example:
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> path = os.path.join(getfixture("tmp_path"), "tiny.keras")
        >>> model.save(path)
        >>> load_model(path).count_params()
        3
    """
    files = read_model_file(path)
    source = os.fspath(path)
    model = _rebuild(files, source)
    assign(match(model, files.weights, None, f"{source}:{WEIGHTS}", by_position=False))
    config = files.config
    if compile and config["compile"] is not None:
        _compile.restore_compile(model, config["compile"], f"{source}:{CONFIG}")
        if files.optimizer is not None:
            keys = weight_keys(model)
            _compile.restore_optimizer_state(
                model, files.optimizer, config["optimizer_weights"], keys, f"{source}:{OPTIMIZER}"
            )
    return model
