"""``plot_gradient_norms``: the gradient reaching each layer, input side to output side."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.plot._mpl import pyplot, save

__all__ = ["gradient_norm_list", "plot_gradient_norms"]


def gradient_norm_list(record: Any) -> tuple[list[str], list[float]]:
    """Layer names and gradient norms, input side first, from what ``plot_gradient_norms`` takes.

    Args:
        record: a ``glassnet.inspect.layer_statistics`` snapshot (layers without weights are
            skipped), a mapping of layer name to norm, or a plain sequence of norms.

    Returns:
        ``(names, norms)``.

    Raises:
        ValueError: for a norm that is not a finite number >= 0.

    Example:
        >>> gradient_norm_list({"layers": {"a": {"gradient_norm": 0.5},
        ...                                "b": {"gradient_norm": None}}})
        (['a'], [0.5])
    """
    if isinstance(record, Mapping) and "layers" in record:
        pairs = [(k, v.get("gradient_norm")) for k, v in record["layers"].items()]
        pairs = [(k, v) for k, v in pairs if v is not None]
    elif isinstance(record, Mapping):
        pairs = list(record.items())
    else:
        pairs = [(str(i + 1), v) for i, v in enumerate(record)]
    names, norms = [str(k) for k, _ in pairs], [float(v) for _, v in pairs]
    bad = [n for n in norms if not (np.isfinite(n) and n >= 0)]
    if bad:
        raise ValueError(
            f"plot_gradient_norms: expected finite gradient norms >= 0, got {bad[0]!r}. "
            "A NaN or infinite norm means training diverged: check the loss first."
        )
    return names, norms


def plot_gradient_norms(
    records: Mapping[str, Any] | Sequence[float],
    *,
    title: str = "Gradient norm per layer",
    to_file: str | os.PathLike | None = None,
) -> Any:
    """One line per model: each layer's gradient norm (log scale) against its depth.

    Vanishing gradients show as a line that falls by orders of magnitude towards the input
    (left); exploding ones as a line that rises. Comparing a plain network with its residual
    twin on one plot shows what the shortcuts change.

    Args:
        records: ``{label: record}``, each record a ``layer_statistics`` snapshot, a mapping
            of layer name to norm, or a sequence of norms (input side first); or one record.
        title: the axes' title.
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure (one axes; x: layer position, 1 = nearest the input).

    Raises:
        ValueError: for a record without gradient norms, or a norm that is not finite.
        ImportError: when matplotlib is missing.

    Example:
        >>> fig = plot_gradient_norms({"plain": [1e-9, 1e-5, 1e-1], "residual": [0.2, 0.2, 0.3]})
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['plain', 'residual']
    """
    plt = pyplot("plot_gradient_norms")
    if not isinstance(records, Mapping) or "layers" in records:
        records = {"model": records}
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, record in records.items():
        names, norms = gradient_norm_list(record)
        if not norms:
            raise ValueError(
                f"plot_gradient_norms: expected gradient norms for {label!r}, got none. Pass "
                "y to layer_statistics and compile the model, so it computes gradients."
            )
        # why: an exact zero has no place on a log axis; show it at the smallest float32
        values = np.maximum(norms, np.finfo(np.float32).tiny)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=str(label))
    ax.set_yscale("log")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("layer with weights (1 = nearest the input)")
    ax.set_ylabel("gradient norm ||dL/dW||")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    save(fig, to_file)
    return fig
