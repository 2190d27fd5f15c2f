"""LeNet-5 (LeCun et al., 1998), in the form PyTorch's and Keras's tutorials use today."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.layers import (
    AveragePooling2D,
    Conv2D,
    Dense,
    Flatten,
    Input,
    MaxPooling2D,
)
from glassnet.models import Sequential

__all__ = ["lenet5"]


def lenet5(
    input_shape: Sequence[int] = (28, 28, 1),
    classes: int = 10,
    *,
    activation: Any = "relu",
    pooling: str = "max",
    classifier_activation: Any = "softmax",
    name: str = "lenet5",
) -> Sequential:
    """A LeNet-5 style CNN: two 5x5 convolutions with 2x2 pooling, then 120-84-classes.

    The first convolution pads 'same', so a 28x28 image gives the 16 x 5 x 5 features of the
    original's 32x32 input. The 1998 network used tanh and average pooling
    (``activation='tanh', pooling='avg'``); the defaults are the modern relu and max pooling.

    Args:
        input_shape: shape of one image (H, W, C), channels-last (default (28, 28, 1)).
        classes: number of output units (default 10).
        activation: hidden activation (default ``'relu'``).
        pooling: ``'max'`` (default) or ``'avg'``.
        classifier_activation: the output activation (default ``'softmax'``; None gives
            logits, for a loss with ``from_logits=True``).
        name: the model's name.

    Shape:
        Input: (N, 28, 28, 1) by default.  Output: (N, classes).
        61,706 weights for 28x28x1 inputs and 10 classes.

    Raises:
        ConfigError: for a pooling other than 'max' or 'avg'.

    Example:
        >>> model = lenet5()
        >>> model(np.zeros((2, 28, 28, 1), np.float32)).shape, model.count_params()
        ((2, 10), 61706)

    Reference:
        LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document
        recognition", Proc. IEEE 86(11), 1998.
    """
    from glassnet.errors import ConfigError

    pools = {"max": MaxPooling2D, "avg": AveragePooling2D}
    if pooling not in pools:
        raise ConfigError(f"lenet5: expected pooling 'max' or 'avg', got {pooling!r}.")
    pool = pools[pooling]
    return Sequential(
        [
            Input(tuple(input_shape)),
            Conv2D(6, 5, padding="same", activation=activation),
            pool(2),
            Conv2D(16, 5, activation=activation),
            pool(2),
            Flatten(),
            Dense(120, activation=activation),
            Dense(84, activation=activation),
            Dense(classes, activation=classifier_activation),
        ],
        name=name,
    )
