"""The Keras face: the import paths Keras users type, mapped onto glassnet's one engine.

``from glassnet import keras`` then ``keras.Sequential``, ``keras.layers.Dense``,
``keras.optimizers.Adam``... Where Keras and PyTorch differ, this face follows Keras.
"""

from glassnet.keras import (
    activations,
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
    utils,
)
from glassnet.layers import Input
from glassnet.models import Model, Sequential

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
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
    "utils",
]
