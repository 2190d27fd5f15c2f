"""plot_history: one panel per quantity, the plotted y data are the history's lists."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from glassnet import keras  # noqa: E402
from glassnet.plot import plot_history  # noqa: E402

RECORDS = {
    "loss": [0.9, 0.6, 0.4, 0.35],
    "accuracy": [0.5, 0.7, 0.8, 0.85],
    "val_loss": [1.0, 0.7, 0.5, 0.55],
    "val_accuracy": [0.45, 0.6, 0.75, 0.7],
    "learning_rate": [0.1, 0.1, 0.01, 0.001],
}


def _line(ax, label):
    (line,) = [ln for ln in ax.lines if ln.get_label() == label]
    return line


def test_panels_lines_and_labels_follow_the_history(tmp_path):
    target = tmp_path / "history.png"
    fig = plot_history(RECORDS, to_file=target)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "learning_rate"]
    loss_ax, acc_ax, lr_ax = fig.axes
    for ax, name in ((loss_ax, "loss"), (acc_ax, "accuracy")):
        np.testing.assert_array_equal(_line(ax, "train").get_ydata(), RECORDS[name])
        np.testing.assert_array_equal(_line(ax, "validation").get_ydata(), RECORDS[f"val_{name}"])
        np.testing.assert_array_equal(_line(ax, "train").get_xdata(), [1, 2, 3, 4])
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == name
        assert ax.get_legend() is not None
    np.testing.assert_array_equal(_line(lr_ax, "learning rate").get_ydata(),
                                  RECORDS["learning_rate"])  # fmt: skip
    assert lr_ax.get_yscale() == "log"
    assert target.stat().st_size > 5000


def test_best_validation_epoch_is_marked():
    loss_ax, acc_ax, _ = plot_history(RECORDS).axes
    best_loss = _line(loss_ax, "best: 0.5 (epoch 3)")
    assert list(best_loss.get_xdata()) == [3] and list(best_loss.get_ydata()) == [0.5]
    best_acc = _line(acc_ax, "best: 0.75 (epoch 3)")
    assert list(best_acc.get_ydata()) == [0.75]


def test_takes_a_fitted_model_or_its_history_and_picks_metrics(rng):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = rng.normal(size=(40, 2)).astype(np.float32), rng.integers(0, 2, 40)
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25)
    for source in (history, model):
        fig = plot_history(source)
        assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
        np.testing.assert_array_equal(_line(fig.axes[0], "validation").get_ydata(),
                                      history.history["val_loss"])  # fmt: skip
    only_loss = plot_history(history, metrics=["loss"])
    assert len(only_loss.axes) == 1


def test_a_constant_learning_rate_stays_linear_and_extra_cells_are_removed():
    fig = plot_history({"loss": [1.0, 0.5], "learning_rate": [0.01, 0.01]}, ncols=3)
    assert len(fig.axes) == 2 and fig.axes[1].get_yscale() == "linear"
    fig = plot_history({"loss": [1, 0.5], "a": [1, 2], "b": [1, 2], "c": [1, 2]}, ncols=3)
    assert len(fig.axes) == 4


def test_errors():
    with pytest.raises(TypeError, match="expected a History"):
        plot_history([0.9, 0.5])
    with pytest.raises(ValueError, match="expected at least one recorded epoch"):
        plot_history({})
    with pytest.raises(ValueError, match=r"got unknown \['acc'\]"):
        plot_history(RECORDS, metrics=["acc"])
