"""Small models and data shared by the callback tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet
from glassnet.layers import Dense
from glassnet.models import Sequential


def tiny_model(learning_rate: Any = 0.1, optimizer: str = "SGD") -> Sequential:
    """A compiled 2 -> 1 linear model; the optimizer's rate is ``learning_rate``."""
    model = Sequential([Dense(1, input_shape=(2,))])
    opt = getattr(glassnet.optimizers, optimizer)(learning_rate=learning_rate)
    model.compile(optimizer=opt, loss="mse")
    return model


def moons_split(n: int = 400, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Standardised moons, 3/4 for training and 1/4 for validation."""
    from glassnet.datasets import moons

    x, y = moons(n, noise=0.3, random_state=seed)
    x = ((x - x.mean(axis=0)) / x.std(axis=0)).astype(np.float32)
    cut = 3 * n // 4
    return x[:cut], y[:cut], x[cut:], y[cut:]


def moons_model(learning_rate: float, seed: int = 0) -> Sequential:
    """A seeded 2-16-1 classifier compiled with SGD(learning_rate) and accuracy."""
    glassnet.utils.set_random_seed(seed)
    model = Sequential(
        [Dense(16, activation="relu", input_shape=(2,)), Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=glassnet.optimizers.SGD(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def drive(callback: Any, model: Any, values: list[float], key: str = "val_loss") -> list[float]:
    """Feed scripted epoch logs ``{key: value}`` to ``callback``; return the logged rates."""
    callback.set_model(model)
    callback.on_train_begin({})
    logged = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        logs = {key: value}
        callback.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    return logged


class RecordingModel(Sequential):
    """A Sequential whose save/save_weights record (kind, path, overwrite, weights), not write."""

    def save(self, filepath: Any, overwrite: bool = True) -> None:
        self.calls.append(("save", filepath, overwrite, self.get_weights()))

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        self.calls.append(("save_weights", filepath, overwrite, self.get_weights()))


def recording_model() -> RecordingModel:
    model = RecordingModel([Dense(1, input_shape=(2,))])
    model.compile(optimizer=glassnet.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.calls = []
    return model


def drive_logs(callback: Any, model: Any, epoch_logs: list[dict]) -> None:
    """Feed whole scripted epoch logs to ``callback`` (one training run)."""
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, dict(logs))
