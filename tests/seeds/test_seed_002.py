"""Seed 002's Keras program (Dense + Dropout on make_classification) runs on glassnet."""

from __future__ import annotations

from tests.seeds._programs import run
from tests.seeds.inventory import BY_KEY


def test_dropout_network_trains_and_plots(notebook, capsys):
    plt = notebook["plt"]
    # why: the document imports matplotlib.pyplot as plt in an earlier cell; supplied here.
    ns = run(BY_KEY["002-keras"].code(), {"plt": plt})
    history = ns["history"].history
    assert len(history["val_accuracy"]) == 50 and history["loss"][-1] < history["loss"][0]
    assert ns["test_acc"] >= 0.9, f"make_classification test accuracy {ns['test_acc']:.3f}"
    out = capsys.readouterr().out
    assert "Test Accuracy" in out and "Total params: 3,457" in out
    assert [len(ax.lines) for ax in plt.gcf().axes] == [2, 2]
