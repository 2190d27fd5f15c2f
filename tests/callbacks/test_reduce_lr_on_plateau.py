"""ReduceLROnPlateau: Keras 3's reduction rule on scripted logs, in a real fit, and its errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import LambdaCallback, ReduceLROnPlateau
from glassnet.errors import ConfigError
from tests.callbacks._helpers import drive, moons_model, moons_split, tiny_model


def test_reduce_lr_waits_patience_epochs_then_multiplies_by_factor():
    model = tiny_model(0.1)
    cb = ReduceLROnPlateau(factor=0.5, patience=2)
    values = [1.0, 0.9, 0.95, 0.96, 0.97, 0.97, 0.8, 0.85, 0.86]
    # why: the logs carry the rate used during the epoch, i.e. before that epoch's reduction.
    assert drive(cb, model, values) == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025]
    assert model.optimizer.learning_rate == 0.0125


def test_reduce_lr_cooldown_skips_epochs_after_a_reduction():
    values = [1.0] * 8
    model = tiny_model(1.0)
    logged = drive(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2), model, values)
    assert logged == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    assert model.optimizer.learning_rate == 0.0625
    no_cooldown = drive(ReduceLROnPlateau(factor=0.5, patience=1), tiny_model(1.0), values)
    assert no_cooldown == [1.0, 1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]


def test_reduce_lr_improvements_during_cooldown_still_move_best():
    model = tiny_model(1.0)
    cb = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=3)
    # epoch 2 improves (0.5) inside the cooldown; 0.6 is then worse than it, so epoch 4 reduces.
    assert drive(cb, model, [1.0, 1.0, 0.5, 0.6, 0.6]) == [1.0, 1.0, 0.5, 0.5, 0.5]
    assert cb.best == 0.5 and model.optimizer.learning_rate == 0.25


def test_reduce_lr_stops_at_min_lr(capsys):
    model = tiny_model(0.1)
    cb = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.005, verbose=1)
    assert drive(cb, model, [1.0] * 5) == [0.1, 0.1, 0.1 * 0.1, 0.005, 0.005]
    assert model.optimizer.learning_rate == 0.005
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert lines == [
        f"Epoch 2: ReduceLROnPlateau reducing learning rate to {0.1 * 0.1}.",
        "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.005.",
    ]


def test_reduce_lr_compares_with_min_lr_in_float32(capsys):
    # 0.1 * 0.1 * 0.1 = 0.0010000000000000002 is min_lr=0.001 in float32 (Keras's precision):
    # no third "reduction" to 0.001.
    model = tiny_model(0.1)
    cb = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.001, verbose=1)
    logged = drive(cb, model, [1.0] * 6)
    third = 0.1 * 0.1 * 0.1
    assert third != 0.001 and np.float32(third) == np.float32(0.001)
    assert logged == [0.1, 0.1, 0.1 * 0.1, third, third, third]
    assert capsys.readouterr().out.count("reducing learning rate") == 2


def test_reduce_lr_min_delta_is_the_smallest_improvement_that_counts():
    values = [1.0, 0.95, 0.92, 0.85, 0.84]
    coarse = drive(
        ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.1), tiny_model(1.0), values
    )
    assert coarse == [1.0, 1.0, 1.0, 0.5, 0.5]
    fine = drive(ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.0), tiny_model(1.0), values)
    assert fine == [1.0] * 5
    # exactly min_delta better is not better (strict, as Keras: current < best - min_delta)
    model = tiny_model(1.0)
    drive(ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0.25), model, [1.0, 0.75])
    assert model.optimizer.learning_rate == 0.5


@pytest.mark.parametrize(
    ("monitor", "mode", "expected"),
    [
        ("val_accuracy", "auto", [1.0, 1.0, 1.0, 1.0]),  # max: 0.6 is the best, reduce at 3
        ("val_auc", "auto", [1.0, 1.0, 1.0, 1.0]),
        ("val_thing", "max", [1.0, 1.0, 1.0, 1.0]),
        ("val_accuracy", "min", [1.0, 1.0, 1.0, 0.5]),  # min: 0.5 is the best, reduce at 2
        ("val_loss", "auto", [1.0, 1.0, 1.0, 0.5]),
    ],
)
def test_reduce_lr_mode_picks_the_direction(monitor, mode, expected):
    model = tiny_model(1.0)
    cb = ReduceLROnPlateau(monitor=monitor, mode=mode, factor=0.5, patience=2)
    assert drive(cb, model, [0.5, 0.6, 0.55, 0.58], key=monitor) == expected
    assert model.optimizer.learning_rate == 0.5


def test_reduce_lr_resets_on_train_begin():
    model = tiny_model(1.0)
    cb = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=5)
    drive(cb, model, [1.0, 1.0, 2.0])
    assert cb.cooldown_counter > 0 and cb.best == 1.0
    cb.on_train_begin({})
    assert (cb.wait, cb.cooldown_counter, cb.best) == (0, 0, math.inf)


def test_reduce_lr_in_a_real_fit_follows_the_rule_and_the_optimizer_uses_the_rate():
    x, y, x_val, y_val = moons_split()
    model = moons_model(learning_rate=3.0)
    cb = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_delta=0.0)
    used = []  # the rate the optimizer holds while each epoch's batches run
    spy = LambdaCallback(
        on_train_batch_begin=lambda b, logs: used.append(model.optimizer.learning_rate)
    )
    history = model.fit(x, y, epochs=20, batch_size=30, validation_data=(x_val, y_val),
                        callbacks=[cb, spy], verbose=0)  # fmt: skip
    logged, val_loss = history.history["learning_rate"], history.history["val_loss"]
    expected, lr, best, wait = [], 3.0, math.inf, 0
    for value in val_loss:  # Keras's rule written out for patience=2, cooldown=0, min_lr=0
        expected.append(lr)
        if value < best:
            best, wait = value, 0
        else:
            wait += 1
            if wait >= 2:
                lr, wait = lr * 0.5, 0
    assert logged == expected
    # this seeded run both improves after a reduction and reduces more than once
    assert 3 <= len(set(logged)) < 20, logged
    assert model.optimizer.learning_rate == lr
    steps = len(used) // 20
    assert used == [rate for rate in logged for _ in range(steps)]


def test_reduce_lr_warns_when_monitor_is_missing_and_keeps_the_rate():
    model = tiny_model(0.1)
    with pytest.warns(UserWarning) as record:
        history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
                            callbacks=[ReduceLROnPlateau(patience=0)])  # fmt: skip
    assert str(record[0].message) == (
        "ReduceLROnPlateau: monitor 'val_loss' is not in the logs; available keys: "
        "learning_rate, loss. The learning rate is left unchanged."
    )
    assert history.history["learning_rate"] == [0.1, 0.1]
    assert model.optimizer.learning_rate == 0.1


def test_reduce_lr_refuses_a_schedule_when_training_starts():
    schedule = glassnet.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model = tiny_model(schedule)
    with pytest.raises(TypeError) as info:
        model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, verbose=0,
                  validation_split=0.5, callbacks=[ReduceLROnPlateau()])  # fmt: skip
    message = str(info.value)
    assert message.startswith("ReduceLROnPlateau: cannot set the learning rate of SGD:")
    assert "the learning rate is a schedule (ExponentialDecay)" in message
    assert message.endswith(
        "To use ReduceLROnPlateau, create the optimizer with a float learning_rate, "
        "e.g. SGD(learning_rate=0.1)."
    )


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("factor", 1.0, "a float in (0, 1)"),
        ("factor", 2, "a float in (0, 1)"),
        ("factor", 0.0, "a float in (0, 1)"),
        ("patience", -1, "an int >= 0"),
        ("cooldown", 1.5, "an int >= 0"),
        ("min_lr", -1e-3, "a float >= 0"),
    ],
)
def test_reduce_lr_argument_errors(name, value, rule):
    with pytest.raises(ConfigError) as info:
        ReduceLROnPlateau(**{name: value})
    assert str(info.value) == (
        f"The '{name}' argument of ReduceLROnPlateau must be {rule}. Got {value!r}."
    )
    assert isinstance(info.value, ValueError)  # Keras raises ValueError for factor >= 1


def test_reduce_lr_unknown_mode_is_an_error():
    with pytest.raises(ConfigError) as info:
        ReduceLROnPlateau(mode="up")
    assert str(info.value) == "ReduceLROnPlateau: expected mode 'auto', 'min' or 'max', got 'up'."
