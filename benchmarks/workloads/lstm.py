"""lstm: the seed's LSTM forecaster (lookback 60, horizon 10, three LSTM(50) layers), batch 32.

The time-series program of the seed documents: a 1000-day synthetic series (trend, yearly,
monthly and weekly cycles, noise; ``glassnet.datasets.synthetic_time_series``) scaled to
[0, 1], cut into windows of 60 days that predict the next 10, the first 80% (744 windows) for
training. The model is the seed's ``create_lstm_model``: LSTM(50, return_sequences=True),
Dropout(0.2), LSTM(50, return_sequences=True), Dropout(0.2), LSTM(50), Dropout(0.2),
Dense(25), Dense(10); Adam (learning rate 1e-3, epsilon 1e-7), mean squared error, batches of
32 windows (32, 60, 1). Every half starts from the same weights; dropout masks and shuffling
come from each library's own generator, so the losses differ slightly. Only ``fit`` (or the
training loop) is timed. ``<impl>_test_accuracy`` holds the test MAE on the scaled series
(lower is better): this workload is a regression.

- ``glassnet``: the seed's program through ``glassnet.keras`` (only the imports changed):
  ``compile(optimizer='adam', loss='mse', metrics=['mae'])``, ``fit(batch_size=32)``.
- ``torch``: three ``nn.LSTM(batch_first=True)`` (PyTorch's fused LSTM kernel), ``nn.Dropout``,
  ``nn.Linear``, weights mapped across (``weight_ih = kernel.T``, ``weight_hh =
  recurrent_kernel.T``, ``bias_ih = bias``, ``bias_hh = 0``), the eager loop doing the work of
  ``fit``: ``randperm`` shuffle, ``zero_grad``, forward, ``MSELoss``, ``backward``,
  ``Adam.step``, the batch loss and MAE kept.
- ``keras``: the same program in Keras 3 on its PyTorch backend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks._keras import require_keras
from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload

LOOKBACK, HORIZON, BATCH = 60, 10, 32


@dataclass(frozen=True)
class LstmProblem:
    x_train: np.ndarray  # (744, 60, 1) float32
    y_train: np.ndarray  # (744, 10)
    x_test: np.ndarray
    y_test: np.ndarray
    init: list[np.ndarray]  # Keras-layout weights, in model.get_weights() order


def _windows(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The seed's prepare_lstm_data: min-max scaling, then (lookback -> horizon) windows."""
    scaled = (series - series.min()) / (series.max() - series.min())
    starts = range(LOOKBACK, len(scaled) - HORIZON + 1)
    x = np.stack([scaled[i - LOOKBACK : i] for i in starts])[:, :, None]
    y = np.stack([scaled[i : i + HORIZON] for i in starts])
    return x.astype(np.float32), y.astype(np.float32)


def create_lstm_model(keras: Any, input_shape: tuple, forecast_horizon: int) -> Any:
    """The seed's create_lstm_model; ``keras`` is ``glassnet.keras`` or Keras 3."""
    layers = keras.layers
    model = keras.Sequential([
        layers.Input(input_shape),
        layers.LSTM(50, return_sequences=True),
        layers.Dropout(0.2),
        layers.LSTM(50, return_sequences=True),
        layers.Dropout(0.2),
        layers.LSTM(50),
        layers.Dropout(0.2),
        layers.Dense(25),
        layers.Dense(forecast_horizon),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def make_problem(samples: int | None = None) -> LstmProblem:
    import glassnet
    from glassnet import datasets, keras

    _, series = datasets.synthetic_time_series(1000)
    x, y = _windows(np.asarray(series, dtype=np.float64))
    cut = int(0.8 * len(x))
    n_train = cut if samples is None else min(samples, cut)
    glassnet.utils.set_random_seed(0)
    init = create_lstm_model(keras, (LOOKBACK, 1), HORIZON).get_weights()
    return LstmProblem(x[:n_train], y[:n_train], x[cut:], y[cut:], init)


def _keras_fit(keras: Any, problem: LstmProblem, epochs: int) -> TrainResult:
    model = create_lstm_model(keras, (LOOKBACK, 1), HORIZON)
    model.set_weights(list(problem.init))
    start = time.perf_counter()
    history = model.fit(problem.x_train, problem.y_train, batch_size=BATCH, epochs=epochs,
                        verbose=0).history  # fmt: skip
    seconds = time.perf_counter() - start
    test_mae = float(
        np.abs(np.asarray(model.predict(problem.x_test, verbose=0)) - problem.y_test).mean()
    )
    return TrainResult(history["loss"][0], history["loss"][-1], test_mae, [], seconds)


def train_glassnet(problem: LstmProblem, epochs: int) -> TrainResult:
    from glassnet import keras

    return _keras_fit(keras, problem, epochs)


def train_keras(problem: LstmProblem, epochs: int) -> TrainResult:
    return _keras_fit(require_keras(), problem, epochs)


def _torch_model(torch: Any, init: list[np.ndarray]) -> Any:
    nn = torch.nn

    class Forecaster(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstms = nn.ModuleList(nn.LSTM(f, 50, batch_first=True) for f in (1, 50, 50))
            self.drop = nn.Dropout(0.2)
            self.dense1, self.dense2 = nn.Linear(50, 25), nn.Linear(25, HORIZON)

        def forward(self, x: Any) -> Any:
            for lstm in self.lstms:
                x = self.drop(lstm(x)[0])
            return self.dense2(self.dense1(x[:, -1]))

    model = Forecaster()
    with torch.no_grad():
        for k, lstm in enumerate(model.lstms):
            kernel, recurrent, bias = init[3 * k : 3 * k + 3]
            lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T.copy()))
            lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent.T.copy()))
            lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
            lstm.bias_hh_l0.zero_()
        for dense, (kernel, bias) in zip((model.dense1, model.dense2), (init[9:11], init[11:13])):
            dense.weight.copy_(torch.from_numpy(kernel.T.copy()))
            dense.bias.copy_(torch.from_numpy(bias))
    return model


def train_torch(problem: LstmProblem, epochs: int) -> TrainResult:
    """The PyTorch eager loop doing the work of ``fit`` (timed), then the test MAE."""
    torch = require_torch()
    model = _torch_model(torch, problem.init)
    x, y = torch.from_numpy(problem.x_train), torch.from_numpy(problem.y_train)
    loss_fn, n = torch.nn.MSELoss(), len(x)
    losses = []
    model.train()
    start = time.perf_counter()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    for _ in range(epochs):
        order = torch.randperm(n)
        total = mae = 0.0
        for first in range(0, n, BATCH):
            idx = order[first : first + BATCH]
            optimizer.zero_grad()
            pred = model(x[idx])
            loss = loss_fn(pred, y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
            mae += (pred - y[idx]).abs().mean().item() * len(idx)
        losses.append(total / n)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.inference_mode():
        pred = model(torch.from_numpy(problem.x_test)).numpy()
    test_mae = float(np.abs(pred - problem.y_test).mean())
    return TrainResult(losses[0], losses[-1], test_mae, [], seconds)


WORKLOAD = Workload(
    name="lstm",
    peer="torch",
    default_epochs=2,
    make_problem=make_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "keras": train_keras},
)
