"""Stochastic gradient descent with optional (Nesterov) momentum: ``SGD`` and ``sgd_update``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet._constraints import Boolean, Interval
from glassnet.optimizers.base import OPTIMIZERS, LearningRate, Optimizer
from glassnet.tensor import Tensor

__all__ = ["SGD", "sgd_update"]


def sgd_update(
    param: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray | None,
    learning_rate: float,
    momentum: float,
    nesterov: bool,
) -> None:
    """One Keras SGD step, updating ``param`` and ``velocity`` in place.

    Math:
        momentum == 0 (velocity is None):
            w = w - learning_rate * g
        momentum > 0:
            v = momentum * v - learning_rate * g
            w = w + v                                      (nesterov=False)
            w = w + momentum * v - learning_rate * g       (nesterov=True)
    """
    if velocity is None:
        param -= learning_rate * grad
        return
    velocity *= momentum
    velocity -= learning_rate * grad
    if nesterov:
        param += momentum * velocity - learning_rate * grad
    else:
        param += velocity


@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    """Gradient descent with optional momentum (Keras ``SGD``).

    Update rule, for each parameter w with gradient g, at learning rate lr:

        1. If momentum == 0:  w = w - lr * g.  Stop.
        2. v = momentum * v - lr * g            (v starts at 0)
        3. w = w + v                            (nesterov=False)
           w = w + momentum * v - lr * g        (nesterov=True)

    Epsilon: none.

    Differences from ``torch.optim.SGD``: torch keeps ``b = momentum * b + g`` (no learning
    rate inside) and steps ``w = w - lr * b``. With a constant learning rate both give the same
    weights (v = -lr * b); when the learning rate changes (a schedule, ReduceLROnPlateau),
    Keras's velocity still carries the old rates while torch applies the new rate to the whole
    buffer. torch's ``dampening`` is 0 here, and its ``weight_decay`` is an L2 term added to g,
    whereas glassnet's (and Keras's) ``weight_decay`` is decoupled (see ``Optimizer``).

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.01.
        momentum: a float in [0, 1] that accelerates descent along consistent directions;
            0 is plain gradient descent.
        nesterov: use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Example:
        >>> w = glassnet.tensor([1.0], requires_grad=True)
        >>> opt = glassnet.optimizers.SGD(learning_rate=0.1, params=[w])
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.8], requires_grad=True)
    """

    _constraints = {
        **Optimizer._constraints,
        "momentum": Interval(float, 0.0, 1.0),
        "nesterov": Boolean(),
    }
    _state_prefix = "sgd"
    _slot_names = ("momentum",)

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        *,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "SGD",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(momentum=momentum, nesterov=nesterov)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        super().__init__(
            learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
            params=params,
        )

    def update_step(
        self, index: int, param: np.ndarray, grad: np.ndarray, learning_rate: float
    ) -> None:
        velocity = self._slot("momentum", index, param) if self.momentum else None
        sgd_update(param, grad, velocity, learning_rate, self.momentum, self.nesterov)

    def _hyper_config(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "nesterov": self.nesterov}
