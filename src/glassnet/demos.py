"""The demos behind ``glassnet demo``: small networks that train in seconds and report.

Each demo loads a small data set, builds a Keras-style model, trains it with a progress bar
while the training doctor (``glassnet.inspect.Doctor``) watches, prints the metrics and the
doctor's findings, and writes plots to an output folder. ``moons`` (the default) needs
NumPy alone, so ``glassnet demo`` runs right after ``pip install glassnet``; without
matplotlib the plots are skipped with a note. The other demos load their data through
``glassnet.datasets`` (scikit-learn or the mnist1d package, as noted in ``DEMOS``).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import glassnet
from glassnet.data.timeseries import make_windows
from glassnet.models.callbacks import Callback

__all__ = ["DEMOS", "Demo", "ProgressBar", "moons_demo", "run_demo", "two_moons", "write_plots"]


def two_moons(n_samples: int = 1000, noise: float = 0.2, seed: int = 42) -> tuple:
    """Two interleaving half circles with Gaussian noise (the shape of sklearn's make_moons).

    NOTE: NumPy only, so ``glassnet demo`` runs on a bare install; ``glassnet.datasets.moons``
    gives scikit-learn's exact samples when scikit-learn is installed.

    Returns:
        X of shape (n_samples, 2), float32, and y of shape (n_samples,), int64 in {0, 1}.
    """
    rng = np.random.default_rng(seed)
    n_outer = n_samples // 2
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_samples - n_outer)
    outer = np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1)
    inner = np.stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1)
    x = np.concatenate([outer, inner]) + rng.normal(scale=noise, size=(n_samples, 2))
    y = np.concatenate([np.zeros(n_outer), np.ones(n_samples - n_outer)]).astype(np.int64)
    order = rng.permutation(n_samples)
    return x[order].astype(np.float32), y[order]


# ---------------------------------------------------------------------------- the data
@dataclasses.dataclass
class DemoData:
    """A demo's data, split and scaled: train and test arrays, and what they mean."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    description: str
    class_names: tuple[str, ...] | None = None
    target_scale: tuple[float, float] = (0.0, 1.0)  # regression: (mean, std) of the target


def _split(x: np.ndarray, y: np.ndarray, test: float = 0.2) -> tuple:
    cut = int(len(x) * (1 - test))
    return x[:cut], y[:cut], x[cut:], y[cut:]


def _standardized(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale with the training rows' mean and standard deviation only (no test leakage)."""
    axes = tuple(range(x_train.ndim - 1))
    mean, std = x_train.mean(axis=axes), x_train.std(axis=axes)
    std = np.where(std > 0, std, 1.0)
    return ((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32)


def _plane(x: np.ndarray, y: np.ndarray, what: str) -> DemoData:
    x_train, y_train, x_test, y_test = _split(x, y)
    x_train, x_test = _standardized(x_train, x_test)
    names = tuple(str(k) for k in range(int(y.max()) + 1))
    return DemoData(x_train, y_train, x_test, y_test,
                    f"{what}: {len(x_train)} training points, {len(x_test)} test points",
                    names)  # fmt: skip


def _moons_data() -> DemoData:
    return _plane(*two_moons(1000, seed=42), "two interleaving moons")


def _circles_data() -> DemoData:
    return _plane(*glassnet.datasets.circles(1000, noise=0.1), "a ring around a disc")


def _xor_data() -> DemoData:
    return _plane(*glassnet.datasets.xor(1000, noise=0.2), "XOR of the two coordinates")


def _spirals_data() -> DemoData:
    x, y = glassnet.datasets.spirals(1500, n_classes=3, noise=0.05)
    return _plane(x, y, "three interleaved spiral arms")


def _iris_data() -> DemoData:
    x, y, _, names = glassnet.datasets.iris(return_names=True)
    order = np.random.default_rng(0).permutation(len(x))
    x_train, y_train, x_test, y_test = _split(x[order], y[order])
    x_train, x_test = _standardized(x_train, x_test)
    return DemoData(x_train, y_train, x_test, y_test,
                    f"iris flowers, 4 measurements, 3 species: {len(x_train)} training "
                    f"flowers, {len(x_test)} test flowers", tuple(names))  # fmt: skip


def _digits_data() -> DemoData:
    x, y = glassnet.datasets.digits(as_images=True)
    order = np.random.default_rng(0).permutation(len(x))
    x_train, y_train, x_test, y_test = _split(x[order] / 16.0, y[order])
    return DemoData(x_train.astype(np.float32), y_train, x_test.astype(np.float32), y_test,
                    f"8x8 handwritten digits: {len(x_train)} training images, {len(x_test)} "
                    "test images", tuple(str(k) for k in range(10)))  # fmt: skip


def _mnist1d_data() -> DemoData:
    x_train, y_train, x_test, y_test = glassnet.datasets.mnist1d(as_sequences=True)
    return DemoData(x_train, y_train, x_test, y_test,
                    f"MNIST-1D, digits drawn as 40-step signals: {len(x_train)} training "
                    f"signals, {len(x_test)} test signals", tuple(str(k) for k in range(10)))  # fmt: skip


def _timeseries_data(window: int = 30) -> DemoData:
    _, values = glassnet.datasets.synthetic_time_series(1000)
    x, y = make_windows(values, lookback=window, horizon=1)
    x_train, y_train, x_test, y_test = _split(x, y)  # by time: the last 20% is the future
    mean, std = float(y_train.mean()), float(y_train.std())

    def scale(a: np.ndarray) -> np.ndarray:
        return ((a - mean) / std).astype(np.float32)

    return DemoData(scale(x_train), scale(y_train), scale(x_test), scale(y_test),
                    f"a daily series (trend + yearly, monthly, weekly cycles + noise): "
                    f"{window} days predict the next; {len(x_train)} training windows, the "
                    f"last {len(x_test)} days to test", target_scale=(mean, std))  # fmt: skip


# ---------------------------------------------------------------------------- the demos
@dataclasses.dataclass(frozen=True)
class Demo:
    """One ``glassnet demo NAME``: its data, its model and how to train it."""

    name: str
    title: str
    task: str  # "binary", "multiclass" or "regression"
    data: Callable[[], DemoData]
    layers: Callable[[DemoData], list]
    epochs: int
    lr: float
    batch_size: int = 32
    needs: str = ""  # the pip package its data needs, beyond NumPy


def _dense(*units: int, activation: str = "relu") -> Callable[[DemoData], list]:
    def layers(data: DemoData) -> list:
        from glassnet.layers import Dense

        classes = len(data.class_names)
        hidden = [Dense(u, activation=activation) for u in units]
        head = Dense(1, activation="sigmoid") if classes == 2 else Dense(classes, "softmax")
        return hidden + [head]

    return layers


def _digits_cnn(data: DemoData) -> list:
    from glassnet.layers import Conv2D, Dense, Flatten, MaxPooling2D

    return [Conv2D(8, 3, padding="same", activation="relu"), MaxPooling2D(2),
            Conv2D(16, 3, padding="same", activation="relu"), MaxPooling2D(2), Flatten(),
            Dense(32, activation="relu"), Dense(10, activation="softmax")]  # fmt: skip


def _mnist1d_cnn(data: DemoData) -> list:
    from glassnet.layers import Conv1D, Dense, Flatten, MaxPooling1D

    return [Conv1D(16, 5, activation="relu"), MaxPooling1D(2), Conv1D(32, 3, activation="relu"),
            MaxPooling1D(2), Flatten(), Dense(64, activation="relu"),
            Dense(10, activation="softmax")]  # fmt: skip


def _lstm(data: DemoData) -> list:
    from glassnet.layers import LSTM, Dense

    return [LSTM(16), Dense(1)]


DEMOS: dict[str, Demo] = {
    d.name: d
    for d in (
        Demo("moons", "a ReLU network learns two interleaving moons", "binary", _moons_data,
             _dense(16, 16), epochs=60, lr=0.01),
        Demo("circles", "a ReLU network separates a ring from the disc inside it", "binary",
             _circles_data, _dense(16, 16), epochs=60, lr=0.01, needs="scikit-learn"),
        Demo("xor", "a small tanh network learns XOR, which no straight line separates",
             "binary", _xor_data, _dense(8, activation="tanh"), epochs=60, lr=0.02),
        Demo("spirals", "a wider ReLU network untangles three spiral arms", "multiclass",
             _spirals_data, _dense(64, 64), epochs=100, lr=0.01),
        Demo("iris", "a small network tells three iris species apart", "multiclass",
             _iris_data, _dense(16), epochs=100, lr=0.01, batch_size=16, needs="scikit-learn"),
        Demo("digits", "a small convolutional network reads 8x8 handwritten digits",
             "multiclass", _digits_data, _digits_cnn, epochs=20, lr=0.005,
             needs="scikit-learn"),
        Demo("mnist1d", "a 1-D convolutional network reads MNIST-1D signals", "multiclass",
             _mnist1d_data, _mnist1d_cnn, epochs=10, lr=0.003, batch_size=64, needs="mnist1d"),
        Demo("timeseries", "an LSTM forecasts tomorrow's value of a seasonal series",
             "regression", _timeseries_data, _lstm, epochs=20, lr=0.01),
    )
}  # fmt: skip


# ---------------------------------------------------------------------------- running
class ProgressBar(Callback):
    """One progress line for the whole run: epoch, bar, and the latest logs.

    On a terminal the line is redrawn in place each epoch; otherwise (a pipe, a log file,
    ``print_fn`` given) a line is printed at the first epoch, every fifth of the run and
    the last.
    """

    def __init__(self, print_fn: Callable[[str], Any] = print, width: int = 24) -> None:
        super().__init__()
        self.print_fn = print_fn
        self.width = width
        self.live = print_fn is print and sys.stdout.isatty()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        total = self.params.get("epochs") or epoch + 1
        done = epoch + 1
        filled = int(self.width * done / total)
        bar = "=" * filled + (">" if filled < self.width else "") + "." * (self.width - filled - 1)
        values = "  ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items())
        line = f"  [{bar[: self.width]}] epoch {done:>{len(str(total))}}/{total}  {values}"
        if self.live:
            sys.stdout.write("\r" + line + ("\n" if done == total else ""))
            sys.stdout.flush()
        elif done in (1, total) or done % max(1, total // 5) == 0:
            self.print_fn(line)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.live and getattr(self.model, "stop_training", False):
            sys.stdout.write("\n")


def run_demo(
    name: str = "moons", *, epochs: int | None = None, lr: float | None = None, seed: int = 0,
    out: str | os.PathLike | None = None, print_fn: Callable[[str], Any] = print,
) -> dict[str, Any]:  # fmt: skip
    """Train one of ``DEMOS`` and report: progress, metrics, the doctor's findings, plots.

    Args:
        name: a key of ``DEMOS``.
        epochs, lr: override the demo's number of epochs and Adam learning rate.
        seed: seeds the initial weights and the shuffling (``set_random_seed``).
        out: a folder to write the plots to (created if needed); None writes none.
        print_fn: where the report goes.

    Returns:
        ``{"loss", "seconds", "findings", "plots", ...}`` plus ``train_accuracy`` and
        ``test_accuracy`` for classifiers, ``mae``, ``rmse`` and ``r2`` for regression.

    Raises:
        ValueError: for an unknown demo name.
        ImportError: when the demo's data needs a package that is not installed.
    """
    from glassnet import keras
    from glassnet.inspect import Doctor

    demo = _demo(name)
    data = _load(demo)
    glassnet.utils.set_random_seed(seed)
    model = keras.Sequential([keras.layers.Input(shape=data.x_train.shape[1:]),
                              *demo.layers(data)])  # fmt: skip
    loss = {"binary": "binary_crossentropy", "multiclass": "sparse_categorical_crossentropy",
            "regression": "mse"}[demo.task]  # fmt: skip
    metrics = ["mae"] if demo.task == "regression" else ["accuracy"]
    rate = demo.lr if lr is None else lr
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss, metrics=metrics)
    epochs = demo.epochs if epochs is None else epochs
    print_fn(f"glassnet demo {demo.name}: {demo.title}")
    print_fn(f"  data: {data.description}")
    print_fn(f"  model: {describe_model(model)}")
    print_fn(f"  training: Adam(learning_rate={rate:g}), {loss}, {epochs} epochs of batches of "
             f"{demo.batch_size}, 20% of the training data held out for validation\n")  # fmt: skip
    doctor = Doctor(verbose=0)
    start = time.perf_counter()
    history = model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=demo.batch_size,
                        validation_split=0.2, verbose=0,
                        callbacks=[ProgressBar(print_fn), doctor])  # fmt: skip
    seconds = time.perf_counter() - start
    result = {"loss": history.history["loss"][-1], "seconds": seconds}
    print_fn(f"\n  trained {epochs} epochs in {seconds:.2f} s")
    result.update(_report(demo, data, model, print_fn))
    print_fn("\n" + str(doctor.diagnosis))
    result["findings"] = doctor.diagnosis.names
    result["plots"] = (
        []
        if out is None
        else write_plots(demo.name, demo.task, data, model, history, doctor, Path(out), print_fn)
    )
    return result


def moons_demo(epochs: int = 60, lr: float = 0.01, seed: int = 0, print_fn=print,
               out: str | os.PathLike | None = None) -> dict:  # fmt: skip
    """``glassnet demo moons``: a 2-16-16-1 ReLU network on two moons (see ``run_demo``)."""
    return run_demo("moons", epochs=epochs, lr=lr, seed=seed, out=out, print_fn=print_fn)


def _demo(name: str) -> Demo:
    if name not in DEMOS:
        raise ValueError(f"glassnet demo: unknown demo {name!r}. Known: {', '.join(DEMOS)}.")
    return DEMOS[name]


def _load(demo: Demo) -> DemoData:
    try:
        return demo.data()
    except ImportError:
        raise ImportError(
            f"glassnet demo {demo.name} needs the {demo.needs} package for its data. Install "
            f"it with: pip install {demo.needs}"
        ) from None


def describe_model(model: Any) -> str:
    """``Conv2D(16, relu) -> MaxPooling2D -> Dense(10, softmax), 1,234 weights``."""
    parts = []
    for layer in model.layers:
        size = getattr(layer, "units", None) or getattr(layer, "filters", None)
        act = getattr(layer, "activation", None)
        act_name = glassnet.activations.ACTIVATIONS.name_of(act) if act is not None else None
        inner = ", ".join(str(p) for p in (size, act_name) if p not in (None, "linear"))
        parts.append(f"{type(layer).__name__}({inner})" if inner else type(layer).__name__)
    return " -> ".join(parts) + f", {model.count_params():,} weights"


def _report(demo: Demo, data: DemoData, model: Any, print_fn: Callable) -> dict[str, Any]:
    if demo.task == "regression":
        mean, std = data.target_scale
        pred = model.predict(data.x_test, batch_size=256) * std + mean
        truth = data.y_test * std + mean
        err = pred - truth
        mae, rmse = float(np.abs(err).mean()), float(np.sqrt((err**2).mean()))
        r2 = float(1 - (err**2).sum() / ((truth - truth.mean()) ** 2).sum())
        print_fn(f"  held-out test: MAE {mae:.3f}, RMSE {rmse:.3f}, R2 {r2:.3f} "
                 f"(the series moves {float(truth.std()):.2f} around its mean)")  # fmt: skip
        return {"mae": mae, "rmse": rmse, "r2": r2}
    train, test = (_accuracy(model, x, y) for x, y in ((data.x_train, data.y_train),
                                                        (data.x_test, data.y_test)))  # fmt: skip
    print_fn(f"  accuracy: train {train:.3f}, held-out test {test:.3f}")
    if data.x_train.ndim == 2 and data.x_train.shape[1] == 2:
        print_fn("\n  What it learned (background: predicted class; digits: true class of each "
                 "test point):")  # fmt: skip
        print_fn(ascii_map(model, data.x_test, data.y_test))
    return {"train_accuracy": train, "test_accuracy": test}


def _predicted_classes(model: Any, x: np.ndarray) -> np.ndarray:
    p = model.predict(x, batch_size=256)
    return (p[:, 0] > 0.5).astype(np.int64) if p.shape[1] == 1 else p.argmax(axis=1)


def _accuracy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    return float((_predicted_classes(model, x) == y).mean())


def ascii_map(model: Any, x: np.ndarray, y: np.ndarray, width: int = 64, height: int = 20) -> str:
    """A 2-D classifier's regions as characters (one per class), the points as class digits."""
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx, gy = np.linspace(lo[0], hi[0], width), np.linspace(hi[1], lo[1], height)
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2).astype(np.float32)
    region = _predicted_classes(model, grid).reshape(height, width)
    canvas = np.array(list(" :+*#%@"))[region % 7]
    col = np.clip(((x[:, 0] - lo[0]) / (hi[0] - lo[0]) * (width - 1)).round().astype(int),
                  0, width - 1)  # fmt: skip
    row = np.clip(((hi[1] - x[:, 1]) / (hi[1] - lo[1]) * (height - 1)).round().astype(int),
                  0, height - 1)  # fmt: skip
    canvas[row, col] = np.array([str(k % 10) for k in y])
    border = "+" + "-" * width + "+"
    return "\n".join([border, *("|" + "".join(r) + "|" for r in canvas), border])


def write_plots(name: str, task: str, data: DemoData, model: Any, history: Any, doctor: Any,
                out: Path, print_fn: Callable) -> list[str]:  # fmt: skip
    """Save the plots of a run in ``out`` (``<name>_<kind>.png``) and print their paths.

    Always the training history and the per-layer statistics the doctor recorded; then the
    decision boundary (two input features), the confusion matrix and a grid of predicted
    images (classifiers), or the residuals (regression). Without matplotlib nothing is
    written and a note says so.
    """
    try:
        import matplotlib

        if "matplotlib.pyplot" not in sys.modules:  # why: files only, no window; but leave
            matplotlib.use("Agg")  # a notebook's own backend alone
        import matplotlib.pyplot as plt
    except ImportError:
        print_fn("\n  plots skipped: matplotlib is not installed (pip install matplotlib)")
        return []
    from glassnet import plot

    out.mkdir(parents=True, exist_ok=True)
    x, y = data.x_test, data.y_test
    jobs: list[tuple[str, Callable[[str], Any]]] = [
        ("history", lambda f: plot.plot_history(history, to_file=f)),
        ("layers", lambda f: plot.plot_layer_distributions(doctor, to_file=f)),
    ]
    if task == "regression":
        mean, std = data.target_scale
        truth, guess = y * std + mean, model.predict(x, batch_size=256) * std + mean
        jobs.append(("residuals", lambda f: plot.plot_residuals(truth, guess, to_file=f)))
    elif x.ndim == 2 and x.shape[1] == 2:
        jobs.insert(1, ("decision_boundary", lambda f: plot.plot_decision_boundary(
            model, x, y, class_names=data.class_names, to_file=f)))  # fmt: skip
    else:
        predicted = _predicted_classes(model, x)
        jobs.insert(1, ("confusion_matrix", lambda f: plot.plot_confusion_matrix(
            y, predicted, class_names=data.class_names, to_file=f)))  # fmt: skip
        if x.ndim == 4:
            jobs.append(("predictions", lambda f: plot.plot_image_grid(
                x[:24], y[:24], model.predict(x[:24]), class_names=data.class_names,
                to_file=f)))  # fmt: skip
    written = []
    for kind, draw in jobs:
        path = os.fspath(out / f"{name}_{kind}.png")
        plt.close(draw(path))
        written.append(path)
    print_fn("\n  plots:")
    for path in written:
        print_fn(f"    {path}")
    return written
