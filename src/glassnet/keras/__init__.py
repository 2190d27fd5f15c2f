"""The Keras face: the import paths Keras users type, mapped onto glassnet's one engine.

``from glassnet import keras`` then ``keras.Sequential``, ``keras.layers.Dense``,
``keras.optimizers.Adam``... Where Keras and PyTorch differ, this face follows Keras.
"""

from glassnet.io import load_model
from glassnet.keras import (
    activations,
    backend,
    callbacks,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    utils,
)
from glassnet.layers import Input
from glassnet.models import Model, Sequential

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "regularizers",
    "load_model",
    "saving",
    "utils",
]
