"""Learning-rate schedules against the Keras formulas and torch.optim.lr_scheduler."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet import schedules
from glassnet.errors import ConfigError

STEPS = [0, 1, 2, 5, 9, 10, 11, 37, 100, 250]

# (schedule, the Keras formula written out as a function of the step)
KERAS_FORMULAS = [
    (
        schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9),
        lambda s: 0.1 * 0.9 ** (s / 10),
    ),
    (
        schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
        lambda s: 0.1 * 0.9 ** math.floor(s / 10),
    ),
    (
        schedules.InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5),
        lambda s: 0.1 / (1 + 0.5 * s / 5),
    ),
    (
        schedules.InverseTimeDecay(0.1, 5, 0.5, staircase=True),
        lambda s: 0.1 / (1 + 0.5 * math.floor(s / 5)),
    ),
    (
        schedules.PiecewiseConstantDecay([10, 100], [1.0, 0.5, 0.1]),
        lambda s: 1.0 if s <= 10 else (0.5 if s <= 100 else 0.1),
    ),
    (
        schedules.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01, power=2.0),
        lambda s: (0.1 - 0.01) * (1 - min(s, 100) / 100) ** 2 + 0.01,
    ),
    (
        schedules.PolynomialDecay(0.1, 10, end_learning_rate=0.0, cycle=True),
        lambda s: 0.1 * (1 - s / (10 * max(1, math.ceil(s / 10)))),
    ),
    (
        schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1),
        lambda s: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 100) / 100)) + 0.1),
    ),
    (
        schedules.CosineDecay(0.0, 100, warmup_target=0.2, warmup_steps=10),
        lambda s: (
            0.2 * s / 10
            if s < 10
            else 0.2 * 0.5 * (1 + math.cos(math.pi * (min(s, 110) - 10) / 100))
        ),
    ),
    (
        schedules.StepDecay(0.1, drop=0.5, epochs_drop=10),
        lambda s: 0.1 * 0.5 ** math.floor(s / 10),
    ),
]


@pytest.mark.parametrize(
    "schedule, formula", KERAS_FORMULAS, ids=[repr(s)[:60] for s, _ in KERAS_FORMULAS]
)
def test_schedule_matches_keras_formula(schedule, formula):
    for step in STEPS:
        assert schedule(step) == pytest.approx(formula(step), rel=1e-12, abs=1e-15), step
        assert isinstance(schedule(np.int64(step)), float)


def test_schedule_worked_values():
    """A few values computed by hand, to catch a formula transcribed the same wrong way twice."""
    assert schedules.ExponentialDecay(1.0, 2, 0.25)(4) == pytest.approx(0.0625)
    assert schedules.CosineDecay(1.0, 10)(10) == pytest.approx(0.0)
    assert schedules.CosineDecay(1.0, 10)(5) == pytest.approx(0.5)
    assert schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)(2) == 0.5
    assert schedules.PolynomialDecay(1.0, 4, end_learning_rate=0.0)(1) == pytest.approx(0.75)


def _torch_lrs(make_scheduler, initial, steps):
    torch = pytest.importorskip("torch")
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=initial)
    scheduler = make_scheduler(torch.optim.lr_scheduler, optimizer)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


# (schedule, initial lr, torch scheduler factory, steps compared)
TORCH_EQUIVALENTS = [
    (
        schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9),
        0.1,
        lambda m, o: m.ExponentialLR(o, gamma=0.9),
        50,
    ),
    (
        schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True),
        0.1,
        lambda m, o: m.StepLR(o, step_size=7, gamma=0.5),
        50,
    ),
    (schedules.StepDecay(0.1, 0.5, 10), 0.1, lambda m, o: m.StepLR(o, step_size=10, gamma=0.5), 50),
    (
        schedules.PiecewiseConstantDecay([5, 20], [0.1, 0.01, 0.001]),
        0.1,
        lambda m, o: m.MultiStepLR(o, milestones=[6, 21], gamma=0.1),
        40,
    ),
    (
        schedules.CosineDecay(0.1, decay_steps=30, alpha=0.1),
        0.1,
        lambda m, o: m.CosineAnnealingLR(o, T_max=30, eta_min=0.01),
        31,
    ),
    (
        schedules.PolynomialDecay(0.1, 20, end_learning_rate=0.0, power=2.0),
        0.1,
        lambda m, o: m.PolynomialLR(o, total_iters=20, power=2.0),
        40,
    ),
    (
        schedules.InverseTimeDecay(0.1, 4, 0.5),
        0.1,
        lambda m, o: m.LambdaLR(o, lambda s: 1 / (1 + 0.5 * s / 4)),
        30,
    ),
]


@pytest.mark.torch
@pytest.mark.parametrize(
    "schedule, initial, make, steps",
    TORCH_EQUIVALENTS,
    ids=[type(c[0]).__name__ for c in TORCH_EQUIVALENTS],
)
def test_schedule_matches_torch_lr_scheduler(schedule, initial, make, steps):
    theirs = _torch_lrs(make, initial, steps)
    ours = [schedule(step) for step in range(steps)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("schedule", [s for s, _ in KERAS_FORMULAS], ids=repr)
def test_schedule_config_round_trip(schedule):
    clone = type(schedule).from_config(schedule.get_config())
    assert clone.get_config() == schedule.get_config()
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule)
    assert [again(s) for s in STEPS] == [schedule(s) for s in STEPS]
    assert schedules.get(schedules.serialize(schedule)).get_config() == schedule.get_config()


def test_registry_and_get():
    assert "ExponentialDecay" in schedules.SCHEDULES
    assert schedules.get("StepDecay") is schedules.StepDecay
    schedule = schedules.StepDecay(0.1)
    assert schedules.get(schedule) is schedule
    with pytest.raises(
        ConfigError, match="Unknown learning rate schedule 'CosineDecy'.*CosineDecay"
    ):
        schedules.get("CosineDecy")
    with pytest.raises(TypeError, match="expected a schedule"):
        schedules.get(0.1)
    with pytest.raises(TypeError, match="A plain function cannot be saved"):
        schedules.serialize(lambda step: 0.1)
    with pytest.raises(ConfigError, match="expected a dict with 'class_name'"):
        schedules.deserialize({"config": {}})


def test_keras_serialized_form_is_read():
    keras_form = {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 10,
            "decay_rate": 0.5,
            "staircase": False,
            "name": "ExponentialDecay",
        },
        "registered_name": None,
    }
    assert schedules.deserialize(keras_form)(10) == pytest.approx(0.05)


def test_custom_schedule_base_class():
    class Bad(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match="must implement __call__"):
        Bad()(0)
    with pytest.raises(NotImplementedError, match="must implement get_config"):
        Bad().get_config()
    assert repr(Bad()) == "Bad()"


SCHEDULE_ERRORS = [
    (
        lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
        "The 'decay_steps' argument of ExponentialDecay must be a float > 0. Got 0.",
    ),
    (
        lambda: schedules.ExponentialDecay(-0.1, 10, 0.5),
        "The 'initial_learning_rate' argument of ExponentialDecay must be a float >= 0. Got -0.1.",
    ),
    (
        lambda: schedules.InverseTimeDecay(0.1, 10, 0.5, staircase="no"),
        "The 'staircase' argument of InverseTimeDecay must be a bool. Got 'no'.",
    ),
    (
        lambda: schedules.PolynomialDecay(0.1, 10, power=0),
        "The 'power' argument of PolynomialDecay must be a float > 0. Got 0.",
    ),
    (
        lambda: schedules.CosineDecay(0.1, 10, alpha=2.0),
        "The 'alpha' argument of CosineDecay must be a float in [0, 1]. Got 2.0.",
    ),
    (
        lambda: schedules.CosineDecay(0.1, 10, warmup_target=-1.0),
        "The 'warmup_target' argument of CosineDecay must be None or a float >= 0. Got -1.0.",
    ),
    (
        lambda: schedules.StepDecay(0.1, 0.5, 2.5),
        "The 'epochs_drop' argument of StepDecay must be an int >= 1. Got 2.5.",
    ),
    (
        lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]),
        "PiecewiseConstantDecay: expected one more value than boundaries, got 2 boundaries and "
        "2 values.",
    ),
    (
        lambda: schedules.PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3]),
        "PiecewiseConstantDecay: expected strictly increasing boundaries, got [2, 1].",
    ),
    (
        lambda: schedules.PiecewiseConstantDecay(["a"], [0.1, 0.2]),
        "PiecewiseConstantDecay: expected numbers, got boundaries=['a']",
    ),
]


@pytest.mark.parametrize("make, message", SCHEDULE_ERRORS, ids=[m[:40] for _, m in SCHEDULE_ERRORS])
def test_schedule_argument_errors(make, message):
    with pytest.raises(ConfigError) as info:
        make()
    assert str(info.value).startswith(message)
