"""set_random_seed makes a fit repeat bit for bit; another seed gives another run.

The model uses every source of randomness a fit has: initial weights, shuffling, Dropout
drawing from glassnet's generator, Dropout with its own seed, and BatchNormalization and Adam
with a learning-rate schedule for state that carries the differences along. The cross-process
version is in tests/io/test_resume.py.
"""

from __future__ import annotations

import numpy as np

import glassnet
from glassnet.layers import BatchNormalization, Dense, Dropout
from glassnet.models import Sequential


def _data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(120, 4)).astype(np.float32)
    return x, (x[:, :1] - x[:, 1:2] > 0).astype(np.float32)


def _model() -> Sequential:
    model = Sequential([
        Dense(16, activation="relu", input_shape=(4,)), BatchNormalization(), Dropout(0.3),
        Dense(8, activation="relu"), Dropout(0.2, seed=4), Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    schedule = glassnet.schedules.ExponentialDecay(0.01, decay_steps=4, decay_rate=0.9)
    model.compile(optimizer=glassnet.optimizers.Adam(schedule), loss="binary_crossentropy")
    return model


def _fit(model: Sequential) -> tuple[bytes, dict]:
    x, y = _data()
    history = model.fit(x, y, epochs=4, batch_size=16, shuffle=True, validation_split=0.25,
                        verbose=0)  # fmt: skip
    return b"".join(w.data.tobytes() for w in model.weights), history.history


def _seeded_run(seed: int) -> tuple[bytes, bytes, dict]:
    glassnet.utils.set_random_seed(seed)
    model = _model()
    initial = b"".join(w.data.tobytes() for w in model.weights)
    return (initial, *_fit(model))


def test_one_seed_makes_two_fits_bit_identical():
    first, second = _seeded_run(5), _seeded_run(5)
    assert first[1] == second[1]  # the trained weights, byte for byte
    assert first[2] == second[2]  # every logged loss


def test_different_seeds_give_different_weights_and_runs():
    first, second = _seeded_run(5), _seeded_run(6)
    assert first[0] != second[0]  # initial weights
    assert first[1] != second[1]
    assert first[2]["loss"] != second[2]["loss"]


def test_the_seed_alone_changes_training_from_the_same_initial_weights():
    glassnet.utils.set_random_seed(0)
    start = _model().get_weights()
    results = []
    for seed in (1, 1, 2):  # shuffling and dropout draw from the seeded generator
        model = _model()
        model.set_weights(start)
        glassnet.utils.set_random_seed(seed)
        results.append(_fit(model)[0])
    assert results[0] == results[1] != results[2]
