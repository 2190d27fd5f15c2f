"""mnist_mlp: a 784-512-256-10 MLP trained with Adam on 60,000 MNIST-shaped samples.

ReLU, ReLU, 10 logits; softmax cross-entropy on integer labels; Adam (learning rate 1e-3,
epsilon 1e-7 everywhere, Keras's value) on shuffled mini-batches of 128; one epoch by default.
The data are synthetic (``_mnist_shaped``). Every half starts from the same weights; each
shuffles with its own generator (seeded with 0, untimed), so they end with close losses and
accuracies rather than the same weights. Only the training is timed (``TrainResult.seconds``); evaluation on the 10,000
test samples runs in batches of 1024 afterwards.

- ``glassnet``: ``glassnet.keras`` Sequential, ``compile(Adam(1e-3),
  SparseCategoricalCrossentropy(from_logits=True))``, ``fit(x, y, batch_size=128, verbose=0)``.
- ``torch``: the PyTorch eager loop: each epoch ``randperm``, then per batch ``zero_grad``,
  forward, ``nn.CrossEntropyLoss``, ``backward``, ``Adam.step`` (default single-tensor kernel),
  and the running loss kept as ``History`` keeps it.
- ``sklearn``: ``MLPClassifier(hidden_layer_sizes=(512, 256), solver='adam', batch_size=128,
  max_iter=epochs, tol=0, early_stopping=False, alpha=0)`` (no L2 penalty, the same loss as the
  others), started from the same weights through ``warm_start``.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload
from benchmarks.workloads._mnist_shaped import MlpProblem, make_mlp_problem

EPSILON = 1e-7
EVAL_BATCH = 1024


def glassnet_mlp(problem: MlpProblem) -> Any:
    """The MLP in ``glassnet.keras``, holding the problem's initial weights."""
    from glassnet import keras

    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Input((problem.x_train.shape[1],)),
            layers.Dense(512, activation="relu"),
            layers.Dense(256, activation="relu"),
            layers.Dense(10),
        ]
    )
    model.set_weights(list(problem.init))
    return model


def torch_mlp(problem: MlpProblem) -> Any:
    """The MLP as an ``nn.Sequential``, holding the problem's initial weights."""
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(problem.x_train.shape[1], 512),
        nn.ReLU(),
        nn.Linear(512, 256),
        nn.ReLU(),
        nn.Linear(256, 10),
    )
    with torch.no_grad():
        linears = [m for m in model if isinstance(m, nn.Linear)]
        for linear, kernel, bias in zip(linears, problem.init[::2], problem.init[1::2]):
            linear.weight.copy_(torch.from_numpy(kernel.T))  # nn.Linear stores (out, in)
            linear.bias.copy_(torch.from_numpy(bias))
    return model


def top1_accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def train_glassnet(problem: MlpProblem, epochs: int) -> TrainResult:
    """``glassnet.keras``: Sequential, compile, fit (timed), then predict."""
    import glassnet
    from glassnet import keras

    glassnet.utils.set_random_seed(0)  # the shuffles, so the figures repeat
    model = glassnet_mlp(problem)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=problem.learning_rate, epsilon=EPSILON),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    start = time.perf_counter()
    history = model.fit(
        problem.x_train,
        problem.y_train,
        batch_size=problem.batch_size,
        epochs=epochs,
        verbose=0,
    ).history
    seconds = time.perf_counter() - start
    logits = model.predict(problem.x_test, batch_size=EVAL_BATCH, verbose=0)
    loss = history["loss"]
    return TrainResult(loss[0], loss[-1], top1_accuracy(logits, problem.y_test), [], seconds)


def train_torch(problem: MlpProblem, epochs: int) -> TrainResult:
    """A PyTorch eager training loop (timed), then evaluation under ``inference_mode``."""
    torch = require_torch()
    torch.manual_seed(0)  # the shuffles, so the figures repeat
    model = torch_mlp(problem)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(problem.x_train), torch.from_numpy(problem.y_train)
    n, size = len(x), problem.batch_size
    losses = []
    start = time.perf_counter()
    optimizer = torch.optim.Adam(model.parameters(), lr=problem.learning_rate, eps=EPSILON)
    for _ in range(epochs):
        order = torch.randperm(n)
        total = 0.0
        for first in range(0, n, size):
            idx = order[first : first + size]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / n)
    seconds = time.perf_counter() - start
    with torch.inference_mode():
        x_test = torch.from_numpy(problem.x_test)
        logits = torch.cat([model(part) for part in x_test.split(EVAL_BATCH)]).numpy()
    return TrainResult(losses[0], losses[-1], top1_accuracy(logits, problem.y_test), [], seconds)


def train_sklearn(problem: MlpProblem, epochs: int) -> TrainResult:
    """scikit-learn's ``MLPClassifier`` (``fit`` timed), then ``predict_proba``."""
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        raise ImportError(
            "benchmarks: scikit-learn is not installed, so the sklearn half was skipped. "
            "Install it with `pip install scikit-learn`."
        ) from None
    model = MLPClassifier(
        hidden_layer_sizes=(512, 256),
        solver="adam",
        alpha=0.0,
        batch_size=problem.batch_size,
        learning_rate_init=problem.learning_rate,
        epsilon=EPSILON,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        shuffle=True,
        random_state=0,
    )
    x, y = problem.x_train, problem.y_train
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # why: one tiny partial_fit builds the estimator; its weights are then replaced by the
        # shared ones, and fit(warm_start=True) starts from them with a fresh Adam state.
        model.partial_fit(x[: problem.batch_size], y[: problem.batch_size], classes=np.arange(10))
        model.set_params(warm_start=True)
        model.coefs_ = [w.copy() for w in problem.init[::2]]
        model.intercepts_ = [b.copy() for b in problem.init[1::2]]
        model.loss_curve_ = []
        start = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - start
    probs = np.concatenate(
        [
            model.predict_proba(problem.x_test[i : i + EVAL_BATCH])
            for i in range(0, len(problem.x_test), EVAL_BATCH)
        ]
    )
    curve = model.loss_curve_
    return TrainResult(curve[0], curve[-1], top1_accuracy(probs, problem.y_test), [], seconds)


WORKLOAD = Workload(
    name="mnist_mlp",
    peer="torch",
    default_epochs=1,
    make_problem=make_mlp_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "sklearn": train_sklearn},
)
