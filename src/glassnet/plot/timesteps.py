"""``plot_timestep_importance``: which input time steps a sequence model's prediction uses."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_timestep_importance"]


def _importance(who: str, model_or_importance: Any, x: Any, y: Any, options: dict) -> np.ndarray:
    if callable(model_or_importance) or hasattr(model_or_importance, "predict"):
        if x is None:
            raise ValueError(f"{who}: expected x with the model, got none. Call {who}(model, x).")
        from glassnet.inspect.timesteps import timestep_importance as compute

        return compute(model_or_importance, x, y, **options)
    importance = np.asarray(model_or_importance, dtype=np.float64)
    if importance.ndim not in (1, 2) or importance.size == 0:
        raise ShapeError(
            f"{who}: expected importances of shape (T,) or (T, F), or a model, got shape "
            f"{importance.shape}."
        )
    return importance


def _draw_input(ax: Any, sample: np.ndarray, top: np.ndarray, names: list[str]) -> None:
    steps = np.arange(len(sample))
    for f in range(sample.shape[1]):
        ax.plot(steps, sample[:, f], marker=".", linewidth=1, label=names[f])
    for k, t in enumerate(top):
        ax.axvspan(t - 0.5, t + 0.5, color="tab:red", alpha=0.15,
                   label="most important steps" if k == 0 else None)  # fmt: skip
    ax.set(ylabel="input value", title="Input (first sample); shaded: the most important steps")
    ax.legend(fontsize=8)


def plot_timestep_importance(
    model_or_importance: Any,
    x: Any = None,
    y: Any = None,
    *,
    baseline: Any = "mean",
    metric: Any = None,
    per_feature: bool = False,
    top: int = 5,
    feature_names: list[str] | None = None,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Bars of per-time-step importance, under the input series with its top steps shaded.

    Takes a model (and computes ``glassnet.inspect.timestep_importance(model, x, y, ...)``)
    or importances already computed. With x, a first panel draws x's first sample and
    shades the ``top`` most important steps; a per-feature importance (T, F) is drawn as a
    heat map, one row per feature. The arguments after ``y`` are ``timestep_importance``'s.

    Args:
        model_or_importance: a model (or a function of x), or importances (T,) or (T, F).
        x: inputs (N, T, ...) (needed with a model; optional with importances).
        y: targets, to score the change of the loss instead of the output.
        baseline, metric, per_feature: see ``glassnet.inspect.timestep_importance``.
        top: at most this many of the most important steps are shaded and listed in the
            title; only steps scoring at least a quarter of the highest score count.
        feature_names: a name per feature for the legend and the heat map's rows.
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure: one axes (importance), or two (input, importance) with x,
        plus a colour bar for a heat map.

    Raises:
        ShapeError: importances that are not (T,) or (T, F), or x with another number of
            steps; and what ``timestep_importance`` raises.
        ValueError: a model without x.
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_timestep_importance([0.1, 0.5, 0.2, 0.9])
        >>> fig.axes[0].get_xlabel(), [float(p.get_height()) for p in fig.axes[0].patches]
        ('time step (0 = oldest)', [0.1, 0.5, 0.2, 0.9])
    """
    who = "plot_timestep_importance"
    plt = pyplot(who)
    options = {"baseline": baseline, "metric": metric, "per_feature": per_feature}
    importance = _importance(who, model_or_importance, x, y, options)
    steps = importance.shape[0]
    sample = _first_window(who, x, steps)
    width = importance.shape[1] if importance.ndim == 2 else 1
    count = sample.shape[1] if sample is not None else width
    names = feature_names or [f"feature {f}" for f in range(count)]
    order = _top_steps(importance, top)

    rows = 1 if sample is None else 2
    fig, axes = plt.subplots(rows, 1, figsize=(11, 3.2 * rows), sharex=True, squeeze=False)
    if sample is not None:
        _draw_input(axes[0, 0], sample, order, names)
    label = "importance" if y is None else "loss increase"
    _draw_importance(fig, axes, importance, order, names, label)
    save(fig, to_file)
    return fig


def _first_window(who: str, x: Any, steps: int) -> np.ndarray | None:
    """The first input window as (steps, features), or None without ``x``."""
    if x is None:
        return None
    sample = np.asarray(x, dtype=np.float64)[0]
    sample = sample.reshape(len(sample), -1)
    if len(sample) != steps:
        raise ShapeError(
            f"{who}: expected x with {steps} time steps (one per importance), got {len(sample)}."
        )
    return sample


def _top_steps(importance: np.ndarray, top: int) -> np.ndarray:
    """Up to ``top`` most important steps, each with at least a quarter of the largest."""
    total = importance if importance.ndim == 1 else importance.sum(axis=1)
    order = np.argsort(total)[::-1][: max(0, int(top))]
    return order[total[order] >= 0.25 * total.max()] if total.max() > 0 else order[:0]


def _draw_importance(fig: Any, axes: Any, importance: np.ndarray, order: np.ndarray,
                     names: Sequence[str], label: str) -> None:  # fmt: skip
    """Bars (one importance per step, the top steps red) or a step x feature heat map."""
    steps = importance.shape[0]
    ax = axes[-1, 0]
    if importance.ndim == 1:
        colors = np.where(np.isin(np.arange(steps), order), "tab:red", "tab:blue")
        ax.bar(np.arange(steps), importance, color=colors)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_ylabel(label)
    else:
        width = importance.shape[1]
        image = ax.imshow(importance.T, aspect="auto", cmap="viridis",
                          extent=(-0.5, steps - 0.5, width - 0.5, -0.5))  # fmt: skip
        ax.set_yticks(range(width), names[:width])
        fig.colorbar(image, ax=list(axes[:, 0]), label=label)
    ax.set_xlabel("time step (0 = oldest)")
    ax.set_title(f"Time-step importance; top steps: {', '.join(str(t) for t in order)}")
    if importance.ndim == 1:
        ax.grid(alpha=0.3, axis="y")
        fig.tight_layout()
