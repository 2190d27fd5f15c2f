"""Training checkpoints: everything ``fit`` needs to go on from an epoch exactly, in one file.

``save_checkpoint(model, path, epoch=k)`` writes one zip (whatever the extension) with:

- ``checkpoint.json``: the format and its version, the glassnet version, ``epoch`` (epochs
  completed) and ``batch``, the optimizer's class, the names of the weights it updates, and
  the owner and kind of each random generator;
- ``model.weights.safetensors``: every weight, batch-norm moving statistics included;
- ``optimizer.safetensors``: the optimizer's slots, step count (a learning-rate schedule is a
  function of it) and float learning rate (ReduceLROnPlateau changes it), after the first step;
- ``rng.safetensors``: the state of glassnet's generator and of each generator a layer owns
  (``Dropout(seed=...)``), six uint64 words each (see ``glassnet.io._rng_state``).

``load_checkpoint(model, path)`` puts all of it back into the live model and returns the
epoch to continue from. The file is written atomically (temporary file, then one rename), so a
kill during a save leaves the previous checkpoint whole; reading gives the guarantees of a model
file (``glassnet.io.model_file``): closed members, strict JSON with known keys only, sizes
checked before allocating, ``ModelFileError`` for anything wrong, nothing changed until all of
it has been checked.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ModelFileError, StateError
from glassnet.io import _compile, _rng_state, safetensors
from glassnet.io._atomic import atomic_file
from glassnet.io._container import _write_zip, read_members
from glassnet.io._json import parse_json
from glassnet.io.model_file import (
    MAX_CONFIG_BYTES,
    MAX_TENSOR_FILE_BYTES,
    OPTIMIZER,
    WEIGHTS,
    ModelFiles,
    _tensor_member,
    _version,
)
from glassnet.io.weights import _file_order, _require_built, assign, collect, match, weight_keys

__all__ = ["FORMAT", "FORMAT_VERSION", "TrainingState", "load_checkpoint", "save_checkpoint"]

FORMAT, FORMAT_VERSION = "glassnet.checkpoint", 1
STATE, RNG = "checkpoint.json", "rng.safetensors"
#: Caps on what a checkpoint may declare, checked before anything is allocated.
MAX_EPOCH = 2**31 - 1
MAX_GENERATORS = 100_000
MAX_OWNER_CHARS = 1_000
_CAPS = {
    STATE: MAX_CONFIG_BYTES,
    WEIGHTS: MAX_TENSOR_FILE_BYTES,
    OPTIMIZER: MAX_TENSOR_FILE_BYTES,
    RNG: 64 * MAX_GENERATORS + 2**20,
}
_KEYS = {"format", "format_version", "glassnet_version", "epoch", "batch", "optimizer",
         "generators"}  # fmt: skip
_OPTIONAL_KEYS = {"optimizer_weights"}


@dataclasses.dataclass(frozen=True)
class TrainingState:
    """Where a checkpoint stands: ``epoch`` epochs completed, ``batch`` batches into the next."""

    epoch: int
    batch: int = 0


@dataclasses.dataclass
class _Files(ModelFiles):
    """The checked contents of a checkpoint (nothing applied yet): a model file's, plus the
    random generators' states."""

    generators: list[dict[str, Any]]


# ---------------------------------------------------------------------- saving
def save_checkpoint(
    model: Any, path: str | os.PathLike, *, epoch: int, batch: int = 0, overwrite: bool = True
) -> None:
    """Write weights, optimizer state, random-generator states and the epoch to one file.

    Args:
        model: a built model (compiled, for the optimizer state to be saved).
        path: the file to write; it is always one zip, e.g. ``'run/checkpoint.zip'``.
        epoch: epochs completed; ``load_checkpoint`` returns it as the epoch to start at.
        batch: batches completed in the epoch after those (0 at an epoch's end).
        overwrite: if False and ``path`` exists, raise ``FileExistsError``.

    Raises:
        StateError: if the model is not built.
        ConfigError: for a negative ``epoch``/``batch``, an optimizer updating tensors that are
            not the model's weights, or a layer generator that is not PCG64.

    Example:
        >>> model = glassnet.Sequential([glassnet.layers.Dense(1, input_shape=(2,))])
        >>> path = os.path.join(getfixture("tmp_path"), "checkpoint.zip")
        >>> save_checkpoint(model, path, epoch=3)
        >>> load_checkpoint(model, path)
        TrainingState(epoch=3, batch=0)
    """
    _require_built(model, "save_checkpoint")
    for name, value in (("epoch", epoch), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ConfigError(
                f"save_checkpoint: expected '{name}' to be an int >= 0, got {value!r}."
            )
    tensors, metadata = collect(model)
    generators = _rng_state.model_generators(model)
    packed = [_rng_state.pack(owner, generator) for owner, generator in generators]
    optimizer = getattr(model, "optimizer", None)
    config: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "glassnet_version": _version(),
        "epoch": int(epoch),
        "batch": int(batch),
        "optimizer": None if optimizer is None else type(optimizer).__name__,
        "generators": [[owner, kind] for (owner, _), (kind, _) in zip(generators, packed)],
    }
    rng = {str(i): words for i, (_, words) in enumerate(packed)}
    members = {WEIGHTS: _tensor_member(tensors, metadata), RNG: _tensor_member(rng, None)}
    state = None if optimizer is None else _compile.optimizer_state(model, weight_keys(model))
    if state is not None:
        config["optimizer_weights"] = state[1]
        members[OPTIMIZER] = _tensor_member(state[0], None)
    text = json.dumps(config, indent=1, sort_keys=True).encode("utf-8")
    members[STATE] = (len(text), lambda file: file.write(text))
    with atomic_file(path, overwrite=overwrite) as file:
        _write_zip(file, members)


# ---------------------------------------------------------------------- reading
def _read(path: str | os.PathLike) -> _Files:
    source = os.fspath(path)
    if os.path.isdir(path):
        raise ModelFileError(f"{source}: expected a checkpoint file, got a folder.")
    members = read_members(path, _CAPS, required=(STATE, WEIGHTS, RNG))
    config = _parse_state(members[STATE], f"{source}:{STATE}")
    weights, metadata = safetensors.loads(members[WEIGHTS], f"{source}:{WEIGHTS}")
    optimizer = None
    if OPTIMIZER in members:
        optimizer, _ = safetensors.loads(members[OPTIMIZER], f"{source}:{OPTIMIZER}")
    if (optimizer is None) != ("optimizer_weights" not in config):
        raise ModelFileError(
            f"{source}: {OPTIMIZER} and the state's 'optimizer_weights' must come together."
        )
    rng, _ = safetensors.loads(members[RNG], f"{source}:{RNG}")
    generators = _check_generators(config["generators"], rng, f"{source}:{RNG}")
    return _Files(config, weights, metadata, optimizer, generators)


def _parse_state(raw: bytearray, source: str) -> dict[str, Any]:
    config = parse_json(bytes(raw), source, "checkpoint state")
    keys = set(config)
    if not _KEYS <= keys <= _KEYS | _OPTIONAL_KEYS:
        unexpected = sorted(keys - _KEYS - _OPTIONAL_KEYS)
        raise ModelFileError(
            f"{source}: expected the keys {sorted(_KEYS)}, got {sorted(keys)}"
            + (f" (unexpected: {unexpected})" if unexpected else "")
            + ". It was not written by glassnet's save_checkpoint, or it was altered."
        )
    if config["format"] != FORMAT:
        raise ModelFileError(
            f"{source}: expected format {FORMAT!r}, got {str(config['format'])[:80]!r}."
        )
    version = config["format_version"]
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        raise ModelFileError(
            f"{source}: format_version {repr(version)[:20]} is not one this glassnet reads "
            f"(1 to {FORMAT_VERSION}). Upgrade glassnet to read newer checkpoints."
        )
    for name in ("epoch", "batch"):
        value = config[name]
        if type(value) is not int or not 0 <= value <= MAX_EPOCH:
            raise ModelFileError(
                f"{source}: expected '{name}' to be an int in [0, {MAX_EPOCH}], got "
                f"{str(value)[:40]}."
            )
    if config["optimizer"] is not None and not isinstance(config["optimizer"], str):
        raise ModelFileError(f"{source}: expected 'optimizer' to be a class name or null.")
    return config


def _check_generators(listed: Any, rng: dict[str, np.ndarray], source: str) -> list[dict]:
    """Each listed [owner, bit generator] with its state, in order; states named "0", "1"..."""
    if (
        not isinstance(listed, list)
        or not 1 <= len(listed) <= MAX_GENERATORS
        or not all(
            isinstance(e, list)
            and len(e) == 2
            and all(isinstance(s, str) and len(s) <= MAX_OWNER_CHARS for s in e)
            for e in listed
        )
    ):
        raise ModelFileError(
            f"{source}: expected 'generators' as a list of 1 to {MAX_GENERATORS} [owner, bit "
            f"generator] string pairs, got {str(listed)[:200]}."
        )
    expected = {str(i) for i in range(len(listed))}
    if set(rng) != expected:
        extra, missing = sorted(set(rng) - expected), sorted(expected - set(rng))
        raise ModelFileError(
            f"{source}: expected one state per listed generator ('0' to '{len(listed) - 1}'); "
            f"missing {missing[:5]}, unexpected {[k[:40] for k in extra[:5]]}."
        )
    return [
        _rng_state.unpack(kind, rng[str(i)], f"{source}: generator {i} ({owner[:80]!r})")
        for i, (owner, kind) in enumerate(listed)
    ]


# ---------------------------------------------------------------------- restoring
def load_checkpoint(model: Any, path: str | os.PathLike) -> TrainingState:
    """Restore a checkpoint into ``model`` in place; returns where training stood.

    Weights (batch-norm statistics included), the optimizer's slots, step count and learning
    rate, and the states of glassnet's generator and of the model's layer generators are put
    back, so that ``fit(..., initial_epoch=state.epoch)`` continues as the saved run would
    have. Weights are matched by name, or by position when every name differs (a model built
    again in the same session); generators by position.

    Raises:
        FileNotFoundError: if nothing is at ``path``.
        StateError: if the model is not built, or the checkpoint holds optimizer state and the
            model is not compiled.
        ModelFileError: for a corrupt, truncated or hostile file, or one that does not fit the
            model; nothing has changed then.
    """
    _require_built(model, "load_checkpoint")
    files = _read(path)
    source = os.fspath(path)
    pairs = match(model, files.weights, files.weights_metadata, f"{source}:{WEIGHTS}")
    live = _rng_state.model_generators(model)
    _check_live_generators(live, files, source)
    _restore_optimizer(model, files, source)
    assign(pairs)
    for (_, generator), state in zip(live, files.generators):
        _rng_state.restore(generator, state)
    return TrainingState(files.config["epoch"], files.config["batch"])


def _check_live_generators(live: list, files: _Files, source: str) -> None:
    saved = files.config["generators"]
    kinds = [_rng_state.bit_generator_name(g) for _, g in live]
    if len(live) != len(saved) or kinds != [kind for _, kind in saved]:
        raise ModelFileError(
            f"{source}: the checkpoint holds the generators {[o for o, _ in saved][:6]} but the "
            f"model has {[o for o, _ in live][:6]} (kinds {kinds[:6]}). It was saved from "
            "another architecture; a layer with seed= owns a generator."
        )


def _restore_optimizer(model: Any, files: _Files, source: str) -> None:
    optimizer = getattr(model, "optimizer", None)
    saved = files.config["optimizer"]
    if optimizer is None:
        if files.optimizer is not None:
            raise StateError(
                f"load_checkpoint: {source} holds optimizer state but '{model.name}' is not "
                "compiled. Call model.compile(...) as for the saved run first."
            )
        return
    if saved is not None and saved != type(optimizer).__name__:
        raise ModelFileError(
            f"{source}: the checkpoint was saved with optimizer {saved[:80]} but "
            f"'{model.name}' is compiled with {type(optimizer).__name__}. Compile it as the "
            "saved run was."
        )
    if files.optimizer is None:  # saved before the first step: start the optimizer afresh
        optimizer.set_state({"iterations": np.array(0, dtype=np.int64)})
        return
    keys = weight_keys(model)
    rename = _file_to_model_keys(keys, files.weights, files.weights_metadata)
    names = files.config["optimizer_weights"]
    if isinstance(names, list):
        names = [rename.get(n, n) if isinstance(n, str) else n for n in names]
    _compile.restore_optimizer_state(model, files.optimizer, names, keys, f"{source}:{OPTIMIZER}")


def _file_to_model_keys(keys: dict, tensors: dict, metadata: dict | None) -> dict[str, str]:
    """File weight names -> the model's, as ``match`` paired them (by name or by position)."""
    if set(tensors) == set(keys):
        return {key: key for key in keys}
    return dict(zip(_file_order(metadata, tensors) or [], keys))
