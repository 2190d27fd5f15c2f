"""Residual networks: a small ``ResNet`` for images, and deep dense networks with or without
shortcuts (``deep_mlp``), to see why shortcuts matter.

The blocks themselves are layers (``glassnet.layers.ResidualBlock`` and
``ResidualConvBlock``, re-exported here), so they go into a ``Sequential`` like any other
layer, save and load by name, and show up as one row each in ``summary()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.errors import ConfigError
from glassnet.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    GlobalAveragePooling2D,
    Input,
)
from glassnet.layers.residual import ResidualBlock, ResidualConvBlock
from glassnet.models import Sequential

__all__ = ["ResNet", "ResidualBlock", "ResidualConvBlock", "deep_mlp"]


def ResNet(  # noqa: N802 - named like Keras's ResNet50 builder
    input_shape: Sequence[int] = (28, 28, 1),
    classes: int = 10,
    *,
    stages: Sequence[int] = (16, 32, 64),
    blocks_per_stage: int = 2,
    activation: Any = "relu",
    classifier_activation: Any = "softmax",
    name: str = "resnet",
) -> Sequential:
    """A small pre-activation ResNet (the CIFAR-style ResNets of He et al., 2016).

    A 3x3 stem convolution, then one stage per entry of ``stages`` (that many filters),
    each of ``blocks_per_stage`` ``ResidualConvBlock``s; every stage after the first starts
    with stride 2 (half the height and width, a projection shortcut). Then batch
    normalization, the activation, global average pooling and the classifier.
    ``stages=(16, 32, 64), blocks_per_stage=3`` is ResNet-20 (1 + 3 * 3 * 2 + 1 layers).

    Args:
        input_shape: one image (H, W, C), channels-last (8x8x1 digits, 28x28x1 MNIST...).
        classes: output units.
        stages: filters of each stage.
        blocks_per_stage: residual blocks per stage.
        activation: inside the blocks (default ``'relu'``).
        classifier_activation: default ``'softmax'`` (None: logits).
        name: the model's name.

    Shape:
        Input: (N, H, W, C).  Output: (N, classes).

    Raises:
        ConfigError: for empty ``stages`` or ``blocks_per_stage`` < 1.

    Example:
        >>> model = ResNet((8, 8, 1), 10, stages=(8, 16), blocks_per_stage=1)
        >>> model(np.zeros((2, 8, 8, 1), np.float32)).shape
        (2, 10)

    Reference:
        He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", CVPR 2016
        (section 4.2) and "Identity Mappings in Deep Residual Networks", ECCV 2016.
    """
    stages = list(stages)
    if not stages or not isinstance(blocks_per_stage, int) or blocks_per_stage < 1:
        raise ConfigError(
            f"ResNet: expected at least one stage and blocks_per_stage >= 1, got "
            f"stages={stages} and blocks_per_stage={blocks_per_stage!r}."
        )
    layers: list[Any] = [Input(tuple(input_shape)), Conv2D(stages[0], 3, padding="same")]
    for i, filters in enumerate(stages):
        for j in range(blocks_per_stage):
            strides = 2 if i > 0 and j == 0 else 1
            layers.append(ResidualConvBlock(filters, strides=strides, activation=activation))
    layers += [BatchNormalization(), Activation(activation), GlobalAveragePooling2D(),
               Dense(classes, activation=classifier_activation)]  # fmt: skip
    return Sequential(layers, name=name)


def deep_mlp(
    input_dim: int,
    classes: int,
    *,
    depth: int = 20,
    width: int = 32,
    activation: Any = "sigmoid",
    residual: bool = False,
    batch_normalization: bool = False,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Sequential:
    """A deep dense network of ``depth`` Dense layers, plain or with residual shortcuts.

    The plain network is ``Dense(width)`` followed by ``depth - 2`` times
    (activation, Dense(width)), then the activation and the classifier. The residual twin
    has the very same Dense layers in the same order, with an identity shortcut around each
    pair: ``ResidualBlock``s of two Dense layers. Built after the same seed, both start from
    identical weights, so any difference in training comes from the shortcuts alone.

    Args:
        input_dim: input features.
        classes: output units.
        depth: Dense layers in all, the classifier included (even; default 20).
        width: units of the hidden Dense layers (default 32).
        activation: hidden activation (default ``'sigmoid'``, which makes plain networks'
            gradients vanish: its slope is at most 1/4).
        residual: build the residual twin (default False: the plain network).
        batch_normalization: BatchNormalization before each hidden activation.
        classifier_activation: default ``'softmax'``.
        name: the model's name (default ``'plain_<depth>'`` / ``'residual_<depth>'``).

    Shape:
        Input: (N, input_dim).  Output: (N, classes).

    Raises:
        ConfigError: for a depth that is odd or below 4.

    Example:
        >>> plain, twin = deep_mlp(4, 2, depth=6), deep_mlp(4, 2, depth=6, residual=True)
        >>> [type(layer).__name__ for layer in twin.layers]
        ['Dense', 'ResidualBlock', 'ResidualBlock', 'Activation', 'Dense']
        >>> plain.count_params() == twin.count_params()
        True
    """
    if not isinstance(depth, int) or depth < 4 or depth % 2:
        raise ConfigError(f"deep_mlp: expected an even depth >= 4, got {depth!r}.")
    norm = BatchNormalization if batch_normalization else None
    layers: list[Any] = [Input((input_dim,)), Dense(width)]
    if residual:
        layers += [ResidualBlock(width, activation, batch_normalization)
                   for _ in range((depth - 2) // 2)]  # fmt: skip
    else:
        for _ in range(depth - 2):
            layers += [norm()] if norm else []
            layers += [Activation(activation), Dense(width)]
    layers += [norm()] if norm else []
    layers += [Activation(activation), Dense(classes, activation=classifier_activation)]
    default = f"{'residual' if residual else 'plain'}_{depth}"
    return Sequential(layers, name=name or default)
