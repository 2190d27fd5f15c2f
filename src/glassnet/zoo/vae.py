"""Variational autoencoder: ``Sampling`` (the reparameterization trick), ``kl_divergence``,
the ``VAE`` model with its own ``train_step``, and the ``dense_vae`` builder.

The encoder gives each input a Gaussian over codes, ``N(z_mean, exp(z_log_var))``; a code is
drawn from it as ``z = z_mean + exp(z_log_var / 2) * eps`` with ``eps ~ N(0, 1)``, so the
gradient flows through ``z_mean`` and ``z_log_var`` (the noise is an input, not a weight).
The loss is the reconstruction error plus the KL divergence of that Gaussian from N(0, 1),
which keeps the codes near the origin, so decoding ``N(0, 1)`` samples makes new data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend, losses, ops
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Dense, Input
from glassnet.layers._checks import SEED, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.models import Sequential
from glassnet.models.compile_utils import CompiledMetrics
from glassnet.models.model import Model
from glassnet.tensor import Tensor, as_tensor, no_grad
from glassnet.zoo.autoencoders import Autoencoder, _check_sizes

__all__ = ["VAE", "Sampling", "dense_vae", "kl_divergence"]


@LAYERS.register("Sampling")
class Sampling(Layer):
    """Draws ``z ~ N(z_mean, exp(z_log_var))`` by the reparameterization trick.

    Called on a list ``[z_mean, z_log_var]``. It samples on every call (training or not),
    as the layer of Keras's VAE example does, so ``evaluate`` estimates the same loss that
    ``fit`` minimises.

    Math:
        eps ~ Normal(0, 1),   z = z_mean + exp(z_log_var / 2) * eps
        dL/dz_mean    = dL/dz
        dL/dz_log_var = dL/dz * eps * exp(z_log_var / 2) / 2

    Args:
        seed: a private seed for this layer's draws (default: glassnet's generator).

    Shape:
        Input: two tensors (N, D).  Output: (N, D).  No weights.

    Raises:
        ShapeError: when z_mean and z_log_var differ in shape.

    Example:
        >>> z = Sampling(seed=0)([np.zeros((4, 2)), np.full((4, 2), -100.0)])
        >>> bool(np.allclose(z.numpy(), 0, atol=1e-6))
        True
    """

    _multi_input = True
    _constraints = {"seed": SEED}

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = int(seed) if is_int(seed) else seed
        check_args(self)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs: list[Tensor], training: bool | None = None) -> Tensor:
        if len(inputs) != 2 or inputs[0].shape != inputs[1].shape:
            raise ShapeError(
                f"Sampling '{self.name}': expected [z_mean, z_log_var] of the same shape, got "
                f"shapes {[t.shape for t in inputs]}."
            )
        z_mean, z_log_var = inputs
        rng = self._rng or backend.rng()
        eps = Tensor(rng.standard_normal(z_mean.shape).astype(z_mean.dtype))
        return z_mean + ops.exp(z_log_var * 0.5) * eps

    def compute_output_shape(self, input_shape: list) -> tuple:
        return tuple(input_shape[0])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(z_mean: Any, z_log_var: Any) -> Tensor:
    """KL divergence of N(z_mean, exp(z_log_var)) from N(0, 1), per sample.

    Math:
        kl_i          = 0.5 * sum_j (z_mean_ij**2 + exp(z_log_var_ij) - 1 - z_log_var_ij)
        dkl/dz_mean   = z_mean
        dkl/dz_log_var = 0.5 * (exp(z_log_var) - 1)

    Args:
        z_mean, z_log_var: Tensors (or arrays) of shape (N, D).

    Returns:
        A Tensor (N,), >= 0, zero exactly when z_mean = 0 and z_log_var = 0.

    Example:
        >>> kl_divergence(np.zeros((2, 3)), np.zeros((2, 3))).numpy()
        array([0., 0.])
    """
    z_mean, z_log_var = as_tensor(z_mean), as_tensor(z_log_var)
    inner = z_mean * z_mean + ops.exp(z_log_var) - 1.0 - z_log_var
    return ops.sum(inner, axis=-1) * 0.5


@LAYERS.register("VAE")
class VAE(Autoencoder):
    """A variational autoencoder with its own ``train_step``.

    The encoder returns ``[z_mean, z_log_var]`` (two outputs); ``Sampling`` draws a code;
    the decoder reconstructs. ``fit(x)`` (or ``fit(x, x_target)``) minimises

        loss = reconstruction_loss + kl_weight * kl_loss

    with ``reconstruction_loss`` summed over each sample's features and ``kl_loss`` the
    ``kl_divergence`` of the code distribution, both averaged over the batch, and logs all
    three in ``History`` (``loss``, ``reconstruction_loss``, ``kl_loss``). ``predict(x)`` and
    ``encode(x)`` use ``z_mean`` (no sampling); ``sample(n)`` decodes random codes.

    Args:
        encoder: a model mapping inputs to ``[z_mean, z_log_var]``, each (N, latent_dim).
        decoder: a model mapping codes (N, latent_dim) to reconstructions.
        reconstruction: ``'binary_crossentropy'`` (default; data in [0, 1] and a sigmoid
            decoder) or ``'mse'``.
        kl_weight: the weight of the KL term (default 1; < 1 trades prior fit for detail).
        seed: seeds the sampling (default: glassnet's generator).
        name: the model's name.

    Raises:
        ConfigError: for an unknown reconstruction loss or a negative kl_weight.
        ShapeError: when the encoder does not return two outputs.

    Example:
        >>> vae = dense_vae(64, latent_dim=2, hidden=(16,), seed=0)
        >>> vae.compile(optimizer="adam")
        >>> x = np.random.default_rng(0).random((32, 64), dtype=np.float32)
        >>> sorted(vae.fit(x, epochs=1, verbose=0).history)
        ['kl_loss', 'loss', 'reconstruction_loss']

    ``save`` / ``load_model`` keep the config, weights, optimizer and its state (the loss is
    the VAE's own); the sampling generator's state is not saved.
    """

    _targets_optional = True  # why: fit(x) alone, as Keras's VAE example
    _build_in_init = False  # why: call needs self.sampling, made after Autoencoder.__init__
    _own_loss = True  # why: a model file records the optimizer alone (compile takes no loss)
    _RECONSTRUCTIONS = {"binary_crossentropy": losses.binary_crossentropy,
                        "mse": losses.mean_squared_error}  # fmt: skip

    def __init__(
        self,
        encoder: Layer,
        decoder: Layer,
        *,
        reconstruction: str = "binary_crossentropy",
        kl_weight: float = 1.0,
        seed: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(encoder, decoder, name=name, **kwargs)
        if reconstruction not in self._RECONSTRUCTIONS:
            raise ConfigError(
                f"VAE: expected reconstruction 'binary_crossentropy' or 'mse', got "
                f"{reconstruction!r}."
            )
        if isinstance(kl_weight, bool) or not isinstance(kl_weight, (int, float)) or kl_weight < 0:
            raise ConfigError(
                f"The 'kl_weight' argument of VAE must be a float >= 0. Got {kl_weight!r}."
            )
        self.reconstruction, self.kl_weight = reconstruction, float(kl_weight)
        self.sampling = Sampling(seed=seed, name=f"{self.name}_sampling")
        self._build_if_parts_built()

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "seed": self.sampling.seed}
        return {**config, "reconstruction": self.reconstruction, "kl_weight": self.kl_weight}

    def compile(self, optimizer: Any = "rmsprop", metrics: Sequence[Any] | None = None) -> None:
        """Choose the optimizer; the loss is the VAE's own (reconstruction + KL)."""
        from glassnet import optimizers

        if metrics:
            raise ConfigError("VAE.compile: metrics are not supported; History logs the losses.")
        self.optimizer = optimizers.get(optimizer)
        self.loss, self.compiled_loss = "vae", None
        self.compiled_metrics = CompiledMetrics([])
        self.compiled = True

    @property
    def metrics_names(self) -> list[str]:
        return ["loss", "reconstruction_loss", "kl_loss"]

    def _posterior(self, x: Any, training: bool | None) -> tuple[Tensor, Tensor]:
        out = self.encoder(x, training=training)
        if not isinstance(out, (list, tuple)) or len(out) != 2:
            raise ShapeError(
                f"VAE '{self.name}': expected the encoder to return [z_mean, z_log_var], got "
                f"{type(out).__name__}. Give it two outputs: Model(inputs, [z_mean, z_log_var])."
            )
        return out[0], out[1]

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        z_mean, z_log_var = self._posterior(inputs, training)
        z = self.sampling([z_mean, z_log_var]) if training else z_mean
        return self.decoder(z, training=training)

    def compute_losses(self, x: Any, target: Any, sample_weight: Any, training: bool) -> dict:
        """The loss terms for one batch: ``{'loss', 'reconstruction_loss', 'kl_loss'}``."""
        z_mean, z_log_var = self._posterior(x, training)
        x_hat = self.decoder(self.sampling([z_mean, z_log_var]), training=training)
        n = x_hat.shape[0]
        flat_hat = ops.reshape(x_hat, (n, -1))
        flat_true = np.asarray(target, dtype=x_hat.dtype).reshape(n, -1)
        per_feature = self._RECONSTRUCTIONS[self.reconstruction](flat_true, flat_hat)
        rec = per_feature * float(flat_true.shape[1])  # why: a sum over features, as Keras's VAE
        kl = kl_divergence(z_mean, z_log_var)
        if sample_weight is not None:
            w = Tensor(np.asarray(sample_weight, dtype=x_hat.dtype).reshape(n))
            rec, kl = rec * w, kl * w
        rec_loss, kl_loss = ops.mean(rec), ops.mean(kl)
        loss = rec_loss + kl_loss * self.kl_weight
        for extra in self.losses:
            loss = loss + extra
        return {"loss": loss, "reconstruction_loss": rec_loss, "kl_loss": kl_loss}

    def train_step(self, x: Any, y: Any = None, sample_weight: Any = None) -> dict:
        """One update: ``fit`` calls this per batch. ``y`` (optional) is the target."""
        if not self.built:  # why: fit never calls the model itself; save needs its input shape
            self._build_once(np.shape(x))
        terms = self.compute_losses(x, x if y is None else y, sample_weight, training=True)
        params = self.trainable_weights
        for p in params:
            p.grad = None
        terms["loss"].backward()
        self.optimizer.apply_gradients(zip([p.grad for p in params], params))
        return {k: float(v.data) for k, v in terms.items()}

    def test_step(self, x: Any, y: Any = None, sample_weight: Any = None) -> dict:
        with no_grad():
            terms = self.compute_losses(x, x if y is None else y, sample_weight, training=False)
        return {k: float(v.data) for k, v in terms.items()}

    def encode(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """The posterior means ``z_mean`` of ``x``, as a NumPy array (N, latent_dim)."""
        out = self.encoder.predict(x, batch_size=batch_size)
        return np.asarray(out[0])

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """Decode ``n`` codes drawn from N(0, 1): new data from the model."""
        shape = getattr(self.decoder, "batch_input_shape", None)
        if shape is None and getattr(self.decoder, "inputs", None):
            shape = self.decoder.inputs[0].shape
        if shape is None:
            raise ConfigError(
                f"VAE '{self.name}': sample needs to know the code size; start the decoder "
                "with Input((latent_dim,))."
            )
        latent = int(shape[-1])
        rng = np.random.default_rng(seed) if seed is not None else backend.rng()
        return self.decode(rng.standard_normal((n, latent)).astype(backend.floatx()))


def dense_vae(
    input_dim: int,
    latent_dim: int = 2,
    hidden: Sequence[int] = (128,),
    *,
    activation: Any = "relu",
    reconstruction: str = "binary_crossentropy",
    kl_weight: float = 1.0,
    seed: int | None = None,
    name: str = "vae",
) -> VAE:
    """A fully connected VAE for data in [0, 1]: encoder to (z_mean, z_log_var), sigmoid decoder.

    Args:
        input_dim: number of input features F.
        latent_dim: size of the code (default 2, for plotting).
        hidden: encoder hidden sizes (decoder mirrors them; default (128,)).
        activation: hidden activation (default ``'relu'``).
        reconstruction, kl_weight, seed: see ``VAE``.
        name: the model's name.

    Shape:
        Input: (N, F).  Codes: (N, latent_dim).  Output: (N, F).

    Example:
        >>> vae = dense_vae(64, latent_dim=2, hidden=(32,))
        >>> [o.shape for o in vae.encoder.outputs]
        [(None, 2), (None, 2)]
    """
    _check_sizes("dense_vae", input_dim=input_dim, latent_dim=latent_dim, hidden=list(hidden))
    x = h = Input((input_dim,))
    for units in hidden:
        h = Dense(units, activation=activation)(h)
    z_mean = Dense(latent_dim, name=f"{name}_z_mean")(h)
    z_log_var = Dense(latent_dim, name=f"{name}_z_log_var")(h)
    encoder = Model(x, [z_mean, z_log_var], name=f"{name}_encoder")
    decoder = Sequential(
        [Input((latent_dim,))]
        + [Dense(units, activation=activation) for units in reversed(tuple(hidden))]
        + [Dense(input_dim, activation="sigmoid")],
        name=f"{name}_decoder",
    )
    return VAE(encoder, decoder, reconstruction=reconstruction, kl_weight=kl_weight, seed=seed,
               name=name)  # fmt: skip
