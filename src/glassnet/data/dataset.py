"""``PyDataset``: a source of ready batches that ``fit``, ``evaluate`` and ``predict`` accept.

Keras 3's ``keras.utils.PyDataset`` (``Sequence`` in Keras 2): a subclass defines
``__len__`` (batches per epoch) and ``__getitem__(index)`` returning ``(x, y)`` or
``(x, y, sample_weight)`` for one batch; ``on_epoch_end`` runs after every epoch (reshuffle
there). Any object with ``__len__`` and ``__getitem__`` that behaves this way works too.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PyDataset", "Sequence"]


class PyDataset:
    """Base class of batch sources: override ``__len__`` and ``__getitem__``.

    Example:
        >>> import numpy as np
        >>> class Halves(PyDataset):
        ...     def __init__(self, x, y):
        ...         super().__init__()
        ...         self.x, self.y = x, y
        ...     def __len__(self):
        ...         return 2
        ...     def __getitem__(self, i):
        ...         half = len(self.x) // 2
        ...         return self.x[i * half:(i + 1) * half], self.y[i * half:(i + 1) * half]
        >>> data = Halves(np.zeros((4, 3)), np.zeros(4))
        >>> len(data), data[1][0].shape
        (2, (2, 3))
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10) -> None:  # fmt: skip
        # why: Keras's signature; glassnet reads batches in the calling thread.
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__().")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__().")

    def on_epoch_end(self) -> None:
        """Called after every epoch; override to reshuffle."""

    @property
    def num_batches(self) -> int:
        return len(self)


Sequence = PyDataset
