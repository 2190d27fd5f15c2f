"""Constructor checks that the hyper-parameter fuzzing asked for, one test each."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Dense,
    Dropout,
    Embedding,
    GRUCell,
    Input,
    LSTMCell,
    RandomFlip,
    Reshape,
    SimpleRNN,
    SimpleRNNCell,
)
from glassnet.losses import MeanSquaredError
from glassnet.models import Model


@pytest.mark.parametrize("make", [SimpleRNN, LSTM, GRU, SimpleRNNCell, LSTMCell, GRUCell])
@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
def test_recurrent_dropout_of_one_is_refused(make, argument: str) -> None:
    # Keras silently skips dropout when the rate is 1.0; dropping every unit is never meant.
    cell = make.__name__.replace("Cell", "") + "Cell"
    with pytest.raises(
        ConfigError, match=rf"The '{argument}' argument of {cell} must be a float in \[0, 1\)"
    ):
        make(3, **{argument: 1.0})


@pytest.mark.parametrize("dtype", ["int32", "float16", -1, {"class_name": "os.system"}, []])
def test_layer_dtype_must_be_float32_or_float64(dtype) -> None:
    with pytest.raises(
        ConfigError, match=r"The 'dtype' argument of Dense must be 'float32' or 'float64'\. Got"
    ):
        Dense(3, dtype=dtype)


def test_input_layer_may_hold_integer_ids() -> None:
    ids = Input(shape=(5,), dtype="int32")
    assert ids.dtype == np.int32
    model = Model(ids, Embedding(10, 2)(ids))
    assert model.predict(np.array([[1, 2, 3, 4, 9]]), verbose=0).shape == (1, 5, 2)


@pytest.mark.parametrize("argument, value", [("name", 3), ("name", ["a"]), ("trainable", "no")])
def test_layer_name_and_trainable_are_checked(argument: str, value) -> None:
    expected = "a string or None" if argument == "name" else "True or False"
    with pytest.raises(
        ConfigError, match=rf"The '{argument}' argument of Dense must be {expected}\. Got"
    ):
        Dense(3, **{argument: value})


@pytest.mark.parametrize(
    "argument, value",
    [("input_shape", 1.0), ("input_shape", (4, -1)), ("input_dim", 0), ("input_dim", "4"),
     ("batch_input_shape", -1), ("batch_input_shape", (None, 0))],
)  # fmt: skip
def test_layer_input_shape_arguments_are_checked(argument: str, value) -> None:
    with pytest.raises(ConfigError, match=rf"The '{argument}' argument of Dense must be"):
        Dense(3, **{argument: value})


def test_layer_input_shape_may_be_an_int_or_hold_none() -> None:
    assert Dense(3, input_shape=4).batch_input_shape == (None, 4)
    assert Dense(3, input_shape=(None, 4)).batch_input_shape == (None, None, 4)
    assert Dense(3, input_dim=np.int64(4)).batch_input_shape == (None, 4)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", (None,)])
@pytest.mark.parametrize(
    "make",
    [lambda s: Dropout(0.5, seed=s), lambda s: RandomFlip(seed=s), lambda s: LSTM(3, seed=s)],
)
def test_layer_seed_must_be_a_non_negative_int(make, seed) -> None:
    with pytest.raises(
        ConfigError, match=r"The 'seed' argument of \w+ must be None or an int >= 0"
    ):
        make(seed)


@pytest.mark.parametrize("argument, value", [("name", ["a"]), ("reduction", 3)])
def test_loss_name_and_reduction_are_checked(argument: str, value) -> None:
    with pytest.raises(ConfigError, match=rf"The '{argument}' argument of MeanSquaredError must"):
        MeanSquaredError(**{argument: value})


@pytest.mark.parametrize("target_shape", [-1, (2, 0), (2.5, 2), "22"])
def test_reshape_target_shape_is_checked(target_shape) -> None:
    with pytest.raises(
        ConfigError, match=r"The 'target_shape' argument of Reshape must be a tuple"
    ):
        Reshape(target_shape)


def test_input_shape_must_be_a_tuple() -> None:
    with pytest.raises(ConfigError, match=r"Input: expected shape=\(\.\.\.\) of one sample as a"):
        Input(shape=1.0)


def test_set_weights_wants_a_list() -> None:
    layer = Dense(2, name="sw")
    layer(np.ones((1, 3), np.float32))
    with pytest.raises(TypeError, match=r"Dense 'sw': expected a list of 2 arrays, got int"):
        layer.set_weights(-1)
    with pytest.raises(TypeError, match=r"Bidirectional 'bi': expected a list of 6 arrays, got"):
        Bidirectional(SimpleRNN(3), weights=-1, name="bi")(np.ones((2, 4, 3), np.float32))


def test_input_batch_shape_must_be_a_tuple() -> None:
    with pytest.raises(ConfigError, match=r"Input: expected batch_shape=\(\.\.\.\) as a tuple"):
        Input(batch_shape=-1)


def test_input_batch_shape_must_not_be_empty() -> None:
    with pytest.raises(ConfigError, match=r"Input: expected batch_shape=\(\.\.\.\) as a tuple"):
        Input(batch_shape=[])


def test_bidirectional_needs_a_layer() -> None:
    with pytest.raises(TypeError, match=r"Bidirectional: expected 'layer' to be a recurrent layer"):
        Bidirectional(None)


def test_initializer_none_means_glorot_uniform_as_in_keras() -> None:
    layer = Dense(3, kernel_initializer=None, bias_initializer=None)
    layer(np.ones((2, 4), np.float32))
    limit = np.sqrt(6 / (4 + 3))
    assert np.all(np.abs(layer.kernel.numpy()) <= limit) and layer.kernel.numpy().std() > 0


def test_lstm_bias_initializer_none_with_unit_forget_bias() -> None:
    layer = LSTM(3, bias_initializer=None)
    assert layer(np.ones((2, 4, 2), np.float32)).shape == (2, 3)
    np.testing.assert_array_equal(layer.weights[2].numpy()[3:6], 1.0)  # the forget gate's bias
