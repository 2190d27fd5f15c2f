"""The demos behind ``glassnet demo``: small networks that train in seconds and report.

Each demo uses only NumPy and glassnet, so it runs right after ``pip install glassnet``.
"""

from __future__ import annotations

import time

import numpy as np

import glassnet
from glassnet import ops

__all__ = ["moons_demo", "two_moons"]


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


def _init_mlp(sizes: list[int], rng: np.random.Generator) -> list[glassnet.Tensor]:
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = rng.normal(scale=np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params.append(glassnet.tensor(w.astype(np.float32), requires_grad=True))
        params.append(glassnet.tensor(np.zeros(fan_out, np.float32), requires_grad=True))
    return params


def _forward(params: list[glassnet.Tensor], x: glassnet.Tensor) -> glassnet.Tensor:
    h = x
    for i in range(0, len(params) - 2, 2):
        h = ops.relu(h @ params[i] + params[i + 1])
    return ops.sigmoid(h @ params[-2] + params[-1])


def _bce(p: glassnet.Tensor, y: glassnet.Tensor) -> glassnet.Tensor:
    # why: clip keeps log() finite when the network is certain and wrong.
    p = ops.clip(p, 1e-7, 1 - 1e-7)
    return -ops.mean(y * ops.log(p) + (1 - y) * ops.log(1 - p))


def _to_cells(offset: np.ndarray, span: float, cells: int) -> np.ndarray:
    return np.clip((offset / span * (cells - 1)).round().astype(int), 0, cells - 1)


def _ascii_map(params, x: np.ndarray, y: np.ndarray, width: int = 64, height: int = 20) -> str:
    """The learned decision regions as characters, with the data points on top."""
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx = np.linspace(lo[0], hi[0], width)
    gy = np.linspace(hi[1], lo[1], height)
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2).astype(np.float32)
    with glassnet.no_grad():
        region = _forward(params, glassnet.tensor(grid)).numpy().reshape(height, width) > 0.5
    canvas = np.where(region, ":", " ").astype("<U1")
    col = np.clip(
        ((x[:, 0] - lo[0]) / (hi[0] - lo[0]) * (width - 1)).round().astype(int), 0, width - 1
    )
    row = np.clip(
        ((hi[1] - x[:, 1]) / (hi[1] - lo[1]) * (height - 1)).round().astype(int), 0, height - 1
    )
    canvas[row, col] = np.where(y == 1, "o", "x")
    border = "+" + "-" * width + "+"
    return "\n".join([border, *("|" + "".join(r) + "|" for r in canvas), border])


def moons_demo(epochs: int = 1000, lr: float = 0.5, seed: int = 0, print_fn=print) -> dict:
    """Train a 2-16-16-1 ReLU network on two moons with raw autograd and report what it learned.

    Full-batch gradient descent on binary cross-entropy, written with glassnet tensors only:
    forward pass, ``loss.backward()``, ``w -= lr * w.grad``.

    Returns:
        A dict with the final loss, train and test accuracy and seconds taken.
    """
    x, y = two_moons(seed=42)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    x_train, y_train, x_test, y_test = x[:800], y[:800], x[800:], y[800:]
    params = _init_mlp([2, 16, 16, 1], np.random.default_rng(seed))
    xt, yt = glassnet.tensor(x_train), glassnet.tensor(y_train[:, None].astype(np.float32))
    print_fn("glassnet demo: a 2-16-16-1 ReLU network learns two interleaving moons")
    print_fn(f"  800 training points, 200 held out; full-batch gradient descent, lr={lr}\n")
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        loss = _bce(_forward(params, xt), yt)
        loss.backward()
        with glassnet.no_grad():
            for p in params:
                p.data -= lr * p.grad
                p.grad = None
        if epoch == 1 or epoch % (epochs // 5) == 0:
            print_fn(f"  epoch {epoch:5d}  loss {loss.item():.4f}")
    seconds = time.perf_counter() - start
    with glassnet.no_grad():
        acc_train = float(((_forward(params, xt).numpy() > 0.5)[:, 0] == y_train).mean())
        p_test = _forward(params, glassnet.tensor(x_test)).numpy()[:, 0]
    acc_test = float(((p_test > 0.5) == y_test).mean())
    print_fn(f"\n  trained {epochs} epochs in {seconds:.2f} s")
    print_fn(f"  accuracy: train {acc_train:.3f}, held-out test {acc_test:.3f}\n")
    print_fn("  What it learned (':' = predicted class o, 'o'/'x' = true classes of test points):")
    print_fn(_ascii_map(params, x_test, y_test))
    return {"loss": loss.item(), "train_accuracy": acc_train, "test_accuracy": acc_test,
            "seconds": seconds}  # fmt: skip
