"""Seed 000's dense Keras programs run on glassnet (seed 001 is the same text: see inventory).

The first program and the iris one are whole notebook cells and run as they stand. The
interview answers (Q4, Q8, Q9, Q10) show a line or two of a program; each test writes out the
smallest context the fragment needs (a model, or data of the shape the text describes) right
above the call that runs it, and runs the fragment's own lines unchanged but for imports.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from tests.seeds._programs import run
from tests.seeds.inventory import BY_KEY


def test_feedforward_and_iris_programs(notebook, capsys):
    ns = run(BY_KEY["000-feedforward"].code())
    run(BY_KEY["000-iris"].code(), ns)  # the next cell, in the same namespace
    out = capsys.readouterr().out
    assert "Test Accuracy" in out and "Classification Report" in out
    assert ns["test_acc"] >= 0.9, f"make_classification test accuracy {ns['test_acc']:.3f}"
    assert (ns["predicted_classes"] == ns["y_test"]).mean() >= 0.9


def _binary_problem(n_samples: int = 600) -> dict:
    X_train, y_train = glassnet.datasets.classification(
        n_samples, n_features=20, n_informative=10, random_state=0
    )
    return {"np": np, "X_train": X_train, "y_train": y_train}


CONTEXT = "from tensorflow import keras\n"


def test_q4_compile_with_regularizers_is_a_type_error_as_in_keras(notebook):
    # The answer passes regularizers= to compile(), which Keras's compile() does not take
    # (TypeError); glassnet refuses it the same way, after keras.regularizers.l2(0.01) builds.
    context = CONTEXT + "model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(8)])\n"
    with pytest.raises(TypeError, match="regularizers"):
        run(context + BY_KEY["000-regularization"].code())


def test_q8_dense_then_batch_normalization_trains(notebook):
    context = CONTEXT + "model = keras.Sequential([keras.Input((20,))])\n"
    ns = run(context + BY_KEY["000-batchnorm"].code(), _binary_problem())
    model = ns["model"]
    model.add(glassnet.keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(ns["X_train"], ns["y_train"], epochs=10, verbose=0).history
    assert history["loss"][-1] < history["loss"][0] and history["accuracy"][-1] >= 0.85
    moving_mean = model.layers[1].get_weights()[2]
    assert moving_mean.shape == (64,) and np.abs(moving_mean).max() > 0


def test_q9_simple_mlp_learns_mnist_shaped_digits(notebook):
    # The fragment names Sequential and Dense without imports; the imports are supplied.
    # Data of its shape: scikit-learn's 8x8 digits, scaled to 24x24 and padded to 28x28.
    imports = "from tensorflow.keras.models import Sequential\n"
    imports += "from tensorflow.keras.layers import Dense\n"
    ns = run(imports + BY_KEY["000-mlp"].code())
    from sklearn.model_selection import train_test_split

    images, labels = glassnet.datasets.digits(as_images=True)
    big = np.kron(images[..., 0] / 16.0, np.ones((3, 3), np.float32))
    x = np.pad(big, ((0, 0), (2, 2), (2, 2))).reshape(len(images), 784)
    x_train, x_test, y_train, y_test = train_test_split(
        x, labels, test_size=0.25, random_state=0, stratify=labels
    )
    model = ns["model"]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
    # 0.971-0.978 over four seeds.
    assert model.evaluate(x_test, y_test, verbose=0)[1] >= 0.95


def _imbalanced() -> dict:
    data = _binary_problem(2000)
    rng = np.random.default_rng(0)
    positives = np.flatnonzero(data["y_train"] == 1)
    keep = np.ones(len(data["y_train"]), bool)
    keep[rng.choice(positives, len(positives) - 100, replace=False)] = False  # 100 positives
    return {**data, "X_train": data["X_train"][keep], "y_train": data["y_train"][keep]}


def _minority_recall(model, ns) -> float:
    predicted = model.predict(ns["X_train"], verbose=0)[:, 0] > 0.5
    return float(predicted[ns["y_train"] == 1].mean())


def test_q10_class_weights_raise_minority_recall(notebook):
    context = CONTEXT + (
        "model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation='relu'),"
        " keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer=keras.optimizers.Adam(0.01), loss='binary_crossentropy')\n"
    )
    ns = run(context, _imbalanced())
    model, start = ns["model"], ns["model"].get_weights()
    run(BY_KEY["000-class-weight"].code(), ns)  # model.fit(..., class_weight=...)
    weighted = _minority_recall(model, ns)
    assert ns["class_weight_dict"][1] > 5 * ns["class_weight_dict"][0]
    model.set_weights(start)
    glassnet.utils.set_random_seed(0)
    model.fit(ns["X_train"], ns["y_train"], verbose=0)  # the same fit, unweighted
    assert weighted > _minority_recall(model, ns) + 0.4  # 0.79-0.85 vs 0.01-0.18 over 5 seeds


def _probabilities() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, (16, 1)).astype(np.float32)
    return y_true, rng.uniform(0.05, 0.95, (16, 1)).astype(np.float32)


def _trains_with(loss, ns) -> list[float]:
    model = glassnet.keras.Sequential(
        [glassnet.keras.Input((20,)), glassnet.keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss=loss)
    return model.fit(ns["X_train"], ns["y_train"], epochs=5, verbose=0).history["loss"]


def test_q10_weighted_binary_crossentropy_with_keras_backend(notebook):
    # The answer calls K without importing it: Keras 2's import line is supplied.
    context = "from tensorflow.keras import backend as K\n"
    ns = run(context + BY_KEY["000-weighted-bce"].code(), _binary_problem())
    y_true, y_pred = _probabilities()
    seed_loss = ns["weighted_binary_crossentropy"](3.0)
    ours = glassnet.losses.weighted_binary_crossentropy(y_true, y_pred, pos_weight=3.0)
    got = seed_loss(glassnet.tensor(y_true), glassnet.tensor(y_pred)).item()
    np.testing.assert_allclose(got, ours.numpy().mean(), rtol=1e-5)
    losses = _trains_with(seed_loss, ns)
    assert losses[-1] < losses[0]


def test_q10_focal_loss_with_tf_where(notebook):
    # why: tf.log is TensorFlow 1 (TensorFlow 2 raises AttributeError on it too); the one
    # change beyond imports is its TensorFlow 2 spelling, tf.math.log.
    code = BY_KEY["000-focal"].code().replace("tf.log(", "tf.math.log(")
    ns = run("import tensorflow as tf\n" + code, _binary_problem())
    y_true, y_pred = _probabilities()
    seed_loss = ns["focal_loss"]()
    # The answer weighs both classes by alpha: alpha times Keras's unbalanced focal loss.
    keras_focal = glassnet.losses.binary_focal_crossentropy(y_true, y_pred, gamma=2.0)
    got = seed_loss(glassnet.tensor(y_true), glassnet.tensor(y_pred)).numpy().mean()
    np.testing.assert_allclose(got, 0.25 * keras_focal.numpy().mean(), rtol=1e-5)
    losses = _trains_with(seed_loss, ns)
    assert losses[-1] < losses[0]
