"""The workload registry: one module per workload, one line per module here.

To add a workload, write ``benchmarks/workloads/<name>.py`` defining ``WORKLOAD = Workload(...)``
and add ``"<name>": "benchmarks.workloads.<name>"`` to ``REGISTRY``. Modules are imported only
when their workload runs, so a workload's peer library is needed only by that workload.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

REGISTRY: dict[str, str] = {
    "moons_autograd": "benchmarks.workloads.moons_autograd",
}


@dataclass(frozen=True)
class TrainResult:
    """What one implementation learned, so readers can see all of them learned the same thing.

    Args:
        first_loss: training loss at the first epoch (before any update).
        final_loss: training loss at the last epoch.
        test_accuracy: accuracy on the held-out samples after training.
        weights: final parameters as float32 arrays, in a fixed order shared by all halves.
    """

    first_loss: float
    final_loss: float
    test_accuracy: float
    weights: list[np.ndarray]


@dataclass(frozen=True)
class Workload:
    """One benchmark: shared data plus one training function per library.

    Args:
        name: registry key.
        peer: the implementation the headline ``ratio`` compares glassnet with.
        default_epochs: epochs (or iterations) of a full run.
        make_problem: builds the shared data and initial weights (untimed).
        runners: ``impl -> fn(problem, epochs) -> TrainResult``, glassnet first.
    """

    name: str
    peer: str
    default_epochs: int
    make_problem: Callable[[], Any]
    runners: Mapping[str, Callable[[Any, int], TrainResult]]


def get_workload(name: str) -> Workload:
    """Import and return the workload registered as ``name``.

    Raises:
        KeyError: for an unregistered name (the message lists the known ones).
    """
    if name not in REGISTRY:
        raise KeyError(f"Unknown workload {name!r}. Known: {', '.join(REGISTRY)}.")
    return importlib.import_module(REGISTRY[name]).WORKLOAD
