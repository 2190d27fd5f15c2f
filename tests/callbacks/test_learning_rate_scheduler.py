"""LearningRateScheduler: one- and two-argument schedules in a real fit, logs, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.callbacks import LambdaCallback, LearningRateScheduler
from tests.callbacks._helpers import moons_model, moons_split, tiny_model

X, Y = np.ones((6, 2), np.float32), np.ones((6, 1), np.float32)


def _fit(model, schedule, epochs=4, **kwargs):
    return model.fit(X, Y, epochs=epochs, batch_size=3, verbose=0,
                     callbacks=[LearningRateScheduler(schedule, **kwargs)])  # fmt: skip


def test_scheduler_two_argument_form_gets_epoch_and_current_rate():
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr * 0.5 if epoch >= 2 else lr

    model = tiny_model(0.1)
    history = _fit(model, schedule, epochs=5)
    assert calls == [(0, 0.1), (1, 0.1), (2, 0.1), (3, 0.05), (4, 0.025)]
    assert history.history["learning_rate"] == [0.1, 0.1, 0.05, 0.025, 0.0125]
    assert model.optimizer.learning_rate == 0.0125


def test_scheduler_one_argument_form_and_a_glassnet_schedule():
    history = _fit(tiny_model(0.1), lambda epoch: 0.2 / (epoch + 1))
    assert history.history["learning_rate"] == [0.2, 0.1, 0.2 / 3, 0.05]
    decay = glassnet.schedules.ExponentialDecay(0.4, decay_steps=1, decay_rate=0.5)
    history = _fit(tiny_model(0.1), decay)  # epochs count as the schedule's steps
    assert history.history["learning_rate"] == pytest.approx([0.4, 0.2, 0.1, 0.05], rel=1e-6)


def test_scheduler_starts_from_initial_epoch():
    model = tiny_model(0.1)
    history = model.fit(X, Y, epochs=4, initial_epoch=2, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch: 0.01 * epoch)])  # fmt: skip
    assert history.history["learning_rate"] == [0.02, 0.03]


def test_scheduler_rate_is_the_one_the_optimizer_uses_in_a_real_fit():
    x, y, _, _ = moons_split()
    model = moons_model(learning_rate=0.1)
    used = []
    spy = LambdaCallback(
        on_train_batch_begin=lambda b, logs: used.append(model.optimizer.learning_rate)
    )
    scheduler = LearningRateScheduler(lambda epoch, lr: 0.3 - 0.1 * epoch)
    model.fit(x, y, epochs=3, batch_size=100, verbose=0, callbacks=[scheduler, spy])
    assert used == [0.3] * 3 + [0.3 - 0.1] * 3 + [0.3 - 0.2] * 3
    # and the rate matters: a rate of ~0 leaves the weights where they were
    frozen = moons_model(learning_rate=0.1)
    before = [w.copy() for w in frozen.get_weights()]
    frozen.fit(x, y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(lambda e: 1e-30)])
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(before, frozen.get_weights()))


def test_scheduler_verbose_prints_each_epoch(capsys):
    _fit(tiny_model(0.1), lambda epoch: 0.5**epoch, epochs=2, verbose=1)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert lines == [
        "Epoch 1: LearningRateScheduler setting learning rate to 1.0.",
        "Epoch 2: LearningRateScheduler setting learning rate to 0.5.",
    ]


def test_scheduler_does_not_hide_a_type_error_raised_inside_the_schedule():
    def schedule(epoch, lr):  # Keras would retry this as schedule(epoch) and hide the error
        raise TypeError("bug inside the schedule")

    with pytest.raises(TypeError, match="bug inside the schedule"):
        _fit(tiny_model(0.1), schedule)


@pytest.mark.parametrize("bad", [None, "0.1", -0.1, 0.0, float("nan"), np.array([0.1, 0.2])])
def test_scheduler_rejects_a_bad_rate(bad):
    with pytest.raises(ValueError) as info:
        _fit(tiny_model(0.1), lambda epoch, lr: bad)
    assert str(info.value).startswith(
        f"LearningRateScheduler: expected schedule to return a float > 0, got {bad!r} at "
        "epoch 0 (current learning rate 0.1)."
    )


def test_scheduler_needs_a_callable():
    with pytest.raises(TypeError) as info:
        LearningRateScheduler(0.1)
    assert str(info.value) == (
        "LearningRateScheduler: expected schedule to be a function (epoch, lr) -> float, got "
        "float 0.1. Pass e.g. lambda epoch, lr: lr * 0.9."
    )


def test_scheduler_refuses_an_optimizer_whose_rate_is_a_schedule():
    decay = glassnet.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    with pytest.raises(TypeError) as info:
        _fit(tiny_model(decay, optimizer="Adam"), lambda epoch, lr: lr)
    message = str(info.value)
    assert message.startswith("LearningRateScheduler: cannot set the learning rate of Adam:")
    assert message.endswith(
        "To use LearningRateScheduler, create the optimizer with a float learning_rate, "
        "e.g. Adam(learning_rate=0.1)."
    )
