"""``explain``: how one neuron's value was computed, and how its gradient was, with the numbers.

For a unit of a ``Dense`` layer and one sample, the forward pass is written out term by
term (input times weight, their sum, the bias, the activation) and, given the sample's
target, so is the backward pass through that unit (the gradient arriving from above, the
activation's slope, the gradients of the weights, of the bias and of the inputs). The
numbers are the model's own: the forward values are read while the model runs, the
gradient arriving from above comes from ``backward()``, and the weight gradients written
out by the chain rule are compared with the ones autograd computed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect._hooks import ensure_built, units, watch_calls
from glassnet.inspect.statistics import activation_name
from glassnet.layers.base import Layer
from glassnet.layers.core import Dense
from glassnet.tensor import Tensor, no_grad

__all__ = ["Explanation", "explain"]


@dataclasses.dataclass
class Explanation:
    """One neuron's computation for one sample (gradient fields are None without a target).

    Math:
        z = sum_i w_i * a_i + b          y = f(z)
        dL/dz = dL/dy * f'(z)            (for softmax: the full vector-Jacobian product)
        dL/dw_i = dL/dz * a_i    dL/db = dL/dz    dL/da_i = dL/dz * w_i
    """

    layer: str
    unit: int
    sample: int
    activation: str
    inputs: np.ndarray  # a_i, the layer's input for this sample
    weights: np.ndarray  # w_i = kernel[:, unit]
    bias: float
    z: float
    value: float  # y = f(z), as the layer output it
    loss: float | None = None
    dL_dy: float | None = None  # noqa: N815 - the maths' own name
    dy_dz: float | None = None  # None for activations that mix units (softmax)
    dL_dz: float | None = None  # noqa: N815
    dL_dw: np.ndarray | None = None  # noqa: N815
    dL_da: np.ndarray | None = None  # noqa: N815
    autograd_difference: float | None = None  # max |dL/dw by hand - dL/dw from backward()|
    top: int = 10

    @property
    def products(self) -> np.ndarray:
        return self.inputs * self.weights

    def __str__(self) -> str:
        return "\n".join(_forward_lines(self) + _backward_lines(self))


def explain(
    model: Layer, x: Any, *, layer: str | int | Layer, unit: int, y: Any = None, sample: int = 0,
    top: int = 10, print_fn: Callable[[str], Any] | None = print,
) -> Explanation:  # fmt: skip
    """Print how one unit of a Dense layer computed its value for one sample, with numbers.

    The forward pass: every input a_i of the layer times the unit's weight w_i, the sum,
    the bias, the activation. With ``y`` (the sample's target, model compiled) also the
    backward pass through this unit for that training example: the gradient dL/dy arriving
    from the layers above, the activation's slope, dL/dz, and from it the gradients of the
    unit's weights, of its bias and of the layer's inputs, checked against autograd.

    Args:
        model: a built (or buildable) model.
        x: the input: one sample or a batch (then ``sample`` picks the row).
        layer: the Dense layer, by name, by index in ``model.layers`` or as the object.
        unit: which unit (column of the kernel) to explain.
        y: the target for the same input (a batch like ``x``), to explain the gradient too.
        sample: the row of ``x`` (and ``y``) to explain.
        top: show the ``top`` largest terms of the sum when the layer has more inputs.
        print_fn: where to print (None: just return the Explanation).

    Returns:
        An ``Explanation`` holding every number (``str()`` of it is what was printed).

    Raises:
        ConfigError: for an unknown layer, a layer that is not Dense, or a unit out of range.

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(2, activation="relu", input_shape=(3,), name="hidden"),
        ...                     Dense(1, name="out")])
        >>> model.set_weights([np.full((3, 2), 0.5), np.array([0.1, -0.1]),
        ...                    np.ones((2, 1)), np.zeros(1)])
        >>> e = explain(model, np.array([[1.0, 2.0, 3.0]]), layer="hidden", unit=0)
        Unit 0 of layer 'hidden' (Dense, activation relu), sample 0
          forward:  z = sum_i w_i * a_i + b,   y = relu(z)
               i    input a_i   weight w_i    w_i * a_i
               0            1          0.5          0.5
               1            2          0.5            1
               2            3          0.5          1.5
          sum of the 3 terms = 3
          z = 3 + bias 0.1 = 3.1
          y = relu(z) = 3.1
          (pass y=... with the sample's target to see the gradient chain too)
        >>> round(e.value, 4)
        3.1
    """
    target = _find_layer(model, layer)
    if not isinstance(target, Dense):
        raise ConfigError(
            f"explain: expected a Dense layer, got layer '{target.name}' of type "
            f"{type(target).__name__}. explain writes out one unit of a Dense layer (one "
            "column of its kernel); pick one of: "
            f"{', '.join(u.name for u in units(model) if isinstance(u, Dense))}."
        )
    xs, ys = _one_sample(x, sample, "x"), None if y is None else _one_sample(y, sample, "y")
    ensure_built(model, xs)
    if not 0 <= unit < target.units:
        raise ConfigError(
            f"explain: expected unit in [0, {target.units}) for layer '{target.name}' "
            f"({target.units} units), got {unit}."
        )
    seen: list[tuple[Tensor, Tensor]] = []

    def record(layer: Layer, inputs: Any, out: Any) -> None:
        if not seen:
            seen.append((inputs, out.retain_grad() if out.requires_grad else out))

    params = model.trainable_weights
    saved = [p.grad for p in params]
    try:
        for p in params:
            p.grad = None
        with watch_calls([target], record):
            if ys is None:
                with no_grad():
                    model(xs, training=False)
                loss = None
            else:
                loss = _loss(model, ys, model(xs, training=False))
                loss.backward()
        result = _explanation(target, unit, sample, top, seen, loss)
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    if print_fn is not None:
        print_fn(str(result))
    return result


def _find_layer(model: Layer, layer: str | int | Layer) -> Layer:
    found = units(model)
    if isinstance(layer, Layer):
        if any(layer is u for u in found):
            return layer
        raise ConfigError(
            f"explain: layer '{layer.name}' is not part of model '{model.name}'. Pass one of "
            f"its layers (or its name or index): {', '.join(u.name for u in found)}."
        )
    if isinstance(layer, int) and not isinstance(layer, bool):
        if -len(found) <= layer < len(found):
            return found[layer]
        raise ConfigError(f"explain: expected a layer index in [0, {len(found)}), got {layer}.")
    for u in found:
        if u.name == layer:
            return u
    raise ConfigError(
        f"explain: no layer named {layer!r} in '{model.name}'. Layers: "
        f"{', '.join(u.name for u in found)}."
    )


def _one_sample(data: Any, sample: int, name: str) -> Any:
    """Row ``sample`` of ``data`` as a batch of one (of each array, for several in/outputs)."""
    if isinstance(data, dict):
        return {k: _one_sample(v, sample, f"{name}[{k!r}]") for k, v in data.items()}
    if (
        isinstance(data, (list, tuple))
        and data
        and all(isinstance(d, (np.ndarray, Tensor)) for d in data)
    ):
        return [_one_sample(d, sample, f"{name}[{i}]") for i, d in enumerate(data)]
    array = np.asarray(data.data if isinstance(data, Tensor) else data)
    if array.ndim <= 1 and name.startswith("x"):
        array = array[None]
    if array.ndim == 0 or not -len(array) <= sample < len(array):
        raise ShapeError(
            f"explain: expected {name} with a row {sample}, got shape {array.shape}. Pass a "
            "batch (N, ...) and sample=<row>."
        )
    return array[sample : sample + 1 if sample != -1 else None]


def _loss(model: Any, y: np.ndarray, y_pred: Any) -> Tensor:
    if getattr(model, "compiled_loss", None) is None:
        raise ConfigError(
            f"explain: the gradient part needs a compiled model, got '{model.name}' without a "
            "loss. Call model.compile(optimizer=..., loss=...) or leave out y."
        )
    return model.compute_loss(y, y_pred)


def _explanation(
    layer: Dense, unit: int, sample: int, top: int, seen: list, loss: Any
) -> Explanation:
    inputs, out = seen[0]
    if inputs.ndim != 2:
        raise ShapeError(
            f"explain: expected layer '{layer.name}' to receive (N, F) inputs, got shape "
            f"{inputs.shape}. explain handles Dense layers on flat features."
        )
    a = inputs.data[0].astype(np.float64)
    kernel = layer.kernel.data.astype(np.float64)
    bias_all = np.zeros(layer.units) if layer.bias is None else layer.bias.data.astype(np.float64)
    z_all = a @ kernel + bias_all
    e = Explanation(
        layer=layer.name, unit=unit, sample=sample, activation=activation_name(layer) or "linear",
        inputs=a, weights=kernel[:, unit], bias=float(bias_all[unit]), z=float(z_all[unit]),
        value=float(out.data[0, unit]), top=top,
    )  # fmt: skip
    if loss is None or out.grad is None:
        return e
    upstream = out.grad[0].astype(np.float64)
    dz_all, slope = _through_activation(layer, z_all, upstream, unit)
    e.loss = float(loss.data)
    e.dL_dy, e.dy_dz, e.dL_dz = float(upstream[unit]), slope, float(dz_all[unit])
    e.dL_dw = e.dL_dz * a
    e.dL_da = e.dL_dz * e.weights
    if layer.kernel.grad is not None:
        e.autograd_difference = float(np.max(np.abs(layer.kernel.grad[:, unit] - e.dL_dw)))
    return e


def _through_activation(layer: Dense, z: np.ndarray, upstream: np.ndarray, unit: int) -> tuple:
    """``(dL/dz for every unit, f'(z_unit) or None when the activation mixes units)``."""
    zt = Tensor(z, requires_grad=True)
    layer.activation(zt).__mul__(Tensor(upstream)).sum().backward()
    dz = zt.grad
    probe = Tensor(z, requires_grad=True)
    onehot = np.zeros_like(z)
    onehot[unit] = 1.0
    layer.activation(probe).__mul__(Tensor(onehot)).sum().backward()
    row = probe.grad
    elementwise = np.count_nonzero(np.delete(row, unit)) == 0
    return dz, (float(row[unit]) if elementwise else None)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _forward_lines(e: Explanation) -> list[str]:
    n = e.inputs.size
    order = np.arange(n) if n <= e.top else np.argsort(-np.abs(e.products))[: e.top]
    lines = [
        f"Unit {e.unit} of layer '{e.layer}' (Dense, activation {e.activation}), sample {e.sample}",
        "  forward:  z = sum_i w_i * a_i + b,   y = " + f"{e.activation}(z)",
        f"    {'i':>4} {'input a_i':>12} {'weight w_i':>12} {'w_i * a_i':>12}",
    ]
    lines += [f"    {i:>4} {_fmt(e.inputs[i]):>12} {_fmt(e.weights[i]):>12} "
              f"{_fmt(e.products[i]):>12}" for i in order]  # fmt: skip
    if n > e.top:
        rest = float(np.delete(e.products, order).sum())
        lines.append(f"    ... {n - e.top} smaller terms add up to {_fmt(rest)}")
    total = float(e.products.sum())
    lines += [
        f"  sum of the {n} terms = {_fmt(total)}",
        f"  z = {_fmt(total)} + bias {_fmt(e.bias)} = {_fmt(e.z)}",
        f"  y = {e.activation}(z) = {_fmt(e.value)}",
    ]
    return lines


def _backward_lines(e: Explanation) -> list[str]:
    if e.dL_dz is None:
        return ["  (pass y=... with the sample's target to see the gradient chain too)"]
    slope = (f"  dy/dz = {e.activation}'(z) = {_fmt(e.dy_dz)}" if e.dy_dz is not None else
             f"  {e.activation} mixes all units: dL/dz comes from the whole row's gradient")  # fmt: skip
    rule = "dL/dy * dy/dz" if e.dy_dz is not None else "(vector-Jacobian product)"
    biggest = int(np.argmax(np.abs(e.dL_dw)))
    lines = [
        f"  backward for this training example (loss {_fmt(e.loss)}):",
        f"  dL/dy = {_fmt(e.dL_dy)}   (arriving from the layers above)",
        slope,
        f"  dL/dz = {rule} = {_fmt(e.dL_dz)}",
        f"  dL/dw_i = dL/dz * a_i   e.g. i={biggest}: {_fmt(e.dL_dz)} * "
        f"{_fmt(e.inputs[biggest])} = {_fmt(e.dL_dw[biggest])}",
        f"  dL/db   = dL/dz = {_fmt(e.dL_dz)}",
        f"  dL/da_i = dL/dz * w_i  (this unit's share of the gradient sent to the layer "
        f"below), e.g. i={biggest}: {_fmt(e.dL_da[biggest])}",
    ]
    if e.autograd_difference is not None:
        lines.append(f"  autograd's dL/dw for this unit matches to {e.autograd_difference:.1e}")
    return lines
