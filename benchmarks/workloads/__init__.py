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
    "moons_fit": "benchmarks.workloads.moons_fit",
    "mnist_mlp": "benchmarks.workloads.mnist_mlp",
    "mnist_mlp_predict": "benchmarks.workloads.mnist_mlp_predict",
    "lenet": "benchmarks.workloads.lenet",
    "cifar_cnn": "benchmarks.workloads.cifar_cnn",
    "lstm": "benchmarks.workloads.lstm",
}


@dataclass(frozen=True)
class TrainResult:
    """What one implementation learned, so readers can see all of them learned the same thing.

    Args:
        first_loss: training loss of the first epoch (its mean over the epoch's batches, as
            Keras's ``History`` reports it; with one batch per epoch, the loss before any update).
        final_loss: training loss of the last epoch, likewise.
        test_accuracy: accuracy on the held-out samples after training.
        weights: final parameters as float32 arrays, in a fixed order shared by all halves
            (an inference workload puts its outputs here); empty when the halves cannot end
            with the same weights (each library shuffles mini-batches with its own generator).
        seconds: the time of the part the workload times (``fit`` alone, say, without building
            the model or evaluating it), measured by the runner itself with
            ``time.perf_counter``; None to time the whole call.
    """

    first_loss: float
    final_loss: float
    test_accuracy: float
    weights: list[np.ndarray]
    seconds: float | None = None


@dataclass(frozen=True)
class Workload:
    """One benchmark: shared data plus one training function per library.

    Args:
        name: registry key.
        peer: the implementation the headline ``ratio`` compares glassnet with.
        default_epochs: epochs (or iterations, or inference passes) of a full run.
        make_problem: ``make_problem(samples=None)`` builds the shared data and initial
            weights (untimed); ``samples`` asks for a smaller training set for quick runs.
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
