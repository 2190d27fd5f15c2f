"""moons_fit: the seed's two-moons network trained with ``model.fit``, as a Keras user writes it.

The seed's NumPy network (2-10-8-1, ReLU, ReLU, sigmoid; binary cross-entropy; gradient descent
with learning rate 0.1 on all 800 training samples at once, 1000 epochs) written the Keras way:
``Sequential`` of ``Dense`` layers, ``compile(SGD(0.1), 'binary_crossentropy',
metrics=['accuracy'])`` (the metric as in the seed's Keras moons program), then
``fit(x, y, batch_size=800, epochs=1000, verbose=0)``. Every half starts from the same weights.

- ``glassnet``: ``glassnet.keras`` with exactly that program.
- ``torch``: the PyTorch eager loop that does the same work as ``fit``: each epoch a fresh
  ``randperm`` shuffle, ``zero_grad``, forward, ``nn.BCELoss``, ``backward``, ``SGD.step``,
  and the epoch's mean loss and accuracy kept, as ``History`` keeps them.
- ``keras``: the same program in Keras 3 on its PyTorch backend (skipped when keras is missing).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks._keras import require_keras
from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload
from benchmarks.workloads._moons import MoonsProblem, accuracy, make_moons_problem

BATCH_SIZE = 800


def _keras_program(keras: Any, problem: MoonsProblem, epochs: int) -> TrainResult:
    """The Keras program; ``keras`` is ``glassnet.keras`` or Keras 3 itself."""
    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(10, activation="relu"),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=problem.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    model.set_weights(list(problem.init))
    history = model.fit(
        problem.x_train, problem.y_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=0
    ).history
    test_p = np.asarray(model.predict(problem.x_test, verbose=0))
    weights = [np.asarray(w) for w in model.get_weights()]
    return TrainResult(
        history["loss"][0], history["loss"][-1], accuracy(test_p, problem.y_test), weights
    )


def train_glassnet(problem: MoonsProblem, epochs: int) -> TrainResult:
    """``glassnet.keras``: Sequential, compile, fit."""
    from glassnet import keras

    return _keras_program(keras, problem, epochs)


def train_keras(problem: MoonsProblem, epochs: int) -> TrainResult:
    """Keras 3 with ``KERAS_BACKEND=torch``: the same program."""
    return _keras_program(require_keras(), problem, epochs)


def train_torch(problem: MoonsProblem, epochs: int) -> TrainResult:
    """A PyTorch eager training loop doing the work of ``fit`` (shuffle, step, epoch logs)."""
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid()
    )
    with torch.no_grad():
        linears = [m for m in model if isinstance(m, nn.Linear)]
        for linear, kernel, bias in zip(linears, problem.init[::2], problem.init[1::2]):
            linear.weight.copy_(torch.from_numpy(kernel.T))  # nn.Linear stores (out, in)
            linear.bias.copy_(torch.from_numpy(bias))
    optimizer = torch.optim.SGD(model.parameters(), lr=problem.learning_rate)
    loss_fn = nn.BCELoss()
    x, y = torch.from_numpy(problem.x_train), torch.from_numpy(problem.y_train)
    n = len(x)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = torch.randperm(n)
        total = correct = 0.0
        for start in range(0, n, BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            p = model(xb)
            loss = loss_fn(p, yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
            correct += ((p > 0.5) == (yb > 0.5)).sum().item()
        history["loss"].append(total / n)
        history["accuracy"].append(correct / n)
    with torch.no_grad():
        test_p = model(torch.from_numpy(problem.x_test)).numpy()
    weights = []
    for linear in linears:
        weights += [linear.weight.detach().numpy().T.copy(), linear.bias.detach().numpy().copy()]
    return TrainResult(
        history["loss"][0], history["loss"][-1], accuracy(test_p, problem.y_test), weights
    )


WORKLOAD = Workload(
    name="moons_fit",
    peer="torch",
    default_epochs=1000,
    make_problem=make_moons_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "keras": train_keras},
)
