"""Windows over a time series: Keras's ``timeseries_dataset_from_array`` and ``make_windows``.

- ``timeseries_dataset_from_array``: batches of windows (and one target per window) as a
  ``PyDataset`` that ``fit``/``evaluate``/``predict`` take, with Keras 3's arguments and the
  same windows in the same order.
- ``make_windows``: the two arrays of a multi-step forecast, ``X`` (N, lookback, F) and ``y``
  (N, horizon), the loop most forecasting tutorials write by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._constraints import Boolean, Interval, NoneOr, check_arguments, is_int
from glassnet.data.dataset import PyDataset
from glassnet.errors import ConfigError, ShapeError

__all__ = ["TimeseriesDataset", "make_windows", "timeseries_dataset_from_array"]

_WHO = "timeseries_dataset_from_array"
_CONSTRAINTS = {
    "sequence_length": Interval(int, 1),
    "sequence_stride": Interval(int, 1),
    "sampling_rate": Interval(int, 1),
    "batch_size": NoneOr(Interval(int, 1)),
    "shuffle": Boolean(),
    "seed": NoneOr(Interval(int, 0)),
    "start_index": NoneOr(Interval(int, 0)),
    "end_index": NoneOr(Interval(int, 1)),
}


def _as_series(who: str, name: str, values: Any) -> np.ndarray:
    """``values`` as an array with time on axis 0 and at least one step."""
    try:
        array = np.asarray(values)
    except ValueError as exc:  # why: ragged nested lists
        raise TypeError(
            f"{who}: expected {name} as an array, got ragged {type(values).__name__}."
        ) from exc
    if array.dtype == object:
        raise TypeError(f"{who}: expected {name} as a numeric array, got dtype object.")
    if array.ndim == 0 or len(array) == 0:
        raise ShapeError(
            f"{who}: expected {name} with time on axis 0 and at least one step, got shape "
            f"{array.shape}. Pass an array of shape (T,) or (T, F)."
        )
    return array


class TimeseriesDataset(PyDataset):
    """Batches of windows over one series; made by ``timeseries_dataset_from_array``.

    Item ``i`` is batch ``i``: ``(windows, targets)``, or ``windows`` alone when there are no
    targets. Windows are gathered when a batch is asked for, so memory stays that of the
    series. With ``shuffle=True`` the windows come in a new order after every epoch.

    Attributes:
        starts: (W,) index in ``data`` of each window's first step, in the current order.
        sequence_length, sampling_rate, batch_size: as given.
    """

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, *,
                 sequence_length: int, sampling_rate: int, batch_size: int | None,
                 rng: np.random.RandomState | None) -> None:  # fmt: skip
        super().__init__()
        self.data, self.targets, self.starts = data, targets, starts
        self.sequence_length, self.sampling_rate = sequence_length, sampling_rate
        self.batch_size = batch_size
        self._rng = rng
        self._offsets = np.arange(sequence_length) * sampling_rate

    @property
    def num_windows(self) -> int:
        return len(self.starts)

    def __len__(self) -> int:
        if self.batch_size is None:
            return self.num_windows
        return -(-self.num_windows // self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not is_int(index):
            raise TypeError(f"TimeseriesDataset: expected an int batch index, got {index!r}.")
        if not -len(self) <= index < len(self):
            raise IndexError(f"TimeseriesDataset: batch {index} out of range (len {len(self)}).")
        index %= len(self)
        if self.batch_size is None:
            starts = self.starts[index]
        else:
            starts = self.starts[index * self.batch_size : (index + 1) * self.batch_size]
        windows = self.data[np.add.outer(starts, self._offsets)]
        if self.targets is None:
            return windows
        return windows, self.targets[starts]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def on_epoch_end(self) -> None:
        """Draw a new order of the windows (only with ``shuffle=True``)."""
        if self._rng is not None:
            self._rng.shuffle(self.starts)


def _check_indices(n: int, start_index: int | None, end_index: int | None) -> tuple[int, int]:
    # why: Keras's bounds, including its end_index < len(data) (leave it None for all the data)
    start = 0 if start_index is None else int(start_index)
    if start >= n:
        raise ConfigError(
            f"{_WHO}: expected start_index lower than the length of the data ({n}), got "
            f"{start}. Leave it None to start at the first step."
        )
    if end_index is None:
        return start, n
    end = int(end_index)
    if end <= start:
        raise ConfigError(
            f"{_WHO}: expected end_index higher than start_index ({start}), got {end}."
        )
    if end >= n:
        raise ConfigError(
            f"{_WHO}: expected end_index lower than the length of the data ({n}), got {end}. "
            "Leave it None to use the data up to its last step."
        )
    return start, end


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> TimeseriesDataset:
    """Sliding windows over a series, in batches, as ``keras.utils.timeseries_dataset_from_array``.

    Window ``i`` starts at step ``s_i = start_index + i * sequence_stride`` and takes
    ``sequence_length`` steps ``sampling_rate`` apart; its target is ``targets[s_i]`` (so to
    predict the step after a window, pass ``targets = data[sequence_length:]``). Windows never
    reach ``end_index``; the data points after the last full window are dropped.

    Math:
        window_i = data[s_i + k * sampling_rate]  for k = 0 .. sequence_length - 1
        target_i = targets[s_i]
        W = number of i with s_i - start_index < end_index - start_index
            - (sequence_length - 1) * sampling_rate  (and s_i < len(targets))

    Args:
        data: the series, time on axis 0: (T,) or (T, F) or (T, ...). Its dtype is kept.
        targets: one target per step (``targets[s]`` goes with the window starting at ``s``),
            or None for windows only (for ``predict``).
        sequence_length: steps per window.
        sequence_stride: steps between the starts of two windows.
        sampling_rate: steps between two samples within a window.
        batch_size: windows per batch (the last batch may be smaller); None gives one window
            per item, without a batch axis.
        shuffle: serve the windows in random order, drawn again after every epoch.
        seed: seed of the shuffle (the first order is Keras's for the same seed).
        start_index: first step of the data that windows may use (default 0).
        end_index: windows use steps before it only (default: the whole series). As in
            Keras, it must be lower than ``len(data)``.

    Shape:
        data: (T, ...).  Batches: windows (B, sequence_length, ...), targets (B, ...).

    Returns:
        A ``TimeseriesDataset`` (a ``glassnet.data.PyDataset``) to pass to ``fit``,
        ``evaluate`` or ``predict``, or to index/iterate.

    Raises:
        ConfigError: an argument out of range, ``start_index``/``end_index`` outside the
            data, or no full window fits.
        ShapeError: data or targets without a time axis.
        TypeError: data or targets not arrays.

    Example:
        >>> ds = timeseries_dataset_from_array(
        ...     np.arange(10), np.arange(10) * 10, sequence_length=3, batch_size=2)
        >>> len(ds), ds.num_windows
        (4, 8)
        >>> windows, targets = ds[0]
        >>> windows.tolist(), targets.tolist()
        ([[0, 1, 2], [1, 2, 3]], [0, 10])

    Reference:
        https://keras.io/api/data_loading/timeseries/
    """
    check_arguments(_WHO, _CONSTRAINTS, sequence_length=sequence_length,
                    sequence_stride=sequence_stride, sampling_rate=sampling_rate,
                    batch_size=batch_size, shuffle=shuffle, seed=seed,
                    start_index=start_index, end_index=end_index)  # fmt: skip
    data = _as_series(_WHO, "data", data)
    n = len(data)
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value >= n:
            raise ConfigError(
                f"{_WHO}: expected {name} lower than the length of the data ({n}), got {value}."
            )
    start, end = _check_indices(n, start_index, end_index)
    span = (int(sequence_length) - 1) * int(sampling_rate) + 1
    count = end - start - span + 1
    if targets is not None:
        targets = _as_series(_WHO, "targets", targets)
        count = min(count, len(targets) - start)
    if count <= 0:
        raise ConfigError(
            f"{_WHO}: no full window fits: a window spans {span} steps "
            f"((sequence_length - 1) * sampling_rate + 1), but steps {start} to {end - 1} "
            f"give {end - start}"
            + ("" if targets is None else f" and targets hold {len(targets)}")
            + ". Use a shorter sequence_length or sampling_rate, or more data."
        )
    starts = start + np.arange(0, count, int(sequence_stride))
    rng = None
    if shuffle:
        # why: Keras draws the seed from NumPy's global state when none is given
        seed = np.random.randint(1_000_000) if seed is None else int(seed)  # noqa: NPY002
        rng = np.random.RandomState(seed)  # noqa: NPY002 - Keras's generator, same order
        rng.shuffle(starts)
    return TimeseriesDataset(data, targets, starts, sequence_length=int(sequence_length),
                             sampling_rate=int(sampling_rate),
                             batch_size=None if batch_size is None else int(batch_size),
                             rng=rng)  # fmt: skip


def make_windows(
    series: Any, lookback: int, horizon: int = 1, stride: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and multi-step targets for forecasting: ``lookback`` steps in, ``horizon`` out.

    Window ``i`` starts at ``s_i = i * stride``: its input is the ``lookback`` steps from
    ``s_i`` and its target the ``horizon`` steps right after them. A 1-D series gets a
    feature axis of 1 on ``X`` so it goes straight into a recurrent layer.

    Math:
        X[i] = series[s_i : s_i + lookback]
        y[i] = series[s_i + lookback : s_i + lookback + horizon]
        N    = (T - lookback - horizon) // stride + 1

    Args:
        series: (T,) or (T, F), time on axis 0. Its dtype is kept.
        lookback: input steps per window.
        horizon: steps to forecast after each window.
        stride: steps between the starts of two windows.

    Shape:
        series (T,):   X (N, lookback, 1), y (N, horizon).
        series (T, F): X (N, lookback, F), y (N, horizon, F).

    Returns:
        ``(X, y)``, new arrays (not views of the series).

    Raises:
        ConfigError: lookback, horizon or stride not an int >= 1, or the series shorter than
            ``lookback + horizon``.
        ShapeError: a series that is not (T,) or (T, F).

    Example:
        >>> X, y = make_windows(np.arange(6), lookback=3, horizon=2)
        >>> X[..., 0].tolist(), y.tolist()
        ([[0, 1, 2], [1, 2, 3]], [[3, 4], [4, 5]])
    """
    who = "make_windows"
    check_arguments(who, {"lookback": Interval(int, 1), "horizon": Interval(int, 1),
                          "stride": Interval(int, 1)},
                    lookback=lookback, horizon=horizon, stride=stride)  # fmt: skip
    values = _as_series(who, "series", series)
    if values.ndim > 2:
        raise ShapeError(
            f"{who}: expected a series of shape (T,) or (T, F), got {values.shape}. "
            "Flatten the features of each step into one axis."
        )
    lookback, horizon, stride = int(lookback), int(horizon), int(stride)
    if len(values) < lookback + horizon:
        raise ConfigError(
            f"{who}: expected a series of at least lookback + horizon = {lookback + horizon} "
            f"steps, got {len(values)}. Use a shorter lookback or horizon, or more data."
        )
    starts = np.arange(0, len(values) - lookback - horizon + 1, stride)
    x = values[np.add.outer(starts, np.arange(lookback))]
    y = values[np.add.outer(starts + lookback, np.arange(horizon))]
    return (x[..., None] if values.ndim == 1 else x), y
