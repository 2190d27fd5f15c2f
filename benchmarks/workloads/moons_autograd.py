"""moons_autograd: a 2-10-8-1 MLP on two moons, written with raw autograd in each library.

ReLU, ReLU, sigmoid output, binary cross-entropy written from ops (clip the probability, log),
full-batch gradient descent (lr 0.1) on 800 samples, accuracy on the other 200. The glassnet and
PyTorch halves are line-for-line the same program; the NumPy half is the same maths with the
backward pass written by hand, as a floor for what per-op overhead costs.
"""

from __future__ import annotations

import numpy as np

from benchmarks._torch import require_torch
from benchmarks.workloads import TrainResult, Workload
from benchmarks.workloads._moons import MoonsProblem, accuracy, make_moons_problem

# why: log(0) would be -inf; Keras clips probabilities to [eps, 1 - eps] with this epsilon.
EPS = 1e-7


def train_glassnet(problem: MoonsProblem, epochs: int) -> TrainResult:
    """Train with glassnet tensors, ops and ``loss.backward()``."""
    import glassnet
    from glassnet import ops

    x, y = glassnet.tensor(problem.x_train), glassnet.tensor(problem.y_train)
    params = [glassnet.tensor(p, requires_grad=True) for p in problem.init]
    w1, b1, w2, b2, w3, b3 = params

    def forward(inputs):
        h = ops.relu(inputs @ w1 + b1)
        h = ops.relu(h @ w2 + b2)
        return ops.sigmoid(h @ w3 + b3)

    first_loss = None
    for _ in range(epochs):
        p = ops.clip(forward(x), EPS, 1 - EPS)
        loss = -ops.mean(y * ops.log(p) + (1 - y) * ops.log(1 - p))
        loss.backward()
        with glassnet.no_grad():
            for w in params:
                w.data -= problem.learning_rate * w.grad
                w.grad = None
        first_loss = loss.item() if first_loss is None else first_loss
    with glassnet.no_grad():
        test_p = forward(glassnet.tensor(problem.x_test)).numpy()
    weights = [w.numpy().copy() for w in params]
    return TrainResult(first_loss, loss.item(), accuracy(test_p, problem.y_test), weights)


def train_torch(problem: MoonsProblem, epochs: int) -> TrainResult:
    """Train with PyTorch tensors, ``torch`` functions and ``loss.backward()`` (eager, CPU)."""
    torch = require_torch()
    x, y = torch.from_numpy(problem.x_train), torch.from_numpy(problem.y_train)
    params = [torch.tensor(p, requires_grad=True) for p in problem.init]
    w1, b1, w2, b2, w3, b3 = params

    def forward(inputs):
        h = torch.relu(inputs @ w1 + b1)
        h = torch.relu(h @ w2 + b2)
        return torch.sigmoid(h @ w3 + b3)

    first_loss = None
    for _ in range(epochs):
        p = torch.clamp(forward(x), EPS, 1 - EPS)
        loss = -torch.mean(y * torch.log(p) + (1 - y) * torch.log(1 - p))
        loss.backward()
        with torch.no_grad():
            for w in params:
                w -= problem.learning_rate * w.grad
                w.grad = None
        first_loss = loss.item() if first_loss is None else first_loss
    with torch.no_grad():
        test_p = forward(torch.from_numpy(problem.x_test)).numpy()
    weights = [w.detach().numpy().copy() for w in params]
    return TrainResult(first_loss, loss.item(), accuracy(test_p, problem.y_test), weights)


def train_numpy(problem: MoonsProblem, epochs: int) -> TrainResult:
    """Train with plain NumPy: the same forward, loss and update, the backward by hand.

    Math (n samples, s = sigmoid(z3), p = clip(s, eps, 1 - eps)):
        dL/dz3 = (s - y) / n where eps <= s <= 1 - eps, else 0
        dL/dW  = input^T @ dL/dz,   dL/db = column sums of dL/dz
        dL/dz  = (dL/dz_next @ W_next^T) * [z > 0]          (ReLU layers)
    """
    x, y = problem.x_train, problem.y_train
    params = [p.copy() for p in problem.init]
    w1, b1, w2, b2, w3, b3 = params
    n = len(x)

    def forward(inputs):
        z1 = inputs @ w1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ w2 + b2
        a2 = np.maximum(z2, 0)
        # NOTE: the plain formula; standardised moons keep |z3| far from float32 overflow.
        return z1, a1, z2, a2, 1 / (1 + np.exp(-(a2 @ w3 + b3)))

    first_loss = None
    for _ in range(epochs):
        z1, a1, z2, a2, s = forward(x)
        p = np.clip(s, EPS, 1 - EPS)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        grad_z3 = np.where((s >= EPS) & (s <= 1 - EPS), s - y, 0) / n
        grad_z2 = (grad_z3 @ w3.T) * (z2 > 0)
        grad_z1 = (grad_z2 @ w2.T) * (z1 > 0)
        grads = (
            *(x.T @ grad_z1, grad_z1.sum(axis=0)),
            *(a1.T @ grad_z2, grad_z2.sum(axis=0)),
            *(a2.T @ grad_z3, grad_z3.sum(axis=0)),
        )
        for w, grad in zip(params, grads):
            w -= problem.learning_rate * grad
        first_loss = float(loss) if first_loss is None else first_loss
    test_p = forward(problem.x_test)[-1]
    return TrainResult(first_loss, float(loss), accuracy(test_p, problem.y_test), params)


WORKLOAD = Workload(
    name="moons_autograd",
    peer="torch",
    default_epochs=1000,
    make_problem=make_moons_problem,
    runners={"glassnet": train_glassnet, "torch": train_torch, "numpy": train_numpy},
)
