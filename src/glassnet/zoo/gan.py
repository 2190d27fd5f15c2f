"""Generative adversarial network: ``GAN(generator, discriminator, latent_dim)`` with its own
``train_step``, and ``dense_gan`` to build a small one.

Two networks play a game. The discriminator D scores samples (a logit: high means "real");
the generator G turns random codes into samples and is trained to make D score them high.
Each batch makes one update of D on real and generated samples, then one update of G, each
with its own optimizer, inside ``train_step``, so ``fit`` still runs the epochs, callbacks,
progress bar and ``History`` (``d_loss`` and ``g_loss`` per epoch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet._constraints import is_int
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import Dense, Input, LeakyReLU
from glassnet.layers.base import LAYERS, Layer
from glassnet.models import Sequential
from glassnet.models.compile_utils import CompiledMetrics
from glassnet.models.model import Model
from glassnet.tensor import Tensor, no_grad
from glassnet.zoo._config import check_parts, parts_config, rebuild_parts

__all__ = ["GAN", "dense_gan", "mode_coverage"]


@LAYERS.register("GAN")
class GAN(Model):
    """A generator and a discriminator trained against each other by ``fit``.

    The discriminator outputs one logit per sample (no sigmoid). With ``s(.)`` the logistic
    sigmoid, ``softplus(a) = log(1 + exp(a))``, x a real batch and z ~ N(0, 1) codes:

        d_loss = mean(softplus(-D(x))) + mean(softplus(D(G(z))))   # -log s(D(x)) - log(1 - s(D(G(z))))
        g_loss = mean(softplus(-D(G(z))))                          # -log s(D(G(z)))

    ``g_loss`` is the non-saturating loss of Goodfellow et al.: the generator maximises
    log D(G(z)) rather than minimising log(1 - D(G(z))), whose gradient vanishes while D
    easily rejects the fakes (early in training). ``train_step`` makes ``d_steps`` updates of
    D (each on fresh codes), then one of G with fresh codes; D's weights are not changed by
    G's update. ``fit(x)`` needs no targets.

    Args:
        generator: a model mapping codes (N, latent_dim) to samples shaped like the data.
        discriminator: a model mapping samples to logits (N, 1).
        latent_dim: size of the codes.
        d_steps: discriminator updates per generator update (default 1).
        seed: seeds the codes drawn in training (default: glassnet's generator).
        name: the model's name.

    Shape:
        Call (and ``predict``) on codes (N, latent_dim): generated samples.

    Raises:
        TypeError: when generator or discriminator is not a glassnet layer or model.
        ConfigError: for a latent_dim or d_steps that is not a positive int.

    Example:
        >>> gan = dense_gan(2, latent_dim=4, hidden=(16,), seed=0)
        >>> gan.compile(d_optimizer="adam", g_optimizer="adam")
        >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
        >>> sorted(gan.fit(x, epochs=1, batch_size=32, verbose=0).history)
        ['d_loss', 'g_loss']
        >>> gan.generate(5).shape
        (5, 2)

    ``save`` / ``load_model`` keep the config and both networks' weights, but not the two
    optimizers: call ``compile(d_optimizer=..., g_optimizer=...)`` again after loading (the
    optimizers start afresh), and the code generator starts again from ``seed``.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (section 3).
    """

    _targets_optional = True  # why: fit(x) alone; a GAN has no targets
    _compile_saved = False  # why: a model file has one optimizer slot, a GAN two optimizers
    _PARTS = ("generator", "discriminator")

    def __init__(
        self,
        generator: Layer,
        discriminator: Layer,
        latent_dim: int,
        *,
        d_steps: int = 1,
        seed: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        check_parts("GAN", generator=generator, discriminator=discriminator)
        for arg, value in (("latent_dim", latent_dim), ("d_steps", d_steps)):
            if not is_int(value) or value < 1:
                raise ConfigError(
                    f"The '{arg}' argument of GAN must be a positive int. Got {value!r}."
                )
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.d_steps = int(latent_dim), int(d_steps)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.d_optimizer: Any = None
        self.g_optimizer: Any = None
        if generator.built and discriminator.built:  # why: callbacks may need the weights
            self._build_once((1, self.latent_dim))  # before fit's first step (BackupAndRestore)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **parts_config(self, self._PARTS)}
        return {**config, "latent_dim": self.latent_dim, "d_steps": self.d_steps, "seed": self.seed}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GAN:
        return cls(**rebuild_parts(config, cls._PARTS))

    def compile(self, d_optimizer: Any = "adam", g_optimizer: Any = "adam") -> None:
        """Choose the two optimizers (names, instances or config dicts, as ``compile``).

        Pass two distinct instances when you give instances: each keeps its own state.
        A common choice is ``Adam(learning_rate=2e-4, beta_1=0.5)`` for both.
        """
        from glassnet import optimizers

        self.d_optimizer = optimizers.get(d_optimizer)
        self.g_optimizer = optimizers.get(g_optimizer)
        if self.d_optimizer is self.g_optimizer:
            raise ConfigError(
                "GAN.compile: d_optimizer and g_optimizer are the same object; give each "
                "network its own optimizer (e.g. two Adam(...) instances)."
            )
        self.optimizer = self.g_optimizer  # why: what callbacks that read model.optimizer see
        self.loss, self.compiled_loss = "gan", None
        self.compiled_metrics = CompiledMetrics([])
        self.compiled = True

    @property
    def metrics_names(self) -> list[str]:
        return ["d_loss", "g_loss"]

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return self.generator(inputs, training=training)

    def _codes(self, n: int) -> np.ndarray:
        rng = self._rng or backend.rng()
        return rng.standard_normal((n, self.latent_dim)).astype(backend.floatx())

    def _losses(self, real: Any, training: bool) -> tuple[Tensor, Tensor, Tensor]:
        """``(d_loss, g_loss, fake)`` on one batch; ``fake`` carries G's graph."""
        fake = self.generator(self._codes(len(real)), training=training)
        d_real = self.discriminator(real, training=training)
        d_fake = self.discriminator(fake, training=training)
        d_loss = ops.mean(ops.softplus(-d_real)) + ops.mean(ops.softplus(d_fake))
        return d_loss, ops.mean(ops.softplus(-d_fake)), fake

    def train_step(self, x: Any, y: Any = None, sample_weight: Any = None) -> dict:
        """One round of the game on a real batch ``x``: D update(s), then a G update."""
        if self.d_optimizer is None:
            raise StateError(
                f"GAN '{self.name}': call compile(d_optimizer=..., g_optimizer=...) first."
            )
        d_params = self.discriminator.trainable_weights
        g_params = self.generator.trainable_weights
        n = len(x)
        if not self.built:  # why: fit never calls the model itself; save needs its input shape
            self._build_once((n, self.latent_dim))
        for _ in range(self.d_steps):
            # Discriminator: real batch labelled 1, generated batch labelled 0. The fakes are
            # cut from G's graph (.detach()) so this backward pass stops at D.
            with no_grad():
                fake = self.generator(self._codes(n), training=True)
            d_real = self.discriminator(x, training=True)
            d_fake = self.discriminator(fake.detach(), training=True)
            d_loss = ops.mean(ops.softplus(-d_real)) + ops.mean(ops.softplus(d_fake))
            _step(self.d_optimizer, d_loss, d_params)
        # Generator: make D call fresh fakes real (non-saturating loss). The backward pass
        # runs through D into G; only G's weights are updated.
        logits = self.discriminator(self.generator(self._codes(n), training=True), training=True)
        g_loss = ops.mean(ops.softplus(-logits))
        _step(self.g_optimizer, g_loss, g_params, also_clear=d_params)
        return {"d_loss": float(d_loss.data), "g_loss": float(g_loss.data)}

    def test_step(self, x: Any, y: Any = None, sample_weight: Any = None) -> dict:
        """Both losses on a batch, in inference mode, without updates."""
        with no_grad():
            d_loss, g_loss, _ = self._losses(x, training=False)
        return {"d_loss": float(d_loss.data), "g_loss": float(g_loss.data)}

    def generate(self, n: int, seed: int | None = None, batch_size: int = 256) -> np.ndarray:
        """``n`` new samples from codes drawn from N(0, 1) (seeded if ``seed`` is given)."""
        rng = np.random.default_rng(seed) if seed is not None else (self._rng or backend.rng())
        z = rng.standard_normal((n, self.latent_dim)).astype(backend.floatx())
        return self.predict(z, batch_size=batch_size)


def mode_coverage(samples: Any, centres: Any, std: float, share: float = 0.02) -> int:
    """How many modes of a mixture the samples cover: a mode counts when at least ``share`` of
    the samples lie within 3 standard deviations of its centre (the usual mode-collapse test
    on ``glassnet.datasets.gaussian_ring``).

    Args:
        samples: (N, D) points, e.g. ``gan.generate(2000)``.
        centres: (K, D) mode centres, e.g. ``glassnet.datasets.ring_centres()``.
        std: the modes' standard deviation.
        share: the fraction of samples a mode needs.

    Raises:
        ShapeError: if samples and centres are not 2-D with the same number of columns.

    Example:
        >>> from glassnet.datasets import gaussian_ring, ring_centres
        >>> x, _ = gaussian_ring(2000, std=0.1, random_state=0)
        >>> mode_coverage(x, ring_centres(), std=0.1), mode_coverage(x[:1], ring_centres(), 0.1)
        (8, 1)
    """
    samples, centres = np.asarray(samples, np.float64), np.asarray(centres, np.float64)
    if samples.ndim != 2 or centres.ndim != 2 or samples.shape[1] != centres.shape[1]:
        raise ShapeError(
            f"mode_coverage: expected samples (N, D) and centres (K, D), got {samples.shape} "
            f"and {centres.shape}. Pass one row per point and per centre."
        )
    distance = np.linalg.norm(samples[:, None, :] - centres[None], axis=2)
    return int(((distance < 3 * std).mean(axis=0) >= share).sum())


def _step(optimizer: Any, loss: Tensor, params: list[Tensor], also_clear: Sequence = ()) -> None:
    """Zero the gradients, backpropagate ``loss`` and let ``optimizer`` update ``params``."""
    for p in (*params, *also_clear):
        p.grad = None
    loss.backward()
    optimizer.apply_gradients(zip([p.grad for p in params], params))
    for p in also_clear:
        p.grad = None  # why: D's gradients from G's loss must not leak into D's next step


def dense_gan(
    data_dim: int,
    latent_dim: int = 8,
    hidden: Sequence[int] = (64, 64),
    *,
    output_activation: Any = None,
    seed: int | None = None,
    name: str = "gan",
) -> GAN:
    """A GAN of two multilayer perceptrons with LeakyReLU(0.2) hidden layers.

    Args:
        data_dim: number of features of one sample F.
        latent_dim: size of the codes (default 8).
        hidden: hidden sizes of both networks (default (64, 64)).
        output_activation: the generator's output activation (default None, for unbounded
            data; ``'sigmoid'`` for data in [0, 1] such as scaled pixels).
        seed: seeds the codes drawn in training.
        name: the model's name.

    Example:
        >>> gan = dense_gan(2, latent_dim=4)
        >>> gan.generator(np.zeros((3, 4), np.float32)).shape, gan.discriminator(np.zeros((3, 2))).shape
        ((3, 2), (3, 1))
    """
    for arg, value in (("data_dim", data_dim), ("latent_dim", latent_dim)):
        if not is_int(value) or value < 1:
            raise ConfigError(
                f"The '{arg}' argument of dense_gan must be a positive int. Got {value!r}."
            )

    def mlp(n_in: int, n_out: int, activation: Any, part: str) -> Sequential:
        layers: list[Any] = [Input((n_in,))]
        for units in hidden:
            layers += [Dense(units), LeakyReLU(0.2)]
        return Sequential([*layers, Dense(n_out, activation=activation)], name=f"{name}_{part}")

    generator = mlp(latent_dim, data_dim, output_activation, "generator")
    discriminator = mlp(data_dim, 1, None, "discriminator")
    return GAN(generator, discriminator, latent_dim, seed=seed, name=name)
