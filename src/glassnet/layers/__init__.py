"""Layers: ``build(input_shape)`` creates the weights, ``call(inputs, training)`` computes."""

from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape

__all__ = [
    "LAYERS",
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "Reshape",
]
