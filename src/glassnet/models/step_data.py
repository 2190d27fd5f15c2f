"""Keras 3's ``train_step(data)`` form next to glassnet's ``train_step(x, y, sample_weight)``.

A subclass may override the steps either way:

- ``train_step(self, x, y, sample_weight=None)`` (and ``test_step``): glassnet's form, which
  the built-in models use;
- ``train_step(self, data)``: Keras 3's form, where ``data`` is what Keras passes: ``x`` alone,
  ``(x, y)`` or ``(x, y, sample_weight)``, unpacked with ``unpack_x_y_sample_weight``.

The loop looks at the override's signature once: a step with a single positional parameter
(besides ``self``) gets ``data``. A model whose ``train_step`` takes ``data`` may be fitted
without targets (``fit(x)``), as in Keras: the step decides what it needs.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

__all__ = ["call_step", "pack_x_y_sample_weight", "takes_data", "unpack_x_y_sample_weight"]

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """``x`` (or ``(x,)`` when x is a list or tuple), ``(x, y)`` or ``(x, y, sample_weight)``,
    as ``keras.utils.pack_x_y_sample_weight``.

    Example:
        >>> pack_x_y_sample_weight(1, 2)
        (1, 2)
        >>> pack_x_y_sample_weight([1, 2])
        ([1, 2],)
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``,
    with None for what is missing, as ``keras.utils.unpack_x_y_sample_weight``.

    Raises:
        ValueError: for a tuple of more than three items.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) <= 3:
        return tuple(data) + (None,) * (3 - len(data))  # type: ignore[return-value]
    raise ValueError(
        "unpack_x_y_sample_weight: expected data as x, (x,), (x, y) or (x, y, sample_weight), "
        f"got a tuple of {len(data)} items. Pack the inputs of a multi-input model in a list "
        "or dict: ([x1, x2], y)."
    )


@functools.cache
def _one_positional(function: Any) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters[1:] if p.kind in _POSITIONAL]  # [1:]: self
    return len(positional) == 1


def takes_data(method: Any) -> bool:
    """Whether a step method (bound or plain) has Keras 3's ``(self, data)`` signature."""
    return _one_positional(getattr(method, "__func__", method))


def call_step(method: Any, x: Any, y: Any, sample_weight: Any) -> Any:
    """Call a train/test step in the form its signature asks for."""
    if takes_data(method):
        return method(pack_x_y_sample_weight(x, y, sample_weight))
    return method(x, y, sample_weight)
