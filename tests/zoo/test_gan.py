"""GAN: its train_step runs under fit (history, callbacks, progress bar), updates each network
with its own optimizer, and on a ring of 8 Gaussians covers at least 7 of the 8 modes."""

from __future__ import annotations

import io

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import Callback, EarlyStopping
from glassnet.datasets import gaussian_ring, ring_centres
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.optimizers import SGD, Adam
from glassnet.zoo import GAN, dense_gan, mode_coverage

STD = 0.1
CENTRES = ring_centres(8, radius=2.0)


def ring(n: int, seed: int) -> np.ndarray:
    return gaussian_ring(n, modes=8, radius=2.0, std=STD, random_state=seed)[0]


def covered_modes(samples: np.ndarray) -> int:
    return mode_coverage(samples, CENTRES, STD)


def test_covered_modes_counts_what_the_issue_says():
    x, y = gaussian_ring(2000, std=STD, random_state=0)
    assert x.dtype == np.float32 and sorted(set(y.tolist())) == list(range(8))
    np.testing.assert_allclose(np.linalg.norm(CENTRES, axis=1), 2.0)
    assert covered_modes(x) == 8
    assert covered_modes(x[y != 3]) == 7  # a collapsed generator misses modes
    one_mode = CENTRES[[0]] + np.zeros((100, 2))
    assert covered_modes(one_mode) == 1
    assert covered_modes(np.zeros((100, 2))) == 0  # the centre of the ring is no mode
    assert mode_coverage(x, CENTRES, STD, share=0.2) == 0  # each mode holds about 1/8 < 20%
    with pytest.raises(ShapeError, match=r"mode_coverage: expected samples \(N, D\) and cent"):
        mode_coverage(x[:, :1], CENTRES, STD)


def test_gan_covers_at_least_7_of_8_modes_on_the_ring():
    glassnet.utils.set_random_seed(0)
    gan = dense_gan(2, latent_dim=8, hidden=(128, 128), seed=0)
    gan.compile(d_optimizer=Adam(1e-3, beta_1=0.5), g_optimizer=Adam(1e-3, beta_1=0.5))
    history = gan.fit(ring(4096, 0), epochs=40, batch_size=128, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"} and len(history["d_loss"]) == 40
    assert covered_modes(gan.generate(2000, seed=1)) >= 7  # 8 measured for seeds 0-3


def test_fit_runs_callbacks_progress_bar_and_validation():
    class Recorder(Callback):
        def __init__(self):
            super().__init__()
            self.keys = []

        def on_epoch_end(self, epoch, logs=None):
            self.keys.append(sorted(logs))

    gan = dense_gan(2, latent_dim=4, hidden=(8,), seed=0)
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    recorder = Recorder()
    stream = io.StringIO()
    from glassnet.models.callbacks import ProgbarLogger

    history = gan.fit(ring(64, 1), epochs=5, batch_size=32, verbose=0,
                      validation_data=(ring(32, 2), None),
                      callbacks=[recorder, ProgbarLogger(1, stream=stream),
                                 EarlyStopping(monitor="g_loss", patience=0, mode="max")])  # fmt: skip
    assert recorder.keys[0] == ["d_loss", "g_loss", "val_d_loss", "val_g_loss"]
    assert "d_loss: " in stream.getvalue() and "g_loss: " in stream.getvalue()
    assert len(history.history["d_loss"]) == len(recorder.keys) <= 5


def test_each_optimizer_updates_only_its_network():
    gan = dense_gan(2, latent_dim=4, hidden=(8,), seed=0)
    gan.compile(d_optimizer=SGD(0.1), g_optimizer=SGD(0.1))
    updated = {"d": [], "g": []}
    for key in updated:
        optimizer = getattr(gan, f"{key}_optimizer")

        def record(pairs, key=key, apply=optimizer.apply_gradients):
            pairs = list(pairs)
            updated[key].append({id(p) for _, p in pairs})
            return apply(pairs)

        optimizer.apply_gradients = record
    gan.train_on_batch(ring(64, 3), None)
    gan.fit(ring(64, 3), epochs=1, batch_size=64, verbose=0)
    d_ids = {id(w) for w in gan.discriminator.trainable_weights}
    g_ids = {id(w) for w in gan.generator.trainable_weights}
    assert updated["d"] == [d_ids, d_ids] and updated["g"] == [g_ids, g_ids]


def test_generator_step_leaves_the_discriminator_alone():
    gan = dense_gan(2, latent_dim=4, hidden=(8,), seed=0)
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    gan.d_optimizer.apply_gradients = lambda pairs: 0  # D's own step does nothing
    gan.train_on_batch(ring(64, 3), None)
    d_before, g_before = gan.discriminator.get_weights(), gan.generator.get_weights()
    gan.train_on_batch(ring(64, 3), None)
    assert all(np.array_equal(a, b) for a, b in zip(d_before, gan.discriminator.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(g_before, gan.generator.get_weights()))
    assert all(w.grad is None for w in gan.discriminator.trainable_weights)  # nothing leaks


def test_losses_are_the_documented_formulas():
    """d_loss = -mean(log s(D(x))) - mean(log(1 - s(D(G(z))))); g_loss is the non-saturating
    -mean(log s(D(G(z)))), not mean(log(1 - s(D(G(z))))) (checked with the same codes z)."""
    gan = dense_gan(2, latent_dim=4, hidden=(8,), seed=5)
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    x = ring(16, 4)
    z = np.random.default_rng(5).standard_normal((16, 4)).astype(np.float32)
    fake_logits = gan.discriminator.predict(gan.generator.predict(z)).astype(np.float64)
    real_logits = gan.discriminator.predict(x).astype(np.float64)
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    logs = gan.test_on_batch(x, None, return_dict=True)
    expected_d = -np.log(sigmoid(real_logits)).mean() - np.log(1 - sigmoid(fake_logits)).mean()
    np.testing.assert_allclose(logs["d_loss"], expected_d, rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"], -np.log(sigmoid(fake_logits)).mean(), rtol=1e-5)


def test_errors():
    g, d = dense_gan(2).generator, dense_gan(2).discriminator
    with pytest.raises(TypeError, match="expected the discriminator as a glassnet model or layer"):
        GAN(g, "d", 8)
    with pytest.raises(ConfigError, match="'latent_dim' argument of GAN must be a positive int"):
        GAN(g, d, 0)
    with pytest.raises(ConfigError, match="'d_steps' argument of GAN must be a positive int"):
        GAN(g, d, 8, d_steps=1.5)
    with pytest.raises(ConfigError, match="'data_dim' argument of dense_gan must be a positive"):
        dense_gan(0)
    opt = Adam()
    with pytest.raises(ConfigError, match="d_optimizer and g_optimizer are the same object"):
        GAN(g, d, 8).compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(StateError, match="expected a compiled model"):
        GAN(g, d, 8).fit(np.zeros((4, 2)), epochs=1, verbose=0)
    with pytest.raises(
        StateError, match="call compile\\(d_optimizer=..., g_optimizer=...\\) first"
    ):
        GAN(g, d, 8).train_step(np.zeros((4, 2)))
