"""lenet: LeNet-5 (``glassnet.zoo.lenet5``) trained with Adam on 28 x 28 images, batch 64.

Conv2D(6, 5, 'same') relu, MaxPool 2, Conv2D(16, 5) relu, MaxPool 2, Flatten, Dense(120)
relu, Dense(84) relu, Dense(10) logits; softmax cross-entropy on integer labels; Adam with
learning rate 1e-3 and epsilon 1e-7 (Keras's). 8,192 synthetic MNIST-shaped 28 x 28 x 1
training images (``_images``), one epoch (128 steps) by default. Every half starts from the
same weights and shuffles with its own generator. Only the training is timed.

- ``glassnet``: ``compile(Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True))``,
  ``fit(x, y, batch_size=64)``.
- ``torch``: the same network as ``nn.Sequential`` (Conv2d padding=2 for 'same'; weights
  mapped across), ``nn.CrossEntropyLoss``, the eager loop of ``_images.torch_fit``.
- ``keras``: the same model and compile in Keras 3 on its PyTorch backend.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._keras import require_keras
from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload
from benchmarks.workloads._images import (
    ImageProblem,
    copy_into_torch,
    make_image_problem,
    top1_accuracy,
    torch_fit,
    torch_predict,
)

N_TRAIN, N_TEST, BATCH = 8192, 1024, 64


def _lenet() -> Any:
    from glassnet.zoo import lenet5

    return lenet5(classifier_activation=None)


def make_problem(samples: int | None = None) -> ImageProblem:
    n_train = N_TRAIN if samples is None else samples
    return make_image_problem((28, 28, 1), n_train, min(n_train, N_TEST), BATCH, _lenet)


def _fit_and_score(model: Any, losses: Any, problem: ImageProblem, epochs: int) -> TrainResult:
    """compile (Adam 1e-3, epsilon 1e-7; cross-entropy on logits), fit (timed), predict."""
    model.compile(optimizer=losses.Adam(problem.learning_rate, epsilon=1e-7),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))  # fmt: skip
    start = time.perf_counter()
    history = model.fit(problem.x_train, problem.y_train, batch_size=problem.batch_size,
                        epochs=epochs, verbose=0).history  # fmt: skip
    seconds = time.perf_counter() - start
    scores = model.predict(problem.x_test, batch_size=256, verbose=0)
    loss = history["loss"]
    return TrainResult(loss[0], loss[-1], top1_accuracy(scores, problem.y_test), [], seconds)


class _Catalogues:
    """``Adam`` and ``SparseCategoricalCrossentropy`` of one library, looked up lazily."""

    def __init__(self, keras_like: Any) -> None:
        self.Adam = keras_like.optimizers.Adam
        self.SparseCategoricalCrossentropy = keras_like.losses.SparseCategoricalCrossentropy


def train_glassnet(problem: ImageProblem, epochs: int) -> TrainResult:
    from glassnet import keras

    model = _lenet()
    model(problem.x_train[:1])
    model.set_weights(list(problem.init))
    return _fit_and_score(model, _Catalogues(keras), problem, epochs)


def train_torch(problem: ImageProblem, epochs: int) -> TrainResult:
    """The PyTorch eager loop (timed), then evaluation under ``inference_mode``."""
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip
    weights = list(problem.init)
    # why: Keras flattens (H, W, C), torch (C, H, W); reorder the first Dense kernel's rows.
    weights[4] = weights[4].reshape(5, 5, 16, 120).transpose(2, 0, 1, 3).reshape(400, 120)
    copy_into_torch(torch, list(model), weights)
    losses, seconds = torch_fit(torch, model, problem, epochs)
    scores = torch_predict(torch, model, problem.x_test)
    return TrainResult(losses[0], losses[-1], top1_accuracy(scores, problem.y_test), [], seconds)


def train_keras(problem: ImageProblem, epochs: int) -> TrainResult:
    keras = require_keras()
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(6, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 5, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(120, activation="relu"),
        layers.Dense(84, activation="relu"),
        layers.Dense(10),
    ])  # fmt: skip
    model.set_weights(list(problem.init))
    return _fit_and_score(model, _Catalogues(keras), problem, epochs)


WORKLOAD = Workload(
    name="lenet",
    peer="torch",
    default_epochs=1,
    make_problem=make_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "keras": train_keras},
)
