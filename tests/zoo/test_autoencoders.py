"""Autoencoders, denoising, VAE: layers checked by the oracle, errors, and the issue's claims on
scikit-learn's digits (2-D latent plot, denoising halves the MSE, 9s detected with AUC >= 0.75)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import GaussianNoise
from glassnet.zoo import (
    VAE,
    Autoencoder,
    Sampling,
    anomaly_scores,
    conv_autoencoder,
    denoising_autoencoder,
    dense_autoencoder,
    dense_vae,
    kl_divergence,
    reconstruction_error,
)
from tests._oracle import check_layer


@pytest.fixture(scope="module")
def digits():
    """Digits scaled to [0, 1], shuffled once with a fixed seed."""
    from sklearn.datasets import load_digits

    data = load_digits()
    order = np.random.default_rng(0).permutation(len(data.target))
    return (data.data[order] / 16.0).astype(np.float32), data.target[order]


# ---------------------------------------------------------------- layers and gradients
def test_gaussian_noise_layer_oracle_and_training_gradient():
    check_layer(lambda **kw: GaussianNoise(0.5, seed=0, **kw), (4, 3), n_weights=0)
    x = np.random.default_rng(1).normal(size=(4, 3))
    glassnet.gradcheck(lambda t: GaussianNoise(0.5, seed=0, dtype="float64")(t, training=True), x)


def test_gaussian_noise_adds_noise_of_stddev_in_training_only():
    layer = GaussianNoise(0.3, seed=0)
    x = np.zeros((200, 50), np.float32)
    noisy = layer(x, training=True).numpy()
    assert noisy.dtype == np.float32
    assert abs(noisy.std() - 0.3) < 0.01 and abs(noisy.mean()) < 0.01
    np.testing.assert_array_equal(layer(x).numpy(), x)


def test_sampling_gradient_float64():
    rng = np.random.default_rng(2)
    mean, log_var = rng.normal(size=(5, 3)), rng.normal(scale=0.5, size=(5, 3))

    def sample(m, lv):  # a fresh seeded layer per call: the same eps at every point
        return Sampling(seed=7, dtype="float64")([m, lv])

    glassnet.gradcheck(sample, mean, log_var, atol=1e-7, rtol=1e-5)


def test_sampling_draws_from_the_posterior_and_round_trips_config():
    layer = Sampling(seed=0)
    mean, log_var = np.full((20000, 2), 1.5), np.full((20000, 2), np.log(0.25))
    z = layer([mean, log_var]).numpy()
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 1.5, atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), 0.5, atol=0.02)
    clone = Sampling.from_config(layer.get_config())
    assert clone.seed == 0 and layer.compute_output_shape([(None, 2), (None, 2)]) == (None, 2)


def test_kl_divergence_gradient_and_value_against_torch():
    rng = np.random.default_rng(3)
    mean, log_var = rng.normal(size=(4, 3)), rng.normal(scale=0.5, size=(4, 3))
    glassnet.gradcheck(kl_divergence, mean, log_var, atol=1e-7, rtol=1e-5)
    torch = pytest.importorskip("torch")
    q = torch.distributions.Normal(torch.tensor(mean), torch.tensor(np.exp(log_var / 2)))
    p = torch.distributions.Normal(torch.zeros(4, 3), torch.ones(4, 3))
    expected = torch.distributions.kl_divergence(q, p).sum(-1).numpy()
    np.testing.assert_allclose(kl_divergence(mean, log_var).numpy(), expected, rtol=1e-6)


# ---------------------------------------------------------------- errors
def test_errors_name_the_argument_and_the_fix():
    with pytest.raises(
        ConfigError, match="'stddev' argument of GaussianNoise must be a float >= 0"
    ):
        GaussianNoise(-0.1)
    with pytest.raises(ConfigError, match="'seed' argument of Sampling"):
        Sampling(seed=-1)
    with pytest.raises(ShapeError, match="expected \\[z_mean, z_log_var\\] of the same shape"):
        Sampling()([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(TypeError, match="expected the encoder as a glassnet model or layer"):
        Autoencoder("encoder", dense_autoencoder(4).decoder)
    with pytest.raises(ConfigError, match="'hidden' argument of dense_autoencoder"):
        dense_autoencoder(8, hidden=(0,))
    with pytest.raises(ShapeError, match="expected H and W divisible by 2 \\*\\* 2 = 4"):
        conv_autoencoder((6, 6, 1), filters=(4, 4))
    with pytest.raises(ConfigError, match="expected reconstruction 'binary_crossentropy' or 'mse'"):
        dense_vae(4, reconstruction="mae")
    with pytest.raises(ConfigError, match="'kl_weight' argument of VAE must be a float >= 0"):
        dense_vae(4, kl_weight=-1)
    ae = dense_autoencoder(4, latent_dim=2, hidden=())
    with pytest.raises(ConfigError, match="expected metric 'mse', 'mae' or 'bce', got 'l2'"):
        reconstruction_error(ae, np.zeros((2, 4)), metric="l2")
    with pytest.raises(ShapeError, match="expected the model to return x's shape"):
        reconstruction_error(ae.encoder, np.zeros((2, 4)))
    encoder_one_output = dense_autoencoder(4, latent_dim=2).encoder
    with pytest.raises(ShapeError, match="expected the encoder to return \\[z_mean, z_log_var\\]"):
        VAE(encoder_one_output, dense_autoencoder(4, latent_dim=2).decoder)(np.zeros((2, 4)))
    from glassnet.plot.latent import plot_latent_space

    with pytest.raises(ShapeError, match="expected 2-D codes \\(N, 2\\), got shape \\(5, 3\\)"):
        plot_latent_space(np.zeros((5, 3)))
    with pytest.raises(ShapeError, match="expected one label per code \\(5\\), got 4"):
        plot_latent_space(np.zeros((5, 2)), labels=[0, 1, 2, 3])
    with pytest.raises(
        ConfigError, match="'filters' argument of conv_autoencoder must be positive"
    ):
        conv_autoencoder((8, 8, 1), filters=(0,))
    with pytest.raises(
        ShapeError, match="conv_autoencoder: expected input_shape \\(H, W, C\\), got"
    ):
        conv_autoencoder((8, 8))
    vae = dense_vae(4, latent_dim=2)
    with pytest.raises(ConfigError, match="VAE.compile: metrics are not supported; History logs"):
        vae.compile("adam", metrics=["mse"])
    from glassnet.layers import Dense

    bare = VAE(vae.encoder, Dense(4))
    with pytest.raises(ConfigError, match="sample needs to know the code size; start the decoder"):
        bare.sample(3)


def test_plain_models_still_need_targets():
    ae = dense_autoencoder(4, latent_dim=2)
    ae.compile("adam", "mse")
    with pytest.raises(ConfigError, match="expected both x and y, got y=None"):
        ae.fit(np.zeros((8, 4)), epochs=1, verbose=0)


# ---------------------------------------------------------------- models
def test_conv_autoencoder_shapes_and_training(digits):
    x = digits[0][:256].reshape(-1, 8, 8, 1)
    glassnet.utils.set_random_seed(0)
    ae = conv_autoencoder((8, 8, 1), filters=(8, 16), latent_dim=6)
    assert ae.encode(x[:3]).shape == (3, 6) and ae.decode(np.zeros((3, 6))).shape == (3, 8, 8, 1)
    ae.compile("adam", "mse")
    loss = ae.fit(x, x, epochs=8, batch_size=32, verbose=0).history["loss"]
    assert loss[-1] < 0.7 * loss[0]


def test_vae_2d_latent_plot(digits, tmp_path):
    from glassnet.plot.latent import plot_latent_space

    x, y = digits
    glassnet.utils.set_random_seed(0)
    vae = dense_vae(64, latent_dim=2, hidden=(128,), seed=0)
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=100, batch_size=64, verbose=0).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss"}
    np.testing.assert_allclose(
        np.array(history["loss"]),
        np.array(history["reconstruction_loss"]) + np.array(history["kl_loss"]), rtol=1e-5
    )  # fmt: skip
    assert history["loss"][-1] < 0.7 * history["loss"][0] and history["kl_loss"][-1] > 1.0
    codes = vae.encode(x)
    assert codes.shape == (len(x), 2) and np.isfinite(codes).all()
    # The classes separate in the plane: a digit's nearest code shares its label most times
    # (0.67 measured; 0.1 by chance).
    d = ((codes[:, None] - codes[None]) ** 2).sum(-1) + np.eye(len(x)) * 1e9
    assert (y[d.argmin(1)] == y).mean() > 0.6
    path = tmp_path / "latent.png"
    fig = plot_latent_space(vae, x, y, to_file=path)
    assert path.stat().st_size > 10_000
    assert len(fig.axes[0].collections) == 10  # one scatter per digit
    assert vae.sample(4, seed=0).shape == (4, 64)


def test_denoising_halves_the_mse_of_noisy_inputs(digits):
    x = digits[0]
    train, test = x[:1400], x[1400:]
    glassnet.utils.set_random_seed(0)
    dae = denoising_autoencoder(64, latent_dim=32, hidden=(128,), noise_stddev=0.3, seed=0)
    dae.compile("adam", "mse")
    dae.fit(train, train, epochs=30, batch_size=64, verbose=0)
    noisy = test + np.random.default_rng(1).normal(0, 0.3, test.shape).astype(np.float32)
    before = np.mean((noisy - test) ** 2)
    after = np.mean((dae.predict(noisy) - test) ** 2)
    assert after <= 0.5 * before, (before, after)


def test_reconstruction_error_separates_unseen_nines(digits):
    from sklearn.metrics import roc_auc_score

    x, y = digits
    normal, nines = x[y != 9], x[y == 9]
    train, held_out = normal[:1200], normal[1200:]
    glassnet.utils.set_random_seed(0)
    ae = dense_autoencoder(64, latent_dim=8, hidden=(64,))
    ae.compile("adam", "mse")
    ae.fit(train, train, epochs=60, batch_size=32, verbose=0)
    scores = anomaly_scores(ae, np.concatenate([held_out, nines]), reference=train)
    is_nine = np.r_[np.zeros(len(held_out)), np.ones(len(nines))]
    assert roc_auc_score(is_nine, scores) >= 0.75
    raw = reconstruction_error(ae, np.concatenate([held_out, nines]))
    assert roc_auc_score(is_nine, raw) == roc_auc_score(is_nine, scores)  # same ranking
