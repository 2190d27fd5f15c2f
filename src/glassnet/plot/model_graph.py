"""``plot_model``: a model's layers and connections drawn with matplotlib (no Graphviz).

Keras's ``plot_model`` needs pydot and Graphviz; this one draws the same picture with
matplotlib alone. Each layer is a box (name, class, optionally shapes, activation and whether
it trains); arrows follow the data. Layers are placed in rows by their depth in the graph (the
longest path from an input), so skip connections and branches read top to bottom (or left to
right with ``rankdir='LR'``).
"""

from __future__ import annotations

from typing import Any

from glassnet.layers.base import shape_text
from glassnet.plot._mpl import pyplot

__all__ = ["model_graph", "plot_model"]


def _shapes(shapes: list[tuple]) -> str:
    return ", ".join(shape_text(s) for s in shapes) if shapes else "?"


def model_graph(model: Any) -> tuple[list[dict], list[tuple[int, int]]]:
    """Boxes (one per layer, in order) and edges ``(from, to)`` between them."""
    if hasattr(model, "_nodes"):  # a functional model
        index = {id(layer): i for i, layer in enumerate(model.layers)}
        boxes = [_box(layer) for layer in model.layers]
        edges: list[tuple[int, int]] = []
        seen: set[int] = set()
        for node in model._nodes:
            i = index[id(node.layer)]
            if i not in seen:  # shapes of the layer's first call in this model
                seen.add(i)
                boxes[i]["inputs"] = [kt.shape for kt in node.inputs]
                boxes[i]["outputs"] = [kt.shape for kt in node.outputs]
            for kt in node.inputs:
                edge = (index[id(kt.node.layer)], i)
                if edge not in edges:
                    edges.append(edge)
        return boxes, edges
    layers = list(getattr(model, "_layers", None) or model.layers)
    boxes = [_box(layer) for layer in layers]
    shape = getattr(model, "batch_input_shape", None)
    for box, layer in zip(boxes, layers):
        if shape is not None and layer.built:
            box["inputs"] = [shape]
            shape = layer.compute_output_shape(shape)
            box["outputs"] = [shape]
    return boxes, [(i, i + 1) for i in range(len(boxes) - 1)]


def _box(layer: Any) -> dict:
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", None) if activation is not None else None
    return {
        "name": layer.name,
        "class": type(layer).__name__,
        "inputs": [],
        "outputs": [],
        "activation": name,
        "trainable": layer.trainable,
        "params": layer.count_params() if layer.built else 0,
    }


def _levels(n: int, edges: list[tuple[int, int]]) -> list[int]:
    level = [0] * n
    for _ in range(n):  # longest path; edges follow running order, so this settles fast
        changed = False
        for a, b in edges:
            if level[b] < level[a] + 1:
                level[b], changed = level[a] + 1, True
        if not changed:
            break
    return level


def _label(box: dict, show_shapes: bool, show_layer_names: bool, show_dtype: bool,
           show_layer_activations: bool, show_trainable: bool, dtype: str) -> str:  # fmt: skip
    title = f"{box['name']} ({box['class']})" if show_layer_names else box["class"]
    lines = [title]
    if show_layer_activations and box["activation"]:
        lines.append(f"activation: {box['activation']}")
    if show_shapes:
        if box["class"] != "InputLayer":
            lines.append(f"input: {_shapes(box['inputs'])}")
        lines.append(f"output: {_shapes(box['outputs'])}")
    if show_dtype:
        lines.append(f"dtype: {dtype}")
    if show_trainable:
        lines.append(f"trainable: {'yes' if box['trainable'] else 'no'}")
    return "\n".join(lines)


def plot_model(
    model: Any,
    to_file: str | None = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> Any:
    """Draw ``model``'s layers and connections; save to ``to_file`` and return the Figure.

    Keras's arguments. ``rankdir`` is ``'TB'`` (top to bottom) or ``'LR'`` (left to right);
    ``expand_nested`` is accepted for compatibility (nested models show as one box).

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from glassnet.keras import Sequential, layers
        >>> model = Sequential([layers.Dense(4, input_dim=2, name="hidden"),
        ...                     layers.Dense(1, name="out")])
        >>> fig = plot_model(model, to_file=None, show_shapes=True)
        >>> [t.get_text().split(chr(10))[0] for t in fig.axes[0].texts if t.get_text()]
        ['hidden (Dense)', 'out (Dense)']
    """
    plt = pyplot("plot_model")
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"plot_model: expected rankdir 'TB' or 'LR', got {rankdir!r}.")
    boxes, edges = model_graph(model)
    dtype = str(getattr(model, "dtype", "float32"))
    labels = [
        _label(
            b,
            show_shapes,
            show_layer_names,
            show_dtype,
            show_layer_activations,
            show_trainable,
            dtype,
        )  # fmt: skip
        for b in boxes
    ]
    level = _levels(len(boxes), edges)
    width = max(len(line) for label in labels for line in label.split("\n")) * 0.095 + 0.4
    height = max(label.count("\n") + 1 for label in labels) * 0.2 + 0.25
    pos = _positions(level, width, height, rankdir)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    fig_w = (max(xs) - min(xs)) + width + 1.4
    fig_h = (max(ys) - min(ys)) + height + 0.6
    fig, ax = plt.subplots(figsize=(max(fig_w, 2.5), max(fig_h, 1.2)))
    for a, b in edges:
        _draw_edge(ax, pos[a], pos[b], level[b] - level[a], width, height, rankdir)
    for i, label in enumerate(labels):
        _draw_box(ax, pos[i], label, boxes[i]["class"] == "InputLayer", width, height)
    ax.set_xlim(min(xs) - width / 2 - 0.3, max(xs) + width / 2 + 0.9)
    ax.set_ylim(min(ys) - height / 2 - 0.3, max(ys) + height / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    if to_file:
        fig.savefig(to_file, dpi=dpi, bbox_inches="tight")
    return fig


def _positions(level: list[int], width: float, height: float, rankdir: str) -> dict:
    """Box centres: one row (or column, for 'LR') per graph depth, centred across."""
    rows: dict[int, list[int]] = {}
    for i, lv in enumerate(level):
        rows.setdefault(lv, []).append(i)
    step_x, step_y = width + 0.5, height + 0.6
    pos = {}
    for lv, members in rows.items():
        for k, i in enumerate(members):
            across = (k - (len(members) - 1) / 2) * step_x
            pos[i] = (across, -lv * step_y) if rankdir == "TB" else (lv * step_x, -k * step_y)
    return pos


def _draw_edge(ax: Any, a: tuple, b: tuple, depth: int, width: float, height: float,
               rankdir: str) -> None:  # fmt: skip
    (xa, ya), (xb, yb) = a, b
    tb = rankdir == "TB"
    aligned = abs(xa - xb) < 1e-9 if tb else abs(ya - yb) < 1e-9
    if depth > 1 and aligned:  # why: a skip connection would run through the boxes between
        if tb:
            start, end = (xa + width / 2, ya), (xb + width / 2, yb)
            style = "arc,angleA=0,angleB=0,armA=30,armB=30,rad=8"
        else:
            start, end = (xa, ya + height / 2), (xb, yb + height / 2)
            style = "arc,angleA=90,angleB=90,armA=30,armB=30,rad=8"
    elif tb:
        start, end, style = (xa, ya - height / 2), (xb, yb + height / 2), "arc3"
    else:
        start, end, style = (xa + width / 2, ya), (xb - width / 2, yb), "arc3"
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.2,
                            "connectionstyle": style})  # fmt: skip


def _draw_box(ax: Any, centre: tuple, label: str, is_input: bool, width: float,
              height: float) -> None:  # fmt: skip
    from matplotlib.patches import FancyBboxPatch

    x, y = centre
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor="#e8f5e0" if is_input else "#dbe9f6",
                                edgecolor="0.35"))  # fmt: skip
    ax.text(x, y, label, ha="center", va="center", fontsize=8, family="monospace")
