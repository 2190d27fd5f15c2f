"""Error messages of compile, fit's data checks, the functional config and the callbacks that
the other model tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.callbacks import (
    CSVLogger,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
)
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Concatenate, Dense, Input
from glassnet.models import Model, Sequential
from glassnet.models.functional_config import rebuild

X = np.ones((4, 2), np.float32)
Y = np.ones((4, 1), np.float32)
WORDS = np.array([["x", "y"]] * 4)


def _dense(compile: bool = True) -> Sequential:  # noqa: A002
    model = Sequential([Dense(1, input_shape=(2,))])
    if compile:
        model.compile("sgd", "mse")
    return model


def _two_outputs() -> Model:
    x = Input(shape=(2,), name="x")
    return Model(x, [Dense(1, name="a")(x), Dense(1, name="b")(x)], name="two")


def _two_inputs() -> Model:
    a, b = Input(shape=(2,), name="a"), Input(shape=(2,), name="b")
    model = Model([a, b], Dense(1)(Concatenate()([a, b])))
    model.compile("sgd", "mse")
    return model


def _fit_two_outputs(y, **compile_args):
    model = _two_outputs()
    model.compile("sgd", "mse", **compile_args)
    model.fit(X, y, epochs=1, verbose=0)


# ---------------------------------------------------------------------- compile and fit
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: _dense(compile=False).compile("sgd", None), ConfigError,
         r"compile: expected a loss, got None\. Pass e\.g\. loss='mse'\."),
        (lambda: _fit_two_outputs([Y, Y], loss_weights=[1.0]), ShapeError,
         r"compile of 'two': expected loss_weights for 2 outputs \(a, b\), got a list of 1\. "
         r"Give one per output, or a dict keyed by name\."),
        (lambda: _fit_two_outputs([Y, Y], loss_weights=3.0), ShapeError,
         r"compile of 'two': expected loss_weights for 2 outputs \(a, b\) as a list or a dict "
         r"keyed by output name, got float\."),
        (lambda: _fit_two_outputs([Y, Y, Y]), ShapeError,
         r"Model 'two': expected targets for 2 outputs \(a, b\), got a list of 3\."),
        (lambda: _two_inputs().fit({"a": WORDS, "b": X}, Y, verbose=0), TypeError,
         r"fit: expected x\['a'\] to hold numbers, got dtype <U1\. Encode strings or categories"),
        (lambda: _two_inputs().fit([WORDS, X], Y, verbose=0), TypeError,
         r"fit: expected x\[0\] to hold numbers, got dtype <U1\. Encode strings or categories"),
        (lambda: _two_inputs().fit({"a": np.ones((0, 2)), "b": X}, Y, verbose=0), ShapeError,
         r"fit: expected x\['a'\] with at least one sample, got shape \(0, 2\)\."),
        (lambda: _two_inputs().fit([np.ones((0, 2)), X], Y, verbose=0), ShapeError,
         r"fit: expected x\[0\] with at least one sample, got shape \(0, 2\)\."),
        (lambda: _dense().fit(np.ones((0, 2)), np.ones((0, 1)), verbose=0), ShapeError,
         r"fit: expected x with at least one sample, got shape \(0, 2\)\."),
        (lambda: _dense().fit(X, np.array([0, 1, 1, 0]), class_weight={0: 1.0}, verbose=0),
         ConfigError,
         r"fit: class_weight has no weight for class\(es\) \[1\]\. Give a weight for every class"),
        (lambda: _dense().fit(None, Y, verbose=0), ConfigError,
         r"fit: expected both x and y, got x=None\."),
        (lambda: _dense().fit(X, Y, validation_split=0.99, verbose=0), ConfigError,
         r"fit: validation_split=0\.99 leaves no training or no validation samples out of 4\. "
         r"Use a split between 1/4 and 1 - 1/4\."),
        (lambda: Sequential().add(3), TypeError,
         r"Sequential.add: expected a Layer, got int\. Pass layer objects such as Dense\(4\)\."),
        (lambda: Model(Input(shape=(2,)), [], name="m"), ConfigError,
         r"Model 'm': expected at least one outputs tensor, got none\."),
    ],
)  # fmt: skip
def test_compile_and_fit_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_functional_config_errors():
    empty = {"layers": [], "nodes": [], "inputs": [], "outputs": []}
    with pytest.raises(ConfigError, match=r"Functional config: expected a dict, got list\."):
        rebuild([])
    with pytest.raises(
        ConfigError, match=r"Functional config: expected 'layers' as a list, got int"
    ):
        rebuild({**empty, "layers": 1})
    with pytest.raises(
        ConfigError, match=r"Functional config: expected 'nodes' as a list, got int"
    ):
        rebuild({**empty, "nodes": 1})
    with pytest.raises(
        ConfigError, match=r"Functional config: node 0 must have 'layer', 'args' and 'kwargs'\."
    ):
        rebuild({**empty, "nodes": [1]})
    x = Input(shape=(2,), name="x")
    config = Model(x, Dense(1, name="d")(x)).get_config()
    node = {**config["nodes"][0], "kwargs": []}
    with pytest.raises(
        ConfigError,
        match=r"Functional config: node 0: expected 'args' as a list and 'kwargs' as a dict, got "
        r"list and list\.",
    ):
        rebuild({**config, "nodes": [node]})


# ---------------------------------------------------------------------- callbacks
def _begin(callback, hook="on_train_begin"):
    callback.set_model(_dense(compile=False))
    getattr(callback, hook)(0) if hook == "on_epoch_begin" else getattr(callback, hook)({})


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: _dense().fit(X, Y, verbose=0, callbacks=[object()]), TypeError,
         r"fit: expected callbacks to be Callback instances, got object\. Subclass "
         r"glassnet.callbacks.Callback or use LambdaCallback\."),
        (lambda: LambdaCallback(on_nothing=print), ConfigError,
         r"LambdaCallback: unknown hook 'on_nothing'\."),
        (lambda: CSVLogger("log.csv", separator=";;"), ConfigError,
         r"CSVLogger: expected separator to be one character, got ';;'\. Use e\.g\. ','"),
        (lambda: ModelCheckpoint("m.keras", save_freq=0), ConfigError,
         r"The 'save_freq' argument of ModelCheckpoint must be 'epoch' or an int >= 1\. Got 0\."),
        (lambda: _begin(ReduceLROnPlateau()), TypeError,
         r"ReduceLROnPlateau: expected a model compiled with an optimizer that has a "
         r"learning_rate, got optimizer=None\. Call model.compile"),
        (lambda: _begin(LearningRateScheduler(lambda epoch: 0.1), "on_epoch_begin"), TypeError,
         r"LearningRateScheduler: expected a model compiled with an optimizer that has a "
         r"learning_rate, got optimizer=None\. Call model.compile"),
        (lambda: LearningRateScheduler(3), TypeError,
         r"LearningRateScheduler: expected schedule to be a function \(epoch, lr\) -> float, got "
         r"int 3\. Pass e\.g\. lambda epoch, lr: lr \* 0\.9\."),
        (lambda: _dense().fit(X, Y, epochs=1, verbose=0,
                              callbacks=[LearningRateScheduler(lambda epoch: -1.0)]),
         ValueError,
         r"LearningRateScheduler: expected schedule to return a float > 0, got -1\.0 at epoch 0 "
         r"\(current learning rate 0\.01\)\. Make it return a positive number\."),
    ],
)  # fmt: skip
def test_callback_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_checkpoint_path_with_an_unknown_field(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m-{nope}.keras"))
    with pytest.raises(
        ConfigError,
        match=r"ModelCheckpoint: cannot fill in filepath '.*m-\{nope\}\.keras' from epoch, loss "
        r"\(KeyError: 'nope'\)\. Use only those names as fields",
    ):
        _dense().fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
