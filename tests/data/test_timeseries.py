"""Time-series windows: Keras 3's timeseries_dataset_from_array semantics, and make_windows."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.data import PyDataset, make_windows, timeseries_dataset_from_array
from glassnet.errors import ConfigError, ShapeError


def _all_windows(ds) -> tuple[np.ndarray, np.ndarray | None]:
    batches = list(ds)
    if isinstance(batches[0], tuple):
        return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])
    return np.concatenate(batches), None


def test_keras_docstring_example_1_stride_and_sampling_rate():
    # Keras's docstring: indices 0..98, sequence_length=10, sampling_rate=2, stride=3.
    ds = timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sequence_stride=3, sampling_rate=2
    )
    windows, _ = _all_windows(ds)
    assert windows[0].tolist() == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    assert windows[1].tolist() == [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
    assert windows[2].tolist() == [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    assert windows[-1].tolist() == [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]
    assert len(windows) == 27 and len(ds) == 1  # batch_size 128 holds all 27


def test_keras_docstring_example_2_next_step_targets():
    data = np.arange(20.0)
    ds = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)
    windows, targets = ds[0]
    np.testing.assert_array_equal(windows, [data[:10]])
    np.testing.assert_array_equal(targets, [data[10]])


def test_targets_are_the_step_each_window_starts_at_and_batches_split():
    data = np.arange(12).reshape(6, 2)  # (T, F) = (6, 2): rows 0..5
    targets = np.arange(6) * 10
    ds = timeseries_dataset_from_array(data, targets, sequence_length=2, batch_size=2)
    assert isinstance(ds, PyDataset) and len(ds) == 3 and ds.num_windows == 5
    shapes = [(b[0].shape, b[1].shape) for b in ds]
    assert shapes == [((2, 2, 2), (2,)), ((2, 2, 2), (2,)), ((1, 2, 2), (1,))]
    windows, got = _all_windows(ds)
    hand = np.array([[data[s], data[s + 1]] for s in range(5)])
    np.testing.assert_array_equal(windows, hand)
    np.testing.assert_array_equal(got, [0, 10, 20, 30, 40])
    with pytest.raises(IndexError, match="batch 3 out of range"):
        ds[3]


def test_start_and_end_index_bound_the_windows():
    data = np.arange(20)
    ds = timeseries_dataset_from_array(data, data * 10, sequence_length=4, sequence_stride=2,
                                       start_index=3, end_index=15)  # fmt: skip
    windows, targets = _all_windows(ds)
    # starts 3, 5, ..., while start + 3 < 15: 3, 5, 7, 9, 11
    np.testing.assert_array_equal(windows[:, 0], [3, 5, 7, 9, 11])
    np.testing.assert_array_equal(windows[-1], [11, 12, 13, 14])
    np.testing.assert_array_equal(targets, [30, 50, 70, 90, 110])


def test_short_targets_limit_the_number_of_windows():
    # As in Keras: num_windows = min(windows that fit in data, len(targets)).
    ds = timeseries_dataset_from_array(np.arange(10), np.arange(4), sequence_length=3)
    windows, targets = _all_windows(ds)
    assert len(windows) == 4 and targets.tolist() == [0, 1, 2, 3]


def test_batch_size_none_gives_single_windows():
    ds = timeseries_dataset_from_array(np.arange(5.0), np.arange(5.0), sequence_length=2,
                                       batch_size=None)  # fmt: skip
    assert len(ds) == 4
    window, target = ds[-1]
    assert window.tolist() == [3.0, 4.0] and target == 3.0


def test_shuffle_matches_keras_order_and_reshuffles_each_epoch():
    ds = timeseries_dataset_from_array(np.arange(30), np.arange(30), sequence_length=5,
                                       batch_size=4, shuffle=True, seed=7)  # fmt: skip
    keras_order = np.arange(26)
    np.random.RandomState(7).shuffle(keras_order)  # noqa: NPY002 - Keras's own draw
    windows, targets = _all_windows(ds)
    np.testing.assert_array_equal(targets, keras_order)
    np.testing.assert_array_equal(windows, keras_order[:, None] + np.arange(5))
    ds.on_epoch_end()
    _, second = _all_windows(ds)
    assert sorted(second.tolist()) == list(range(26)) and not np.array_equal(second, targets)
    again = timeseries_dataset_from_array(np.arange(30), np.arange(30), sequence_length=5,
                                          batch_size=4, shuffle=True, seed=7)  # fmt: skip
    np.testing.assert_array_equal(_all_windows(again)[1], keras_order)


def test_keras_face_and_fit_take_the_dataset():
    assert keras.utils.timeseries_dataset_from_array is timeseries_dataset_from_array
    glassnet.utils.set_random_seed(0)
    series = np.sin(np.arange(200) / 5.0).astype(np.float32)
    ds = timeseries_dataset_from_array(series[:-8, None], series[8:], sequence_length=8,
                                       batch_size=32)  # fmt: skip
    model = keras.Sequential([keras.Input((8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(ds, epochs=30, verbose=0).history
    assert history["loss"][-1] < 0.01 < history["loss"][0]
    windows = timeseries_dataset_from_array(series[:-8, None], None, sequence_length=8)
    assert model.predict(windows, verbose=0).shape == (185, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sequence_length": 0}, ConfigError,
         r"The 'sequence_length' argument of timeseries_dataset_from_array must be an int >= 1"),
        ({"sequence_length": 2.5}, ConfigError, r"'sequence_length' .* must be an int >= 1"),
        ({"sequence_stride": 0}, ConfigError, r"'sequence_stride' .* must be an int >= 1"),
        ({"sampling_rate": -1}, ConfigError, r"'sampling_rate' .* must be an int >= 1"),
        ({"batch_size": 0}, ConfigError, r"'batch_size' .* must be None or an int >= 1"),
        ({"shuffle": 1}, ConfigError, r"'shuffle' .* must be a bool"),
        ({"seed": -3}, ConfigError, r"'seed' .* must be None or an int >= 0"),
        ({"start_index": -1}, ConfigError, r"'start_index' .* must be None or an int >= 0"),
        ({"end_index": 0}, ConfigError, r"'end_index' .* must be None or an int >= 1"),
        ({"sampling_rate": 10}, ConfigError,
         r"expected sampling_rate lower than the length of the data \(10\), got 10"),
        ({"sequence_stride": 12}, ConfigError,
         r"expected sequence_stride lower than the length of the data \(10\), got 12"),
        ({"start_index": 10}, ConfigError,
         r"expected start_index lower than the length of the data \(10\), got 10"),
        ({"start_index": 5, "end_index": 5}, ConfigError,
         r"expected end_index higher than start_index \(5\), got 5"),
        ({"end_index": 10}, ConfigError,
         r"expected end_index lower than the length of the data \(10\), got 10. Leave it None"),
        ({"sequence_length": 6, "sampling_rate": 2}, ConfigError,
         r"no full window fits: a window spans 11 steps .* give 10 and targets hold 10"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(kwargs, error, match):
    args = {"sequence_length": 3, **kwargs}
    with pytest.raises(error, match=match):
        timeseries_dataset_from_array(np.arange(10), np.arange(10), **args)


def test_bad_data_is_named():
    with pytest.raises(ShapeError, match=r"expected data with time on axis 0.*got shape \(\)"):
        timeseries_dataset_from_array(np.float32(1.0), None, sequence_length=1)
    with pytest.raises(ShapeError, match=r"expected targets with time on axis 0.*\(0,\)"):
        timeseries_dataset_from_array(np.arange(5), [], sequence_length=1)
    with pytest.raises(TypeError, match="expected data as an array, got ragged list"):
        timeseries_dataset_from_array([[1, 2], [3]], None, sequence_length=1)
    with pytest.raises(TypeError, match="expected data as a numeric array, got dtype object"):
        timeseries_dataset_from_array(np.array([None, 1]), None, sequence_length=1)
    with pytest.raises(TypeError, match="expected targets as an array, got ragged list"):
        timeseries_dataset_from_array(np.arange(2), [[1, 2], [3]], sequence_length=1)
    with pytest.raises(TypeError, match="expected targets as a numeric array, got dtype object"):
        timeseries_dataset_from_array(np.arange(2), np.array([None, 1]), sequence_length=1)
    ds = timeseries_dataset_from_array(np.arange(5), None, sequence_length=2)
    with pytest.raises(TypeError, match="expected an int batch index, got 0.5"):
        ds[0.5]


def test_no_full_window_without_targets_names_the_span():
    with pytest.raises(ConfigError, match=r"no full window fits: a window spans 7 steps "
                       r"\(\(sequence_length - 1\) \* sampling_rate \+ 1\), but steps 0 to 5 "
                       r"give 6\. Use a shorter sequence_length or sampling_rate"):  # fmt: skip
        timeseries_dataset_from_array(np.arange(6), None, sequence_length=4, sampling_rate=2)


def test_make_windows_matches_the_hand_written_loop():
    series = np.arange(20.0) ** 2
    lookback, horizon = 6, 3
    x, y = make_windows(series, lookback, horizon)
    # The seed's loop: for i in range(lookback, len - horizon + 1)
    xs = [series[i - lookback : i] for i in range(lookback, len(series) - horizon + 1)]
    ys = [series[i : i + horizon] for i in range(lookback, len(series) - horizon + 1)]
    np.testing.assert_array_equal(x, np.array(xs)[..., None])
    np.testing.assert_array_equal(y, ys)
    assert x.shape == (12, 6, 1) and y.shape == (12, 3) and x.dtype == series.dtype
    x, y = make_windows(series, lookback, horizon, stride=5)
    np.testing.assert_array_equal(x[:, 0, 0], series[[0, 5, 10]])
    np.testing.assert_array_equal(y[:, 0], series[[6, 11, 16]])


def test_make_windows_with_features_and_copies():
    series = np.arange(14).reshape(7, 2)
    x, y = make_windows(series, lookback=3, horizon=2)
    assert x.shape == (3, 3, 2) and y.shape == (3, 2, 2)
    np.testing.assert_array_equal(x[1], series[1:4])
    np.testing.assert_array_equal(y[2], series[5:7])
    x[0, 0, 0] = -1
    assert series[0, 0] == 0


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.arange(10), 0, 1), ConfigError, r"'lookback' argument of make_windows .* int >= 1"),
        ((np.arange(10), 3, 0), ConfigError, r"'horizon' argument of make_windows .* int >= 1"),
        ((np.arange(10), 3, 1, 0), ConfigError, r"'stride' argument of make_windows"),
        ((np.arange(5), 4, 2), ConfigError,
         r"make_windows: expected a series of at least lookback \+ horizon = 6 steps, got 5"),
        ((np.zeros((5, 2, 2)), 2, 1), ShapeError,
         r"make_windows: expected a series of shape \(T,\) or \(T, F\), got \(5, 2, 2\)"),
        ((np.float64(3.0), 1, 1), ShapeError, r"make_windows: expected series with time on"),
        (([[1, 2], [3]], 1, 1), TypeError, r"make_windows: expected series as an array, got "
         r"ragged list"),
        ((np.array([None, 1, 2]), 1, 1), TypeError,
         r"make_windows: expected series as a numeric array, got dtype object"),
    ],
)  # fmt: skip
def test_make_windows_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        make_windows(*args)
