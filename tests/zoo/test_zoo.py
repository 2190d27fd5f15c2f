"""glassnet.zoo: the ready CNNs have the seed's / LeNet-5's layers, sizes and weight counts,
and train one step."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError
from glassnet.zoo import cifar10_cnn, lenet5


def _layer_summary(model):
    return [type(layer).__name__ for layer in model.layers]


def test_cifar10_cnn_is_the_seed_network_with_keras_weight_counts():
    model = cifar10_cnn()
    assert _layer_summary(model) == [
        "Conv2D", "BatchNormalization", "Conv2D", "MaxPooling2D", "Dropout",
        "Conv2D", "BatchNormalization", "Conv2D", "MaxPooling2D", "Dropout",
        "Conv2D", "BatchNormalization", "Dropout",
        "Flatten", "Dense", "BatchNormalization", "Dropout", "Dense",
    ]  # fmt: skip
    x = np.zeros((2, 32, 32, 3), np.float32)
    assert model(x).shape == (2, 10)
    # Keras's summary of the seed model: 737,834 params, 736,362 trainable.
    assert model.count_params() == 737_834
    assert sum(w.size for w in model.trainable_weights) == 736_362
    conv = model.layers[0]
    assert (conv.filters, conv.kernel_size, conv.padding) == (32, (3, 3), "valid")


def test_cifar10_cnn_trains_a_step_as_the_seed_compiles_it():
    glassnet.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((16, 32, 32, 3), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 16)]  # one-hot, as to_categorical
    model = cifar10_cnn()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights())]
    assert all(changed)


def test_lenet5_shapes_weights_and_options():
    model = lenet5()
    assert model(np.zeros((3, 28, 28, 1), np.float32)).shape == (3, 10)
    assert [layer.count_params() for layer in model.layers] == [156, 0, 2416, 0, 0, 48120,
                                                                10164, 850]  # fmt: skip
    classic = lenet5((32, 32, 1), classes=5, activation="tanh", pooling="avg")
    assert classic(np.zeros((1, 32, 32, 1), np.float32)).shape == (1, 5)
    assert "AveragePooling2D" in _layer_summary(classic)
    logits = lenet5(classifier_activation=None)
    assert not np.allclose(logits(np.ones((1, 28, 28, 1), np.float32)).numpy().sum(), 1.0)
    with pytest.raises(ConfigError, match=r"lenet5: expected pooling 'max' or 'avg', got 'min'"):
        lenet5(pooling="min")
