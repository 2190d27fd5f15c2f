"""Anomaly mode: the first op whose output or gradient holds NaN or Inf is named, with its layer."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.errors import AnomalyError
from glassnet.layers import Dense, Layer
from glassnet.models import Sequential

_tensor_module = importlib.import_module("glassnet.tensor")


@pytest.fixture(autouse=True)
def _quiet_and_off():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "invalid value in log"
        yield
    glassnet.set_detect_anomaly(False)


class LogLayer(Layer):
    def call(self, inputs, training=None):
        return ops.log(inputs)


class RootLayer(Layer):
    def call(self, inputs, training=None):
        return ops.sqrt(ops.relu(inputs))


def test_anomaly_error_is_a_floating_point_error():
    assert issubclass(AnomalyError, FloatingPointError)


def test_forward_nan_names_the_op():
    with pytest.raises(AnomalyError, match=r"op 'log' produced NaN \(1 of 2 values\) from finite"):
        with glassnet.detect_anomaly():
            ops.log(glassnet.tensor([1.0, -1.0]))


def test_forward_inf_names_the_op():
    with pytest.raises(AnomalyError, match=r"op 'exp' produced Inf \(1 of 3 values\)"):
        with glassnet.detect_anomaly():
            ops.exp(glassnet.tensor([0.0, 1.0, 1000.0]))


def test_the_first_op_is_named_not_a_later_one():
    x = glassnet.tensor([4.0, -4.0])
    with pytest.raises(AnomalyError, match="op 'sqrt'") as info:
        with glassnet.detect_anomaly():
            y = ops.sqrt(x)
            ops.log(y)
    assert "'log'" not in str(info.value)


def test_a_non_finite_input_is_blamed_on_data_or_weights():
    x = glassnet.tensor([1.0, np.nan])
    with pytest.raises(AnomalyError, match=r"op 'multiply' received input 0 already holding NaN"):
        with glassnet.detect_anomaly():
            x * 2.0
    with pytest.raises(AnomalyError, match="it is data or a weight"):
        with glassnet.detect_anomaly():
            x * 2.0


def test_forward_error_names_the_layer_and_the_model():
    model = Sequential([Dense(2, input_shape=(2,), name="hidden"), LogLayer(name="bad_log")],
                       name="net")  # fmt: skip
    model.layers[0].set_weights([-np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    with pytest.raises(AnomalyError, match=r"op 'log' in LogLayer 'bad_log' of Sequential 'net'"):
        with glassnet.detect_anomaly():
            model(np.ones((3, 2), np.float32))


def test_backward_inf_names_the_op_and_the_input():
    x = glassnet.tensor([0.0, 1.0], requires_grad=True)
    y = None
    with glassnet.detect_anomaly():
        y = ops.sqrt(x).sum()  # forward: sqrt(0) = 0 is fine
        with pytest.raises(
            AnomalyError,
            match=r"backward pass of op 'sqrt' gave its input 0 a gradient holding Inf "
            r"\(1 of 2 values\), from a finite gradient",
        ):
            y.backward()


def test_backward_error_names_the_layer_it_ran_in_during_fit():
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(4, input_shape=(2,), name="hidden"), RootLayer(name="root"),
                        Dense(1, name="out")], name="net")  # fmt: skip
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    with pytest.raises(AnomalyError) as info:
        with glassnet.detect_anomaly():
            model.fit(x, x[:, :1], epochs=1, verbose=0)
    message = str(info.value)
    assert "backward pass of op 'sqrt' in RootLayer 'root' of Sequential 'net'" in message
    assert not glassnet.anomaly.is_anomaly_enabled()  # the block restored the mode


def test_off_by_default_costs_nothing_and_raises_nothing():
    assert _tensor_module._anomaly_hook is None
    y = ops.log(glassnet.tensor([-1.0]))
    assert np.isnan(y.numpy()).all()


def test_set_detect_anomaly_switches_on_and_off_and_the_block_restores():
    glassnet.set_detect_anomaly(True)
    assert _tensor_module._anomaly_hook is not None
    with glassnet.detect_anomaly():
        pass
    assert glassnet.anomaly.is_anomaly_enabled()  # still on: the block restored "on"
    with pytest.raises(AnomalyError):
        ops.log(glassnet.tensor([-1.0]))
    glassnet.set_detect_anomaly(False)
    assert _tensor_module._anomaly_hook is None
    ops.log(glassnet.tensor([-1.0]))


def test_detect_anomaly_as_a_decorator():
    @glassnet.detect_anomaly()
    def compute():
        return ops.log(glassnet.tensor([0.0]))

    with pytest.raises(AnomalyError, match="op 'log' produced Inf"):
        compute()
    assert not glassnet.anomaly.is_anomaly_enabled()


def test_forward_is_checked_under_no_grad_too():
    with pytest.raises(AnomalyError, match="op 'divide'"):
        with glassnet.detect_anomaly(), glassnet.no_grad():
            glassnet.tensor([1.0]) / glassnet.tensor([0.0])


def test_finite_training_is_unchanged_by_anomaly_mode():
    def run(anomaly: bool) -> bytes:
        glassnet.utils.set_random_seed(1)
        model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        x = np.random.default_rng(1).normal(size=(32, 2)).astype(np.float32)
        with glassnet.detect_anomaly() if anomaly else _nothing():
            model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
        return b"".join(w.tobytes() for w in model.get_weights())

    assert run(True) == run(False)


class _nothing:  # noqa: N801
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_set_detect_anomaly_rejects_a_non_bool():
    with pytest.raises(TypeError, match="set_detect_anomaly: expected True or False, got 'yes'"):
        glassnet.set_detect_anomaly("yes")
