"""cifar_cnn: the seed's CIFAR-10 network trained with Adam on CIFAR-shaped images, batch 32.

The network is the seed's ``create_cnn_model()`` (``glassnet.zoo.cifar10_cnn``): Conv2D(32)
BN Conv2D(32) MaxPool Dropout, Conv2D(64) BN Conv2D(64) MaxPool Dropout, Conv2D(128) BN
Dropout, Flatten, Dense(512) BN Dropout, Dense(10); 3x3 'valid' convolutions with relu;
batch normalization with Keras's momentum 0.99 and epsilon 1e-3. Adam with Keras's defaults
(learning rate 1e-3, epsilon 1e-7). 2,048 synthetic 32 x 32 x 3 training images (``_images``),
one epoch (64 steps) by default. Every half starts from the same weights; each shuffles and
draws dropout masks with its own generator, so they end with close losses and accuracies,
not the same weights. Only the training is timed (``TrainResult.seconds``). After one epoch
the batch-normalization moving statistics (momentum 0.99) are still far from the data's, so
the test accuracy (computed with them, as in Keras) stays near chance in every half; the
training losses are what shows that the halves learned the same thing.

- ``glassnet``: the seed's program: ``compile(optimizer='adam',
  loss='categorical_crossentropy')`` on the softmax output and one-hot labels, ``fit``.
- ``torch``: the same network as ``nn.Sequential`` (channels-first; weights mapped across),
  logits and ``nn.CrossEntropyLoss``, the eager loop of ``_images.torch_fit``.
- ``keras``: the seed's program, line for line, in Keras 3 on its PyTorch backend.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

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

N_TRAIN, N_TEST, BATCH = 2048, 512, 32


def make_problem(samples: int | None = None) -> ImageProblem:
    from glassnet.zoo import cifar10_cnn

    n_train = N_TRAIN if samples is None else samples
    return make_image_problem((32, 32, 3), n_train, min(n_train, N_TEST), BATCH, cifar10_cnn)


def _one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(10, dtype=np.float32)[labels]  # keras.utils.to_categorical(labels, 10)


def train_glassnet(problem: ImageProblem, epochs: int) -> TrainResult:
    """The seed's compile and fit on ``glassnet.zoo.cifar10_cnn`` (fit timed), then predict."""
    from glassnet.zoo import cifar10_cnn

    model = cifar10_cnn()
    model(problem.x_train[:1])
    model.set_weights(list(problem.init))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    y = _one_hot(problem.y_train)
    start = time.perf_counter()
    history = model.fit(problem.x_train, y, batch_size=problem.batch_size, epochs=epochs,
                        verbose=0).history  # fmt: skip
    seconds = time.perf_counter() - start
    scores = model.predict(problem.x_test, batch_size=256, verbose=0)
    loss = history["loss"]
    return TrainResult(loss[0], loss[-1], top1_accuracy(scores, problem.y_test), [], seconds)


def torch_cifar_cnn(torch: Any, init: tuple) -> Any:
    """The seed network as ``nn.Sequential`` (NCHW), holding the glassnet initial weights.

    BatchNorm momentum 0.01 is Keras's 0.99 (torch weighs the new value). The Dense(512)
    kernel's rows are reordered from Keras's (H, W, C) flattening to torch's (C, H, W).
    """
    nn = torch.nn

    def bn(c: int, rank: int = 2) -> Any:
        return (nn.BatchNorm2d if rank == 2 else nn.BatchNorm1d)(c, eps=1e-3, momentum=0.01)

    model = nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), bn(32),
        nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3), nn.ReLU(), bn(64),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(64, 128, 3), nn.ReLU(), bn(128), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(1152, 512), nn.ReLU(), bn(512, rank=1), nn.Dropout(0.5),
        nn.Linear(512, 10),
    )  # fmt: skip
    weights = list(init)
    dense = 5 * 2 + 3 * 4  # five convs (kernel, bias) and three BNs come first
    weights[dense] = weights[dense].reshape(3, 3, 128, 512).transpose(2, 0, 1, 3).reshape(1152, 512)
    copy_into_torch(torch, list(model), weights)
    return model


def train_torch(problem: ImageProblem, epochs: int) -> TrainResult:
    """The PyTorch eager loop (timed), then evaluation under ``inference_mode``."""
    torch = require_torch()
    model = torch_cifar_cnn(torch, problem.init)
    losses, seconds = torch_fit(torch, model, problem, epochs)
    scores = torch_predict(torch, model, problem.x_test)
    return TrainResult(losses[0], losses[-1], top1_accuracy(scores, problem.y_test), [], seconds)


def train_keras(problem: ImageProblem, epochs: int) -> TrainResult:
    """The seed's model, compile and fit in Keras 3 on PyTorch (fit timed), then predict."""
    keras = require_keras()
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.BatchNormalization(),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Dropout(0.25),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.BatchNormalization(),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Dropout(0.25),
        layers.Conv2D(128, (3, 3), activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])  # fmt: skip
    model.set_weights(list(problem.init))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    y = _one_hot(problem.y_train)
    start = time.perf_counter()
    history = model.fit(problem.x_train, y, batch_size=problem.batch_size, epochs=epochs,
                        verbose=0).history  # fmt: skip
    seconds = time.perf_counter() - start
    scores = model.predict(problem.x_test, batch_size=256, verbose=0)
    loss = history["loss"]
    return TrainResult(loss[0], loss[-1], top1_accuracy(scores, problem.y_test), [], seconds)


WORKLOAD = Workload(
    name="cifar_cnn",
    peer="torch",
    default_epochs=1,
    make_problem=make_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "keras": train_keras},
)
