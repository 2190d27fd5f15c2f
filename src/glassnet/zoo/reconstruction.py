"""Reconstruction error and anomaly scores from any model that maps x to a reconstruction of x.

An autoencoder trained on normal data reconstructs normal inputs well and unusual ones badly,
so the per-sample reconstruction error is an anomaly score: higher means more unusual. These
helpers work with every model whose ``predict(x)`` has x's shape (``Autoencoder``, ``VAE``
(which reconstructs from the posterior mean), or your own).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError

__all__ = ["anomaly_scores", "reconstruction_error"]

_METRICS = ("mse", "mae", "bce")


def reconstruction_error(
    model: Any, x: Any, *, metric: str = "mse", batch_size: int = 256
) -> np.ndarray:
    """Per-sample reconstruction error of ``model`` on ``x`` (inference mode).

    Math:
        mse_i = mean_j (x_hat_ij - x_ij)**2
        mae_i = mean_j |x_hat_ij - x_ij|
        bce_i = mean_j -(x_ij log x_hat_ij + (1 - x_ij) log(1 - x_hat_ij))   (x_hat clipped
                to [1e-7, 1 - 1e-7])

    Args:
        model: a model whose ``predict(x)`` returns an array of x's shape.
        x: the inputs (N, ...).
        metric: ``'mse'`` (default), ``'mae'`` or ``'bce'`` (for data in [0, 1]).
        batch_size: batch size for ``predict``.

    Returns:
        A float array (N,): one error per sample, averaged over all its other axes.

    Raises:
        ConfigError: for an unknown metric.
        ShapeError: when the model's output does not have x's shape.

    Example:
        >>> from glassnet.zoo import dense_autoencoder
        >>> ae = dense_autoencoder(4, latent_dim=2, hidden=())
        >>> reconstruction_error(ae, np.zeros((3, 4), np.float32)).shape
        (3,)
    """
    if metric not in _METRICS:
        raise ConfigError(
            f"reconstruction_error: expected metric 'mse', 'mae' or 'bce', got {metric!r}."
        )
    x = np.asarray(x)
    x_hat = np.asarray(model.predict(x, batch_size=batch_size))
    if x_hat.shape != x.shape:
        raise ShapeError(
            f"reconstruction_error: expected the model to return x's shape {x.shape}, got "
            f"{x_hat.shape}. Use a model whose output reconstructs its input (an autoencoder)."
        )
    x = x.astype(x_hat.dtype, copy=False)
    if metric == "mse":
        err = (x_hat - x) ** 2
    elif metric == "mae":
        err = np.abs(x_hat - x)
    else:
        # why: clipping keeps log() finite where the model outputs exactly 0 or 1.
        p = np.clip(x_hat, 1e-7, 1 - 1e-7)
        err = -(x * np.log(p) + (1 - x) * np.log1p(-p))
    return err.reshape(len(x), -1).mean(axis=1)


def anomaly_scores(
    model: Any,
    x: Any,
    *,
    reference: Any = None,
    metric: str = "mse",
    batch_size: int = 256,
) -> np.ndarray:
    """Anomaly score of each sample: its reconstruction error, optionally standardised.

    Without ``reference`` the score is the reconstruction error itself. With ``reference``
    (normal data, e.g. the training set or a held-out part of it) the score is a z-score,
    ``(error - mean_ref) / std_ref``, so a threshold reads in standard deviations
    (``scores > 3`` flags samples three standard deviations worse than normal data).
    Either way the ranking, and so the ROC AUC, is the same.

    Args:
        model: a model whose ``predict(x)`` returns an array of x's shape.
        x: the samples to score (N, ...).
        reference: normal samples to standardise against (optional).
        metric: ``'mse'`` (default), ``'mae'`` or ``'bce'``; see ``reconstruction_error``.
        batch_size: batch size for ``predict``.

    Returns:
        A float array (N,); higher means more anomalous.

    Raises:
        ConfigError: for an unknown metric; ShapeError as ``reconstruction_error``.

    Example:
        >>> from glassnet.zoo import dense_autoencoder
        >>> ae = dense_autoencoder(4, latent_dim=2, hidden=())
        >>> rng = np.random.default_rng(0)
        >>> anomaly_scores(ae, rng.random((5, 4)), reference=rng.random((20, 4))).shape
        (5,)
    """
    errors = reconstruction_error(model, x, metric=metric, batch_size=batch_size)
    if reference is None:
        return errors
    ref = reconstruction_error(model, reference, metric=metric, batch_size=batch_size)
    # why: a model that reconstructs the reference perfectly has std 0; keep scores finite.
    return (errors - ref.mean()) / max(float(ref.std()), 1e-12)
