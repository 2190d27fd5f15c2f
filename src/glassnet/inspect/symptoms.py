"""The doctor's checks: each looks at the numbers of a training run and returns a finding or None.

Every check is a plain function of an ``Evidence`` record, so each rule and its threshold can be
read (and tested) on its own. The thresholds are deliberately conservative: a finding should
mean a real problem, and a well-trained model should get none.

| check                    | fires when                                                         |
|--------------------------|--------------------------------------------------------------------|
| exploding_gradients      | a gradient is NaN/inf, the total gradient norm exceeds 1e3, or the |
|                          | first weighted layer's gradient norm is > 1e3 x the last one's     |
| vanishing_gradients      | the first weighted layer's gradient norm is < 1e-3 x the last one's|
|                          | (not when a whole ReLU layer is dead: that is dead_relu)           |
| dead_relu                | >= 50% of a ReLU layer's units never fired during the epoch/data   |
| saturated_units          | >= 50% of a hidden sigmoid/tanh layer's outputs sit where its slope|
|                          | is below 1% of its maximum                                         |
| learning_rate_too_high   | the loss became NaN/inf, rose above 10x the loss of a constant     |
|                          | prediction, or ended > 10% above where it started                  |
| learning_rate_too_low    | over >= 5 epochs the loss fell in >= 80% of them but by < 10% in   |
|                          | all, and the model is not already near its best                    |
| overfitting              | validation loss ended > 20% above its minimum while training loss |
|                          | kept falling, with a clear gap between the two                     |
| underfitting             | the model's loss is above half that of a constant prediction and  |
|                          | no longer falling (only when no more specific cause was found)     |
| unscaled_inputs          | a feature's root-mean-square value exceeds 5 (or all are < 0.01)   |
| class_imbalance          | the most common class is more than 3x as frequent as the rarest    |
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from glassnet.inspect.findings import Finding

__all__ = ["CHECKS", "Evidence"]


@dataclasses.dataclass
class Evidence:
    """Everything the checks look at; any part may be missing (None) and its checks are skipped.

    Attributes:
        layers: per-layer statistics in ``layer_statistics`` layout (single values), in order.
        output_layers: names of the layers that produce the model's outputs.
        losses, val_losses: training and validation loss per epoch (from ``History``).
        baseline: the loss of the best constant prediction (class frequencies, or the mean).
        loss_now, val_loss_now: the model's loss now on the training / validation data.
        feature_mean, feature_std: per-feature statistics of the (first) input.
        class_counts: samples per class label, for classification.
        learning_rate: the optimizer's learning rate, quoted in findings.
    """

    layers: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    output_layers: set[str] = dataclasses.field(default_factory=set)
    losses: list[float] | None = None
    val_losses: list[float] | None = None
    baseline: float | None = None
    loss_now: float | None = None
    val_loss_now: float | None = None
    feature_mean: np.ndarray | None = None
    feature_std: np.ndarray | None = None
    class_counts: dict[Any, int] | None = None
    learning_rate: float | None = None


def _gradient_norms(ev: Evidence) -> list[tuple[str, float]]:
    return [
        (n, s["gradient_norm"]) for n, s in ev.layers.items() if s.get("gradient_norm") is not None
    ]


def exploding_gradients(ev: Evidence) -> Finding | None:
    norms = _gradient_norms(ev)
    if not norms:
        return None
    bad = [n for n, g in norms if not math.isfinite(g)]
    if bad:
        return Finding("exploding_gradients", f"the gradients of {_names(bad)} are NaN or "
                       "infinite: the numbers overflowed.",
                       {f"{n}/gradient_norm": float("nan") for n in bad[:4]})  # fmt: skip
    total = math.sqrt(sum(g * g for _, g in norms))
    (first, g0), (last, g1) = norms[0], norms[-1]
    growth = g0 / g1 if g1 > 0 else 0.0
    if total <= 1e3 and (len(norms) < 3 or growth <= 1e3):
        return None
    evidence = {"total_gradient_norm": total, f"{first}/gradient_norm": g0,
                f"{last}/gradient_norm": g1}  # fmt: skip
    if total > 1e3:
        message = (
            f"the gradient norm over all weights is {total:.3g} (healthy runs: about 0.01 to 10)."
        )
    else:
        message = (f"the gradient grows {growth:.3g} times from the last layer '{last}' back to "
                   f"the first '{first}'.")  # fmt: skip
    return Finding("exploding_gradients", message, evidence)


def vanishing_gradients(ev: Evidence) -> Finding | None:
    norms = _gradient_norms(ev)
    if len(norms) < 3:
        return None
    (first, g0), (last, g1) = norms[0], norms[-1]
    if not (math.isfinite(g0) and math.isfinite(g1)) or g1 <= 0 or g0 / g1 >= 1e-3:
        return None
    if any(s.get("dead_fraction") == 1.0 for s in ev.layers.values()):
        return None  # why: a wholly dead ReLU layer blocks the gradient; dead_relu says so
    return Finding(
        "vanishing_gradients",
        f"the gradient reaching the first layer '{first}' is {g0 / g1:.2g} times the one at the "
        f"last layer '{last}' ({len(norms)} layers with weights): the early layers barely learn.",
        {f"{first}/gradient_norm": g0, f"{last}/gradient_norm": g1, "ratio": g0 / g1},
    )


def dead_relu(ev: Evidence) -> Finding | None:
    dead = {n: s["dead_fraction"] for n, s in ev.layers.items()
            if s.get("dead_fraction") is not None and s["dead_fraction"] >= 0.5}  # fmt: skip
    if not dead:
        return None
    parts = ", ".join(f"{100 * f:.0f}% of '{n}'" for n, f in dead.items())
    return Finding("dead_relu", f"{parts} ReLU units output 0 for every sample: they pass no "
                   "gradient and have stopped learning.",
                   {f"{n}/dead_fraction": f for n, f in dead.items()})  # fmt: skip


def saturated_units(ev: Evidence) -> Finding | None:
    hot = {n: s["saturated_fraction"] for n, s in ev.layers.items()
           if n not in ev.output_layers and s.get("saturated_fraction") is not None
           and s["saturated_fraction"] >= 0.5}  # fmt: skip
    if not hot:
        return None
    parts = ", ".join(f"{100 * f:.0f}% of the outputs of '{n}' ({ev.layers[n]['activation']})"
                      for n, f in hot.items())  # fmt: skip
    return Finding("saturated_units", f"{parts} sit on the flat ends of the activation, where "
                   "its slope is below 1% of its maximum: almost no gradient gets through.",
                   {f"{n}/saturated_fraction": f for n, f in hot.items()})  # fmt: skip


def learning_rate_too_high(ev: Evidence) -> Finding | None:
    losses = ev.losses or []
    lr = {} if ev.learning_rate is None else {"learning_rate": ev.learning_rate}
    bad = [i for i, v in enumerate(losses) if not math.isfinite(v)]
    if bad:
        return Finding("learning_rate_too_high", f"the training loss became NaN or infinite at "
                       f"epoch {bad[0] + 1}.", {"first_bad_epoch": bad[0] + 1, **lr})  # fmt: skip
    if not losses:
        return None
    peak = max(losses)
    if ev.baseline and peak > 10 * ev.baseline:
        return Finding(
            "learning_rate_too_high",
            f"the training loss reached {peak:.3g} (epoch {losses.index(peak) + 1}), over 10 "
            f"times the {ev.baseline:.3g} of a constant prediction: the steps overshoot.",
            {"peak_loss": peak, "constant_prediction_loss": ev.baseline, **lr},
        )
    if len(losses) >= 3 and losses[-1] > 1.1 * losses[0]:
        return Finding(
            "learning_rate_too_high",
            f"the training loss rose from {losses[0]:.4g} to {losses[-1]:.4g} over "
            f"{len(losses)} epochs: training diverges.",
            {"first_loss": losses[0], "last_loss": losses[-1], **lr},
        )
    return None


def learning_rate_too_low(ev: Evidence) -> Finding | None:
    losses = ev.losses or []
    if len(losses) < 5 or not all(math.isfinite(v) for v in losses) or losses[0] <= 0:
        return None
    drop = (losses[0] - losses[-1]) / losses[0]
    falling = np.mean(np.diff(losses) < 0)
    near_best = ev.baseline and ev.loss_now is not None and ev.loss_now < 0.1 * ev.baseline
    if drop >= 0.1 or drop <= 0 or falling < 0.8 or near_best:
        return None
    lr = {} if ev.learning_rate is None else {"learning_rate": ev.learning_rate}
    return Finding(
        "learning_rate_too_low",
        f"the training loss fell steadily (in {100 * falling:.0f}% of the epochs) but only "
        f"{100 * drop:.1f}% in {len(losses)} epochs, from {losses[0]:.4g} to {losses[-1]:.4g}.",
        {"first_loss": losses[0], "last_loss": losses[-1], "relative_drop": drop, **lr},
    )


def overfitting(ev: Evidence) -> Finding | None:
    margin = 0.1 * ev.baseline if ev.baseline else 0.05
    train, val = ev.losses or [], ev.val_losses or []
    if len(val) >= 5 and len(train) == len(val) and all(math.isfinite(v) for v in val + train):
        best = int(np.argmin(val))
        k = max(1, len(val) // 5)
        val_end, train_end = float(np.mean(val[-k:])), float(np.mean(train[-k:]))
        rising = val_end > 1.2 * val[best] and train[-1] < train[best]
        if rising and val_end - train_end > margin and val_end > 1.5 * train_end:
            return Finding(
                "overfitting",
                f"the validation loss was lowest ({val[best]:.4g}) at epoch {best + 1}, then "
                f"rose to {val_end:.4g} while the training loss fell to {train_end:.4g}.",
                {"best_epoch": best + 1, "best_val_loss": val[best], "val_loss": val_end,
                 "train_loss": train_end},
            )  # fmt: skip
        return None
    now, val_now = ev.loss_now, ev.val_loss_now
    if now is None or val_now is None or val_now - now <= margin or val_now <= 2 * now:
        return None
    return Finding("overfitting", f"the validation loss ({val_now:.4g}) is over twice the "
                   f"training loss ({now:.4g}).", {"train_loss": now, "val_loss": val_now})  # fmt: skip


def underfitting(ev: Evidence) -> Finding | None:
    if not ev.baseline or ev.loss_now is None or not math.isfinite(ev.loss_now):
        return None
    skill = 1.0 - ev.loss_now / ev.baseline
    losses = ev.losses or []
    if skill >= 0.5 or len(losses) == 1:  # why: after one epoch it is too early to tell
        return None
    if len(losses) >= 2:
        q = max(1, len(losses) // 4)
        recent = (losses[-q - 1] - losses[-1]) / max(abs(losses[-q - 1]), 1e-12)
        if recent > 0.02:  # why: still improving: more epochs may fix it, not a finding yet
            return None
    trend = ", and it is no longer falling" if losses else ""
    return Finding(
        "underfitting",
        f"the model's loss ({ev.loss_now:.4g}) is {100 * (1 - skill):.0f}% of the loss of "
        f"always predicting the same thing ({ev.baseline:.4g}){trend}.",
        {"loss": ev.loss_now, "constant_prediction_loss": ev.baseline, "skill": skill},
    )


def unscaled_inputs(ev: Evidence) -> Finding | None:
    if ev.feature_mean is None or ev.feature_std is None or ev.feature_mean.size == 0:
        return None
    rms = np.sqrt(ev.feature_mean**2 + ev.feature_std**2)
    worst = int(np.argmax(rms))
    evidence = {"feature": worst, "mean": float(ev.feature_mean[worst]),
                "std": float(ev.feature_std[worst])}  # fmt: skip
    if rms[worst] > 5:
        count = int((rms > 5).sum())
        return Finding(
            "unscaled_inputs",
            f"{count} of {rms.size} input features are far from unit scale; feature {worst} "
            f"has mean {evidence['mean']:.4g} and standard deviation {evidence['std']:.4g} "
            "(standardized features have 0 and 1).",
            {**evidence, "features_off_scale": count},
        )
    if rms[worst] < 0.01 and ev.feature_std.max() > 0:
        return Finding("unscaled_inputs", f"every input feature is tiny (the largest, feature "
                       f"{worst}, has root-mean-square {rms[worst]:.3g}).", evidence)  # fmt: skip
    return None


def class_imbalance(ev: Evidence) -> Finding | None:
    counts = {k: v for k, v in (ev.class_counts or {}).items() if v > 0}
    if len(counts) < 2:
        return None
    common = max(counts, key=counts.get)
    rare = min(counts, key=counts.get)
    ratio = counts[common] / counts[rare]
    if ratio <= 3:
        return None
    total = sum(counts.values())
    return Finding(
        "class_imbalance",
        f"class {common} has {counts[common]} samples and class {rare} only {counts[rare]} "
        f"({ratio:.1f} to 1); always answering {common} is already "
        f"{100 * counts[common] / total:.0f}% accurate.",
        {f"count[{common}]": counts[common], f"count[{rare}]": counts[rare], "ratio": ratio},
    )


def _names(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:4])
    return shown + (f" and {len(names) - 4} more" if len(names) > 4 else "")


# why: underfitting comes last: it only speaks when none of the specific causes above did.
CHECKS = (
    exploding_gradients, vanishing_gradients, dead_relu, saturated_units, learning_rate_too_high,
    learning_rate_too_low, overfitting, unscaled_inputs, class_imbalance,
)  # fmt: skip
CAUSES_OF_UNDERFITTING = {
    "exploding_gradients", "vanishing_gradients", "dead_relu", "saturated_units",
    "learning_rate_too_high", "learning_rate_too_low",
}  # fmt: skip


def run_checks(ev: Evidence) -> list[Finding]:
    """Every check on ``ev``; underfitting only if no more specific cause was found."""
    findings = [f for check in CHECKS if (f := check(ev)) is not None]
    if not CAUSES_OF_UNDERFITTING & {f.name for f in findings}:
        found = underfitting(ev)
        if found is not None:
            findings.append(found)
    return findings
