"""The training doctor on networks built to show each problem, and on a healthy one.

Every scenario is checked twice: ``diagnose`` after training (on the training data, with the
History) and the ``Doctor`` callback that watched the same ``fit``.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.demos import two_moons
from glassnet.inspect import Doctor, diagnose

L = keras.layers


@pytest.fixture(scope="module")
def moons():
    x, y = two_moons(1000, seed=42)
    return (x - x.mean(axis=0)) / x.std(axis=0), y


def _mlp(units, activation="relu", head=None, init="glorot_uniform", n_in=2):
    layers = [L.Dense(units[0], activation=activation, input_shape=(n_in,),
                      kernel_initializer=init)]  # fmt: skip
    layers += [L.Dense(u, activation=activation, kernel_initializer=init) for u in units[1:]]
    return keras.Sequential(layers + [head or L.Dense(1, activation="sigmoid")])


def _train(build, optimizer, loss, x, y, epochs, **fit_args):
    """Fit with a Doctor watching; return (diagnose's findings, the Doctor's findings, model)."""
    glassnet.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer=optimizer, loss=loss)
    doctor = Doctor(verbose=0)
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[doctor],
                        **fit_args)  # fmt: skip
    found = diagnose(model, x, y, history, validation_data=fit_args.get("validation_data"))
    return found, doctor.diagnosis, model


def test_no_problem_for_a_well_trained_moons_model(moons):
    x, y = moons
    found, watched, model = _train(lambda: _mlp([16, 16]), keras.optimizers.Adam(0.01),
                                   "binary_crossentropy", x[:800], y[:800], 60,
                                   validation_split=0.2)  # fmt: skip
    assert model.evaluate(x[800:], y[800:]) < 0.2  # it did learn
    assert found.ok, str(found)
    assert watched.ok, str(watched)
    assert str(found) == "Training doctor: no problems found."


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_dead_relu_after_a_huge_learning_rate(moons):
    x, y = moons
    head = L.Dense(2)  # logits: the loss never saturates, so only dead units stop learning
    found, watched, _ = _train(lambda: _mlp([32, 32], head=head), keras.optimizers.SGD(5.0),
                               keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                               x[:800], y[:800], 10)  # fmt: skip
    for diagnosis in (found, watched):
        assert "dead_relu" in diagnosis
        assert max(diagnosis["dead_relu"].evidence.values()) >= 0.9
    assert "learning_rate_too_high" in found  # the first epoch's loss blew up


def test_vanishing_gradients_in_a_20_layer_sigmoid_net(moons):
    x, y = moons
    found, watched, model = _train(lambda: _mlp([16] * 19, activation="sigmoid"),
                                   keras.optimizers.SGD(0.1), "binary_crossentropy",
                                   x[:800], y[:800], 3)  # fmt: skip
    assert len(model.layers) == 20
    for diagnosis in (found, watched):
        assert "vanishing_gradients" in diagnosis
        assert diagnosis["vanishing_gradients"].evidence["ratio"] < 1e-6
        assert "dead_relu" not in diagnosis and "exploding_gradients" not in diagnosis


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_exploding_gradients_with_large_initial_weights(moons):
    x, y = moons
    init = keras.initializers.RandomNormal(stddev=1.5)
    glassnet.utils.set_random_seed(0)
    untrained = _mlp([32] * 9, init=init, head=L.Dense(1, kernel_initializer=init))
    untrained.compile(optimizer="sgd", loss="mse")
    before = diagnose(untrained, x[:256], y[:256].astype(np.float32))
    assert before["exploding_gradients"].evidence["total_gradient_norm"] > 1e6
    found, watched, _ = _train(lambda: _mlp([32] * 9, init=init,
                                            head=L.Dense(1, kernel_initializer=init)),
                               keras.optimizers.SGD(0.01), "mse", x[:800],
                               y[:800].astype(np.float32), 2)  # fmt: skip
    for diagnosis in (found, watched):
        assert {"exploding_gradients", "learning_rate_too_high"} <= set(diagnosis.names)


def test_overfitting_of_a_large_net_on_30_samples():
    x, y = two_moons(1000, noise=0.3, seed=42)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    found, watched, _ = _train(lambda: _mlp([128, 128]), keras.optimizers.Adam(0.01),
                               "binary_crossentropy", x[:30], y[:30], 60,
                               validation_data=(x[800:], y[800:]))  # fmt: skip
    for diagnosis in (found, watched):
        assert diagnosis.names == ["overfitting"]
        evidence = diagnosis["overfitting"].evidence
        assert evidence["val_loss"] > 1.5 * evidence["best_val_loss"]
        assert evidence["best_epoch"] < 30


def test_learning_rate_too_low(moons):
    x, y = moons
    found, watched, _ = _train(lambda: _mlp([16, 16]), keras.optimizers.SGD(1e-4),
                               "binary_crossentropy", x[:800], y[:800], 15)  # fmt: skip
    for diagnosis in (found, watched):
        assert diagnosis.names == ["learning_rate_too_low"]
        assert diagnosis["learning_rate_too_low"].evidence["learning_rate"] == pytest.approx(1e-4)
        assert diagnosis["learning_rate_too_low"].evidence["relative_drop"] < 0.1


def test_unscaled_inputs(moons):
    x, y = moons
    raw = x[:800] * 300 + 1000
    found, watched, _ = _train(lambda: _mlp([16, 16]), keras.optimizers.Adam(0.001),
                               "binary_crossentropy", raw, y[:800], 3)  # fmt: skip
    for diagnosis in (found, watched):
        assert "unscaled_inputs" in diagnosis
        assert diagnosis["unscaled_inputs"].evidence["mean"] == pytest.approx(1000, rel=0.1)


def test_class_imbalance(moons):
    x, y = moons
    keep = np.concatenate([np.flatnonzero(y[:800] == 0), np.flatnonzero(y[:800] == 1)[:30]])
    found, watched, _ = _train(lambda: _mlp([16, 16]), keras.optimizers.Adam(0.01),
                               "binary_crossentropy", x[keep], y[keep], 20)  # fmt: skip
    for diagnosis in (found, watched):
        assert diagnosis.names == ["class_imbalance"]
        assert diagnosis["class_imbalance"].evidence["count[1]"] == 30


def test_findings_carry_numbers_and_the_documented_remedies(moons):
    x, y = moons
    found, _, _ = _train(lambda: _mlp([16, 16]), keras.optimizers.SGD(1e-4),
                         "binary_crossentropy", x[:800], y[:800], 15)  # fmt: skip
    finding = found["learning_rate_too_low"]
    assert all(isinstance(v, float | int) for v in finding.evidence.values())
    assert any("raise the learning rate" in r for r in finding.remedies)
    text = str(found)
    assert text.startswith("Training doctor: 1 finding.") and "try:" in text and "0.0001" in text


def test_doctor_prints_its_report_and_diagnose_notes_a_missing_history(moons):
    x, y = moons
    glassnet.utils.set_random_seed(0)
    model = _mlp([8])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    lines = []
    model.fit(x[:64], y[:64], epochs=2, verbose=0, callbacks=[Doctor(print_fn=lines.append)])
    assert lines and lines[-1].startswith("Training doctor:")
    printed = []
    result = diagnose(model, x[:64], y[:64], print_fn=printed.append)
    assert printed == [str(result)] and "pass the History" in printed[0]


def test_diagnose_needs_a_compiled_model_and_a_real_history(moons):
    x, y = moons
    model = _mlp([4])
    with pytest.raises(glassnet.errors.StateError, match="expected a compiled model"):
        diagnose(model, x[:8], y[:8])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(TypeError, match="expected history as the History"):
        diagnose(model, x[:8], y[:8], history=[0.5, 0.4])
