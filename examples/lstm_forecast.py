"""Forecast a daily series 10 days ahead with stacked LSTMs, and see which past days matter.

The "Time Series Prediction with RNN/LSTM" example, with glassnet's own pieces: the synthetic
series (trend + yearly/monthly/weekly cycles + noise), ``make_windows`` for the 60-day inputs
and 10-day targets, three LSTM(50) layers, then the two questions every forecaster must
answer: does it beat the naive forecast (tomorrow and the nine days after look like today),
and which of the 60 input days does it use (``timestep_importance``)?

Run:
    python examples/lstm_forecast.py [--quick] [--out DIR]

It prints the test MAE of the model and of the naive forecast, and writes forecast.png,
importance.png and history.png to DIR (default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import glassnet  # noqa: E402
import glassnet.plot  # noqa: E402
from glassnet import keras  # noqa: E402
from glassnet.data import make_windows  # noqa: E402

LOOKBACK, HORIZON = 60, 10


def build_model(units: int, layers: int) -> keras.Sequential:
    """``layers`` LSTM(units) with Dropout(0.2), then Dense(25) and Dense(HORIZON)."""
    stack: list = [keras.Input((LOOKBACK, 1))]
    for i in range(layers):
        stack += [keras.layers.LSTM(units, return_sequences=i < layers - 1),
                  keras.layers.Dropout(0.2)]  # fmt: skip
    stack += [keras.layers.Dense(25), keras.layers.Dense(HORIZON)]
    model = keras.Sequential(stack)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def plot_forecasts(dates, series, starts, forecasts, to_file: pathlib.Path) -> None:
    """The last part of the series, with a few 10-day forecasts and naive forecasts on it."""
    fig, ax = plt.subplots(figsize=(12, 4.5))
    first = max(0, starts[0] - LOOKBACK)
    ax.plot(dates[first:], series[first:], color="0.6", linewidth=1, label="series")
    for k, (start, forecast) in enumerate(zip(starts, forecasts)):
        days = dates[start : start + HORIZON]
        ax.plot(days, forecast, color="tab:red", linewidth=2,
                label="LSTM forecast" if k == 0 else None)  # fmt: skip
        ax.plot(days, np.full(HORIZON, series[start - 1]), color="tab:blue", linestyle="--",
                label="naive forecast (last value)" if k == 0 else None)  # fmt: skip
    ax.set(xlabel="date", ylabel="value", title="10-day forecasts on the test period")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(to_file, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small model, 2 epochs")
    parser.add_argument("--out", default="examples_output", help="folder for the plots")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    glassnet.utils.set_random_seed(0)

    dates, series = glassnet.datasets.synthetic_time_series(1000)
    x, y = make_windows(series, lookback=LOOKBACK, horizon=HORIZON)
    split = int(0.8 * len(x))
    # why: scale with the training windows' range only, so the test period stays unseen
    low, high = float(x[:split].min()), float(x[:split].max())
    x_scaled, y_scaled = (x - low) / (high - low), (y - low) / (high - low)

    units, layers, epochs = (16, 1, 2) if args.quick else (50, 3, 20)
    model = build_model(units, layers)
    started = time.perf_counter()
    history = model.fit(x_scaled[:split], y_scaled[:split], batch_size=32, epochs=epochs,
                        validation_data=(x_scaled[split:], y_scaled[split:]), verbose=0)  # fmt: skip
    seconds = time.perf_counter() - started

    forecast = model.predict(x_scaled[split:], verbose=0) * (high - low) + low
    naive = np.repeat(x[split:, -1, :], HORIZON, axis=1)  # the last value, 10 times
    model_mae = float(np.abs(forecast - y[split:]).mean())
    naive_mae = float(np.abs(naive - y[split:]).mean())
    print(f"windows: {split} train, {len(x) - split} test; {epochs} epochs in {seconds:.1f} s")
    print(f"test MAE  LSTM: {model_mae:.3f}   naive (last value): {naive_mae:.3f}   "
          f"ratio {model_mae / naive_mae:.2f}")  # fmt: skip

    # Each test window's forecast starts the day after its input: index split + i + LOOKBACK.
    picks = np.arange(0, len(forecast), 45)
    starts = split + picks + LOOKBACK
    plot_forecasts(dates, series, starts, forecast[picks], out / "forecast.png")

    # Which of the 60 input days matter? Replace one day by its window's mean and see how
    # far the forecast moves (mean absolute change, scaled back to the series' units).
    importance = glassnet.inspect.timestep_importance(model, x_scaled[split:], baseline="mean")
    importance *= high - low
    top = np.argsort(importance)[::-1][:5]
    print("most important input days (days before the forecast):",
          ", ".join(f"{LOOKBACK - t} ({importance[t]:.3f})" for t in top))  # fmt: skip
    glassnet.plot.plot_timestep_importance(importance, x_scaled[split:], to_file=out / "importance.png")
    glassnet.plot.plot_history(history, to_file=out / "history.png")
    plt.close("all")
    print(f"plots written to {out}/: forecast.png, importance.png, history.png")


if __name__ == "__main__":
    main()
