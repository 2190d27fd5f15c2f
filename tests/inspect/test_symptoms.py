"""Each doctor check on hand-made evidence: it fires past its threshold and stays quiet before."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.inspect import symptoms
from glassnet.inspect.findings import PROBLEMS, Diagnosis, Finding
from glassnet.inspect.symptoms import Evidence, run_checks


def _layers(norms, dead=None, saturated=None, activation="relu"):
    return {
        f"l{i}": {"gradient_norm": g, "activation": activation,
                  "dead_fraction": None if dead is None else dead[i],
                  "saturated_fraction": None if saturated is None else saturated[i]}
        for i, g in enumerate(norms)
    }  # fmt: skip


def test_exploding_gradients_thresholds():
    assert symptoms.exploding_gradients(Evidence(layers=_layers([1.0, 2.0, 3.0]))) is None
    big = symptoms.exploding_gradients(Evidence(layers=_layers([1e3, 1.0, 1.0])))
    assert big is not None and big.evidence["total_gradient_norm"] > 1e3
    growing = symptoms.exploding_gradients(Evidence(layers=_layers([500.0, 1.0, 0.1])))
    assert growing is not None and "grows" in growing.message
    nan = symptoms.exploding_gradients(Evidence(layers=_layers([math.nan, 1.0])))
    assert nan is not None and "NaN" in nan.message


def test_vanishing_gradients_thresholds():
    assert symptoms.vanishing_gradients(Evidence(layers=_layers([2e-3, 0.5, 1.0]))) is None
    found = symptoms.vanishing_gradients(Evidence(layers=_layers([5e-4, 0.5, 1.0])))
    assert found is not None and found.evidence["ratio"] == pytest.approx(5e-4)
    assert symptoms.vanishing_gradients(Evidence(layers=_layers([1e-9, 1.0]))) is None  # 2 layers
    blocked = Evidence(layers=_layers([0.0, 0.5, 1.0], dead=[0.2, 1.0, None]))
    assert symptoms.vanishing_gradients(blocked) is None  # a dead layer: dead_relu's case


def test_dead_relu_and_saturation_thresholds():
    assert symptoms.dead_relu(Evidence(layers=_layers([1, 1], dead=[0.49, 0.1]))) is None
    found = symptoms.dead_relu(Evidence(layers=_layers([1, 1], dead=[0.5, 0.1])))
    assert found is not None and found.evidence == {"l0/dead_fraction": 0.5}
    hot = _layers([1, 1], saturated=[0.6, 0.9], activation="tanh")
    assert symptoms.saturated_units(Evidence(layers=hot, output_layers={"l1"})).evidence == {
        "l0/saturated_fraction": 0.6}  # fmt: skip
    assert symptoms.saturated_units(Evidence(layers=hot, output_layers={"l0", "l1"})) is None


def test_learning_rate_too_high_rules():
    assert symptoms.learning_rate_too_high(Evidence(losses=[0.7, 0.5, 0.4])) is None
    assert symptoms.learning_rate_too_high(Evidence(losses=[0.7, math.nan])) is not None
    blew_up = Evidence(losses=[8.0, 0.5, 0.4], baseline=0.69)
    assert symptoms.learning_rate_too_high(blew_up).evidence["peak_loss"] == 8.0
    assert symptoms.learning_rate_too_high(Evidence(losses=[0.7, 0.75, 0.78])) is not None
    assert symptoms.learning_rate_too_high(Evidence(losses=[0.7, 0.75, 0.76])) is None


def test_learning_rate_too_low_rules():
    slow = [0.70, 0.695, 0.69, 0.685, 0.68]
    assert symptoms.learning_rate_too_low(Evidence(losses=slow, learning_rate=1e-5)) is not None
    assert symptoms.learning_rate_too_low(Evidence(losses=slow[:4])) is None  # too few epochs
    assert symptoms.learning_rate_too_low(Evidence(losses=[0.7, 0.6, 0.5, 0.4, 0.3])) is None
    noisy = [0.70, 0.69, 0.695, 0.685, 0.69, 0.68]
    assert symptoms.learning_rate_too_low(Evidence(losses=noisy)) is None
    converged = Evidence(losses=[0.050, 0.049, 0.048, 0.047, 0.046], baseline=0.69, loss_now=0.046)
    assert symptoms.learning_rate_too_low(converged) is None


def test_overfitting_rules():
    train = [0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002]
    val = [0.6, 0.45, 0.40, 0.42, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9]
    found = symptoms.overfitting(Evidence(losses=train, val_losses=val, baseline=0.69))
    assert found is not None and found.evidence["best_epoch"] == 3
    healthy = [v * 0.2 + 0.3 for v in train]
    assert symptoms.overfitting(Evidence(losses=train, val_losses=healthy)) is None
    gap = Evidence(loss_now=0.05, val_loss_now=0.4, baseline=0.69)
    assert symptoms.overfitting(gap) is not None
    assert symptoms.overfitting(Evidence(loss_now=0.01, val_loss_now=0.05, baseline=0.69)) is None


def test_underfitting_only_without_a_more_specific_cause():
    stuck = Evidence(losses=[0.69, 0.60, 0.55, 0.55, 0.55], baseline=0.69, loss_now=0.55)
    assert [f.name for f in run_checks(stuck)] == ["underfitting"]
    still_falling = Evidence(losses=[0.69, 0.65, 0.6, 0.55, 0.5], baseline=0.69, loss_now=0.5)
    assert symptoms.underfitting(still_falling) is None
    good = Evidence(losses=[0.69, 0.3, 0.2, 0.2], baseline=0.69, loss_now=0.2)
    assert symptoms.underfitting(good) is None
    assert symptoms.underfitting(Evidence(losses=[0.6], baseline=0.69, loss_now=0.6)) is None
    untrained = symptoms.underfitting(Evidence(baseline=0.69, loss_now=0.69))
    assert untrained is not None and "no longer falling" not in untrained.message
    dead = Evidence(layers=_layers([1, 1], dead=[1.0, 0.0]), baseline=0.69, loss_now=0.69)
    assert [f.name for f in run_checks(dead)] == ["dead_relu"]


def test_unscaled_inputs_and_class_imbalance_thresholds():
    ok = Evidence(feature_mean=np.array([0.0, 3.0]), feature_std=np.array([1.0, 3.9]))
    assert symptoms.unscaled_inputs(ok) is None
    off = Evidence(feature_mean=np.array([0.0, 3.0]), feature_std=np.array([1.0, 4.1]))
    assert symptoms.unscaled_inputs(off).evidence["feature"] == 1
    tiny = Evidence(feature_mean=np.zeros(2), feature_std=np.array([1e-3, 2e-3]))
    assert symptoms.unscaled_inputs(tiny) is not None
    assert symptoms.class_imbalance(Evidence(class_counts={0: 300, 1: 100})) is None
    found = symptoms.class_imbalance(Evidence(class_counts={0: 301, 1: 100, 2: 0}))
    assert found is not None and found.evidence["ratio"] == pytest.approx(3.01)


def test_finding_and_diagnosis_behave():
    assert {check.__name__ for check in symptoms.CHECKS} | {"underfitting"} == set(PROBLEMS)
    with pytest.raises(ValueError, match="expected a name in"):
        Finding("bad_name", "message", {})
    late = Finding("class_imbalance", "m", {"ratio": 5.0})
    early = Finding("exploding_gradients", "m", {"total_gradient_norm": 1e4})
    diagnosis = Diagnosis([late, early])
    assert diagnosis.names == ["exploding_gradients", "class_imbalance"]  # report order
    assert "class_imbalance" in diagnosis and not diagnosis.ok and len(diagnosis) == 2
    with pytest.raises(KeyError, match="no finding named 'dead_relu'"):
        diagnosis["dead_relu"]
    assert Diagnosis([]).ok
