"""``check_optimizer``: a glassnet optimizer against ``torch.optim`` or a NumPy reference.

Both sides start from the same parameters of a fixed, seeded quadratic (several parameters of
different shapes) and take ``steps`` steps; each step, each side gets the gradient of the
quadratic at *its own* current parameters, so only the update rules are compared. After every
step every parameter must agree to ``rtol`` (1e-6 by default, float64).

Where Keras and torch differ in convention (epsilon placement, momentum form, Adagrad's
initial accumulator, Nadam's momentum schedule), the caller maps the hyperparameters so the
maths is identical, or passes a NumPy transcription of the Keras formula as ``reference``; each
test says which.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import glassnet

# reference(params, grads, iteration) updates the arrays ``params`` in place; iteration from 0.
NumpyReference = Callable[[list[np.ndarray], list[np.ndarray], int], None]


@dataclasses.dataclass
class Quadratic:
    """f(w) = sum over k of 0.5 * w_k . (A_k w_k) + b_k . w_k, each w_k flattened; A_k SPD."""

    shapes: Sequence[tuple[int, ...]] = ((3, 4), (4,), (2, 1, 3))
    seed: int = 0

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.a, self.b, self.initial = [], [], []
        for shape in self.shapes:
            n = int(np.prod(shape))
            m = rng.standard_normal((n, n))
            self.a.append(m @ m.T / n + 0.1 * np.eye(n))
            self.b.append(rng.standard_normal(n) * rng.uniform(0.1, 3.0, n))
            self.initial.append(rng.standard_normal(shape))

    def grads(self, params: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The gradient for each parameter, in float64."""
        return [
            (a @ np.asarray(w, np.float64).ravel() + b).reshape(w.shape)
            for a, b, w in zip(self.a, self.b, params)
        ]

    def loss(self, params: Sequence[np.ndarray]) -> float:
        return float(
            sum(
                0.5 * w.ravel() @ a @ w.ravel() + b @ w.ravel()
                for a, b, w in zip(self.a, self.b, params)
            )
        )


def run_glassnet(
    make_optimizer: Callable[[], Any],
    problem: Quadratic,
    steps: int,
    *,
    style: str = "keras",
    dtype: Any = np.float64,
) -> tuple[Any, list[glassnet.Tensor], list[list[np.ndarray]]]:
    """Take ``steps`` steps; return the optimizer, the parameters and a snapshot per step.

    ``style="keras"`` uses ``apply_gradients``; ``style="torch"`` attaches the parameters and
    sets ``param.grad`` before ``step()``. Checks that every ``param.data`` keeps its identity
    and dtype.
    """
    params = [glassnet.Tensor(w.astype(dtype), requires_grad=True) for w in problem.initial]
    arrays = [p.data for p in params]
    optimizer = make_optimizer()
    if style == "torch":
        optimizer.attach(params)
    history = []
    for _ in range(steps):
        grads = problem.grads([p.data for p in params])
        if style == "torch":
            optimizer.zero_grad()
            for p, g in zip(params, grads):
                p.grad = g.astype(dtype)
            optimizer.step()
        else:
            optimizer.apply_gradients(zip(grads, params))
        history.append([p.data.copy() for p in params])
    for p, array in zip(params, arrays):
        assert p.data is array, "the optimizer rebound param.data instead of updating it"
        assert p.data.dtype == dtype, f"param dtype became {p.data.dtype}, expected {dtype}"
    return optimizer, params, history


def run_torch(make_torch: Callable[[list[Any]], Any], problem: Quadratic, steps: int) -> list:
    """The same steps with a ``torch.optim`` optimizer in float64; a snapshot per step."""
    import torch

    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in problem.initial]
    optimizer = make_torch(params)
    history = []
    for _ in range(steps):
        grads = problem.grads([p.detach().numpy() for p in params])
        for p, g in zip(params, grads):
            p.grad = torch.from_numpy(g)
        optimizer.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


def run_numpy(reference: NumpyReference, problem: Quadratic, steps: int) -> list:
    """The same steps with a NumPy reference update; a snapshot per step."""
    params = [w.astype(np.float64) for w in problem.initial]
    history = []
    for iteration in range(steps):
        reference(params, problem.grads(params), iteration)
        history.append([w.copy() for w in params])
    return history


def assert_histories_close(
    ours: list[list[np.ndarray]], theirs: list[list[np.ndarray]], rtol: float, atol: float
) -> None:
    """Compare every parameter after every step; the message names the step and parameter."""
    for step, (ours_step, theirs_step) in enumerate(zip(ours, theirs), start=1):
        for k, (o, t) in enumerate(zip(ours_step, theirs_step)):
            error = np.abs(np.asarray(o, np.float64) - t)
            bad = error > atol + rtol * np.abs(t)
            if bad.any():
                where = np.unravel_index(int(np.argmax(np.where(bad, error, -1))), o.shape)
                raise AssertionError(
                    f"step {step}, parameter {k} {o.shape}: max error {error.max():.3g} at "
                    f"{tuple(int(i) for i in where)}: glassnet={o[where]!r} | "
                    f"reference={t[where]!r} ({int(bad.sum())} elements off)"
                )


def check_optimizer(
    make_optimizer: Callable[[], Any],
    reference: Callable[[list[Any]], Any] | NumpyReference,
    *,
    is_torch: bool = True,
    steps: int = 5,
    style: str = "keras",
    rtol: float = 1e-6,
    atol: float = 1e-12,
    problem: Quadratic | None = None,
) -> Any:
    """Run ``steps`` steps of glassnet and of the reference; assert they agree after each.

    Args:
        make_optimizer: builds the glassnet optimizer (no parameters attached).
        reference: ``params -> torch.optim optimizer`` (``is_torch=True``) or a
            ``NumpyReference`` (``is_torch=False``).
        style: "keras" (``apply_gradients``) or "torch" (``zero_grad``/``step``).

    Returns:
        The glassnet optimizer after the run.
    """
    problem = problem or Quadratic()
    optimizer, _, ours = run_glassnet(make_optimizer, problem, steps, style=style)
    if is_torch:
        theirs = run_torch(reference, problem, steps)
    else:
        theirs = run_numpy(reference, problem, steps)
    assert_histories_close(ours, theirs, rtol, atol)
    assert optimizer.iterations == steps
    return optimizer
