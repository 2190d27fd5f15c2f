"""Random targets, predictions and sample weights thrown at every loss, class and function.

For every class in ``glassnet.losses`` (default arguments, a random ``reduction``) and every
registered loss function, hypothesis draws ``y_true``/``y_pred`` near a valid pair (shapes
``(N,)`` vs ``(N, 1)``, a changed or extra axis, empty batches, any dtype, NaN/Inf, class ids
out of range for the sparse cross-entropy) and a ``sample_weight`` (None, per sample, or
anything). Only glassnet's documented errors may escape; a loss that succeeds on finite
in-range data returns a finite float32 value of the documented shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glassnet import losses
from glassnet.tensor import Tensor
from tests.fuzz._harness import FUZZ, any_input, call_public

N, C = 4, 3

# For each loss class: the valid (y_true, y_pred) pair (values in the loss's domain).
_RNG = np.random.default_rng(0)
_PROBS = _RNG.dirichlet(np.ones(C), size=N).astype(np.float32)
_ONE_HOT = np.eye(C, dtype=np.float32)[_RNG.integers(0, C, N)]
_BINARY = _RNG.integers(0, 2, (N, 1)).astype(np.float32)
_SIGMOID = _RNG.uniform(0.05, 0.95, (N, 1)).astype(np.float32)
_REAL = _RNG.normal(size=(N, C)).astype(np.float32)
_POSITIVE = _RNG.uniform(0.5, 2.0, (N, C)).astype(np.float32)
_IDS = _RNG.integers(0, C, N)

VALID_PAIRS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "BinaryCrossentropy": (_BINARY, _SIGMOID),
    "BinaryFocalCrossentropy": (_BINARY, _SIGMOID),
    "WeightedBinaryCrossentropy": (_BINARY, _SIGMOID),
    "CategoricalCrossentropy": (_ONE_HOT, _PROBS),
    "SparseCategoricalCrossentropy": (_IDS, _PROBS),
    "KLDivergence": (_PROBS, _PROBS[::-1].copy()),
    "Poisson": (_POSITIVE, _POSITIVE[::-1].copy()),
    "Hinge": (_BINARY * 2 - 1, _REAL[:, :1]),
    "SquaredHinge": (_BINARY * 2 - 1, _REAL[:, :1]),
    "CategoricalHinge": (_ONE_HOT, _REAL),
    "CosineSimilarity": (_REAL, _REAL[::-1].copy()),
    "ContrastiveLoss": (_BINARY, _POSITIVE[:, :1]),
    "TripletLoss": (np.zeros((N, 1), np.float32), _RNG.normal(size=(N, 3, 2)).astype(np.float32)),
    "Huber": (_REAL, _REAL[::-1].copy()),
    "LogCosh": (_REAL, _REAL[::-1].copy()),
    "MeanAbsoluteError": (_REAL, _REAL[::-1].copy()),
    "MeanAbsolutePercentageError": (_POSITIVE, _POSITIVE[::-1].copy()),
    "MeanSquaredError": (_REAL, _REAL[::-1].copy()),
    "MeanSquaredLogarithmicError": (_POSITIVE, _POSITIVE[::-1].copy()),
}


def _class_of(name: str) -> type:
    return getattr(losses, name)


def test_valid_pairs_cover_every_loss_class() -> None:
    assert sorted(VALID_PAIRS) == sorted(c.__name__ for c in losses.FUNCTIONS)


def _finite_and_in_domain(y_true: Any, y_pred: Any, valid: tuple) -> bool:
    """The drawn pair is the valid pair itself (so the loss's domain holds)."""
    pred = y_pred.data if isinstance(y_pred, Tensor) else y_pred
    return y_true is valid[0] and pred is valid[1]


@st.composite
def _pair(draw: Any, valid: tuple[np.ndarray, np.ndarray]) -> tuple[Any, Any]:
    y_true, y_pred = valid
    which = draw(st.integers(0, 3))
    if which == 0:
        return y_true, y_pred
    if which == 1:
        return draw(any_input(y_true.shape)), y_pred
    if which == 2:
        return y_true, draw(any_input(y_pred.shape))
    return draw(any_input(y_true.shape)), draw(any_input(y_pred.shape))


_WEIGHTS = st.one_of(
    st.none(),
    st.just(np.linspace(0.0, 1.0, N, dtype=np.float32)),
    st.just(np.ones((N, 1), np.float32)),
    any_input((N,)),
)


def _check_result(what: str, out: Any, reduction: Any, in_domain: bool) -> None:
    assert isinstance(out, Tensor), what
    assert out.dtype == np.float32, f"{what}: dtype {out.dtype}"
    if reduction not in ("none", None):
        assert out.shape == (), f"{what}: shape {out.shape}"
    if in_domain:
        assert np.isfinite(out.numpy()).all(), f"{what}: non-finite loss"


@pytest.mark.parametrize("name", sorted(VALID_PAIRS))
def test_fuzz_loss_class(name: str) -> None:
    valid = VALID_PAIRS[name]

    @FUZZ
    @given(
        pair=_pair(valid),
        sample_weight=_WEIGHTS,
        reduction=st.sampled_from(["sum_over_batch_size", "sum", "mean", "none", None]),
        graph=st.booleans(),
    )
    def run(pair: tuple[Any, Any], sample_weight: Any, reduction: Any, graph: bool) -> None:
        loss = _class_of(name)(reduction=reduction)
        y_true, y_pred = pair
        if graph and isinstance(y_pred, np.ndarray) and y_pred.dtype == np.float32:
            y_pred = Tensor(y_pred, requires_grad=True)  # the backward pass is checked too
        what = f"{name}(reduction={reduction!r}) on {_describe(y_true)}, {_describe(y_pred)}"
        with np.errstate(all="ignore"):
            out, err = call_public(lambda: loss(y_true, y_pred, sample_weight=sample_weight), what)
        if err is None:
            in_domain = _finite_and_in_domain(y_true, y_pred, valid)
            plain_weights = sample_weight is None or (
                isinstance(sample_weight, np.ndarray) and _moderate(sample_weight)
            )
            _check_result(what, out, reduction, in_domain and plain_weights)
            if isinstance(y_pred, Tensor):
                with np.errstate(all="ignore"):
                    call_public(lambda: out.sum().backward(), f"backward of {what}")
                assert y_pred.grad is None or y_pred.grad.shape == y_pred.shape, what

    run()


@pytest.mark.parametrize("name", sorted(VALID_PAIRS))
def test_fuzz_loss_function(name: str) -> None:
    valid = VALID_PAIRS[name]
    fn = losses.FUNCTIONS[_class_of(name)]
    fn_name = fn.__name__

    @FUZZ
    @given(pair=_pair(valid))
    def run(pair: tuple[Any, Any]) -> None:
        y_true, y_pred = pair
        what = f"{fn_name} on {_describe(y_true)}, {_describe(y_pred)}"
        with np.errstate(all="ignore"):
            out, err = call_public(lambda: fn(y_true, y_pred), what)
        if err is None:
            assert isinstance(out, Tensor) and out.dtype == np.float32, what
            if isinstance(y_pred, np.ndarray) and y_pred.ndim:
                assert out.shape[:1] == y_pred.shape[:1], f"{what}: output shape {out.shape}"
            if _finite_and_in_domain(y_true, y_pred, valid):
                assert np.isfinite(out.numpy()).all(), f"{what}: non-finite loss"

    run()


def _moderate(x: np.ndarray) -> bool:
    if x.dtype.kind not in "biuf":
        return False
    values = x.astype(np.float64)
    return bool(np.isfinite(values).all() and np.abs(values).max(initial=0) < 100)


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"array{x.shape} {x.dtype}"
    return repr(x)[:60]
