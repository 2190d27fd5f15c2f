"""``layer_outputs``: what every layer of a model computed for one input."""

from __future__ import annotations

from typing import Any

from glassnet.inspect._hooks import as_array, ensure_built, units, watch_calls
from glassnet.layers.base import Layer
from glassnet.tensor import no_grad

__all__ = ["layer_outputs"]


def layer_outputs(
    model: Layer, x: Any, *, training: bool = False, expand_nested: bool = False
) -> dict[str, Any]:
    """Run ``model`` on ``x`` once and return every layer's output, in the order they ran.

    The same for ``Sequential``, functional and subclassed models: each layer's ``call`` is
    watched while the model runs, so what you get is exactly what the next layer received
    (Keras users build ``Model(inputs, [l.output for l in model.layers])`` for this).

    Args:
        model: a model (built, or buildable by calling it on ``x``).
        x: the input, as the model takes it (an array, or a list/dict for several inputs).
        training: run in training mode (dropout active, batch statistics) instead of
            inference mode.
        expand_nested: list the layers inside nested models instead of one entry per
            nested model.

    Returns:
        A dict ``{layer name: output}`` in call order. Outputs are NumPy arrays (a list of
        arrays for a layer with several outputs). A layer called more than once (a shared
        layer) appears as ``name``, ``name:1``, ``name:2``, ...

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(3, activation="relu", input_shape=(2,)), Dense(1)])
        >>> outs = layer_outputs(model, np.ones((5, 2)))
        >>> {name: out.shape for name, out in outs.items()}  # doctest: +SKIP
        {'dense': (5, 3), 'dense_1': (5, 1)}
        >>> [out.shape for out in outs.values()]
        [(5, 3), (5, 1)]
    """
    ensure_built(model, x)
    outputs: dict[str, Any] = {}
    counts: dict[str, int] = {}

    def record(layer: Layer, inputs: Any, out: Any) -> None:
        k = counts.get(layer.name, 0)
        counts[layer.name] = k + 1
        outputs[layer.name if k == 0 else f"{layer.name}:{k}"] = as_array(out)

    with no_grad(), watch_calls(units(model, expand_nested=expand_nested), record):
        model(x, training=training)
    return outputs
