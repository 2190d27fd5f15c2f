"""Saving and loading: JSON config + safetensors weights (+ optimizer state), never pickle.

- ``save_model(model, path)`` / ``load_model(path)``: the whole model, in one zip
  (``.keras``, ``.glassnet``, ``.zip``) or a folder. ``model.save(path)`` calls the first.
- ``save_weights(model, path)`` / ``load_weights(model, path)``: the weights alone, as one
  safetensors file; works for any built model, subclassed ones included.
- ``save_checkpoint(model, path, epoch=k)`` / ``load_checkpoint(model, path)``: everything
  ``fit`` needs to continue exactly (weights, optimizer state, random-generator states, the
  epoch), in one file; ``glassnet.callbacks.BackupAndRestore`` uses them.
- ``glassnet.io.safetensors``: a pure-NumPy reader and writer of the safetensors format.

Loading never runs code from a file: names resolve through glassnet's closed registries only,
sizes are checked before anything is allocated, and any problem raises
``glassnet.errors.ModelFileError``. Writes are atomic (temporary file, then rename).
"""

from glassnet.io import safetensors
from glassnet.io.checkpoint import load_checkpoint, save_checkpoint
from glassnet.io.model_file import load_model, read_model_file, save_model
from glassnet.io.weights import load_weights, save_weights, weight_keys

__all__ = [
    "load_checkpoint",
    "load_model",
    "load_weights",
    "read_model_file",
    "safetensors",
    "save_checkpoint",
    "save_model",
    "save_weights",
    "weight_keys",
]
