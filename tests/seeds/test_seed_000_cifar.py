"""Seed 000's CIFAR-10 program runs on glassnet with only its imports changed (issue 4).

The program is read from the seed document and run whole: Conv2D/BatchNormalization/
MaxPooling2D/Dropout model, ``ImageDataGenerator`` augmentation fed through ``datagen.flow``,
``EarlyStopping`` and ``ReduceLROnPlateau``, evaluate/predict, scikit-learn's
classification report and confusion matrix, and the plots. Help beyond imports, each stated
where it is given:

- data of CIFAR-10's shapes and dtypes, but few samples, stands in for the download
  (``cifar10.load_data`` patched);
- seaborn is not installed here: a stand-in with the one function the program calls;
- ``epochs=50`` becomes ``epochs=1`` so the test runs in seconds.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from glassnet.keras.datasets import cifar10
from tests.seeds._programs import run
from tests.seeds.inventory import BY_KEY


def _cifar_shaped(n_train: int = 64, n_test: int = 32) -> tuple:
    """uint8 images (N, 32, 32, 3) and uint8 labels (N, 1), as ``cifar10.load_data`` returns."""
    rng = np.random.default_rng(0)

    def split(n: int) -> tuple[np.ndarray, np.ndarray]:
        images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        # why: every class present, so classification_report's 10 target_names match
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8).reshape(n, 1)
        return images, labels

    return split(n_train), split(n_test)


def _seaborn_stand_in(plt) -> types.ModuleType:
    # why: seaborn is not installed; the program only calls sns.heatmap(cm, ...), drawn here
    # with matplotlib so the figure code around it still runs.
    def heatmap(data, annot=False, fmt="", cmap=None, xticklabels=None, yticklabels=None):
        data = np.asarray(data)
        assert data.shape == (len(xticklabels), len(yticklabels))
        return plt.imshow(data, cmap=cmap)

    return types.SimpleNamespace(heatmap=heatmap)


# why: one epoch on random pixels predicts some classes for no sample; the report's
# zero-division warning is sklearn's, expected here.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_cifar10_cnn_program_trains_and_reports(notebook, monkeypatch, capsys):
    data = _cifar_shaped()
    monkeypatch.setattr(cifar10, "load_data", lambda *a, **k: data)
    monkeypatch.setitem(sys.modules, "seaborn", _seaborn_stand_in(notebook["plt"]))
    heading, code = BY_KEY["000-cifar10"].code().split("\n", 1)
    assert heading.startswith("Real-world Example")  # the entry's anchor line, not code
    assert code.count("epochs=50,") == 1
    # why: 50 epochs of a CNN in NumPy is minutes; one epoch shows the program runs end to end.
    ns = run(code.replace("epochs=50,", "epochs=1,"))

    history = ns["history"].history
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert len(history[key]) == 1 and np.isfinite(history[key][0]), key
    assert ns["y_pred"].shape == (32, 10)
    np.testing.assert_allclose(ns["y_pred"].sum(axis=1), 1.0, rtol=1e-5)
    assert ns["cm"].sum() == 32
    out = capsys.readouterr().out
    assert "Training data shape: (64, 32, 32, 3)" in out
    assert "Test Accuracy" in out and "Classification Report" in out
    assert "airplane" in out and "truck" in out  # the report's rows, by class name
