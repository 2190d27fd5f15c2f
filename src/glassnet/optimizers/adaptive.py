"""Per-coordinate adaptive step sizes: ``RMSprop``, ``Adagrad``, ``Adadelta``.

Each class gathers its slots and calls a stateless function (``rmsprop_update``,
``adagrad_update``, ``adadelta_update``) that updates the arrays in place. All three follow
Keras 3 and put epsilon **inside** the square root: ``g / sqrt(s + epsilon)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet._constraints import Boolean, Interval
from glassnet.optimizers.base import OPTIMIZERS, LearningRate, Optimizer
from glassnet.tensor import Tensor

__all__ = [
    "Adadelta",
    "Adagrad",
    "RMSprop",
    "adadelta_update",
    "adagrad_update",
    "rmsprop_update",
]

_DECAY = Interval(float, 0.0, 1.0, closed="left")
_EPSILON = Interval(float, 0.0)


def rmsprop_update(
    param: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    learning_rate: float,
    rho: float,
    epsilon: float,
    momentum: float = 0.0,
    momentum_buffer: np.ndarray | None = None,
    average_grad: np.ndarray | None = None,
) -> None:
    """One Keras RMSprop step, updating ``param`` and the given buffers in place.

    Centered when ``average_grad`` is given; with momentum when ``momentum > 0`` (then
    ``momentum_buffer`` is required).

    Math:
        s = rho * s + (1 - rho) * g ** 2                      (s is ``velocity``)
        a = rho * a + (1 - rho) * g                           (centered only)
        d = s + epsilon        or   s - a ** 2 + epsilon      (centered)
        u = learning_rate * g / sqrt(d)
        b = momentum * b + u;  w = w - b                      (momentum > 0)
        w = w - u                                             (otherwise)
    """
    if momentum > 0 and momentum_buffer is None:
        raise ValueError("rmsprop_update: momentum > 0 needs a momentum_buffer array.")
    # why: one scratch array serves every intermediate, so a step allocates once.
    scratch = np.square(grad)
    scratch *= 1.0 - rho
    velocity *= rho
    velocity += scratch
    if average_grad is not None:
        np.multiply(grad, 1.0 - rho, out=scratch)
        average_grad *= rho
        average_grad += scratch
        np.square(average_grad, out=scratch)
        np.subtract(velocity, scratch, out=scratch)
        scratch += epsilon
    else:
        np.add(velocity, epsilon, out=scratch)
    np.sqrt(scratch, out=scratch)
    np.divide(grad, scratch, out=scratch)
    scratch *= learning_rate  # scratch is now the increment u
    if momentum > 0:
        momentum_buffer *= momentum
        momentum_buffer += scratch
        param -= momentum_buffer
    else:
        param -= scratch


def adagrad_update(
    param: np.ndarray,
    grad: np.ndarray,
    accumulator: np.ndarray,
    learning_rate: float,
    epsilon: float,
) -> None:
    """One Keras Adagrad step, updating ``param`` and ``accumulator`` in place.

    Math:
        s = s + g ** 2                                   (s is ``accumulator``)
        w = w - learning_rate * g / sqrt(s + epsilon)
    """
    accumulator += np.square(grad)
    denominator = accumulator + epsilon
    step = learning_rate * grad
    step /= np.sqrt(denominator, out=denominator)
    param -= step


def adadelta_update(
    param: np.ndarray,
    grad: np.ndarray,
    accumulated_grad: np.ndarray,
    accumulated_delta_var: np.ndarray,
    learning_rate: float,
    rho: float,
    epsilon: float,
) -> None:
    """One Keras Adadelta step, updating ``param`` and both accumulators in place.

    Math:
        s  = rho * s + (1 - rho) * g ** 2                 (s is ``accumulated_grad``)
        dw = -sqrt(r + epsilon) / sqrt(s + epsilon) * g   (r is ``accumulated_delta_var``)
        r  = rho * r + (1 - rho) * dw ** 2
        w  = w + learning_rate * dw
    """
    accumulated_grad *= rho
    accumulated_grad += (1.0 - rho) * np.square(grad)
    delta = np.sqrt(accumulated_delta_var + epsilon)
    delta /= np.sqrt(accumulated_grad + epsilon)
    delta *= -grad
    accumulated_delta_var *= rho
    accumulated_delta_var += (1.0 - rho) * np.square(delta)
    delta *= learning_rate
    param += delta


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    """Divide each gradient by a running root mean square of recent gradients (Keras ``RMSprop``).

    Update rule, for each parameter w with gradient g, at learning rate lr:

        1. s = rho * s + (1 - rho) * g ** 2                     (s starts at 0)
        2. If centered: a = rho * a + (1 - rho) * g, and d = s - a ** 2 + epsilon
           otherwise:   d = s + epsilon                         (a starts at 0)
        3. u = lr * g / sqrt(d)
        4. If momentum > 0: b = momentum * b + u, then w = w - b   (b starts at 0)
           otherwise:       w = w - u

    Epsilon: **inside** the square root, ``sqrt(s + epsilon)``.

    Differences from ``torch.optim.RMSprop``: torch adds eps **outside** the root,
    ``g / (sqrt(s) + eps)``, so the two agree only with ``epsilon = eps = 0``; torch calls
    ``rho`` ``alpha``; torch's momentum buffer holds ``g / (sqrt(s) + eps)`` and is multiplied
    by the current learning rate, while Keras's holds ``lr * g / sqrt(d)`` (the same weights for
    a constant learning rate). Defaults differ too (torch: lr=0.01, alpha=0.99, eps=1e-8).

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001.
        rho: discount factor of the running average, in [0, 1).
        momentum: a float in [0, 1]; 0 turns momentum off.
        epsilon: a float >= 0 for numerical stability, added inside the square root.
        centered: normalize by an estimate of the gradient's variance instead of its raw
            second moment (a little slower, sometimes better).
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Reference:
        Hinton, Neural Networks for Machine Learning, lecture 6e (2012).
    """

    _constraints = {
        **Optimizer._constraints,
        "rho": _DECAY,
        "momentum": Interval(float, 0.0, 1.0),
        "epsilon": _EPSILON,
        "centered": Boolean(),
    }
    _state_prefix = "rmsprop"
    _slot_names = ("velocity", "momentum", "average_gradient")

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "rmsprop",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(rho=rho, momentum=momentum, epsilon=epsilon, centered=centered)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)
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
        rmsprop_update(
            param,
            grad,
            self._slot("velocity", index, param),
            learning_rate,
            self.rho,
            self.epsilon,
            momentum=self.momentum,
            momentum_buffer=self._slot("momentum", index, param) if self.momentum else None,
            average_grad=self._slot("average_gradient", index, param) if self.centered else None,
        )

    def _hyper_config(self) -> dict[str, Any]:
        return {
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """Step sizes that shrink with each coordinate's summed squared gradients (Keras ``Adagrad``).

    Update rule, for each parameter w with gradient g, at learning rate lr:

        1. s = s + g ** 2                       (s starts at initial_accumulator_value)
        2. w = w - lr * g / sqrt(s + epsilon)

    Epsilon: **inside** the square root.

    Differences from ``torch.optim.Adagrad``: torch adds eps **outside** the root,
    ``g / (sqrt(s) + eps)``, and starts ``s`` at 0 by default; set torch's
    ``initial_accumulator_value=0.1`` and ``epsilon = eps = 0`` for the same numbers. torch's
    ``lr_decay`` has no Keras counterpart (use a schedule). Defaults differ (torch: lr=0.01).

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001 (the paper's form is 1.0).
        initial_accumulator_value: a float >= 0, the starting value of ``s``.
        epsilon: a float >= 0 for numerical stability, added inside the square root.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Reference:
        Duchi et al., Adaptive Subgradient Methods for Online Learning and Stochastic
        Optimization, JMLR 2011.
    """

    _constraints = {
        **Optimizer._constraints,
        "initial_accumulator_value": Interval(float, 0.0),
        "epsilon": _EPSILON,
    }
    _state_prefix = "adagrad"
    _slot_names = ("accumulator",)

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "adagrad",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(initial_accumulator_value=initial_accumulator_value, epsilon=epsilon)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)
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
        accumulator = self._slot("accumulator", index, param, self.initial_accumulator_value)
        adagrad_update(param, grad, accumulator, learning_rate, self.epsilon)

    def _hyper_config(self) -> dict[str, Any]:
        return {
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


@OPTIMIZERS.register("adadelta")
class Adadelta(Optimizer):
    """Step sizes from running averages of squared gradients and updates (Keras ``Adadelta``).

    Update rule, for each parameter w with gradient g, at learning rate lr:

        1. s  = rho * s + (1 - rho) * g ** 2                  (s starts at 0)
        2. dw = -sqrt(r + epsilon) / sqrt(s + epsilon) * g    (r starts at 0)
        3. r  = rho * r + (1 - rho) * dw ** 2
        4. w  = w + lr * dw

    Epsilon: **inside** both square roots.

    Differences from ``torch.optim.Adadelta``: the same equations and epsilon placement; only
    the defaults differ (torch: lr=1.0, rho=0.9, eps=1e-6; the paper's form is lr=1.0).

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001.
        rho: decay rate of both running averages, in [0, 1).
        epsilon: a float >= 0 for numerical stability, added inside the square roots.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Reference:
        Zeiler, ADADELTA: An Adaptive Learning Rate Method, 2012.
    """

    _constraints = {**Optimizer._constraints, "rho": _DECAY, "epsilon": _EPSILON}
    _state_prefix = "adadelta"
    _slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "adadelta",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(rho=rho, epsilon=epsilon)
        self.rho = float(rho)
        self.epsilon = float(epsilon)
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
        adadelta_update(
            param,
            grad,
            self._slot("accumulated_grad", index, param),
            self._slot("accumulated_delta_var", index, param),
            learning_rate,
            self.rho,
            self.epsilon,
        )

    def _hyper_config(self) -> dict[str, Any]:
        return {"rho": self.rho, "epsilon": self.epsilon}
