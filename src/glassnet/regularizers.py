"""Weight penalties with Keras names and defaults: L1, L2, L1L2.

A regularizer is called on a weight tensor and returns a scalar Tensor built from
``glassnet.ops``, so adding it to the loss sends its gradient to the weight. Layers take them
as ``kernel_regularizer='l2'`` (a name) or ``kernel_regularizer=L2(1e-4)`` (an instance).

Names: ``'l1'`` -> ``L1()`` (l1=0.01), ``'l2'`` -> ``L2()`` (l2=0.01) and ``'l1_l2'`` ->
``l1_l2()``, which is ``L1L2(l1=0.01, l2=0.01)`` as the Keras documentation states for the
string; the class ``L1L2`` itself defaults to ``l1=0.0, l2=0.0``, as in Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.errors import ConfigError
from glassnet.registry import Registry
from glassnet.tensor import Tensor, as_tensor

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "REGULARIZERS",
    "Regularizer",
    "deserialize",
    "get",
    "l1_l2",
    "serialize",
]

REGULARIZERS = Registry("regularizer")


def _is_penalty(value: Any) -> bool:
    """A finite int or float >= 0 (numpy scalars included), not a bool."""
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(value)
        and value >= 0
    )


_PENALTY = (_is_penalty, "a float >= 0", "Pass a penalty factor such as 0.01 (0 turns it off).")


class Regularizer:
    """Base class: ``regularizer(weight)`` returns a scalar penalty Tensor.

    Subclasses declare their factors in ``_constraints`` (attribute name -> (test, expected,
    fix)); ``_validate()`` checks them at construction. Any function of a weight returning a
    scalar Tensor can serve as a regularizer too.
    """

    _constraints: dict[str, tuple] = {}

    def __call__(self, x: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__.")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this regularizer (JSON-friendly)."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """Rebuild a regularizer from ``get_config()``'s output."""
        return cls(**config)

    def _validate(self) -> None:
        for name, (test, expected, fix) in self._constraints.items():
            value = getattr(self, name)
            if not test(value):
                raise ConfigError(
                    f"{type(self).__name__}: expected {name} to be {expected}, got {value!r}. {fix}"
                )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _l1_term(x: Tensor, factor: float) -> Tensor:
    return factor * ops.sum(ops.abs(x))


def _l2_term(x: Tensor, factor: float) -> Tensor:
    return factor * ops.sum(x * x)


@REGULARIZERS.register("l1", "L1")
class L1(Regularizer):
    """L1 penalty: ``l1`` times the sum of absolute values (pushes weights to exactly 0).

    Math:
        penalty = l1 * sum(|w|)
        dP/dw   = l1 * sign(w)           (0 at w == 0, as in PyTorch)

    Args:
        l1: the factor, a float >= 0.

    Raises:
        ConfigError: if ``l1`` is negative or not a number.

    Example:
        >>> L1(0.5)(glassnet.tensor([1.0, -2.0])).item()
        1.5
    """

    _constraints = {"l1": _PENALTY}

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = l1
        self._validate()

    def __call__(self, x: Any) -> Tensor:
        return _l1_term(as_tensor(x), self.l1)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@REGULARIZERS.register("l2", "L2")
class L2(Regularizer):
    """L2 penalty (weight decay): ``l2`` times the sum of squares.

    Math:
        penalty = l2 * sum(w**2)
        dP/dw   = 2 * l2 * w

    NOTE: Keras's penalty has no 1/2, so an optimizer's ``weight_decay=wd`` (added to the
    gradient as wd * w) matches ``L2(wd / 2)``.

    Args:
        l2: the factor, a float >= 0.

    Raises:
        ConfigError: if ``l2`` is negative or not a number.

    Example:
        >>> L2(2.0)(glassnet.tensor([[1.0, 1.0], [1.0, 1.0]])).item()
        8.0
    """

    _constraints = {"l2": _PENALTY}

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = l2
        self._validate()

    def __call__(self, x: Any) -> Tensor:
        return _l2_term(as_tensor(x), self.l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@REGULARIZERS.register("L1L2")
class L1L2(Regularizer):
    """L1 and L2 penalties together.

    Math:
        penalty = l1 * sum(|w|) + l2 * sum(w**2)
        dP/dw   = l1 * sign(w) + 2 * l2 * w

    A factor of 0 leaves its term out; with both 0 the penalty is a constant 0 (no gradient).

    Args:
        l1: the L1 factor, a float >= 0.
        l2: the L2 factor, a float >= 0.

    Raises:
        ConfigError: if either factor is negative or not a number.
    """

    _constraints = {"l1": _PENALTY, "l2": _PENALTY}

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = 0.0 if l1 is None else l1
        self.l2 = 0.0 if l2 is None else l2
        self._validate()

    def __call__(self, x: Any) -> Tensor:
        x = as_tensor(x)
        terms = []
        if self.l1:
            terms.append(_l1_term(x, self.l1))
        if self.l2:
            terms.append(_l2_term(x, self.l2))
        if not terms:
            return Tensor(np.zeros((), dtype=x.dtype))
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@REGULARIZERS.register("l1_l2")
def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """An ``L1L2`` with the defaults the string ``'l1_l2'`` stands for (0.01 and 0.01).

    Example:
        >>> l1_l2()
        L1L2(l1=0.01, l2=0.01)
    """
    return L1L2(l1=l1, l2=l2)


def get(identifier: Any) -> Regularizer | Callable[..., Any] | None:
    """Return a regularizer instance for ``identifier``.

    Args:
        identifier: a registered name (``'l2'``, ``'L2'``, ``'l1_l2'``), a
            ``{'class_name': ..., 'config': {...}}`` dict (from ``serialize``), a Regularizer
            class (instantiated with its defaults), an instance or any callable returning a
            scalar Tensor (returned as is), or None (returned as None).

    Raises:
        ConfigError: for an unknown name, listing the known ones and the closest match.
        TypeError: for anything else.

    Example:
        >>> get("l2")
        L2(l2=0.01)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return REGULARIZERS.get(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"regularizers.get: expected a regularizer name, instance, config dict or callable, "
        f"got {type(identifier).__name__} {identifier!r}. Pass a name such as 'l2'."
    )


def serialize(regularizer: Regularizer) -> dict[str, Any]:
    """Return ``{'class_name': ..., 'config': ...}`` for a registered regularizer.

    Raises:
        ConfigError: if the regularizer's class is not registered.

    Example:
        >>> serialize(L2(0.001))
        {'class_name': 'L2', 'config': {'l2': 0.001}}
    """
    return REGULARIZERS.serialize(regularizer)


def deserialize(config: dict[str, Any] | str) -> Regularizer:
    """Rebuild a regularizer from ``serialize``'s output (or from a name).

    Raises:
        ConfigError: for a dict without 'class_name', or an unknown class name.
    """
    if isinstance(config, str):
        return REGULARIZERS.get(config)()
    REGULARIZERS.check_config(config)
    target = REGULARIZERS.get(config["class_name"])
    arguments = dict(config.get("config") or {})
    if isinstance(target, type) and issubclass(target, Regularizer):
        return target.from_config(arguments)
    return target(**arguments)  # a factory function such as l1_l2
