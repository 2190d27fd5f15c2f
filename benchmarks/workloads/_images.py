"""Shared data for the CNN workloads: fixed-seed synthetic images with a real data set's shape.

No download. Each of the 10 classes has 3 "styles": smooth random images (uniform noise
blurred three times with a 3 x 3 box filter, rescaled to [0, 1]). A sample is one style of its
class, plus 0.4 times a random style of any class, shifted by up to 2 pixels in each direction,
plus Gaussian noise (standard deviation 0.15), clipped to [0, 1]. A CNN learns it in an epoch
or two, so the halves' losses and accuracies show that they learned the same thing.

The initial weights come from the glassnet model itself (its Keras initializers, seeded): the
Keras half takes them as they are (same layouts), the PyTorch half maps them across.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

CLASSES = 10
_STYLES = 3
_MIX = 0.4
_SHIFT = 2
_NOISE = 0.15


@dataclass(frozen=True)
class ImageProblem:
    """Train/test split (float32 images (N, H, W, C) in [0, 1], int64 labels) and weights.

    ``init`` is the glassnet model's ``get_weights()`` (Keras order and layouts).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    init: tuple[np.ndarray, ...]
    batch_size: int
    learning_rate: float = 1e-3


def _blur(images: np.ndarray) -> np.ndarray:
    for _ in range(3):
        for axis in (1, 2):
            images = (np.roll(images, 1, axis) + images + np.roll(images, -1, axis)) / 3
    return images


def _make_images(styles: np.ndarray, n: int, rng: np.random.Generator) -> tuple:
    labels = rng.integers(0, CLASSES, n)
    own = styles[labels * _STYLES + rng.integers(0, _STYLES, n)]
    other = styles[rng.integers(0, len(styles), n)]
    images = own + _MIX * other
    shifts = rng.integers(-_SHIFT, _SHIFT + 1, size=(n, 2))
    for dy in range(-_SHIFT, _SHIFT + 1):  # one roll per shift value, not per image
        for dx in range(-_SHIFT, _SHIFT + 1):
            rows = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
            images[rows] = np.roll(images[rows], (dy, dx), axis=(1, 2))
    images += rng.normal(0.0, _NOISE, size=images.shape)
    return np.clip(images / (1 + _MIX), 0, 1).astype(np.float32), labels.astype(np.int64)


def make_image_problem(
    shape: tuple[int, int, int], n_train: int, n_test: int, batch_size: int,
    build_model: Any, seed: int = 0,
) -> ImageProblem:  # fmt: skip
    """Synthetic images of ``shape`` (H, W, C) and the initial weights of ``build_model()``."""
    import glassnet

    rng = np.random.Generator(np.random.PCG64(seed))
    styles = _blur(rng.random((CLASSES * _STYLES, *shape)))
    low = styles.min(axis=(1, 2, 3), keepdims=True)
    styles = (styles - low) / (styles.max(axis=(1, 2, 3), keepdims=True) - low)
    x_train, y_train = _make_images(styles, n_train, np.random.Generator(np.random.PCG64(seed + 1)))
    x_test, y_test = _make_images(styles, n_test, np.random.Generator(np.random.PCG64(seed + 2)))
    glassnet.utils.set_random_seed(seed + 3)
    model = build_model()
    model(x_train[:1])
    init = tuple(w.astype(np.float32) for w in model.get_weights())
    return ImageProblem(x_train, y_train, x_test, y_test, init, batch_size)


def top1_accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def copy_into_torch(torch: Any, modules: list, weights: list[np.ndarray]) -> None:
    """Copy Keras-layout weights into torch modules, in order.

    Conv2d: kernel (KH, KW, C, O) -> weight (O, C, KH, KW). Linear: kernel (F, U) -> (U, F).
    BatchNorm: gamma, beta, moving_mean, moving_variance -> weight, bias, running_mean,
    running_var.
    """
    nn = torch.nn
    items = iter(weights)
    with torch.no_grad():
        for module in modules:
            if isinstance(module, nn.Conv2d):
                module.weight.copy_(torch.from_numpy(next(items)).permute(3, 2, 0, 1))
                module.bias.copy_(torch.from_numpy(next(items)))
            elif isinstance(module, nn.Linear):
                module.weight.copy_(torch.from_numpy(next(items).T))
                module.bias.copy_(torch.from_numpy(next(items)))
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                for tensor in (module.weight, module.bias, module.running_mean, module.running_var):
                    tensor.copy_(torch.from_numpy(next(items)))


def torch_fit(torch: Any, model: Any, problem: ImageProblem, epochs: int) -> tuple[list, float]:
    """The PyTorch eager loop: per epoch ``randperm``, then per batch ``zero_grad``, forward,
    ``CrossEntropyLoss``, ``backward``, ``Adam.step`` (epsilon 1e-7, Keras's). Returns the
    per-epoch mean losses (as Keras's ``History``) and the seconds it took."""
    import time

    x = torch.from_numpy(problem.x_train).permute(0, 3, 1, 2).contiguous()  # NCHW, untimed
    y = torch.from_numpy(problem.y_train)
    loss_fn = torch.nn.CrossEntropyLoss()
    n, size = len(x), problem.batch_size
    losses = []
    model.train()
    start = time.perf_counter()
    optimizer = torch.optim.Adam(model.parameters(), lr=problem.learning_rate, eps=1e-7)
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
    return losses, time.perf_counter() - start


def torch_predict(torch: Any, model: Any, images: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.inference_mode():
        x = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
        return torch.cat([model(part) for part in x.split(256)]).numpy()
