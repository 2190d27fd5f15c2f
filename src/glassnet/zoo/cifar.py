"""The CIFAR-10 network of the seed documents ("Image Classification with CIFAR-10")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.layers import (
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Input,
    MaxPooling2D,
)
from glassnet.models import Sequential

__all__ = ["cifar10_cnn"]


def cifar10_cnn(
    input_shape: Sequence[int] = (32, 32, 3),
    classes: int = 10,
    *,
    classifier_activation: Any = "softmax",
    name: str = "cifar10_cnn",
) -> Sequential:
    """The seed's ``create_cnn_model()``: three convolution blocks, then Dense(512).

    Layer for layer the seed's Keras model: Conv2D(32) BN Conv2D(32) MaxPool Dropout(0.25),
    Conv2D(64) BN Conv2D(64) MaxPool Dropout(0.25), Conv2D(128) BN Dropout(0.25), Flatten,
    Dense(512) BN Dropout(0.5), Dense(classes, softmax); every convolution is 3x3 'valid'
    with relu. The seed compiles it with ``optimizer='adam'`` and
    ``loss='categorical_crossentropy'``.

    Args:
        input_shape: shape of one image (H, W, C) (default (32, 32, 3)).
        classes: number of output units (default 10).
        classifier_activation: the output activation (default ``'softmax'``).
        name: the model's name.

    Shape:
        Input: (N, 32, 32, 3) by default.  Output: (N, classes).
        737,834 weights for the defaults (736,362 trainable), as Keras's summary counts.

    Example:
        >>> model = cifar10_cnn()
        >>> model(np.zeros((1, 32, 32, 3), np.float32)).shape, model.count_params()
        ((1, 10), 737834)
    """
    return Sequential(
        [
            Input(tuple(input_shape)),
            # First convolutional block
            Conv2D(32, (3, 3), activation="relu"),
            BatchNormalization(),
            Conv2D(32, (3, 3), activation="relu"),
            MaxPooling2D((2, 2)),
            Dropout(0.25),
            # Second convolutional block
            Conv2D(64, (3, 3), activation="relu"),
            BatchNormalization(),
            Conv2D(64, (3, 3), activation="relu"),
            MaxPooling2D((2, 2)),
            Dropout(0.25),
            # Third convolutional block
            Conv2D(128, (3, 3), activation="relu"),
            BatchNormalization(),
            Dropout(0.25),
            # Dense layers
            Flatten(),
            Dense(512, activation="relu"),
            BatchNormalization(),
            Dropout(0.5),
            Dense(classes, activation=classifier_activation),
        ],
        name=name,
    )
