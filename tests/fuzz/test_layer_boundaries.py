"""The boundary checks of ``Layer.__call__`` that the layer fuzzing asked for, one test each."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ShapeError
from glassnet.layers import (
    GRU,
    LSTM,
    Add,
    Conv1D,
    Dense,
    Embedding,
    Flatten,
    GRUCell,
    LSTMCell,
    MaxPooling1D,
    SimpleRNN,
    SimpleRNNCell,
    Softmax,
)


def test_layer_ragged_list_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"Dense 'ragged': could not turn the input into an array"):
        Dense(2, name="ragged")([[1.0, 2.0], [3.0]])


def test_layer_ragged_list_in_a_multi_input_layer() -> None:
    with pytest.raises(TypeError, match=r"Add 'add_ragged': could not turn the input into an"):
        Add(name="add_ragged")([np.ones((2, 3)), [[1.0, 2.0], [3.0]]])


@pytest.mark.parametrize("make", [lambda: Conv1D(2, 3), Flatten, lambda: Dense(2)])
def test_layer_scalar_input_is_a_shape_error(make) -> None:
    layer = make()
    with pytest.raises(ShapeError, match=r"expected input with a batch axis \(N, \.\.\.\), got a"):
        layer(np.float32(1.0))
    assert not layer.built  # nothing was built from the scalar's shape


def test_layer_wrong_rank_leaves_the_layer_unbuilt() -> None:
    layer = Conv1D(2, 3, name="conv_rank")
    with pytest.raises(ShapeError, match=r"Conv1D 'conv_rank': expected input of rank 3, got"):
        layer(np.ones((4, 5), np.float32))
    assert not layer.built
    assert layer(np.ones((4, 5, 2), np.float32)).shape == (4, 3, 2)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: Dense(3), (4, 2)),
        (lambda: SimpleRNN(3), (4, 5, 2)),
        (lambda: LSTM(3), (4, 5, 2)),
        (lambda: GRU(3), (4, 5, 2)),
        (MaxPooling1D, (4, 6, 2)),
        (Softmax, (4, 3)),
    ],
)
def test_layer_integer_input_computes_in_the_layer_dtype(make, shape, dtype) -> None:
    x = np.arange(np.prod(shape)).reshape(shape) % 7
    layer = make()
    out = layer(x.astype(dtype))
    assert out.dtype == np.float32  # never float64, never the integer dtype
    np.testing.assert_allclose(out.numpy(), make_same(layer, make)(x.astype(np.float32)).numpy())


def make_same(layer, make):
    """A second layer of the same kind with the first one's weights."""
    twin = make()
    twin(np.zeros((1, *layer._build_input_shape[1:]), np.float32))
    twin.set_weights(layer.get_weights())
    return twin


def test_layer_integer_tensor_input_is_cast_too() -> None:
    x = glassnet.Tensor(np.arange(6).reshape(3, 2))
    assert Dense(2)(x).dtype == np.float32


def test_embedding_keeps_integer_ids() -> None:
    ids = np.array([[1, 2], [3, 2**24 + 1]], dtype=np.int64)
    layer = Embedding(2**24 + 2, 1, embeddings_initializer="zeros")
    layer.build(None)
    layer.embeddings.data[2**24 + 1] = 7.0  # float32 cannot tell 2**24 + 1 from 2**24
    assert layer(ids).numpy()[1, 1, 0] == 7.0


def test_softmax_layer_over_an_empty_axis_is_empty() -> None:
    out = Softmax()(np.ones((2, 3, 0), np.float32))
    assert out.shape == (2, 3, 0)


def test_logsumexp_over_an_empty_axis_is_minus_inf() -> None:
    out = glassnet.ops.logsumexp(np.ones((2, 0), np.float32), axis=1)
    np.testing.assert_array_equal(out.numpy(), [-np.inf, -np.inf])


def test_batch_normalization_with_no_channels_trains_to_an_empty_output() -> None:
    out = glassnet.layers.BatchNormalization()(np.ones((3, 0), np.float32), training=True)
    assert out.shape == (3, 0)


def test_layer_rank_one_input_is_refused_before_build() -> None:
    layer = Conv1D(2, 3, name="conv_flat")
    with pytest.raises(ShapeError, match=r"Conv1D 'conv_flat': expected input of rank 3, got"):
        layer(np.ones(5, np.float32))
    assert not layer.built


@pytest.mark.parametrize("cell_class", [SimpleRNNCell, LSTMCell, GRUCell])
def test_cell_refuses_a_sequence_and_stays_unbuilt(cell_class) -> None:
    cell = cell_class(3, name="step")
    states = [np.zeros((4, 3), np.float32)] * (2 if cell_class is LSTMCell else 1)
    with pytest.raises(
        ShapeError, match=rf"{cell_class.__name__} 'step': expected input of rank 2"
    ):
        cell(np.zeros((4, 5, 2), np.float32), states)
    assert not cell.built
    assert cell(np.zeros((4, 2), np.float32), states)[0].shape == (4, 3)


def test_cell_names_itself_for_a_wrong_feature_count() -> None:
    cell = SimpleRNNCell(3, name="step_f")
    cell(np.zeros((4, 2), np.float32), [np.zeros((4, 3), np.float32)])
    with pytest.raises(
        ShapeError, match=r"SimpleRNNCell 'step_f': expected input of shape \(N, 2\), got \(4, 5\)"
    ):
        cell(np.zeros((4, 5), np.float32), [np.zeros((4, 3), np.float32)])


def test_first_call_that_fails_in_call_leaves_the_layer_unbuilt() -> None:
    layer = Embedding(5, 2, name="emb_first")
    with pytest.raises(ShapeError, match=r"Embedding 'emb_first': expected ids in \[0, 4\], got 9"):
        layer(np.array([[1, 9]]))
    assert not layer.built and layer.weights == []
    assert layer(np.array([[1, 4]])).shape == (1, 2, 2)
    assert len(layer.weights) == 1


def test_first_call_that_fails_undoes_wrapped_and_stacked_layers() -> None:
    inner = Dense(3)
    wrapper = glassnet.layers.TimeDistributed(inner)
    with pytest.raises(ShapeError):
        wrapper(np.ones((4, 0, 2, 5), np.float32))  # no time steps: nothing to stack
    assert not wrapper.built and not inner.built
    assert wrapper(np.ones((4, 3, 2), np.float32)).shape == (4, 3, 3)

    first, second = Dense(4), Conv1D(2, 3)
    model = glassnet.models.Sequential([first, second])
    with pytest.raises(ShapeError, match="expected input of rank 3"):
        model(np.ones((2, 5), np.float32))  # the Conv1D needs (N, T, C)
    assert not model.built and not first.built and first.weights == []
    assert model(np.ones((2, 6, 5), np.float32)).shape == (2, 4, 2)


@pytest.mark.parametrize(
    "make",
    [lambda: glassnet.layers.DepthwiseConv2D(3), lambda: glassnet.layers.SeparableConv2D(2, 3)],
)
def test_depthwise_layers_name_themselves_for_zero_channels(make) -> None:
    layer = make()
    who = f"{type(layer).__name__} '{layer.name}'"
    with pytest.raises(ShapeError, match=rf"{who}: expected at least one input channel, got"):
        layer(np.ones((2, 6, 6, 0), np.float32))


def test_maxout_on_an_empty_batch_is_empty() -> None:
    assert glassnet.layers.Maxout(3, 2)(np.ones((0, 4), np.float32)).shape == (0, 3)


def test_max_over_an_empty_axis_is_a_shape_error() -> None:
    with pytest.raises(ShapeError, match=r"max: expected a non-empty tensor, got shape \(2, 0\)"):
        glassnet.ops.max(np.ones((2, 0), np.float32), axis=1)
    assert glassnet.ops.max(np.ones((0, 3), np.float32), axis=1).shape == (0,)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: Dense(2), (3, 0)),
        (lambda: Dense(2), (6, 0, 5, 0)),
        (lambda: glassnet.layers.Maxout(2, 2), (3, 0)),
        (lambda: glassnet.layers.RandomZoom(0.2, seed=0), (3, 6, 6, 0)),
        (lambda: glassnet.layers.RandomRotation(0.2, seed=0), (3, 6, 6, 0)),
    ],
)
def test_backward_through_inputs_without_features(make, shape) -> None:
    x = glassnet.Tensor(np.ones(shape, np.float32), requires_grad=True)
    make()(x, training=True).sum().backward()
    assert x.grad.shape == shape


def test_cell_states_batch_must_match_the_inputs() -> None:
    cell = SimpleRNNCell(3)
    with pytest.raises(ShapeError, match=r"expected 1 state\(s\) of shape \(1, 3\) for inputs"):
        cell(np.ones((1, 2), np.float32), [np.zeros((3, 3), np.float32)])
    lstm = LSTMCell(2)
    with pytest.raises(ShapeError, match=r"expected 2 state\(s\) of shape \(4, 2\), \(4, 2\)"):
        lstm(np.ones((4, 3), np.float32), [np.zeros((4, 2), np.float32)])
    h, states = lstm(np.ones((4, 3), np.float32), lstm.get_initial_state(4))
    assert h.shape == (4, 2) and [s.shape for s in states] == [(4, 2), (4, 2)]
