"""``gradcheck``: compare an analytic gradient with central finite differences in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.errors import GradientCheckError
from glassnet.tensor import Tensor, no_grad


def gradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` against central finite differences.

    Every floating-point input (ndarray or Tensor) is copied to float64 and differentiated;
    other arguments (integer indices, ints, None) are passed through unchanged. The output is
    projected on a random array ``r`` (so errors that cancel in a plain ``sum()``, as a softmax
    bug does, cannot hide), and the analytic gradient of ``L = sum(out * r)`` from
    ``backward()`` is compared with the numerical one, element by element.

    Math:
        L(x)          = sum(fn(x) * r)
        numeric dL/dx = (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)   for each element i
        passes when   |analytic - numeric| <= atol + rtol * |numeric|  everywhere

    Args:
        fn: a function of tensors returning a Tensor or a list/tuple of Tensors.
        *inputs: the points to check at.
        eps: the finite-difference step.
        atol, rtol: absolute and relative tolerances.
        seed: seeds the random projection ``r``.

    Returns:
        True when every gradient agrees.

    Raises:
        GradientCheckError: naming the input, the element where the disagreement is worst,
            both values and the errors.

    Example:
        >>> import numpy as np
        >>> gradcheck(lambda x: glassnet.ops.tanh(x), np.array([0.5, -1.0]))
        True
    """
    args = [_as_float64_leaf(x) for x in inputs]
    wrt = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not wrt:
        raise GradientCheckError(
            "gradcheck: expected at least one floating-point input to differentiate, got "
            f"{[type(x).__name__ for x in inputs]}. Pass float arrays or tensors."
        )
    outputs = _outputs(fn(*args))
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(o.shape) for o in outputs]

    def projected() -> float:
        return float(sum(np.sum(o.data * r) for o, r in zip(_outputs(fn(*args)), weights)))

    total = None
    for o, r in zip(outputs, weights):
        term = (o * r).sum()
        total = term if total is None else total + term
    if total.requires_grad:
        total.backward()
    for i in wrt:
        leaf = args[i]
        analytic = leaf.grad if leaf.grad is not None else np.zeros_like(leaf.data)
        numeric = _numeric_grad(projected, leaf.data, eps)
        _compare(i, leaf.shape, analytic, numeric, atol, rtol)
    return True


def _as_float64_leaf(x: Any) -> Any:
    data = x.data if isinstance(x, Tensor) else x
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        # why: C order, so the element-by-element perturbation of a flat view reaches the data
        # (reshape(-1) of a Fortran-ordered array is a copy).
        return Tensor(np.ascontiguousarray(data, dtype=np.float64), requires_grad=True)
    return x


def _outputs(result: Any) -> list[Tensor]:
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, (list, tuple)) and all(isinstance(r, Tensor) for r in result):
        return list(result)
    kinds = [type(r).__name__ for r in result] if isinstance(result, (list, tuple)) else None
    raise GradientCheckError(
        f"gradcheck: expected fn to return a Tensor or a list of Tensors, got "
        f"{type(result).__name__}{'' if kinds is None else f' of {kinds}'}. Build the output "
        "from glassnet ops on the inputs."
    )


def _numeric_grad(loss: Callable[[], float], x: np.ndarray, eps: float) -> np.ndarray:
    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    with no_grad():
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            up = loss()
            flat[j] = original - eps
            down = loss()
            flat[j] = original
            flat_grad[j] = (up - down) / (2 * eps)
    return grad


def _compare(
    index: int, shape: tuple, analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float
) -> None:
    error = np.abs(analytic - numeric)
    excess = error - (atol + rtol * np.abs(numeric))
    bad = ~(excess <= 0)  # why: also catches nan in either gradient
    if not bad.any():
        return
    score = np.where(bad, np.nan_to_num(excess, nan=np.inf), -np.inf)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(score)), shape))
    a, n = analytic[worst], numeric[worst]
    raise GradientCheckError(
        f"gradcheck: gradient of input {index} (shape {shape}) disagrees at index {worst}: "
        f"analytic={a:.6g}, numeric={n:.6g} (abs err {abs(a - n):.3g}, "
        f"{int(bad.sum())} of {bad.size} elements outside atol={atol:g}, rtol={rtol:g}). "
        "The op's backward does not match its forward."
    )
