"""An optimizer's saved state: per-parameter slots and scalars under deterministic names.

Names are ``"iterations"``, ``"learning_rate"`` (a float learning rate only),
``"<prefix>/<slot>/<index>"`` (e.g. ``"adam/m/0"``) and ``"<prefix>/<scalar>"`` (e.g.
``"nadam/u_product"``); ``index`` is the parameter's position in the order the optimizer first
saw it. ``Optimizer`` inherits this mixin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.tensor import Tensor

__all__ = ["SlotState"]


class SlotState:
    """Slots created on first use, ``get_state()`` and ``set_state()``.

    The class using it provides ``iterations``, ``_params`` (list of Tensors),
    ``_learning_rate`` and a ``learning_rate`` property, and calls ``_init_state()``.
    """

    #: Prefix of the state names, e.g. "adam" in "adam/m/0".
    _state_prefix: ClassVar[str] = "optimizer"
    #: Per-parameter slots this optimizer may create, in the order ``get_state`` lists them.
    _slot_names: ClassVar[tuple[str, ...]] = ()
    #: Optimizer-wide scalar state (Nadam's ``u_product``) and its starting value.
    _scalar_defaults: ClassVar[dict[str, float]] = {}

    iterations: int
    _params: list[Tensor]
    _learning_rate: Any

    def _init_state(self) -> None:
        self._slots: dict[str, np.ndarray] = {}
        self._scalars: dict[str, float] = dict(self._scalar_defaults)

    def _slot(self, name: str, index: int, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """The slot ``name`` of parameter ``index``, created as ``full_like(like, fill)``."""
        key = f"{self._state_prefix}/{name}/{index}"
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = np.full_like(like, fill)
        elif slot.shape != like.shape:
            raise StateError(
                f"{type(self).__name__}: state {key!r} has shape {slot.shape} but parameter "
                f"{index} has shape {like.shape}. The state was loaded for other parameters."
            )
        elif slot.dtype != like.dtype:
            slot = self._slots[key] = slot.astype(like.dtype)
        return slot

    def get_state(self) -> dict[str, np.ndarray]:
        """Every number needed to resume training exactly, as named arrays (copies).

        Names: ``"iterations"``, ``"learning_rate"`` (when it is a float, since callbacks
        change it), ``"<prefix>/<slot>/<index>"`` for each slot created so far, and
        ``"<prefix>/<scalar>"`` for optimizer-wide scalars. The order is deterministic.

        Example:
            >>> w = glassnet.tensor([1.0, 2.0], requires_grad=True)
            >>> opt = glassnet.optimizers.Adam(params=[w])
            >>> opt.apply_gradients([(np.array([0.5, 0.5], "float32"), w)])
            1
            >>> list(opt.get_state())
            ['iterations', 'learning_rate', 'adam/m/0', 'adam/v/0']
        """
        state = {"iterations": np.array(self.iterations, dtype=np.int64)}
        if not callable(self._learning_rate):
            state["learning_rate"] = np.array(self._learning_rate, dtype=np.float64)
        for key in sorted(self._slots, key=self._slot_order):
            state[key] = self._slots[key].copy()
        for name, value in self._scalars.items():
            state[f"{self._state_prefix}/{name}"] = np.array(value, dtype=np.float64)
        return state

    def _slot_order(self, key: str) -> tuple[int, int]:
        _, slot, index = key.split("/")
        return int(index), self._slot_names.index(slot)

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore what ``get_state`` returned; the next step then continues bit for bit.

        Everything is checked before anything changes, so a bad state leaves the optimizer as
        it was. Slots of parameters not registered yet are kept and checked on first use.

        Raises:
            ConfigError: for a missing "iterations" or an entry this optimizer does not know.
            ShapeError: if a slot's shape differs from its registered parameter's.
            TypeError: for a "learning_rate" entry when the learning rate is a schedule.
        """
        if "iterations" not in state:
            raise ConfigError(
                f"{type(self).__name__}.set_state: expected an 'iterations' entry, got keys "
                f"{sorted(state)}. Pass the dict that get_state() returned."
            )
        slots: dict[str, np.ndarray] = {}
        scalars = dict(self._scalar_defaults)
        for key, value in state.items():
            if key in ("iterations", "learning_rate"):
                continue
            parts = key.split("/")
            if len(parts) == 2 and parts[0] == self._state_prefix and parts[1] in scalars:
                scalars[parts[1]] = float(np.asarray(value))
            elif self._is_slot_key(parts):
                slots[key] = self._loaded_slot(key, int(parts[2]), value)
            else:
                raise ConfigError(self._unknown_entry(key))
        if "learning_rate" in state:
            self.learning_rate = float(np.asarray(state["learning_rate"]))
        self.iterations = int(np.asarray(state["iterations"]))
        self._slots = slots
        self._scalars = scalars

    def _is_slot_key(self, parts: list[str]) -> bool:
        return (
            len(parts) == 3
            and parts[0] == self._state_prefix
            and parts[1] in self._slot_names
            and parts[2].isdigit()
        )

    def _unknown_entry(self, key: str) -> str:
        prefix = self._state_prefix
        scalars = [f"{prefix}/{name}" for name in self._scalar_defaults]
        return (
            f"{type(self).__name__}.set_state: unknown entry {key!r}. Expected 'iterations', "
            f"'learning_rate', '{prefix}/<slot>/<index>' with <slot> one of "
            f"{list(self._slot_names)}" + (f", or one of {scalars}" if scalars else "") + ". "
            "Was the state saved by another optimizer?"
        )

    def _loaded_slot(self, key: str, index: int, value: Any) -> np.ndarray:
        array = np.array(value, copy=True)
        if index < len(self._params):
            param = self._params[index]
            if array.shape != param.shape:
                raise ShapeError(
                    f"{type(self).__name__}.set_state: entry {key!r} has shape {array.shape} "
                    f"but parameter {index} has shape {param.shape}. The state belongs to "
                    "other parameters (or they were attached in another order)."
                )
            array = array.astype(param.dtype, copy=False)
        return array
