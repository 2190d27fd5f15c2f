"""``plot_history``: loss and every metric of a training run, train against validation."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_history"]

TRAIN_COLOR = "tab:blue"
VAL_COLOR = "tab:orange"
_RATE_KEYS = ("learning_rate", "lr")


def _records(history: Any) -> dict[str, list[float]]:
    """The ``{name: [value per epoch]}`` dict of a History, a model, or a dict."""
    records = getattr(history, "history", history)
    records = getattr(records, "history", records)  # a model: model.history.history
    if not isinstance(records, dict):
        raise TypeError(
            "plot_history: expected a History (what fit returns), a fitted model or a dict of "
            f"lists, got {type(history).__name__}."
        )
    if not records:
        raise ValueError("plot_history: expected at least one recorded epoch, got none. Fit first.")
    return {str(key): list(values) for key, values in records.items()}


def _quantities(records: dict[str, list[float]], metrics: Sequence[str] | None) -> list[str]:
    """Panel names in order: loss first, then the metrics, the learning rate last."""
    names: list[str] = []
    for key in records:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    if metrics is not None:
        unknown = [m for m in metrics if m not in names]
        if unknown:
            raise ValueError(
                f"plot_history: expected metrics among {names}, got unknown {unknown}."
            )
        names = list(metrics)
    rank = {"loss": 0, **dict.fromkeys(_RATE_KEYS, 2)}
    return sorted(names, key=lambda name: rank.get(name, 1))


def plot_history(
    history: Any,
    metrics: Sequence[str] | None = None,
    ncols: int | None = None,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Plot the loss and every metric per epoch, training against validation, one panel each.

    Each quantity ``q`` in the history gets a panel with ``q`` (training, blue) and ``val_q``
    (validation, orange) when recorded. The loss comes first; the learning rate (recorded by
    ``ReduceLROnPlateau`` or ``LearningRateScheduler`` as ``'learning_rate'``) gets the last
    panel, on a log scale when it changes by 10x or more. The best validation epoch of each
    quantity is marked with a dot (lowest for losses and errors, highest otherwise).

    Args:
        history: what ``model.fit`` returns, a fitted model, or ``{name: [values]}``.
        metrics: the quantities to draw (default: all of them), e.g. ``["loss"]``.
        ncols: panels per row (default: up to 3).
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure, one axes per quantity (extra grid cells are removed).

    Raises:
        TypeError: for something that is not a history.
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_history({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7], "accuracy": [0.6, 0.8]})
        >>> [ax.get_title() for ax in fig.axes]
        ['loss', 'accuracy']
    """
    plt = pyplot("plot_history")
    records = _records(history)
    names = _quantities(records, metrics)
    ncols = min(ncols or 3, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.4 * nrows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        _panel(ax, name, records)
    for ax in axes.flat[len(names) :]:
        ax.remove()
    fig.tight_layout()
    save(fig, to_file)
    return fig


def _panel(ax: Any, name: str, records: dict[str, list[float]]) -> None:
    from matplotlib.ticker import MaxNLocator

    series = [(name, "train", TRAIN_COLOR), (f"val_{name}", "validation", VAL_COLOR)]
    if name in _RATE_KEYS:
        series = [(name, "learning rate", "tab:green")]
    for key, label, color in series:
        if key not in records:
            continue
        values = np.asarray(records[key], dtype=np.float64)
        epochs = np.arange(1, len(values) + 1)
        marker = "o" if len(values) <= 20 else None
        ax.plot(epochs, values, color=color, marker=marker, markersize=3, label=label)
        if label == "validation" and np.isfinite(values).any():
            lower_is_better = "loss" in name or "error" in name
            best = np.nanargmin(values) if lower_is_better else np.nanargmax(values)
            ax.plot(epochs[best], values[best], "o", color=color, markersize=8, alpha=0.5,
                    label=f"best: {values[best]:.4g} (epoch {best + 1})")  # fmt: skip
    if name in _RATE_KEYS:
        rates = np.asarray(records[name], dtype=np.float64)
        if rates.min() > 0 and rates.max() / rates.min() >= 10:
            ax.set_yscale("log")
    ax.set_title(name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(name.replace("_", " "))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
