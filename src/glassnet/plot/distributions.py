"""``plot_layer_distributions``: per-layer gradients and activations over a training run.

It draws what ``glassnet.inspect.LayerStatistics`` records during ``fit`` (or one snapshot
from ``glassnet.inspect.layer_statistics``); the format is documented in
``glassnet.inspect.statistics``. In short::

    {"epochs": [0, 1, ...], "percentiles": [0, 5, 25, 50, 75, 95, 100],
     "layers": {name: {"activation": "relu", "gradient_norm": [...],
                       "gradient_percentiles": [[P floats], ...],
                       "activation_percentiles": [[P floats], ...],
                       "dead_fraction": [...], "saturated_fraction": [...], ...}}}

A snapshot has the same ``"layers"`` with one value per field instead of a list over epochs.
``None`` marks a value that does not apply (a layer without weights has no gradient).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_layer_distributions"]

_SERIES = ("gradient_norm", "gradient_percentiles", "activation_percentiles",
           "dead_fraction", "saturated_fraction")  # fmt: skip


def _as_runs(stats: Any) -> tuple[list[int], list[float], dict[str, dict[str, Any]]]:
    """``(epochs, percentiles, {layer: {field: [value per epoch]}})`` from either format."""
    record = getattr(stats, "history", stats)
    if not isinstance(record, dict) or not isinstance(record.get("layers"), dict):
        raise TypeError(
            "plot_layer_distributions: expected LayerStatistics (the callback), its .history, "
            "or the dict layer_statistics returns, with a 'layers' entry; got "
            f"{type(stats).__name__}. See glassnet.inspect.statistics for the format."
        )
    if not record["layers"]:
        raise ValueError(
            "plot_layer_distributions: expected statistics of at least one layer, got none. "
            "Fit with callbacks=[LayerStatistics()] first."
        )
    percentiles = [float(p) for p in record.get("percentiles", (0, 5, 25, 50, 75, 95, 100))]
    if "epochs" in record:
        epochs = [int(e) for e in record["epochs"]]
        layers = {name: {k: list(entry.get(k) or []) for k in _SERIES} | {"activation":
                  entry.get("activation")} for name, entry in record["layers"].items()}  # fmt: skip
        return epochs, percentiles, layers
    epochs = [int(record.get("epoch", 0))]
    layers = {name: {k: [entry.get(k)] for k in _SERIES} | {"activation": entry.get("activation")}
              for name, entry in record["layers"].items()}  # fmt: skip
    return epochs, percentiles, layers


def _numbers(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values])


def plot_layer_distributions(
    stats: Any,
    layers: Sequence[str] | None = None,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Draw how each layer's gradients and activations behave, and change, over training.

    Four panels, one colour per layer (dark: first layers, yellow: last):

    - **Gradient norm** per layer and epoch, on a log scale: early layers far below late ones
      mean vanishing gradients; norms growing by orders of magnitude mean exploding ones.
    - **Gradient values** of each layer: the median (tick), the 25-75th percentile (thick
      bar) and the 5-95th (thin bar), at the first recorded epoch (faint, left) and the last
      (solid, right), on a symmetric log scale.
    - **Activation values**: the same for the layers' outputs (a ReLU layer stuck at 0, or a
      sigmoid layer pressed against 0 and 1, shows here).
    - **Dead / saturated units**: the fraction of dead ReLU units (solid) and of saturated
      sigmoid/tanh outputs (dashed) per epoch.

    A single snapshot (``layer_statistics``) gives bars per layer instead of lines over epochs.

    Args:
        stats: a ``LayerStatistics`` callback after ``fit``, its ``.history``, or the dict
            ``layer_statistics(model, x, y)`` returns.
        layers: the layer names to draw (default: all), in the order given.
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure with the four axes.

    Raises:
        TypeError: for statistics in another format.
        ValueError: for an unknown layer name, or statistics of no layer.
        ImportError: when matplotlib is missing.

    Example:
        >>> stats = {"percentiles": [0, 5, 25, 50, 75, 95, 100], "layers": {"dense": {
        ...     "activation": "relu", "gradient_norm": 0.5,
        ...     "gradient_percentiles": [-1, -0.5, -0.1, 0, 0.1, 0.5, 1],
        ...     "activation_percentiles": [0, 0, 0, 0.2, 0.6, 1.5, 3], "dead_fraction": 0.25}}}
        >>> [ax.get_title() for ax in plot_layer_distributions(stats).axes][:2]
        ['Gradient norm', 'Dead / saturated units']
    """
    plt = pyplot("plot_layer_distributions")
    epochs, percentiles, runs = _as_runs(stats)
    if layers is not None:
        unknown = [name for name in layers if name not in runs]
        if unknown:
            raise ValueError(
                f"plot_layer_distributions: expected layer names among {list(runs)}, got "
                f"unknown {unknown}."
            )
        runs = {name: runs[name] for name in layers}
    colors = _layer_colors(len(runs))
    width = max(12.0, 0.55 * len(runs) + 4)
    fig = plt.figure(figsize=(width, 11.5))
    grid = fig.add_gridspec(3, 2, height_ratios=(1, 1, 1))
    norm_ax, dead_ax = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    grad_ax, act_ax = fig.add_subplot(grid[1, :]), fig.add_subplot(grid[2, :])
    over_time = len(epochs) > 1
    _gradient_norms(norm_ax, epochs, runs, colors, over_time)
    _dead_and_saturated(dead_ax, epochs, runs, colors, over_time)
    _percentile_bars(grad_ax, "gradient_percentiles", epochs, percentiles, runs, colors)
    _percentile_bars(act_ax, "activation_percentiles", epochs, percentiles, runs, colors)
    grad_ax.set(title="Gradient values (of the weights)", ylabel="gradient value")
    act_ax.set(title="Activation values (layer outputs)", ylabel="output value")
    _symlog(grad_ax, runs)
    fig.tight_layout()
    save(fig, to_file)
    return fig


def _layer_colors(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(0.9 * i / max(n - 1, 1)) for i in range(n)]


def _gradient_norms(ax, epochs, runs, colors, over_time) -> None:
    ax.set_title("Gradient norm")
    shown = False
    for i, (name, run) in enumerate(runs.items()):
        norms = _numbers(run["gradient_norm"])
        if not np.isfinite(norms).any():
            continue
        shown = True
        if over_time:
            ax.plot(np.asarray(epochs) + 1, norms, color=colors[i], marker=".", label=name)
        else:
            ax.bar(i, norms[-1], color=colors[i], label=name)
    if not shown:
        _nothing(ax, "no layer with trainable weights\nrecorded a gradient")
        return
    ax.set_yscale("log")
    ax.set_ylabel("L2 norm of the weight gradients")
    _x_axis(ax, over_time, runs)
    if over_time:  # why: bars are named by the layer ticks already
        _legend(ax, len(runs))


def _dead_and_saturated(ax, epochs, runs, colors, over_time) -> None:
    ax.set_title("Dead / saturated units")
    shown = False
    for i, (name, run) in enumerate(runs.items()):
        for field, style, what in (("dead_fraction", "-", "dead"),
                                   ("saturated_fraction", "--", "saturated")):  # fmt: skip
            values = _numbers(run[field])
            if not np.isfinite(values).any():
                continue
            shown = True
            label = f"{name} ({what})"
            if over_time:
                ax.plot(np.asarray(epochs) + 1, values, style, color=colors[i], label=label)
            else:
                ax.bar(i, values[-1], color=colors[i], hatch="//" if what == "saturated" else None,
                       label=label)  # fmt: skip
    if not shown:
        _nothing(ax, "no ReLU, sigmoid or tanh layer")
        return
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("fraction (dead: units, saturated: outputs)")
    _x_axis(ax, over_time, runs)
    _legend(ax, len(runs))


def _percentile_bars(ax, field, epochs, percentiles, runs, colors) -> None:
    """Median tick, inner and outer percentile bars per layer, first and last epoch."""
    mid = int(np.argmin(np.abs(np.asarray(percentiles) - 50)))
    inner, outer = (mid - 1, mid + 1), (mid - 2, mid + 2)
    if outer[0] < 0 or outer[1] >= len(percentiles):
        outer = inner = (0, len(percentiles) - 1)
    moments = [(0, 0.35, -0.15), (len(epochs) - 1, 1.0, 0.15)] if len(epochs) > 1 else [(0, 1, 0)]
    for i, run in enumerate(runs.values()):
        values = run[field]
        for index, alpha, shift in moments:
            p = values[index] if index < len(values) else None
            if p is None:
                continue
            x = i + shift
            ax.vlines(x, p[outer[0]], p[outer[1]], color=colors[i], alpha=alpha, linewidth=1.5)
            ax.vlines(x, p[inner[0]], p[inner[1]], color=colors[i], alpha=alpha, linewidth=7)
            ax.plot([x - 0.07, x + 0.07], [p[mid], p[mid]], color="black", alpha=alpha, lw=1.5)
    _layer_ticks(ax, runs)
    ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    ax.grid(axis="y", alpha=0.3)
    _percentile_legend(ax, percentiles, mid, inner, outer, epochs)


def _percentile_legend(ax, percentiles, mid, inner, outer, epochs) -> None:
    from matplotlib.lines import Line2D

    def pct(i: int) -> str:
        return f"{percentiles[i]:g}"

    handles = [
        Line2D([], [], color="0.3", linewidth=1.5,
               label=f"{pct(outer[0])}-{pct(outer[1])}th percentile"),
        Line2D([], [], color="0.3", linewidth=7,
               label=f"{pct(inner[0])}-{pct(inner[1])}th percentile"),
        Line2D([], [], color="black", linewidth=1.5, label="median"),
    ]  # fmt: skip
    if len(epochs) > 1:
        handles += [
            Line2D([], [], color="0.3", alpha=0.35, linewidth=7,
                   label=f"epoch {epochs[0] + 1} (left, faint)"),
            Line2D([], [], color="0.3", linewidth=7, label=f"epoch {epochs[-1] + 1} (right)"),
        ]  # fmt: skip
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _symlog(ax, runs) -> None:
    """Symmetric log scale, linear only below the smallest layer's typical gradient size."""
    drawn = [p for run in runs.values() for p in run["gradient_percentiles"] if p is not None]
    spreads = [s for p in drawn if (s := max(abs(p[1]), abs(p[-2]))) > 0]
    if not spreads:
        return
    ax.set_yscale("symlog", linthresh=10 ** math.floor(math.log10(min(spreads))))
    low, high = min(min(p) for p in drawn), max(max(p) for p in drawn)
    # why: autoscaling pads linearly, which on a log scale leaves the extremes on the frame
    ax.set_ylim(low * 2 if low < 0 else low / 2, high * 2 if high > 0 else high / 2)


def _layer_ticks(ax, runs) -> None:
    labels = [f"{name}\n{run['activation'] or ''}".rstrip() for name, run in runs.items()]
    slanted = len(runs) > 6
    ax.set_xticks(range(len(runs)), labels, rotation=35 if slanted else 0,
                  ha="right" if slanted else "center", fontsize=8)  # fmt: skip
    ax.set_xlim(-0.6, len(runs) - 0.4)
    ax.set_xlabel("layer (input side left)")


def _x_axis(ax, over_time, runs) -> None:
    from matplotlib.ticker import MaxNLocator

    if over_time:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _layer_ticks(ax, runs)
    ax.grid(alpha=0.3)


def _legend(ax, n_layers: int) -> None:
    ax.legend(fontsize=7, ncol=1 if n_layers <= 8 else 2, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))  # fmt: skip


def _nothing(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])
