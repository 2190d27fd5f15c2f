"""Shared checks for losses: forward and gradient against PyTorch, gradient against finite
differences (both through a random projection of the per-sample losses, as tests/_oracle.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

import glassnet


@dataclasses.dataclass(frozen=True)
class LossCase:
    """One loss on one set of inputs.

    ``fn(y_true, y_pred)`` is glassnet's per-sample loss; ``torch_fn(t, p)`` the reference on
    torch tensors (``t`` float32, or int64 when ``y_true`` is integer; None stays None);
    ``make(rng)`` returns float64 ``(y_true, y_pred)``. Only ``y_pred`` is differentiated.
    """

    name: str
    fn: Callable[[Any, Any], Any]
    torch_fn: Callable[[Any, Any], Any]
    make: Callable[[np.random.Generator], tuple[Any, np.ndarray]]
    atol: float = 1e-5
    rtol: float = 1e-4
    fd_atol: float = 1e-7
    fd_rtol: float = 1e-5


def inputs(case: LossCase, seed: int = 0) -> tuple[Any, np.ndarray]:
    return case.make(np.random.default_rng(seed))


def assert_close(label: str, ours: Any, theirs: Any, atol: float, rtol: float) -> None:
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    assert ours.shape == theirs.shape, f"{label}: shape glassnet={ours.shape} | ref={theirs.shape}"
    error = np.abs(ours - theirs)
    bad = ~(error <= atol + rtol * np.abs(theirs))
    if bad.any():
        where = np.unravel_index(int(np.argmax(np.where(bad, error, -1))), ours.shape)
        raise AssertionError(
            f"{label}: max error {np.nanmax(error):.3g} at {where}: glassnet={ours[where]!r} "
            f"| ref={theirs[where]!r} ({int(bad.sum())} elements off)"
        )


def _torch_target(torch: Any, y_true: Any) -> Any:
    if y_true is None:
        return None
    y_true = np.asarray(y_true)
    if y_true.dtype.kind in "iu":
        return torch.tensor(y_true, dtype=torch.int64)
    return torch.tensor(y_true.astype(np.float32))


def check_against_torch(case: LossCase, seed: int = 0) -> None:
    """Forward values (float32) and the gradient of sum(loss * r) w.r.t. y_pred."""
    import torch

    y_true, y_pred = inputs(case, seed)
    ours_pred = glassnet.tensor(y_pred.astype(np.float32), requires_grad=True)
    theirs_pred = torch.tensor(y_pred.astype(np.float32), requires_grad=True)
    ours = case.fn(y_true, ours_pred)
    theirs = case.torch_fn(_torch_target(torch, y_true), theirs_pred)
    label = f"loss '{case.name}' (y_pred {y_pred.shape})"
    assert ours.dtype == np.float32, f"{label}: output dtype {ours.dtype}, expected float32"
    assert_close(f"{label}: forward", ours.data, theirs.detach().numpy(), case.atol, case.rtol)
    r = np.random.default_rng(seed + 1).standard_normal(ours.shape).astype(np.float32)
    (ours * r).sum().backward()
    (theirs * torch.from_numpy(r)).sum().backward()
    assert ours_pred.grad.dtype == np.float32, f"{label}: grad dtype {ours_pred.grad.dtype}"
    assert_close(
        f"{label}: grad w.r.t. y_pred", ours_pred.grad, theirs_pred.grad.numpy(), case.atol,
        case.rtol,
    )  # fmt: skip


def check_finite_differences(case: LossCase, seed: int = 0) -> None:
    """The gradient w.r.t. y_pred against central differences in float64."""
    y_true, y_pred = inputs(case, seed)
    glassnet.gradcheck(
        lambda p: case.fn(y_true, p), y_pred, eps=1e-6, atol=case.fd_atol, rtol=case.fd_rtol,
        seed=seed,
    )  # fmt: skip
