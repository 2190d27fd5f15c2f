"""Random data and arguments thrown at ``fit``, ``evaluate``, ``predict`` and the batch methods.

A small model (a built or lazily built ``Sequential``, or a functional ``Model``) compiled
with a classification or regression loss gets ``x``/``y``/``sample_weight`` near valid ones
(lengths that differ, a wrong feature count, NaN/Inf, empty arrays, object/string/complex
dtypes, ragged lists) and odd arguments (batch_size 0, negative epochs, validation_split
outside [0, 1), class weights missing a class). Only glassnet's documented errors may escape;
a fit that succeeds on finite data logs finite losses, and predict returns float32 arrays with
one row per sample.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glassnet
from glassnet.layers import Dense, Input
from glassnet.models import Model, Sequential
from tests.fuzz._harness import FUZZ, any_input, call_public

N, F = 8, 4
_RNG = np.random.default_rng(0)
X = _RNG.normal(size=(N, F)).astype(np.float32)
TARGETS = {
    "sparse_categorical_crossentropy": (_RNG.integers(0, 2, N), "softmax"),
    "binary_crossentropy": (_RNG.integers(0, 2, (N, 1)).astype(np.float32), "sigmoid"),
    "mse": (_RNG.normal(size=(N, 2)).astype(np.float32), None),
}
UNITS = {"sparse_categorical_crossentropy": 2, "binary_crossentropy": 1, "mse": 2}


def make_model(kind: str, loss: str) -> Any:
    glassnet.utils.set_random_seed(0)
    head = Dense(UNITS[loss], activation=TARGETS[loss][1])
    if kind == "built":
        model = Sequential([Dense(3, activation="relu", input_shape=(F,)), head])
    elif kind == "lazy":
        model = Sequential([Dense(3, activation="relu"), head])
    else:
        inputs = Input(shape=(F,))
        model = Model(inputs, head(Dense(3, activation="relu")(inputs)))
    model.compile(optimizer="sgd", loss=loss)
    return model


def _mostly(valid: Any, odd: list[Any]) -> st.SearchStrategy[Any]:
    """The valid value three times out of four, so that most draws reach the data checks."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), st.sampled_from(odd))


ODD_SIZES = _mostly(None, [0, -1, 1, 3, 100, 2.5, True, "4"])
ODD_EPOCHS = _mostly(1, [0, 2, -1, 1.5, None, True])
ODD_SPLITS = _mostly(0.0, [0.25, 1.0, -0.1, 0.99, 0.01])
ODD_CLASS_WEIGHTS = _mostly(
    None, [{0: 1.0, 1: 2.0}, {0: 1.0}, {"a": 1.0}, "x", {0: "heavy", 1: 1.0}, {0: -1.0, 1: 1.0}]
)
MODELS = st.sampled_from(["built", "lazy", "functional"])
LOSSES = st.sampled_from(sorted(TARGETS))


def _data(loss: str) -> st.SearchStrategy[tuple[Any, Any, Any]]:
    y_valid = TARGETS[loss][0]
    return st.tuples(
        st.one_of(st.just(X), any_input(X.shape)),
        st.one_of(st.just(y_valid), any_input(y_valid.shape)),
        st.one_of(st.none(), st.just(np.ones(N, np.float32)), any_input((N,))),
    )


def _finite(*arrays: Any) -> bool:
    """Every array numeric, finite and moderate (1e30 is finite, but overflows float32 sums)."""
    for a in arrays:
        if a is None:
            continue
        if not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf":
            return False
        values = a.astype(np.float64)
        if not (np.isfinite(values).all() and np.abs(values).max(initial=0) < 1e6):
            return False
    return True


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"array{x.shape} {x.dtype}"
    return repr(x)[:60]


@st.composite
def fit_case(draw: Any) -> dict[str, Any]:
    loss = draw(LOSSES)
    x, y, sw = draw(_data(loss))
    return {
        "kind": draw(MODELS),
        "loss": loss,
        "x": x,
        "y": y,
        "sample_weight": sw,
        "batch_size": draw(ODD_SIZES),
        "epochs": draw(ODD_EPOCHS),
        "validation_split": draw(ODD_SPLITS),
        "class_weight": draw(ODD_CLASS_WEIGHTS),
        "shuffle": draw(st.booleans()),
        "validation_data": draw(
            _mostly(None, [(X, TARGETS[loss][0]), (X,), "val", (X, TARGETS[loss][0], 1, 2)])
            | _data(loss)
        ),
    }


@settings(FUZZ, max_examples=150)  # each example is a few ms
@given(case=fit_case())
def test_fuzz_fit(case: dict[str, Any]) -> None:
    model = make_model(case.pop("kind"), case.pop("loss"))
    what = ", ".join(f"{k}={_describe(v)}" for k, v in case.items())
    with np.errstate(all="ignore"):
        history, err = call_public(lambda: model.fit(**case, verbose=0), f"fit({what})")
    if err is None and _finite(case["x"], case["y"], case["sample_weight"]):
        for key, values in history.history.items():
            assert np.isfinite(values).all(), f"fit({what}): {key} = {values}"


@settings(FUZZ, max_examples=150)  # each example is a few ms
@given(
    kind=MODELS,
    loss=LOSSES,
    data=st.data(),
    batch_size=ODD_SIZES,
    method=st.sampled_from(["evaluate", "test_on_batch", "train_on_batch"]),
)
def test_fuzz_evaluate(kind: str, loss: str, data: Any, batch_size: Any, method: str) -> None:
    model = make_model(kind, loss)
    x, y, sw = data.draw(_data(loss))
    what = f"{method}(x={_describe(x)}, y={_describe(y)}, sample_weight={_describe(sw)})"
    kwargs = {"batch_size": batch_size} if method == "evaluate" else {}
    with np.errstate(all="ignore"):
        out, err = call_public(
            lambda: getattr(model, method)(x, y, sample_weight=sw, **kwargs), what
        )
    if err is None and _finite(x, y, sw):
        assert np.isfinite(out).all(), f"{what}: {out}"


@settings(FUZZ, max_examples=150)  # each example is a few ms
@given(
    kind=MODELS,
    x=st.one_of(st.just(X), any_input(X.shape)),
    batch_size=ODD_SIZES,
    on_batch=st.booleans(),
    fitted=st.booleans(),
)
def test_fuzz_predict(kind: str, x: Any, batch_size: Any, on_batch: bool, fitted: bool) -> None:
    model = make_model(kind, "mse")
    if fitted:
        model.fit(X, TARGETS["mse"][0], epochs=1, verbose=0)
    what = f"predict(x={_describe(x)}, batch_size={batch_size!r}, fitted={fitted})"
    call = (
        (lambda: model.predict_on_batch(x))
        if on_batch
        else (lambda: model.predict(x, batch_size=batch_size))
    )
    built = model.built  # a lazy model is built by its first input, whatever its shape
    with np.errstate(all="ignore"):
        out, err = call_public(call, what)
    if err is None:
        assert isinstance(out, np.ndarray) and out.dtype == np.float32, what
        assert out.shape[0] == len(x), f"{what}: output shape {out.shape}"
        if built:
            assert out.shape == (len(x), 2), f"{what}: output shape {out.shape}"
        if _finite(x):
            assert np.isfinite(out).all(), what
    if built or err is not None:  # a refused call leaves the model as it was
        assert model.predict(X, verbose=0).shape == (N, 2)


@pytest.mark.parametrize("kind", ["built", "lazy", "functional"])
def test_fuzz_model_factory_fits(kind: str) -> None:
    for loss, (y, _) in TARGETS.items():
        history = make_model(kind, loss).fit(X, y, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"]).all()
