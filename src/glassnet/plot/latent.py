"""``plot_latent_space``: a 2-D latent space (an autoencoder's or VAE's codes), coloured by label."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_latent_space"]


def plot_latent_space(
    model: Any,
    x: Any = None,
    labels: Any = None,
    *,
    title: str | None = None,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Scatter the 2-D codes of ``x``, one colour per label.

    Args:
        model: something with ``encode(x)`` (``glassnet.zoo.Autoencoder``, ``VAE``) or an
            encoder model (its ``predict(x)``; for several outputs the first, e.g. z_mean);
            or the codes themselves, an array (N, 2), with ``x=None``.
        x: the inputs to encode (N, ...).
        labels: class ids (N,) to colour the points by (optional).
        title: the axes title (default ``'Latent space'``).
        to_file: save the figure there too (PNG, PDF, SVG, by extension).

    Returns:
        The matplotlib Figure.

    Raises:
        ShapeError: when the codes are not (N, 2) or the labels' count differs from N.
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_latent_space(np.random.default_rng(0).normal(size=(30, 2)), labels=np.arange(30) % 3)
        >>> fig.axes[0].get_xlabel()
        'z[0]'
    """
    plt = pyplot("plot_latent_space")
    codes = _codes(model, x)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ShapeError(
            f"plot_latent_space: expected 2-D codes (N, 2), got shape {codes.shape}. Build the "
            "model with latent_dim=2, or project the codes first (e.g. sklearn PCA)."
        )
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    if labels is None:
        ax.scatter(codes[:, 0], codes[:, 1], s=6, alpha=0.7)
    else:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(codes):
            raise ShapeError(
                f"plot_latent_space: expected one label per code ({len(codes)}), got {len(labels)}."
            )
        classes = np.unique(labels)
        cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
        for i, c in enumerate(classes):
            mine = labels == c
            ax.scatter(codes[mine, 0], codes[mine, 1], s=6, alpha=0.7, color=cmap(i % cmap.N),
                       label=str(c))  # fmt: skip
        ax.legend(markerscale=3, fontsize=8, loc="best", title="label")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title or "Latent space")
    fig.tight_layout()
    save(fig, to_file)
    return fig


def _codes(model: Any, x: Any) -> np.ndarray:
    if x is None:
        return np.asarray(model)
    if hasattr(model, "encode"):
        return np.asarray(model.encode(x))
    out = model.predict(x)
    return np.asarray(out[0] if isinstance(out, (list, tuple)) else out)
