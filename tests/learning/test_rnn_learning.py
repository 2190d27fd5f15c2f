"""Recurrent networks learn real data to the accuracy the issue states (fixed seeds).

The MNIST-1D paper's recurrent model: a bidirectional GRU with 6 hidden units whose outputs at
all 40 steps are flattened into a linear classifier, trained with Adam (learning rate 1e-2)
on batches of 100; the paper reports 91% test accuracy after 8000 steps.
"""

from __future__ import annotations

import pytest

import glassnet
from glassnet import datasets
from glassnet.layers import GRU, Bidirectional, Dense, Flatten, Input
from glassnet.models import Sequential

pytestmark = pytest.mark.slow


def test_mnist1d_bidirectional_gru_reaches_85_percent():
    pytest.importorskip("mnist1d")
    x_train, y_train, x_test, y_test = datasets.mnist1d(as_sequences=True)
    glassnet.utils.set_random_seed(0)
    model = Sequential([
        Input((40, 1)),
        Bidirectional(GRU(6, return_sequences=True)),
        Flatten(),
        Dense(10),
    ])  # fmt: skip
    model.compile(
        optimizer=glassnet.optimizers.Adam(1e-2),
        loss=glassnet.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    # 2000 steps (50 epochs of 40 batches), a quarter of the paper's 8000: the accuracy is
    # 0.89-0.90 from 1200 steps on (0.896-0.903 at 2000 over seeds 0, 1, 2), so the test keeps
    # an honest 0.05 margin and runs in ~10 s instead of ~40 s.
    model.fit(x_train, y_train, epochs=50, batch_size=100, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test)
    assert accuracy >= 0.85, f"MNIST-1D bidirectional GRU test accuracy {accuracy:.3f} (paper 0.91)"
