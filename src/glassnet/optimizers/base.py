"""The ``Optimizer`` base class, gradient clipping and decoupled weight decay.

An optimizer changes parameters (leaf ``Tensor``s) **in place**: it writes into
``param.data`` and never rebinds it, so views of a weight held elsewhere stay valid, and a
float32 weight stays float32. It can be driven two ways:

- Keras style: ``opt.apply_gradients(zip(grads, params))`` with gradients as ndarrays;
- PyTorch style: ``opt = Adam(params=weights)`` (or ``opt.attach(weights)``), then
  ``opt.zero_grad(); loss.backward(); opt.step()``, which reads each ``param.grad``.

One call of either is one step: gradients are clipped (``clipnorm``, ``clipvalue`` or
``global_clipnorm``), weights decay (``weight_decay``), the algorithm's ``update_step`` runs for
each parameter, and ``iterations`` goes up by one, in that order, as in Keras 3.

Per-parameter state ("slots": momentum, first and second moments, ...) is created on first use
and named ``"<prefix>/<slot>/<index>"``, where ``index`` is the parameter's position in the
order the optimizer first saw it (the attached list, or the ``apply_gradients`` pairs).
``get_state()`` returns those arrays with ``"iterations"`` (and ``"learning_rate"``) so a model
file can store them (safetensors) and ``set_state()`` resumes bit for bit (``_state.py``).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from glassnet._constraints import (
    Constraint,
    Interval,
    IsCallable,
    NoneOr,
    OneOf,
    check_arguments,
)
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.optimizers._config import OptimizerConfig
from glassnet.optimizers._state import SlotState
from glassnet.registry import Registry
from glassnet.tensor import Tensor

__all__ = [
    "OPTIMIZERS",
    "Optimizer",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "decay_weights",
]

OPTIMIZERS = Registry("optimizer")

LearningRate = float | Callable[[int], float]

_POSITIVE = Interval(float, 0.0, None, closed="neither")
_LEARNING_RATE = OneOf((_POSITIVE, IsCallable()), "a float > 0")


# ---------------------------------------------------------------------- stateless helpers
def clip_by_value(grad: np.ndarray, clipvalue: float) -> np.ndarray:
    """Clip every element of ``grad`` into ``[-clipvalue, clipvalue]`` (a new array).

    Math:
        g = min(max(g, -clipvalue), clipvalue)
    """
    return np.clip(grad, -clipvalue, clipvalue)


def clip_by_norm(grad: np.ndarray, clipnorm: float) -> np.ndarray:
    """Rescale ``grad`` so that its L2 norm is at most ``clipnorm`` (Keras ``clipnorm``).

    Math:
        g = g * clipnorm / max(||g||, clipnorm)

    Returns ``grad`` itself when its norm is already small enough, else a new array.
    """
    norm = float(np.linalg.norm(grad.ravel()))
    if not norm > clipnorm:
        return grad
    return grad * (clipnorm / norm)


def clip_by_global_norm(grads: list[np.ndarray], clipnorm: float) -> list[np.ndarray]:
    """Rescale all gradients together so that their joint L2 norm is at most ``clipnorm``.

    Math:
        norm = sqrt(sum over every gradient g of sum(g ** 2))
        g    = g * clipnorm / max(norm, clipnorm)     for each g
    """
    norm = math.sqrt(sum(float(np.vdot(g.ravel(), g.ravel())) for g in grads))
    if not norm > clipnorm:
        return grads
    scale = clipnorm / norm
    return [g * scale for g in grads]


def decay_weights(param: np.ndarray, learning_rate: float, weight_decay: float) -> None:
    """Decoupled weight decay, in place (Keras's ``weight_decay``; torch's AdamW form).

    Math:
        w = w - w * weight_decay * learning_rate

    Unlike ``torch.optim.SGD(weight_decay=...)``, which adds ``weight_decay * w`` to the gradient
    (an L2 penalty), this shrinks the weight directly, before and apart from the gradient step.
    """
    param *= 1.0 - learning_rate * weight_decay


# ---------------------------------------------------------------------- the base class
class Optimizer(OptimizerConfig, SlotState):
    """Base class of glassnet's optimizers (Keras 3 names, defaults and update equations).

    Subclasses implement ``update_step(index, param, grad, learning_rate)``, which calls the
    algorithm's stateless function (``adam_update``, ...) on the parameter's array and its slots.

    Args:
        learning_rate: a float > 0, or a schedule: any callable ``step -> float``, called with
            ``iterations`` (0 at the first step), such as ``glassnet.schedules.ExponentialDecay``.
            Readable and settable as ``opt.learning_rate`` (reading gives the current float).
        weight_decay: if set, each step first shrinks every weight:
            ``w = w - w * weight_decay * learning_rate`` (decoupled, as in Keras; not the L2
            gradient term of ``torch.optim.SGD``). Exclude weights with
            ``exclude_from_weight_decay``.
        clipnorm: if set, each gradient is rescaled so that its own L2 norm is at most this.
        clipvalue: if set, each gradient element is clipped into ``[-clipvalue, clipvalue]``.
        global_clipnorm: if set, all gradients are rescaled together so that their joint L2
            norm is at most this (``torch.nn.utils.clip_grad_norm_`` without its 1e-6).
        name: a name for the optimizer (shown in ``repr`` and saved in the config).
        params: parameters to attach now, for the PyTorch-style ``step()`` loop.

    Raises:
        ConfigError: for an argument out of range, or more than one clipping argument.
    """

    _constraints: ClassVar[dict[str, Constraint]] = {
        "learning_rate": _LEARNING_RATE,
        "weight_decay": NoneOr(Interval(float, 0.0)),
        "clipnorm": NoneOr(_POSITIVE),
        "clipvalue": NoneOr(_POSITIVE),
        "global_clipnorm": NoneOr(_POSITIVE),
    }

    def __init__(
        self,
        learning_rate: LearningRate,
        *,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
        params: Iterable[Tensor] | None = None,
    ) -> None:
        self._check(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(v is not None for v in clips.values()) > 1:
            given = ", ".join(f"{k}={v}" for k, v in clips.items() if v is not None)
            raise ConfigError(
                f"{type(self).__name__}: expected at most one of clipnorm, clipvalue and "
                f"global_clipnorm, got {given}. Keep the one you want."
            )
        self.name = name or self._state_prefix
        self._learning_rate: LearningRate = _as_learning_rate(learning_rate)
        self.weight_decay = _as_float(weight_decay)
        self.clipnorm = _as_float(clipnorm)
        self.clipvalue = _as_float(clipvalue)
        self.global_clipnorm = _as_float(global_clipnorm)
        self.iterations = 0
        self._params: list[Tensor] = []
        self._index: dict[int, int] = {}
        self._init_state()
        self._no_decay_ids: set[int] = set()
        self._no_decay_pattern: re.Pattern[str] | None = None
        if params is not None:
            self.attach(params)

    def _check(self, **values: Any) -> None:
        check_arguments(type(self).__name__, self._constraints, **values)

    # ------------------------------------------------------------------ learning rate
    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step (a schedule is evaluated at ``iterations``)."""
        if callable(self._learning_rate):
            return float(self._learning_rate(self.iterations))
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        self._check(learning_rate=value)
        if callable(self._learning_rate) and not callable(value):
            raise TypeError(
                f"{type(self).__name__}: the learning rate is a schedule "
                f"({type(self._learning_rate).__name__}), so it cannot be set to the number "
                f"{value!r}. Create the optimizer with a float learning_rate to change it "
                "during training (ReduceLROnPlateau), or assign another schedule."
            )
        self._learning_rate = _as_learning_rate(value)

    # ------------------------------------------------------------------ parameters
    def attach(self, params: Iterable[Tensor]) -> Optimizer:
        """Register parameters for ``step()``; each keeps the position it is first seen at.

        Parameters already registered are skipped, so attaching the same list twice is harmless.
        Returns the optimizer, so ``opt = Adam().attach(weights)`` works.

        Raises:
            TypeError: if an item is not a floating-point leaf ``Tensor``.
        """
        if isinstance(params, Tensor):
            params = [params]
        if not isinstance(params, Iterable) or isinstance(params, (str, bytes)):
            raise TypeError(
                f"{type(self).__name__}: expected params as a Tensor or an iterable of Tensors "
                f"(e.g. model.trainable_weights), got {type(params).__name__}."
            )
        for param in params:
            self._register(param)
        return self

    @property
    def params(self) -> list[Tensor]:
        """The registered parameters, in index order (a copy of the list)."""
        return list(self._params)

    def _register(self, param: Any) -> int:
        index = self._index.get(id(param))
        if index is not None:
            return index
        who = type(self).__name__
        if not isinstance(param, Tensor):
            raise TypeError(
                f"{who}: expected parameters to be glassnet Tensors, got "
                f"{type(param).__name__}. Pass layer weights or "
                "glassnet.tensor(..., requires_grad=True)."
            )
        if not param.is_leaf or param.data.dtype.kind != "f":
            raise TypeError(
                f"{who}: expected a floating-point leaf tensor (one you created, not the result "
                f"of an op), got {'an op result' if not param.is_leaf else param.dtype}. "
                "Optimize the weights themselves."
            )
        index = len(self._params)
        self._params.append(param)
        self._index[id(param)] = index
        return index

    def zero_grad(self) -> None:
        """Forget the gradients of the attached parameters (sets each ``param.grad`` to None)."""
        for param in self._params:
            param.grad = None

    def exclude_from_weight_decay(
        self, var_list: Iterable[Tensor] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Leave some parameters out of ``weight_decay`` (biases and norms, typically).

        Args:
            var_list: parameters to exclude.
            var_names: substrings (regular expressions); a parameter whose ``name`` contains
                one of them is excluded, e.g. ``var_names=["bias"]``.
        """
        self._no_decay_ids = {id(p) for p in var_list or ()}
        names = list(var_names or ())
        self._no_decay_pattern = re.compile("|".join(names)) if names else None

    def _decays(self, param: Tensor) -> bool:
        if not self.weight_decay or id(param) in self._no_decay_ids:
            return False
        pattern = self._no_decay_pattern
        return not (pattern is not None and param.name and pattern.search(param.name))

    # ------------------------------------------------------------------ stepping
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Tensor]]) -> int:
        """Apply one step with explicit gradients (Keras style); returns ``iterations``.

        Args:
            grads_and_vars: pairs ``(grad, param)``; ``grad`` is an ndarray (or Tensor) of the
                parameter's shape, or None to leave that parameter alone (with a warning).

        Raises:
            ValueError: if every gradient is None.
            ShapeError: if a gradient's shape differs from its parameter's.
        """
        indices, grads, missing = [], [], []
        for grad, param in grads_and_vars:
            index = self._index.get(id(param))
            if index is None:
                index = self._register(param)
            if grad is None:
                missing.append(param.name or f"#{index}")
                continue
            indices.append(index)
            data = param.data
            if type(grad) is np.ndarray and grad.shape == data.shape and grad.dtype == data.dtype:
                grads.append(grad)  # why: the usual case, checked here without a call
            else:
                grads.append(self._as_grad(index, grad))
        if not indices:
            raise ValueError(
                f"{type(self).__name__}.apply_gradients: expected at least one gradient, got "
                "None for every parameter. Check that the loss depends on the parameters."
            )
        if missing:
            warnings.warn(
                f"{type(self).__name__}: no gradient for parameters {missing}; they were not "
                "updated. Check that the loss depends on them.",
                stacklevel=2,
            )
        self._apply(indices, grads)
        return self.iterations

    def apply(
        self, grads: Sequence[Any], trainable_variables: Sequence[Tensor] | None = None
    ) -> int:
        """Keras 3's form of ``apply_gradients``: gradients and variables as two lists.

        Without ``trainable_variables`` the gradients pair with the attached parameters, in
        order. Returns ``iterations``.

        Raises:
            ShapeError: if the two lists differ in length.
        """
        variables = self._params if trainable_variables is None else list(trainable_variables)
        grads = list(grads)
        if len(grads) != len(variables):
            raise ShapeError(
                f"{type(self).__name__}.apply: expected one gradient per variable, got "
                f"{len(grads)} gradients for {len(variables)} variables. Pass the gradients "
                "in the order of trainable_variables."
            )
        return self.apply_gradients(zip(grads, variables))

    def step(self) -> None:
        """Apply one step with each attached parameter's ``.grad`` (PyTorch style).

        Parameters whose ``grad`` is None are skipped (their slots are not touched).

        Raises:
            StateError: if no parameters are attached, or none has a gradient.
        """
        who = type(self).__name__
        if not self._params:
            raise StateError(
                f"{who}.step: expected attached parameters, got none. Pass params= to the "
                "constructor or call attach(params) first (or use apply_gradients)."
            )
        indices = [i for i, p in enumerate(self._params) if p.grad is not None]
        if not indices:
            raise StateError(
                f"{who}.step: expected gradients in param.grad, got None for all "
                f"{len(self._params)} parameters. Call loss.backward() before step()."
            )
        self._apply(indices, [self._as_grad(i, self._params[i].grad) for i in indices])

    def _apply(self, indices: list[int], grads: list[np.ndarray]) -> None:
        """One step on the parameters at ``indices`` with their checked gradients."""
        grads = self._clip(grads)
        learning_rate = self.learning_rate
        self._before_update(self.iterations + 1)
        params = self._params
        decays = self._decays if self.weight_decay else None
        for index, grad in zip(indices, grads):
            param = params[index]
            if decays is not None and decays(param):
                decay_weights(param.data, learning_rate, self.weight_decay)
            self.update_step(index, param.data, grad, learning_rate)
        self.iterations += 1

    def _as_grad(self, index: int, grad: Any) -> np.ndarray:
        if type(grad) is not np.ndarray:
            grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
        array, tensor = grad, self._params[index]
        param = tensor.data
        if array.shape != param.shape:
            label = f"'{tensor.name}'" if tensor.name else f"#{index}"
            raise ShapeError(
                f"{type(self).__name__}: expected the gradient of parameter {label} to have "
                f"shape {param.shape}, got {array.shape}. Pair each gradient with its own "
                "parameter."
            )
        return array if array.dtype == param.dtype else array.astype(param.dtype)

    def _clip(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        if self.clipnorm is not None:
            return [clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def _before_update(self, t: int) -> None:
        """Hook run once per step before the parameter updates; ``t`` counts from 1."""

    def update_step(
        self, index: int, param: np.ndarray, grad: np.ndarray, learning_rate: float
    ) -> None:
        """Update ``param`` (the array of parameter ``index``) in place from ``grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")


def _as_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _as_learning_rate(value: LearningRate) -> LearningRate:
    return value if callable(value) else float(value)
