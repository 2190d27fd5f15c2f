"""Core layers: Input, Dense, Activation, Dropout, Flatten, Reshape."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import activations, backend, initializers, ops, regularizers
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import graph
from glassnet.layers._checks import SEED, check_args
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.ops.linalg import FUSED_ACTIVATIONS
from glassnet.tensor import Tensor


@LAYERS.register("InputLayer")
class InputLayer(Layer):
    """Declares the shape of one sample; the first entry of a ``Sequential`` or a ``Model``.

    Its ``output`` is the ``KerasTensor`` that ``Input(...)`` returns.

    Args:
        shape: shape of one sample, without the batch axis, e.g. ``(4,)`` or ``(28, 28, 1)``;
            ``None`` marks an axis of any size, e.g. ``(None, 8)`` for sequences of any length.
        batch_size: a fixed batch size (default: any).
        batch_shape: the full shape, batch axis included (instead of ``shape``/``batch_size``).

    Shape:
        Input and output: (N, *shape).
    """

    # why: an Input may declare integer ids (Input(shape=(T,), dtype="int32") before an
    # Embedding) as well as floats.
    _dtypes = ("float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")

    def __init__(self, shape: Sequence[int | None] | int | None = None,
                 batch_size: int | None = None, batch_shape: Sequence[int | None] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        if batch_shape is not None:
            if not isinstance(batch_shape, (list, tuple)) or not batch_shape:
                raise ConfigError(
                    f"Input: expected batch_shape=(...) as a tuple, batch axis first, got "
                    f"{batch_shape!r}. For example Input(batch_shape=(None, 4))."
                )
            kwargs["batch_input_shape"] = tuple(batch_shape)
        if shape is None and "batch_input_shape" not in kwargs:
            raise ConfigError(
                "Input: expected shape=(...) of one sample, got none. Give the shape without "
                "the batch axis, e.g. Input(shape=(4,))."
            )
        if shape is not None:
            shape = (shape,) if is_int(shape) else shape
            if not isinstance(shape, (list, tuple)):
                raise ConfigError(
                    f"Input: expected shape=(...) of one sample as a tuple, got {shape!r}. Give "
                    "the shape without the batch axis, e.g. Input(shape=(4,))."
                )
            shape = tuple(shape)
            kwargs["batch_input_shape"] = (batch_size, *shape)
        dims = kwargs["batch_input_shape"]
        if any(not _is_size(d) for d in dims[1:]) or not (dims[0] is None or _is_size(dims[0])):
            raise ConfigError(
                f"Input: expected positive integer sizes (or None) in shape, got {dims[1:]}"
                f"{'' if dims[0] is None else f' with batch size {dims[0]}'}. Give the shape "
                "of one sample without the batch axis, e.g. shape=(4,)."
            )
        super().__init__(**kwargs)
        self.shape = self.batch_input_shape[1:]
        self.built = True
        self.output = graph.input_node(self, self.batch_input_shape, self.dtype)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        batch = config.pop("batch_input_shape")[0]
        extra = {} if batch is None else {"batch_size": batch}
        return {"shape": list(self.shape), **extra, **config}


def _is_size(d: Any) -> bool:
    return d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0)


def Input(  # noqa: N802
    shape: Sequence[int | None] | int | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    batch_shape: Sequence[int | None] | None = None,
    name: str | None = None,
) -> graph.KerasTensor:
    """Keras's ``Input(shape=...)``: a symbolic input to build a functional ``Model`` from.

    Returns the ``KerasTensor`` of a new ``InputLayer``; call layers on it, then pass the
    inputs and outputs to ``Model``. It may also start a ``Sequential``.

    Example:
        >>> from glassnet.layers import Dense
        >>> x = Input(shape=(4,), name="features")
        >>> Dense(3)(x).shape
        (None, 3)
    """
    return InputLayer(
        shape=shape, batch_size=batch_size, batch_shape=batch_shape, name=name, dtype=dtype
    ).output


@LAYERS.register("Dense")
class Dense(Layer):
    """Fully connected layer: ``activation(inputs @ kernel + bias)``.

    relu, sigmoid, tanh and linear run as one fused graph node (``ops.linear``); any other
    activation is applied after it.

    Math:
        y = activation(x @ kernel + bias)

    Args:
        units: number of output features.
        activation: name or function (default: none, i.e. linear).
        use_bias: whether to add a bias.
        kernel_initializer: default ``'glorot_uniform'``.
        bias_initializer: default ``'zeros'``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.

    Shape:
        Input: (N, ..., F).  Output: (N, ..., units).
        kernel: (F, units).  bias: (units,).

    Example:
        >>> layer = Dense(3, activation="relu")
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ConfigError(
                f"The 'units' argument of Dense must be a positive int. Got {units!r}."
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        name = activations.ACTIVATIONS.name_of(self.activation)
        self._fused = name if name in FUSED_ACTIVATIONS else None
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        features = input_shape[-1]
        self.kernel = self.add_weight(
            "kernel", (features, self.units), self.kernel_initializer, self.kernel_regularizer
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (self.units,), self.bias_initializer, self.bias_regularizer
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        y = ops.linear(inputs, self.kernel, self.bias, activation=self._fused or "linear")
        if self._fused is None:
            y = self.activation(y)
        if self.activity_regularizer is not None:
            self._activity_losses = [self.activity_regularizer(y)]
        return y

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize_or_none(self.kernel_regularizer),
            "bias_regularizer": _serialize_or_none(self.bias_regularizer),
            "activity_regularizer": _serialize_or_none(self.activity_regularizer),
        }


def _serialize_or_none(reg: Any) -> Any:
    return None if reg is None else regularizers.serialize(reg)


@LAYERS.register("Activation")
class Activation(Layer):
    """Applies an activation function by name or function.

    Shape:
        Input: any.  Output: same as input.
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@LAYERS.register("Dropout")
class Dropout(Layer):
    """Sets a random fraction ``rate`` of inputs to 0 during training, scaling the rest.

    Inverted dropout, as Keras and PyTorch: kept values are divided by (1 - rate) so the
    expected output equals the input; at inference the layer is the identity.

    Math:
        mask ~ Bernoulli(1 - rate),   y = x * mask / (1 - rate)
        dL/dx = dL/dy * mask / (1 - rate)

    Args:
        rate: fraction to drop, in [0, 1).
        noise_shape: shape of the mask (1 on axes where one draw is shared), optional.
        seed: a private seed for this layer's draws (default: glassnet's generator).
    """

    _constraints = {"seed": SEED}

    def __init__(
        self, rate: float, noise_shape: Sequence[int] | None = None, seed: int | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ConfigError(
                f"The 'rate' argument of Dropout must be a float in [0, 1). Got {rate!r}."
            )
        self.rate = float(rate)
        self.seed = seed
        check_args(self)
        if noise_shape is not None and not (
            isinstance(noise_shape, (list, tuple)) and all(_is_size(d) for d in noise_shape)
        ):
            raise ConfigError(
                "The 'noise_shape' argument of Dropout must be None or a tuple of positive ints "
                f"or None, one per input axis. Got {noise_shape!r}."
            )
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        rng = self._rng or backend.rng()
        shape = inputs.shape if self.noise_shape is None else self._mask_shape(inputs.shape)
        keep = rng.random(shape, dtype=np.float32) >= self.rate
        mask = keep.astype(inputs.dtype) / (1 - self.rate)
        return inputs * Tensor(mask)

    def _mask_shape(self, shape: tuple) -> tuple:
        return tuple(n if d is None else d for n, d in zip(shape, self.noise_shape))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        noise = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise, "seed": self.seed}


@LAYERS.register("Flatten")
class Flatten(Layer):
    """Flattens every axis but the batch axis.

    Shape:
        Input: (N, d1, d2, ...).  Output: (N, d1 * d2 * ...).
    """

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


@LAYERS.register("Reshape")
class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1).

    Shape:
        Input: (N, ...).  Output: (N, *target_shape).
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        sizes = target_shape if isinstance(target_shape, (list, tuple)) else None
        if sizes is None or not all(is_int(d) and (d >= 1 or d == -1) for d in sizes):
            raise ConfigError(
                "The 'target_shape' argument of Reshape must be a tuple of positive ints (one "
                f"may be -1), the shape of one sample. Got {target_shape!r}."
            )
        self.target_shape = tuple(int(d) for d in sizes)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ConfigError(
                f"Reshape: expected at most one -1 in target_shape, got {self.target_shape}."
            )

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        sample = math.prod(inputs.shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        if (-1 not in self.target_shape and known != sample) or sample % max(known, 1):
            raise ShapeError(
                f"Reshape '{self.name}': cannot reshape samples of shape {inputs.shape[1:]} "
                f"({sample} values) into {self.target_shape}."
            )
        return ops.reshape(inputs, (inputs.shape[0], *self.target_shape))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        shape = list(self.target_shape)
        if -1 in shape and None not in input_shape[1:]:
            known = math.prod(d for d in shape if d != -1)
            shape[shape.index(-1)] = math.prod(input_shape[1:]) // known
        return (input_shape[0], *shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": list(self.target_shape)}
