"""Adaptive moment estimation: ``Adam``, ``AdamW`` and ``Nadam``.

Each class gathers its slots and calls ``adam_update`` or ``nadam_update``, stateless
functions that update the arrays in place. Adam and AdamW follow Keras 3 in adding epsilon to
``sqrt(v)`` (the *uncorrected* second moment) and folding both bias corrections into the step
size; Nadam adds it to ``sqrt(v_hat)``, as torch does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet._constraints import Boolean, Interval
from glassnet.optimizers.base import OPTIMIZERS, LearningRate, Optimizer
from glassnet.tensor import Tensor

__all__ = ["Adam", "AdamW", "Nadam", "adam_update", "nadam_momentum", "nadam_update"]

_BETA = Interval(float, 0.0, 1.0, closed="left")
_EPSILON = Interval(float, 0.0)
# why: 4 arrays of 64k float32 (1 MiB) fit in a core's L2 cache; see adam_update.
_BLOCK = 65_536


def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    learning_rate: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    amsgrad: bool = False,
    v_hat: np.ndarray | None = None,
) -> None:
    """One Keras Adam step number ``t`` (from 1), updating ``param``, ``m``, ``v`` in place.

    With ``amsgrad=True``, ``v_hat`` (the running maximum of ``v``) is required and updated.

    Math:
        alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m     = beta_1 * m + (1 - beta_1) * g
        v     = beta_2 * v + (1 - beta_2) * g ** 2
        v_hat = max(v_hat, v)                 (amsgrad; then v_hat replaces v below)
        w     = w - alpha * m / (sqrt(v) + epsilon)
    """
    if amsgrad and v_hat is None:
        raise ValueError("adam_update: amsgrad=True needs a v_hat array.")
    alpha = learning_rate * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    hyper = (alpha, beta_1, beta_2, epsilon)
    updated = (param, m, v, v_hat) if amsgrad else (param, m, v)
    dtype = np.result_type(param, grad)
    if param.size <= _BLOCK or not all(a.flags.c_contiguous for a in updated):
        _adam_block(
            param, grad, m, v, v_hat if amsgrad else None, hyper, np.empty(grad.shape, dtype)
        )
        return
    # why: the step makes 12 passes over each array; done 64k elements at a time, the
    # arrays stay in the CPU cache between passes (-25% time for a 784 x 512 kernel).
    flat = [a.reshape(-1) for a in (param, np.ravel(grad), m, v)]
    flat_v_hat = v_hat.reshape(-1) if amsgrad else None
    scratch = np.empty(_BLOCK, dtype)
    for start in range(0, param.size, _BLOCK):
        part = slice(start, start + _BLOCK)
        p, g, m_part, v_part = (a[part] for a in flat)
        v_hat_part = None if flat_v_hat is None else flat_v_hat[part]
        _adam_block(p, g, m_part, v_part, v_hat_part, hyper, scratch[: p.size])


def _adam_block(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    v_hat: np.ndarray | None,
    hyper: tuple[float, float, float, float],
    scratch: np.ndarray,
) -> None:
    """``adam_update``'s arithmetic on arrays of one shape; ``scratch`` holds intermediates."""
    alpha, beta_1, beta_2, epsilon = hyper
    np.multiply(grad, 1.0 - beta_1, out=scratch)
    m *= beta_1
    m += scratch
    np.square(grad, out=scratch)
    scratch *= 1.0 - beta_2
    v *= beta_2
    v += scratch
    if v_hat is not None:
        np.maximum(v_hat, v, out=v_hat)
    np.sqrt(v if v_hat is None else v_hat, out=scratch)
    scratch += epsilon
    np.divide(m, scratch, out=scratch)
    scratch *= alpha
    param -= scratch


def nadam_momentum(beta_1: float, t: int) -> float:
    """Nadam's momentum schedule (Keras): ``u_t = beta_1 * (1 - 0.5 * 0.96 ** t)``."""
    return beta_1 * (1.0 - 0.5 * 0.96**t)


def nadam_update(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    u_product: float,
    learning_rate: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
) -> None:
    """One Keras Nadam step number ``t`` (from 1), updating ``param``, ``m``, ``v`` in place.

    ``u_product`` is the product ``u_1 * ... * u_t`` of the momentum schedule
    (``nadam_momentum``) up to and including this step; the optimizer keeps it.

    Math:
        u_t    = beta_1 * (1 - 0.5 * 0.96 ** t);   u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        m      = beta_1 * m + (1 - beta_1) * g
        v      = beta_2 * v + (1 - beta_2) * g ** 2
        m_hat  = u_next * m / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        v_hat  = v / (1 - beta_2 ** t)
        w      = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    """
    u_t = nadam_momentum(beta_1, t)
    u_next = nadam_momentum(beta_1, t + 1)
    m *= beta_1
    m += (1.0 - beta_1) * grad
    v *= beta_2
    v += (1.0 - beta_2) * np.square(grad)
    m_hat = (u_next / (1.0 - u_product * u_next)) * m
    m_hat += ((1.0 - u_t) / (1.0 - u_product)) * grad
    denominator = np.sqrt(v / (1.0 - beta_2**t))
    denominator += epsilon
    m_hat *= learning_rate
    m_hat /= denominator
    param -= m_hat


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled by its running second moment (Keras ``Adam``).

    Update rule, for each parameter w with gradient g, at step t = 1, 2, ... and learning
    rate lr:

        1. alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        2. m = beta_1 * m + (1 - beta_1) * g                  (m starts at 0)
        3. v = beta_2 * v + (1 - beta_2) * g ** 2             (v starts at 0)
        4. If amsgrad: v_hat = max(v_hat, v), and use v_hat for v below.
        5. w = w - alpha * m / (sqrt(v) + epsilon)

    Epsilon: added to ``sqrt(v)``, the root of the **uncorrected** second moment, with both
    bias corrections folded into alpha ("epsilon hat" of Kingma and Ba, section 2).

    Differences from ``torch.optim.Adam``: torch adds eps to ``sqrt(v / (1 - beta_2 ** t))``;
    Keras's epsilon equals torch's ``eps * sqrt(1 - beta_2 ** t)``, which changes with t, so
    the two agree exactly only as epsilon -> 0 (they differ by far less than 1e-6 in relative
    terms once ``sqrt(v)`` is much larger than epsilon). torch's default eps is 1e-8. torch's
    ``weight_decay`` adds an L2 term to g; here it is decoupled (``AdamW`` form, see
    ``Optimizer``).

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001.
        beta_1: decay rate of the first moment, in [0, 1).
        beta_2: decay rate of the second moment, in [0, 1).
        epsilon: a float >= 0 for numerical stability (see above).
        amsgrad: use the AMSGrad variant (Reddi et al., 2018).
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Example:
        >>> w = glassnet.tensor([1.0, -1.0], requires_grad=True)
        >>> opt = glassnet.optimizers.Adam(learning_rate=0.1, params=[w])
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     (w * w).sum().backward()
        ...     opt.step()
        >>> w
        tensor([ 0.7016, -0.7016], requires_grad=True)

    Reference:
        Kingma and Ba, Adam: A Method for Stochastic Optimization, 2014.
    """

    _constraints = {
        **Optimizer._constraints,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": _EPSILON,
        "amsgrad": Boolean(),
    }
    _state_prefix = "adam"
    _slot_names = ("m", "v", "v_hat")

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "adam",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)
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
        adam_update(
            param,
            grad,
            self._slot("m", index, param),
            self._slot("v", index, param),
            self.iterations + 1,
            learning_rate,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            self.amsgrad,
            v_hat=self._slot("v_hat", index, param) if self.amsgrad else None,
        )

    def _hyper_config(self) -> dict[str, Any]:
        return {
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


@OPTIMIZERS.register("adamw")
class AdamW(Adam):
    """Adam with decoupled weight decay (Keras ``AdamW``).

    Update rule, for each parameter w with gradient g, at step t = 1, 2, ... and learning
    rate lr:

        1. w = w - w * weight_decay * lr            (decoupled decay, before the Adam step)
        2. to 6. the steps 1 to 5 of ``Adam``.

    Epsilon: as in ``Adam`` (added to ``sqrt(v)``, bias corrections folded into the step).

    Differences from ``torch.optim.AdamW``: the decay is the same (``w *= 1 - lr *
    weight_decay`` first); epsilon placement differs as for ``Adam``; torch's default
    weight_decay is 0.01, Keras's 0.004. ``Adam(weight_decay=x)`` computes the same as
    ``AdamW(weight_decay=x)``; AdamW only makes the decay required.

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001.
        weight_decay: a float >= 0 (not None). Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: See ``Adam``.
        clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Reference:
        Loshchilov and Hutter, Decoupled Weight Decay Regularization, 2019.
    """

    _constraints = {**Adam._constraints, "weight_decay": Interval(float, 0.0)}
    _state_prefix = "adamw"

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "adamw",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        super().__init__(
            learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
            params=params,
        )


@OPTIMIZERS.register("nadam")
class Nadam(Optimizer):
    """Adam with Nesterov momentum (Keras ``Nadam``).

    Update rule, for each parameter w with gradient g, at step t = 1, 2, ... and learning
    rate lr (``P`` is kept across steps and starts at 1):

        1. u_t = beta_1 * (1 - 0.5 * 0.96 ** t);  u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        2. P = P * u_t                                          (once per step)
        3. m = beta_1 * m + (1 - beta_1) * g                    (m starts at 0)
        4. v = beta_2 * v + (1 - beta_2) * g ** 2               (v starts at 0)
        5. m_hat = u_next * m / (1 - P * u_next) + (1 - u_t) * g / (1 - P)
        6. v_hat = v / (1 - beta_2 ** t)
        7. w = w - lr * m_hat / (sqrt(v_hat) + epsilon)

    Epsilon: added to ``sqrt(v_hat)``, the root of the **bias-corrected** second moment (as
    in torch, unlike Keras's ``Adam``).

    Differences from ``torch.optim.NAdam``: torch's momentum schedule is
    ``0.96 ** (t * momentum_decay)`` with ``momentum_decay=0.004``; Keras uses ``0.96 ** t``,
    which is torch with ``momentum_decay=1.0``. Then the two are the same. torch keeps ``P`` and
    t per parameter (a parameter that misses a step lags), glassnet once per optimizer, as
    Keras. torch's default eps is 1e-8. torch's ``decoupled_weight_decay=True`` matches
    ``weight_decay`` here.

    Args:
        learning_rate: See ``Optimizer``. Defaults to 0.001.
        beta_1, beta_2: decay rates of the first and second moments, in [0, 1).
        epsilon: a float >= 0 for numerical stability (see above).
        weight_decay, clipnorm, clipvalue, global_clipnorm, name, params: See ``Optimizer``.

    Reference:
        Dozat, Incorporating Nesterov Momentum into Adam, 2016.
    """

    _constraints = {
        **Optimizer._constraints,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": _EPSILON,
    }
    _state_prefix = "nadam"
    _slot_names = ("m", "v")
    _scalar_defaults = {"u_product": 1.0}

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str = "nadam",
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
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

    def _before_update(self, t: int) -> None:
        self._scalars["u_product"] *= nadam_momentum(self.beta_1, t)

    def update_step(
        self, index: int, param: np.ndarray, grad: np.ndarray, learning_rate: float
    ) -> None:
        nadam_update(
            param,
            grad,
            self._slot("m", index, param),
            self._slot("v", index, param),
            self.iterations + 1,
            self._scalars["u_product"],
            learning_rate,
            self.beta_1,
            self.beta_2,
            self.epsilon,
        )

    def _hyper_config(self) -> dict[str, Any]:
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
