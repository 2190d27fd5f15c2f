"""What the training doctor reports: ``Finding`` (one problem, its numbers, its remedies).

The remedies are those the project's reference documents give for each training problem
(their "Common Problems and Solutions" table, the answers on vanishing gradients, weight
initialization, overfitting and class imbalance, and the activation-function notes), each
written with the glassnet call that applies it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

__all__ = ["PROBLEMS", "Diagnosis", "Finding"]

# name -> (title, remedies). The order is the order of the report.
PROBLEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "exploding_gradients": (
        "Exploding gradients",
        (
            "clip the gradients: optimizers.Adam(clipnorm=1.0) (or clipvalue=0.5)",
            "initialize properly: kernel_initializer='he_normal' for ReLU, 'glorot_uniform' "
            "for sigmoid/tanh",
            "lower the learning rate",
        ),
    ),
    "vanishing_gradients": (
        "Vanishing gradients",
        (
            "use ReLU (or Leaky ReLU) in the hidden layers: its gradient is 1 for positive "
            "inputs, sigmoid's is at most 0.25",
            "initialize properly: He for ReLU, Xavier/Glorot for sigmoid/tanh",
            "add BatchNormalization between layers",
            "add residual (skip) connections, or use fewer layers",
            "for sequences, use LSTM or GRU instead of SimpleRNN",
        ),
    ),
    "dead_relu": (
        "Dead ReLU units",
        (
            "use LeakyReLU, ELU or PReLU: they keep a small gradient for negative inputs",
            "lower the learning rate: one large update can push a unit's bias so far "
            "negative that it never fires again",
            "initialize with He initialization (kernel_initializer='he_normal')",
        ),
    ),
    "saturated_units": (
        "Saturated sigmoid/tanh units",
        (
            "use ReLU (or Leaky ReLU) in the hidden layers",
            "initialize with Xavier/Glorot (kernel_initializer='glorot_uniform')",
            "add BatchNormalization before the activation",
            "standardize the inputs (mean 0, standard deviation 1)",
        ),
    ),
    "learning_rate_too_high": (
        "Learning rate too high",
        (
            "lower the learning rate (typical values: 0.001 to 0.1; Adam's default is 0.001)",
            "use a schedule that lowers it: callbacks.ReduceLROnPlateau or a decay schedule",
            "clip the gradients: optimizers.Adam(clipnorm=1.0)",
        ),
    ),
    "learning_rate_too_low": (
        "Learning rate too low",
        (
            "raise the learning rate (typical values: 0.001 to 0.1)",
            "use an adaptive optimizer: optimizers.Adam()",
            "use a learning-rate schedule, or add BatchNormalization to allow larger steps",
        ),
    ),
    "overfitting": (
        "Overfitting",
        (
            "stop early: callbacks.EarlyStopping(monitor='val_loss', restore_best_weights=True)",
            "add Dropout layers (e.g. layers.Dropout(0.3))",
            "add L1/L2 regularization: kernel_regularizer=regularizers.l2(0.01)",
            "use a smaller model (fewer layers or units)",
            "get more data, or augment it",
        ),
    ),
    "underfitting": (
        "Underfitting",
        (
            "use a bigger model (more layers or units)",
            "train longer (more epochs)",
            "reduce the regularization (smaller L1/L2 factors, less dropout)",
            "check that the inputs carry information about the target",
        ),
    ),
    "unscaled_inputs": (
        "Unscaled inputs",
        (
            "standardize each feature: sklearn.preprocessing.StandardScaler, fitted on the "
            "training rows only, then applied to every split",
            "or scale into [0, 1]: MinMaxScaler, or layers.Rescaling(1/255) for images",
        ),
    ),
    "class_imbalance": (
        "Class imbalance",
        (
            "weight the classes: fit(..., class_weight=...) with weights from "
            "sklearn.utils.class_weight.compute_class_weight('balanced', ...)",
            "resample: oversample the rare classes or undersample the common ones",
            "use a loss that focuses on them: losses.BinaryFocalCrossentropy or a weighted "
            "cross-entropy",
            "judge the model by per-class precision and recall, not accuracy alone",
        ),
    ),
}


@dataclasses.dataclass
class Finding:
    """One training problem the doctor found.

    Attributes:
        name: a stable key from ``PROBLEMS`` (``'dead_relu'``, ``'overfitting'``, ...).
        title: a short human title.
        message: what was seen, with the numbers, in a sentence or two.
        evidence: the numbers behind it, by name (e.g. ``{'dense/dead_fraction': 0.94}``).
        remedies: what the reference documents advise, as glassnet calls where possible.
    """

    name: str
    message: str
    evidence: dict[str, float]
    title: str = ""
    remedies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.name not in PROBLEMS:
            raise ValueError(f"Finding: expected a name in {sorted(PROBLEMS)}, got {self.name!r}.")
        title, remedies = PROBLEMS[self.name]
        self.title = self.title or title
        self.remedies = self.remedies or remedies

    def __str__(self) -> str:
        lines = [f"{self.title}: {self.message}"]
        lines += [
            "    evidence: " + ", ".join(f"{k}={_number(v)}" for k, v in self.evidence.items())
        ]
        lines += ["    try:"] + [f"      - {r}" for r in self.remedies]
        return "\n".join(lines)


class Diagnosis:
    """The doctor's report: a list of ``Finding``s (empty when nothing looks wrong).

    Iterate over it, ask ``'dead_relu' in diagnosis``, read ``diagnosis.names``, or print it.
    """

    def __init__(self, findings: list[Finding], notes: list[str] | None = None) -> None:
        order = list(PROBLEMS)
        self.findings = sorted(findings, key=lambda f: order.index(f.name))
        self.notes = list(notes or [])

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.findings

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.findings]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, name: Any) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> Finding:
        for finding in self.findings:
            if finding.name == name:
                return finding
        raise KeyError(f"Diagnosis: no finding named {name!r}. Found: {self.names}.")

    def __str__(self) -> str:
        if self.ok:
            head = ["Training doctor: no problems found."]
        else:
            count = f"{len(self)} finding{'s' if len(self) > 1 else ''}"
            head = [f"Training doctor: {count}."]
            head += [f"  {i}. " + str(f).replace("\n", "\n  ") for i, f in enumerate(self, 1)]
        return "\n".join(head + [f"  (note: {n})" for n in self.notes])

    def __repr__(self) -> str:
        return f"<Diagnosis {self.names}>"


def _number(value: float) -> str:
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) < 1e6
    ):
        return str(int(value))
    return f"{value:.3g}"
