"""Autoencoders: an ``Autoencoder`` model (encoder + decoder) and builders for dense,
convolutional and denoising ones.

An autoencoder learns to copy its input through a narrow code: ``x -> encoder -> z -> decoder
-> x_hat``, trained with ``fit(x, x)``. The code ``z`` is a compressed view of the data
(plot it when it has two dimensions), and inputs unlike the training data come back badly,
so the reconstruction error is an anomaly score (see ``glassnet.zoo.reconstruction``).
A denoising autoencoder corrupts its input with Gaussian noise in training only, so it learns
to map noisy inputs back to clean ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Conv2D, Conv2DTranspose, Dense, Flatten, Input, Reshape
from glassnet.layers.base import LAYERS, Layer
from glassnet.layers.noise import GaussianNoise
from glassnet.models import Sequential
from glassnet.models.model import Model
from glassnet.tensor import Tensor
from glassnet.zoo._config import check_parts, parts_config, rebuild_parts

__all__ = ["Autoencoder", "conv_autoencoder", "dense_autoencoder", "denoising_autoencoder"]


@LAYERS.register("Autoencoder")
class Autoencoder(Model):
    """An encoder and a decoder trained to reproduce the input: ``decoder(encoder(x))``.

    Train it like any model, with the input as its own target: ``compile(optimizer, loss)``
    then ``fit(x, x)`` (for a denoising autoencoder too: the noise is added inside). The two
    halves stay usable on their own: ``encode(x)`` gives the codes, ``decode(z)`` images of
    codes, and both are ordinary glassnet models (``autoencoder.encoder.summary()``).

    Args:
        encoder: a model (or layer) mapping inputs (N, ...) to codes (N, latent_dim).
        decoder: a model (or layer) mapping codes back to the input's shape.
        noise_stddev: standard deviation of Gaussian noise added to the inputs in training
            only (0, the default: a plain autoencoder; > 0: a denoising one).
        seed: seeds the noise (default: glassnet's generator).
        name: the model's name.

    Shape:
        Input: (N, ...).  Output: the decoder's output, normally the input's shape.

    ``save`` / ``glassnet.load_model`` keep both halves (as nested configs), the weights, the
    compile arguments and the optimizer state; the noise generator's state is not saved.

    Raises:
        TypeError: when the encoder or decoder is not a glassnet layer or model.

    Example:
        >>> ae = dense_autoencoder(64, latent_dim=2, hidden=(16,))
        >>> ae.compile("adam", "mse")
        >>> x = np.random.default_rng(0).random((32, 64), dtype=np.float32)
        >>> ae.fit(x, x, epochs=1, verbose=0).history["loss"][0] > 0
        True
        >>> ae.encode(x).shape, ae.predict(x).shape
        ((32, 2), (32, 64))
    """

    def __init__(
        self,
        encoder: Layer,
        decoder: Layer,
        *,
        noise_stddev: float = 0.0,
        seed: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        check_parts(type(self).__name__, encoder=encoder, decoder=decoder)
        self.noise = GaussianNoise(noise_stddev, seed=seed, name=f"{self.name}_noise")
        self.encoder = encoder
        self.decoder = decoder
        if type(self)._build_in_init:
            self._build_if_parts_built()

    _build_in_init = True  # a subclass whose call needs more attributes builds at its end

    def _build_if_parts_built(self) -> None:
        """Build now when the encoder knows its input shape: callbacks such as
        ``BackupAndRestore`` need the weights before fit's first step."""
        shape = getattr(self.encoder, "_build_input_shape", None) or getattr(
            self.encoder, "batch_input_shape", None
        )
        inputs = getattr(self.encoder, "inputs", None)  # a functional encoder
        if shape is None and inputs is not None and len(inputs) == 1:
            shape = inputs[0].shape
        if self.encoder.built and self.decoder.built and shape is not None and not self.built:
            self._build_once((1, *tuple(shape)[1:]))

    @property
    def noise_stddev(self) -> float:
        return self.noise.stddev

    _PARTS = ("encoder", "decoder")

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **parts_config(self, self._PARTS)}
        return {**config, "noise_stddev": self.noise.stddev, "seed": self.noise.seed}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Autoencoder:
        return cls(**rebuild_parts(config, cls._PARTS))

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        x = self.noise(inputs, training=training)
        return self.decoder(self.encoder(x, training=training), training=training)

    def encode(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """The codes of ``x`` (inference mode), as a NumPy array (N, latent_dim)."""
        return _predict(self.encoder, x, batch_size)

    def decode(self, z: Any, batch_size: int = 256) -> np.ndarray:
        """The decoder's outputs for codes ``z`` (inference mode), as a NumPy array."""
        return _predict(self.decoder, z, batch_size)


def _predict(part: Layer, x: Any, batch_size: int) -> np.ndarray:
    """``part`` on ``x`` in batches, in inference mode (a bare layer has no ``predict``)."""
    from glassnet.tensor import no_grad

    if isinstance(part, Model):
        return part.predict(x, batch_size=batch_size)
    x = np.asarray(x)
    with no_grad():
        outs = [
            part(x[i : i + batch_size], training=False).data for i in range(0, len(x), batch_size)
        ]
    return np.concatenate(outs)


def _check_sizes(who: str, **sizes: Any) -> None:
    for arg, value in sizes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        if isinstance(value, (list, tuple)) and not value and arg != "hidden":
            values = [None]
        if not all(is_int(v) and v > 0 for v in values):
            raise ConfigError(
                f"The '{arg}' argument of {who} must be positive int(s). Got {value!r}."
            )


def dense_autoencoder(
    input_dim: int,
    latent_dim: int = 2,
    hidden: Sequence[int] = (64,),
    *,
    activation: Any = "relu",
    latent_activation: Any = None,
    output_activation: Any = "sigmoid",
    noise_stddev: float = 0.0,
    seed: int | None = None,
    name: str = "dense_autoencoder",
) -> Autoencoder:
    """A fully connected autoencoder: input_dim -> hidden... -> latent_dim -> ...hidden -> input_dim.

    The decoder mirrors the encoder's hidden sizes. The default ``output_activation='sigmoid'``
    suits data scaled to [0, 1] (pixels), with loss ``'mse'`` or ``'binary_crossentropy'``;
    use ``None`` for unbounded data.

    Args:
        input_dim: number of input features F.
        latent_dim: size of the code (default 2, for plotting).
        hidden: sizes of the encoder's hidden layers (the decoder uses them reversed).
        activation: hidden activation (default ``'relu'``).
        latent_activation: activation of the code layer (default None: linear).
        output_activation: activation of the reconstruction (default ``'sigmoid'``).
        noise_stddev: > 0 makes it a denoising autoencoder (noise in training only).
        seed: seeds the noise.
        name: the model's name; the halves are ``<name>_encoder`` and ``<name>_decoder``.

    Shape:
        Input: (N, F).  Codes: (N, latent_dim).  Output: (N, F).

    Raises:
        ConfigError: for sizes that are not positive ints.

    Example:
        >>> ae = dense_autoencoder(64, latent_dim=8, hidden=(32,))
        >>> [layer.units for layer in ae.encoder.layers] + [layer.units for layer in ae.decoder.layers]
        [32, 8, 32, 64]
    """
    _check_sizes(
        "dense_autoencoder", input_dim=input_dim, latent_dim=latent_dim, hidden=list(hidden)
    )
    encoder = Sequential(
        [Input((input_dim,))]
        + [Dense(units, activation=activation) for units in hidden]
        + [Dense(latent_dim, activation=latent_activation)],
        name=f"{name}_encoder",
    )
    decoder = Sequential(
        [Input((latent_dim,))]
        + [Dense(units, activation=activation) for units in reversed(tuple(hidden))]
        + [Dense(input_dim, activation=output_activation)],
        name=f"{name}_decoder",
    )
    return Autoencoder(encoder, decoder, noise_stddev=noise_stddev, seed=seed, name=name)


def conv_autoencoder(
    input_shape: Sequence[int] = (8, 8, 1),
    filters: Sequence[int] = (16, 32),
    latent_dim: int | None = None,
    *,
    kernel_size: int = 3,
    activation: Any = "relu",
    output_activation: Any = "sigmoid",
    noise_stddev: float = 0.0,
    seed: int | None = None,
    name: str = "conv_autoencoder",
) -> Autoencoder:
    """A convolutional autoencoder: strided Conv2D down, Conv2DTranspose back up.

    Each entry of ``filters`` is one 'same'-padded convolution with stride 2, so height and
    width halve at each; the decoder mirrors them with stride-2 transposed convolutions and
    ends with a 3x3 convolution to the input's channels. With ``latent_dim`` the code is a
    flat vector (Flatten -> Dense(latent_dim) -> Dense -> Reshape); without, it is the last
    feature map.

    Args:
        input_shape: shape of one image (H, W, C), channels-last; H and W must be divisible
            by 2 ** len(filters).
        filters: channels of each downsampling convolution (default (16, 32)).
        latent_dim: size of a flat code, or None (default) for a feature-map code.
        kernel_size: size of the (square) kernels (default 3).
        activation: hidden activation (default ``'relu'``).
        output_activation: activation of the reconstruction (default ``'sigmoid'``).
        noise_stddev: > 0 makes it a denoising autoencoder (noise in training only).
        seed: seeds the noise.
        name: the model's name.

    Shape:
        Input: (N, H, W, C).  Output: (N, H, W, C).

    Raises:
        ShapeError: when H or W is not divisible by 2 ** len(filters).
        ConfigError: for sizes that are not positive ints.

    Example:
        >>> ae = conv_autoencoder((8, 8, 1), filters=(8, 16), latent_dim=4)
        >>> ae(np.zeros((2, 8, 8, 1), np.float32)).shape, ae.encode(np.zeros((2, 8, 8, 1))).shape
        ((2, 8, 8, 1), (2, 4))
    """
    shape = tuple(input_shape)
    _check_sizes("conv_autoencoder", input_shape=list(shape), filters=list(filters),
                 kernel_size=kernel_size, **({} if latent_dim is None else {"latent_dim": latent_dim}))  # fmt: skip
    if len(shape) != 3:
        raise ShapeError(f"conv_autoencoder: expected input_shape (H, W, C), got {shape}.")
    step = 2 ** len(filters)
    if shape[0] % step or shape[1] % step:
        raise ShapeError(
            f"conv_autoencoder: expected H and W divisible by 2 ** {len(filters)} = {step} "
            f"(one halving per entry of filters), got input_shape {shape}. Pad the images or "
            "use fewer filters."
        )
    small = (shape[0] // step, shape[1] // step, filters[-1])
    down = [
        Conv2D(f, kernel_size, strides=2, padding="same", activation=activation) for f in filters
    ]
    up = [Conv2DTranspose(f, kernel_size, strides=2, padding="same", activation=activation)
          for f in reversed(tuple(filters))]  # fmt: skip
    code: list[Layer] = []
    expand: list[Layer] = []
    if latent_dim is not None:
        code = [Flatten(), Dense(latent_dim)]
        expand = [Dense(int(np.prod(small)), activation=activation), Reshape(small)]
    code_shape = small if latent_dim is None else (latent_dim,)
    encoder = Sequential([Input(shape), *down, *code], name=f"{name}_encoder")
    out = Conv2D(shape[2], kernel_size, padding="same", activation=output_activation)
    decoder = Sequential([Input(code_shape), *expand, *up, out], name=f"{name}_decoder")
    return Autoencoder(encoder, decoder, noise_stddev=noise_stddev, seed=seed, name=name)


def denoising_autoencoder(
    input_dim: int,
    latent_dim: int = 32,
    hidden: Sequence[int] = (128,),
    *,
    noise_stddev: float = 0.3,
    seed: int | None = None,
    name: str = "denoising_autoencoder",
    **kwargs: Any,
) -> Autoencoder:
    """A dense autoencoder that adds Gaussian noise to its inputs in training only.

    Trained with ``fit(x, x)`` on clean data, it sees ``x + noise`` and is scored against
    ``x``, so it learns to remove noise: ``predict(noisy)`` is close to the clean images.
    Same arguments as ``dense_autoencoder`` (``kwargs`` go there), with a wider default code.

    Args:
        input_dim: number of input features F.
        latent_dim: size of the code (default 32).
        hidden: encoder hidden sizes (default (128,)).
        noise_stddev: standard deviation of the training noise (default 0.3).
        seed: seeds the noise.
        name: the model's name.

    Returns:
        An ``Autoencoder`` whose ``noise_stddev`` is set.

    Example:
        >>> dae = denoising_autoencoder(64, noise_stddev=0.2, seed=0)
        >>> dae.noise_stddev
        0.2
    """
    return dense_autoencoder(input_dim, latent_dim, hidden, noise_stddev=noise_stddev, seed=seed,
                             name=name, **kwargs)  # fmt: skip
