"""mnist_mlp_predict: inference with the 784-512-256-10 MLP in batches of 1024.

Each "epoch" is one pass over the 10,000 test samples of ``_mnist_shaped`` (10 batches); only
the passes are timed. Both halves hold the same weights: glassnet's after one untimed epoch
of training on the training set (while building the problem), so the accuracy means something.
The outputs (logits) take the place of the weights in ``TrainResult``, so the record's
``glassnet_max_weight_diff_vs_torch`` is the largest difference between the two outputs.

- ``glassnet``: ``model.predict(x, batch_size=1024, verbose=0)``.
- ``torch``: ``model(batch)`` for each batch of 1024 under ``torch.inference_mode()``, then
  ``torch.cat`` and ``.numpy()``, the same work as ``predict``.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload
from benchmarks.workloads._mnist_shaped import MlpProblem, make_mlp_problem
from benchmarks.workloads.mnist_mlp import glassnet_mlp, top1_accuracy, torch_mlp

BATCH_SIZE = 1024


def make_trained_problem(samples: int | None = None) -> MlpProblem:
    """The MLP problem with glassnet's weights after one epoch of training (untimed)."""
    import glassnet

    problem = make_mlp_problem(samples=samples)
    glassnet.utils.set_random_seed(0)
    model = glassnet_mlp(problem)
    model.compile(
        optimizer=glassnet.optimizers.Adam(learning_rate=problem.learning_rate),
        loss=glassnet.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(problem.x_train, problem.y_train, batch_size=problem.batch_size, verbose=0)
    trained = tuple(np.asarray(w, dtype=np.float32) for w in model.get_weights())
    return dataclasses.replace(problem, init=trained)


def _result(logits: np.ndarray, problem: MlpProblem, seconds: float) -> TrainResult:
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-np.mean(log_p[np.arange(len(logits)), problem.y_test]))
    return TrainResult(loss, loss, top1_accuracy(logits, problem.y_test), [logits], seconds)


def predict_glassnet(problem: MlpProblem, passes: int) -> TrainResult:
    """``model.predict`` over the test set, ``passes`` times (timed)."""
    model = glassnet_mlp(problem)
    start = time.perf_counter()
    for _ in range(passes):
        logits = model.predict(problem.x_test, batch_size=BATCH_SIZE, verbose=0)
    return _result(logits, problem, time.perf_counter() - start)


def predict_torch(problem: MlpProblem, passes: int) -> TrainResult:
    """The eager forward pass per batch under ``inference_mode``, ``passes`` times (timed)."""
    torch = require_torch()
    model = torch_mlp(problem)
    x = torch.from_numpy(problem.x_test)
    start = time.perf_counter()
    for _ in range(passes):
        with torch.inference_mode():
            logits = torch.cat([model(part) for part in x.split(BATCH_SIZE)]).numpy()
    return _result(logits, problem, time.perf_counter() - start)


WORKLOAD = Workload(
    name="mnist_mlp_predict",
    peer="torch",
    default_epochs=10,
    make_problem=make_trained_problem,
    runners={"glassnet": predict_glassnet, "torch": predict_torch},
)
