"""``plot_activations``: every activation function with its derivative, from autograd."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet import activations
from glassnet.plot._mpl import pyplot, save

__all__ = ["activation_curves", "plot_activations"]

# Families side by side; any other built-in activation follows in alphabetical order.
_ORDER = ("linear", "relu", "leaky_relu", "relu6", "elu", "selu", "gelu", "silu", "mish",
          "hard_silu", "sigmoid", "hard_sigmoid", "tanh", "softsign", "softplus",
          "exponential", "softmax", "log_softmax")  # fmt: skip
# These act on a whole vector: they are drawn as the first entry of f([x, 0]).
_VECTOR = ("softmax", "log_softmax")


def _builtin_names() -> list[str]:
    """Every function of glassnet.activations, once (aliases such as 'swish' dropped)."""
    registered = activations.ACTIVATIONS
    names = [
        name
        for name in activations.__all__
        if name in registered and registered.name_of(registered.get(name)) == name
    ]
    return sorted(names, key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n))


def activation_curves(
    names: Sequence[str | Callable[..., Any]] | None = None,
    x_range: tuple[float, float] = (-4.0, 4.0),
    num: int = 401,
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``{name: (x, f(x), f'(x))}`` with f' from ``backward()`` (glassnet's autograd), in float64.

    ``softmax`` and ``log_softmax`` act on vectors; they are evaluated on the pairs
    ``[x, 0]`` and the first entry is kept: softmax([x, 0])[0] is sigmoid(x), the softmax of a
    two-class problem, and its derivative is d/dx of that entry.

    Args:
        names: activation names or functions of a Tensor (default: every built-in one).
        x_range: the interval drawn.
        num: points in it.
    """
    from glassnet.tensor import tensor

    xs = np.linspace(x_range[0], x_range[1], num)
    curves = {}
    for entry in _builtin_names() if names is None else names:
        fn = activations.get(entry)
        name = entry if isinstance(entry, str) else getattr(fn, "__name__", repr(fn))
        if name in _VECTOR:
            x = tensor(np.stack([xs, np.zeros_like(xs)], axis=1), requires_grad=True)
            out = fn(x)
            (out * tensor(np.array([1.0, 0.0]))).sum().backward()  # why: d(first entry)/dx
            curves[name] = (xs, out.numpy()[:, 0], np.asarray(x.grad)[:, 0])
            continue
        x = tensor(xs, requires_grad=True)
        out = fn(x)
        out.sum().backward()  # why: f acts element-wise, so d(sum f)/dx_i = f'(x_i)
        curves[name] = (xs, out.numpy().astype(np.float64), np.asarray(x.grad, np.float64))
    return curves


def plot_activations(
    names: Sequence[str | Callable[..., Any]] | None = None,
    x_range: tuple[float, float] = (-4.0, 4.0),
    ncols: int = 6,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Draw activation functions (solid) and their derivatives (dashed), one panel each.

    The derivatives are not written by hand: each comes from glassnet's autograd
    (``backward()`` through the same code a layer runs), so the picture also shows what the
    gradient of a network sees, kinks and flat regions included. See ``activation_curves``
    for how softmax and log_softmax are drawn.

    Args:
        names: activation names or functions (default: every built-in activation).
        x_range: the interval on the x axis.
        ncols: panels per row.
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure: one titled axes per activation, with a figure legend.

    Raises:
        ConfigError: for an unknown activation name.
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_activations(["relu", "tanh"])
        >>> [ax.get_title() for ax in fig.axes], float(fig.axes[0].lines[1].get_ydata()[-1])
        (['relu', 'tanh'], 1.0)
    """
    plt = pyplot("plot_activations")
    curves = activation_curves(names, x_range)
    ncols = min(ncols, len(curves))
    nrows = math.ceil(len(curves) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 2.6 * nrows + 0.6),
                             squeeze=False)  # fmt: skip
    for ax, (name, (xs, y, dy)) in zip(axes.flat, curves.items()):
        ax.plot(xs, y, color="tab:blue", linewidth=2, label="f(x)")
        ax.plot(xs, dy, color="tab:red", linestyle="--", linewidth=1.5, label="f'(x) (autograd)")
        ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.6", linewidth=0.8, zorder=0)
        title = f"{name}([x, 0])[0]" if name in _VECTOR else name
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("x", labelpad=1)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(curves) :]:
        ax.remove()
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=2, frameon=False, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / fig.get_figheight()))
    save(fig, to_file)
    return fig
