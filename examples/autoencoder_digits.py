"""Autoencoders on scikit-learn's 8x8 digits: a 2-D VAE latent space, denoising, anomaly scores.

1. A variational autoencoder with a 2-D code: its latent space, one colour per digit, and a
   grid of digits decoded from codes across that plane.
2. A denoising autoencoder (Gaussian noise of std 0.3 in training only): the mean squared
   error of noisy test digits against the clean ones, before and after it cleans them.
3. A dense autoencoder trained on the digits 0-8 only: the reconstruction error as an anomaly
   score separates the unseen 9s from held-out 0-8s (ROC AUC).

Run:
    python examples/autoencoder_digits.py [--quick] [--out DIR]

It prints the VAE's losses, the denoising MSE before/after and the anomaly ROC AUC, and writes
latent_space.png, vae_manifold.png, denoising.png and anomaly_scores.png to DIR
(default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

import glassnet  # noqa: E402
from glassnet.plot import plot_latent_space  # noqa: E402
from glassnet.zoo import anomaly_scores, denoising_autoencoder, dense_autoencoder, dense_vae  # noqa: E402


def show_digits(rows: list[np.ndarray], titles: list[str], path: pathlib.Path) -> None:
    """Rows of 8x8 digits, one titled row per array."""
    n = len(rows[0])
    fig, axes = plt.subplots(len(rows), n, figsize=(n * 0.9, len(rows) * 1.1), squeeze=False)
    for r, (images, title) in enumerate(zip(rows, titles)):
        for c in range(n):
            axes[r, c].imshow(images[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].axis("off")
        axes[r, 0].set_title(title, loc="left", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def vae_section(x, y, epochs, out):
    glassnet.utils.set_random_seed(0)
    vae = dense_vae(64, latent_dim=2, hidden=(128,), seed=0)
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=epochs, batch_size=64, verbose=0).history
    print(f"VAE: loss {history['loss'][-1]:.2f} = reconstruction "
          f"{history['reconstruction_loss'][-1]:.2f} + KL {history['kl_loss'][-1]:.2f}")  # fmt: skip
    plot_latent_space(vae, x, y, title="VAE latent space (z_mean) of the digits",
                      to_file=out / "latent_space.png")  # fmt: skip
    grid = np.linspace(-2, 2, 10)
    codes = np.array([[a, b] for b in grid[::-1] for a in grid], dtype=np.float32)
    cells = np.zeros((10, 10, 10, 10), np.float32)  # a 2-pixel white border around each digit
    cells[:, :, 1:9, 1:9] = vae.decode(codes).reshape(10, 10, 8, 8)
    images = cells.transpose(0, 2, 1, 3).reshape(100, 100)
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(images, cmap="gray_r", vmin=0, vmax=1, extent=(-2.22, 2.22, -2.22, 2.22))
    ax.set(title="Digits decoded across the latent plane", xlabel="z[0]", ylabel="z[1]")
    fig.savefig(out / "vae_manifold.png", dpi=100, bbox_inches="tight")
    plt.close(fig)


def denoising_section(x, epochs, out):
    train, test = x[:1400], x[1400:]
    glassnet.utils.set_random_seed(0)
    dae = denoising_autoencoder(64, latent_dim=32, hidden=(128,), noise_stddev=0.3, seed=0)
    dae.compile("adam", "mse")
    dae.fit(train, train, epochs=epochs, batch_size=64, verbose=0)
    noisy = test + np.random.default_rng(1).normal(0, 0.3, test.shape).astype(np.float32)
    cleaned = dae.predict(noisy)
    before, after = np.mean((noisy - test) ** 2), np.mean((cleaned - test) ** 2)
    print(f"Denoising: MSE of noisy test digits {before:.4f} -> {after:.4f} after the "
          f"autoencoder ({after / before:.2f} of it)")  # fmt: skip
    show_digits([test[:10], np.clip(noisy[:10], 0, 1), cleaned[:10]],
                ["clean", "noisy (std 0.3)", "denoised"], out / "denoising.png")  # fmt: skip


def anomaly_section(x, y, epochs, out):
    normal, nines = x[y != 9], x[y == 9]
    train, held_out = normal[:1200], normal[1200:]
    glassnet.utils.set_random_seed(0)
    ae = dense_autoencoder(64, latent_dim=8, hidden=(64,))
    ae.compile("adam", "mse")
    ae.fit(train, train, epochs=epochs, batch_size=32, verbose=0)
    scores = anomaly_scores(ae, np.concatenate([held_out, nines]), reference=train)
    is_nine = np.r_[np.zeros(len(held_out)), np.ones(len(nines))]
    print(f"Anomaly: trained on 0-8, the reconstruction error flags unseen 9s with ROC AUC "
          f"{roc_auc_score(is_nine, scores):.3f}")  # fmt: skip
    fig, ax = plt.subplots(figsize=(6, 4))
    bins = np.linspace(scores.min(), np.percentile(scores, 99), 40)
    ax.hist(scores[is_nine == 0], bins, alpha=0.6, density=True, label="held-out 0-8")
    ax.hist(scores[is_nine == 1], bins, alpha=0.6, density=True, label="unseen 9s")
    ax.set(xlabel="anomaly score (z-score of reconstruction MSE)", ylabel="density",
           title="Reconstruction error as an anomaly score")  # fmt: skip
    ax.legend()
    fig.savefig(out / "anomaly_scores.png", dpi=100, bbox_inches="tight")
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs (a smoke run)")
    parser.add_argument("--out", default="examples_output", help="folder for the plots")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = (x[order] / 16.0).astype(np.float32), y[order]
    vae_section(x, y, 5 if args.quick else 100, out)
    denoising_section(x, 3 if args.quick else 30, out)
    anomaly_section(x, y, 3 if args.quick else 60, out)
    print(f"Plots written to {out}/")


if __name__ == "__main__":
    main()
