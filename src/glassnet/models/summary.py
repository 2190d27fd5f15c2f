"""The Keras-style ``model.summary()`` table."""

from __future__ import annotations

from typing import Any

from glassnet.layers.base import shape_text


def summary_lines(model: Any, width: int = 65) -> list[str]:
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
    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    line, thick = "─" * width, "━" * width
    lines = [
        f'Model: "{model.name}"',
        thick,
        f"{'Layer (type)':<29}{'Output Shape':<24}{'Param #':>12}",
        thick,
    ]
    for i, (name, out, params) in enumerate(rows):
        lines.append(f"{name:<29}{out:<24}{params:>12}")
        lines.append(line if i < len(rows) - 1 else thick)
    lines += [
        f" Total params: {total:,}",
        f" Trainable params: {trainable:,}",
        f" Non-trainable params: {total - trainable:,}",
    ]
    return lines
