"""``check_gradients``: a float64 finite-difference check of a whole model's loss gradient.

``gradcheck`` checks one op; this checks what ``fit`` actually differentiates: the model's
loss (regularization included) with respect to every trainable weight, through every
layer's backward pass at once. A layer whose backward disagrees with its forward shows up
as the layer with the largest error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import GradientCheckError, StateError
from glassnet.inspect._hooks import ensure_built, weight_owners
from glassnet.layers.base import Layer
from glassnet.tensor import Tensor, no_grad

__all__ = ["GradientCheckReport", "WeightCheck", "check_gradients"]


@dataclasses.dataclass
class WeightCheck:
    """The comparison for one weight: how many elements, the worst disagreement, pass/fail."""

    layer: str
    weight: str
    checked: int
    size: int
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple[int, ...]
    analytic: float
    numeric: float
    excess: float  # largest error / tolerance; <= 1 passes
    passed: bool


class GradientCheckReport:
    """What ``check_gradients`` found, weight by weight; prints as a table.

    Attributes:
        weights: one ``WeightCheck`` per trainable weight, in the model's order.
        loss: the loss at the checked point.
        passed: True when every checked element agrees.
        worst: the ``WeightCheck`` with the largest error relative to its tolerance.
        worst_layer: that weight's layer name.
    """

    def __init__(self, weights: list[WeightCheck], loss: float, atol: float, rtol: float):
        self.weights = weights
        self.loss = loss
        self.atol, self.rtol = atol, rtol
        self.passed = all(w.passed for w in weights)
        self.worst = max(weights, key=lambda w: w.excess)
        self.worst_layer = self.worst.layer

    def __str__(self) -> str:
        head = (f"Gradient check in float64 (loss {self.loss:.6g}; pass: |analytic - numeric| <= "
                f"{self.atol:g} + {self.rtol:g} * |numeric|)")  # fmt: skip
        rows = [f"  {'layer':<20} {'weight':<18} {'checked':>11} {'max abs err':>12} "
                f"{'max rel err':>12}  result"]  # fmt: skip
        for w in self.weights:
            rows.append(f"  {w.layer:<20} {w.weight:<18} {f'{w.checked}/{w.size}':>11} "
                        f"{w.max_abs_error:>12.3g} {w.max_rel_error:>12.3g}  "
                        f"{'ok' if w.passed else 'FAIL'}")  # fmt: skip
        verdict = "all gradients agree." if self.passed else _failure(self.worst)
        return "\n".join([head, *rows, "  " + verdict])


def _failure(w: WeightCheck) -> str:
    return (f"worst: layer '{w.layer}', weight '{w.weight}' at {w.worst_index}: analytic="
            f"{w.analytic:.6g}, numeric={w.numeric:.6g}. The backward pass of layer "
            f"'{w.layer}' (or of an op it uses) does not match its forward pass.")  # fmt: skip


def check_gradients(
    model: Layer, x: Any, y: Any, *, sample_weight: Any = None, loss: Any = None,
    training: bool = True, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-4,
    max_elements: int = 64, seed: int = 0, raise_on_failure: bool = True,
) -> GradientCheckReport:  # fmt: skip
    """Check the model's loss gradient against central finite differences, in float64.

    For the check the model is switched to float64 (every layer's dtype and every weight),
    and every random draw (dropout masks, augmentation) is replayed identically for each
    evaluation; afterwards weights, dtypes, ``.grad``s and random states are put back, so
    the model is exactly as before. Up to ``max_elements`` elements of each weight (chosen
    at random with ``seed``) are perturbed by +-``eps``.

    Math:
        L(w)          = the compiled loss of model(x) against y, plus regularization
        numeric dL/dw = (L(w + eps e_j) - L(w - eps e_j)) / (2 eps)   for each checked j
        passes when   |analytic - numeric| <= atol + rtol * |numeric|

    Args:
        model: the model (compiled, unless ``loss`` is given).
        x, y: a small batch (a few samples keep it fast: two forward passes per element).
        sample_weight: optional per-sample loss weights.
        loss: a loss to use instead of the compiled one (name, Loss, or function).
        training: differentiate the training-mode forward pass (dropout on, batch
            statistics), as ``fit`` does; False checks the inference-mode pass.
        eps, atol, rtol: step and tolerances.
        max_elements: the most elements checked per weight (None: all of them).
        seed: chooses the elements checked.
        raise_on_failure: raise ``GradientCheckError`` when a gradient disagrees (the
            message names the worst layer); False returns the report either way.

    Returns:
        A ``GradientCheckReport`` (print it for a table of every weight).

    Raises:
        GradientCheckError: naming the layer and weight with the worst disagreement.
        StateError: if the model is not compiled and no ``loss`` is given.

    Example:
        >>> from glassnet.layers import Dense
        >>> from glassnet.models import Sequential
        >>> model = Sequential([Dense(3, activation="tanh", input_shape=(2,), name="dense"),
        ...                     Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> report = model.check_gradients(np.ones((4, 2)), np.zeros((4, 1)))
        >>> report.passed, report.weights[0].layer
        (True, 'dense')
    """
    loss_fn = _loss_function(model, loss)
    ensure_built(model, x)
    with _float64(model) as replay:
        params = [w for w in model.trainable_weights if w.size]
        owners = weight_owners(model)

        def evaluate() -> Tensor:
            replay()
            return loss_fn(y, model(x, training=training), sample_weight)

        for p in params:
            p.grad = None
        value = evaluate()
        value.backward()
        analytic = [np.zeros_like(p.data) if p.grad is None else p.grad.copy() for p in params]
        rng = np.random.default_rng(seed)
        checks = []
        for p, grad in zip(params, analytic):
            layer = owners.get(id(p))
            checks.append(_check_weight(p, grad, evaluate, layer, rng, eps, atol, rtol,
                                        max_elements))  # fmt: skip
    report = GradientCheckReport(checks, float(value.data), atol, rtol)
    if raise_on_failure and not report.passed:
        raise GradientCheckError(f"check_gradients of '{model.name}': {_failure(report.worst)}"
                                 f"\n{report}")  # fmt: skip
    return report


def _loss_function(model: Layer, loss: Any) -> Callable[[Any, Any, Any], Tensor]:
    if loss is not None:
        from glassnet import losses

        fn = losses.get(loss)
        return lambda y, y_pred, sw: fn(y, y_pred, sample_weight=sw) + _extra_losses(model)
    if getattr(model, "compiled_loss", None) is None:
        raise StateError(
            f"check_gradients: expected a compiled model or a loss=..., got '{model.name}' "
            "without a loss. Call model.compile(optimizer=..., loss=...) or pass loss='mse'."
        )
    return lambda y, y_pred, sw: model.compute_loss(y, y_pred, sw)


def _extra_losses(model: Layer) -> Any:
    total: Any = 0.0
    for extra in model.losses:
        total = total + extra
    return total


def _check_weight(p: Tensor, grad: np.ndarray, evaluate: Callable[[], Tensor], layer: Any,
                  rng: np.random.Generator, eps: float, atol: float, rtol: float,
                  max_elements: int | None) -> WeightCheck:  # fmt: skip
    flat = p.data.reshape(-1)  # a view: writing it perturbs the weight
    picks = np.arange(flat.size)
    if max_elements is not None and flat.size > max_elements:
        picks = np.sort(rng.choice(flat.size, max_elements, replace=False))
    numeric = np.empty(picks.size)
    with no_grad():
        for k, j in enumerate(picks):
            original = flat[j]
            flat[j] = original + eps
            up = float(evaluate().data)
            flat[j] = original - eps
            down = float(evaluate().data)
            flat[j] = original
            numeric[k] = (up - down) / (2 * eps)
    exact = grad.reshape(-1)[picks]
    error = np.abs(exact - numeric)
    excess = error / (atol + rtol * np.abs(numeric))
    excess = np.where(np.isnan(excess), np.inf, excess)
    worst = int(np.argmax(excess))
    scale = np.maximum(np.maximum(np.abs(exact), np.abs(numeric)), 1e-30)
    name = p.name.rsplit("/", 1)[-1] if p.name else "weight"
    return WeightCheck(
        layer=layer.name if layer is not None else (p.name or "?").split("/")[0],
        weight=name, checked=int(picks.size), size=int(flat.size),
        max_abs_error=float(np.nanmax(error)), max_rel_error=float(np.nanmax(error / scale)),
        worst_index=tuple(int(i) for i in np.unravel_index(int(picks[worst]), p.shape)),
        analytic=float(exact[worst]), numeric=float(numeric[worst]),
        excess=float(excess[worst]), passed=bool(excess[worst] <= 1.0),
    )  # fmt: skip


def _all_layers(model: Layer) -> list[Layer]:
    """The model and every layer inside it (nested models, RNN cells, wrapped layers)."""
    found: list[Layer] = []
    stack: list[Any] = [model]
    while stack:
        item = stack.pop()
        if isinstance(item, Layer):
            if any(item is f for f in found):
                continue
            found.append(item)
            stack.extend(vars(item).values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


class _float64:
    """Switch a model to float64 and freeze its randomness; undo everything on exit.

    ``with _float64(model) as replay:``: call ``replay()`` before each forward pass to
    rewind every random generator to where it stood when the block began.
    """

    def __init__(self, model: Layer) -> None:
        self.layers = _all_layers(model)

    def __enter__(self) -> Callable[[], None]:
        self.dtypes = [layer.dtype for layer in self.layers]
        self.weights = [w for layer in self.layers for w in layer._weights]
        self.saved = [(w.data, w.grad) for w in self.weights]
        gens = [backend.rng()] + [v for layer in self.layers for v in vars(layer).values()
                                  if isinstance(v, np.random.Generator)]  # fmt: skip
        self.generators = [(g, g.bit_generator.state) for g in gens]
        for layer in self.layers:
            layer.dtype = np.dtype(np.float64)
        for w in self.weights:
            # why: C order, so that reshape(-1) in _check_weight is a view, not a copy
            # (an orthogonal initializer hands out Fortran-ordered kernels).
            w.data = np.ascontiguousarray(w.data, dtype=np.float64)
        return self.replay

    def replay(self) -> None:
        for g, state in self.generators:
            g.bit_generator.state = state

    def __exit__(self, *exc: object) -> None:
        for layer, dtype in zip(self.layers, self.dtypes):
            layer.dtype = dtype
        for w, (data, grad) in zip(self.weights, self.saved):
            w.data, w.grad = data, grad
        self.replay()
