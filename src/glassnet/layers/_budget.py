"""A cap on the weight values layers may create inside a block (used when loading files).

``glassnet.io.load_model`` rebuilds a model from a file's config inside
``weight_budget(n)``, where ``n`` is the number of values the file's weights hold. A config
that declares a larger layer (``Dense(units=2**36)``) then fails in ``add_weight`` before the
array is allocated, instead of exhausting memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator, Sequence
from typing import Any

from glassnet.errors import ConfigError

__all__ = ["spend_weight_budget", "weight_budget"]

_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "glassnet_weight_budget", default=None
)


@contextlib.contextmanager
def weight_budget(elements: int) -> Iterator[None]:
    """Within the block, layers may create at most ``elements`` weight values in all."""
    token = _BUDGET.set([int(elements)])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def spend_weight_budget(layer: Any, name: str, shape: Sequence[int]) -> None:
    """Called by ``add_weight`` before allocating; a no-op outside ``weight_budget``.

    Raises:
        ConfigError: if the weight needs more values than remain in the budget.
    """
    budget = _BUDGET.get()
    if budget is None:
        return
    size = math.prod(int(d) for d in shape)
    if size > budget[0]:
        raise ConfigError(
            f"{type(layer).__name__} '{layer.name}': weight '{name}' of shape {tuple(shape)} "
            f"needs {size} values, but only {budget[0]} remain in the weight budget (what the "
            "weights file holds). The config does not match its weights."
        )
    budget[0] -= size
