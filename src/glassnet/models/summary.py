"""The Keras-style ``model.summary()`` table."""

from __future__ import annotations

from typing import Any

from glassnet.layers.base import shape_text


def _graph_rows(model: Any) -> list[tuple[str, str, str, str]]:
    """One row per layer of a functional model, with the layers each call reads from."""
    rows = []
    first_node = {}
    for node in model._nodes:
        first_node.setdefault(id(node.layer), node)
    for layer in model.layers:
        node = first_node[id(layer)]
        shapes = [shape_text(kt.shape) for kt in node.outputs]
        sources = [f"{kt.node.layer.name}[{kt.index}]" for kt in node.inputs]
        params = layer.count_params() if layer.built else 0
        rows.append((f"{layer.name} ({type(layer).__name__})", ", ".join(shapes),
                     f"{params:,}", ", ".join(sources) or "-"))  # fmt: skip
    return rows


def summary_lines(model: Any, width: int = 65) -> list[str]:
    if hasattr(model, "_nodes"):
        return _table(model, _graph_rows(model), width + 25)
    rows = []
    shape = getattr(model, "batch_input_shape", None)
    for layer in model.layers:
        if shape is not None and layer.built:
            shape = layer.compute_output_shape(shape)
            out = shape_text(shape)
        else:
            out = "?"
        params = layer.count_params() if layer.built else 0
        rows.append((f"{layer.name} ({type(layer).__name__})", out, f"{params:,}"))
    return _table(model, rows, width)


def _table(model: Any, rows: list[tuple], width: int) -> list[str]:
    connected = len(rows[0]) == 4 if rows else False
    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    line, thick = "─" * width, "━" * width
    lines = [
        f'Model: "{model.name}"',
        thick,
        f"{'Layer (type)':<29}{'Output Shape':<24}{'Param #':>12}"
        + ("   Connected to" if connected else ""),
        thick,
    ]
    for i, (name, out, params, *links) in enumerate(rows):
        lines.append(f"{name:<29}{out:<24}{params:>12}" + (f"   {links[0]}" if links else ""))
        lines.append(line if i < len(rows) - 1 else thick)
    lines += [
        f" Total params: {total:,}",
        f" Trainable params: {trainable:,}",
        f" Non-trainable params: {total - trainable:,}",
    ]
    return lines
