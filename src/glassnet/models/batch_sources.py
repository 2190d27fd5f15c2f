"""Where ``fit``/``evaluate``/``predict`` get their batches: arrays, a PyDataset, a generator.

Each source yields ``(x, y, sample_weight)`` batches for one epoch (``y`` is ``None`` for
prediction) and knows how many steps an epoch has when it can:

- ``ArraySource``: arrays (or lists/dicts of arrays), cut into batches, shuffled each epoch.
- ``DatasetSource``: a ``glassnet.data.PyDataset`` (or anything with ``__len__`` and
  ``__getitem__``) whose items are ready batches; ``on_epoch_end`` runs after each epoch.
- ``GeneratorSource``: a Python generator or iterator of batches; an epoch is
  ``steps_per_epoch`` batches, or runs until the generator is exhausted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.models import data_adapter as da
from glassnet.tensor import Tensor

__all__ = ["ArraySource", "DatasetSource", "GeneratorSource", "is_batch_source", "make_source"]

Batch = tuple[Any, Any, Any]


def is_dataset(data: Any) -> bool:
    if isinstance(data, (np.ndarray, Tensor, list, tuple, dict, str, bytes)):
        return False
    if hasattr(data, "to_numpy"):
        return False
    return hasattr(data, "__len__") and hasattr(data, "__getitem__")


def is_generator(data: Any) -> bool:
    return hasattr(data, "__next__") and hasattr(data, "__iter__")


def is_batch_source(data: Any) -> bool:
    """Whether ``data`` delivers its own batches (a PyDataset or a generator)."""
    return is_dataset(data) or is_generator(data)


class ArraySource:
    """Batches cut from arrays already converted by ``data_adapter``."""

    def __init__(self, x: Any, y: Any, sample_weight: Any, batch_size: int,
                 shuffle: bool, steps: int | None = None) -> None:  # fmt: skip
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.size = len(da.leaves(x)[0][1])
        self.batch_size = batch_size
        self.shuffle = shuffle
        full = -(-self.size // batch_size)
        self.steps = full if steps is None else min(steps, full)

    def epoch(self, rng: np.random.Generator | None = None) -> Iterator[Batch]:
        for step, idx in enumerate(da.batches(self.size, self.batch_size, self.shuffle, rng)):
            if step >= self.steps:
                return
            yield da.take(self.x, idx), da.take(self.y, idx), da.take(self.sample_weight, idx)

    def end_epoch(self) -> None:
        pass


def _unpack(who: str, item: Any, arities: tuple[int | None, int | None], with_y: bool) -> Batch:
    if not with_y and not isinstance(item, tuple):
        item = (item,)  # why: for predict a batch may be x alone
    if not isinstance(item, tuple) or not 1 <= len(item) <= 3:
        raise ConfigError(
            f"{who}: expected each batch as a tuple (x, y) or (x, y, sample_weight), got "
            f"{type(item).__name__}{'' if not isinstance(item, tuple) else f' of {len(item)}'}."
            " Return a tuple from __getitem__ / yield one from the generator."
        )
    x = da.to_structure(who, "x", item[0], arities[0])
    y = da.to_structure(who, "y", item[1], arities[1]) if len(item) > 1 else None
    sw = da.to_array(who, "sample_weight", item[2]) if len(item) > 2 else None
    if with_y and y is None:
        raise ConfigError(f"{who}: expected batches with targets (x, y), got batches of x only.")
    da.count_samples(who, x=x, y=y, sample_weight=sw)
    return x, y, sw


class DatasetSource:
    """Batches from a ``PyDataset``-like object: ``data[i]`` for ``i < steps``."""

    def __init__(
        self, who: str, data: Any, steps: int | None, arities: tuple, with_y: bool
    ) -> None:
        self.who, self.data, self.arities, self.with_y = who, data, arities, with_y
        length = len(data)
        if length == 0:
            raise ConfigError(f"{who}: the dataset {type(data).__name__} has no batches (len 0).")
        self.steps = length if steps is None else min(steps, length)

    def epoch(self, rng: np.random.Generator | None = None) -> Iterator[Batch]:
        for i in range(self.steps):
            yield _unpack(self.who, self.data[i], self.arities, self.with_y)

    def end_epoch(self) -> None:
        on_epoch_end = getattr(self.data, "on_epoch_end", None)
        if callable(on_epoch_end):
            on_epoch_end()


class GeneratorSource:
    """Batches from a generator: ``steps`` of them per epoch, or until it is exhausted."""

    def __init__(
        self, who: str, data: Any, steps: int | None, arities: tuple, with_y: bool
    ) -> None:
        self.who, self.data, self.arities, self.with_y = who, data, arities, with_y
        self.steps = steps
        self.exhausted = False

    def epoch(self, rng: np.random.Generator | None = None) -> Iterator[Batch]:
        step = 0
        while self.steps is None or step < self.steps:
            try:
                item = next(self.data)
            except StopIteration:
                self.exhausted = True
                return
            step += 1
            yield _unpack(self.who, item, self.arities, self.with_y)

    def end_epoch(self) -> None:
        pass


def make_source(who: str, model: Any, x: Any, y: Any, sample_weight: Any, *, batch_size: int,
                shuffle: bool, steps: Any = None, steps_name: str = "steps",
                with_y: bool = True) -> Any:  # fmt: skip
    """The right source for what the user passed, with every argument checked."""
    steps = None if steps is None else da.check_count(who, steps_name, steps)
    arities = model._data_arities()
    # why: a model with its own train_step may train without targets (a GAN, a VAE: fit(x)).
    with_y = with_y and not getattr(model, "_targets_optional", False)
    if is_batch_source(x):
        if y is not None or sample_weight is not None:
            raise ConfigError(
                f"{who}: x is a {type(x).__name__} that yields (x, y) batches, so y and "
                "sample_weight must be None (got a value). Put them in the batches."
            )
        if is_dataset(x):
            return DatasetSource(who, x, steps, arities, with_y)
        return GeneratorSource(who, x, steps, arities, with_y)
    if x is None or (with_y and y is None):
        missing = "x" if x is None else "y"
        raise ConfigError(f"{who}: expected both x and y, got {missing}=None.")
    x = da.to_structure(who, "x", x, arities[0])
    y = None if y is None else da.to_structure(who, "y", y, arities[1])
    sw = None if sample_weight is None else da.to_array(who, "sample_weight", sample_weight)
    da.count_samples(who, x=x, y=y, sample_weight=sw)
    return ArraySource(x, y, sw, batch_size, shuffle, steps)
