"""model.check_gradients: passes on every layer family, names the layer whose backward is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import layers as L
from glassnet import ops
from glassnet.errors import GradientCheckError, StateError
from glassnet.models import Model, Sequential
from glassnet.tensor import Tensor


def _images(n=2, size=6, channels=2):
    return np.random.default_rng(1).normal(size=(n, size, size, channels)).astype(np.float32)


def _sequences(n=3, steps=4, features=2):
    return np.random.default_rng(2).normal(size=(n, steps, features)).astype(np.float32)


def _functional():
    a = L.Input(shape=(3,))
    h = L.Dense(4, activation="relu")(a)
    skip = L.Add()([L.Dense(4, activation="tanh")(h), h])
    out = L.Dense(2, activation="softmax")(L.Concatenate()([skip, a]))
    return Model(a, out)


# family -> (model builder, x, loss, y)
FAMILIES = {
    "dense": (lambda: Sequential([L.Dense(5, activation="tanh", input_shape=(3,)),
                                  L.Dropout(0.3), L.Dense(4), L.LeakyReLU(0.1), L.PReLU(),
                                  L.Dense(1, activation="sigmoid")]),
              np.random.default_rng(0).normal(size=(6, 3)), "binary_crossentropy",
              np.array([0, 1, 1, 0, 1, 0])),
    "normalization": (lambda: Sequential([L.Dense(4, input_shape=(3,)), L.BatchNormalization(),
                                          L.Activation("relu"), L.Dense(3),
                                          L.LayerNormalization(), L.Dense(1)]),
                      np.random.default_rng(0).normal(size=(6, 3)), "mse",
                      np.random.default_rng(3).normal(size=(6, 1))),
    "conv": (lambda: Sequential([L.Conv2D(3, 3, padding="same", activation="relu",
                                          input_shape=(6, 6, 2)),
                                 L.MaxPooling2D(2), L.DepthwiseConv2D(2), L.SeparableConv2D(2, 2),
                                 L.Conv2DTranspose(2, 2, strides=2), L.GlobalAveragePooling2D(),
                                 L.Dense(3, activation="softmax")]),
             _images(), "sparse_categorical_crossentropy", np.array([0, 2])),
    "conv1d": (lambda: Sequential([L.Conv1D(3, 2, activation="tanh", input_shape=(4, 2)),
                                   L.AveragePooling1D(2), L.Flatten(), L.Dense(1)]),
               _sequences(), "mse", np.random.default_rng(4).normal(size=(3, 1))),
    "recurrent": (lambda: Sequential([L.SimpleRNN(3, return_sequences=True, input_shape=(4, 2)),
                                      L.LSTM(3, return_sequences=True), L.GRU(2),
                                      L.Dense(1)]),
                  _sequences(), "mse", np.random.default_rng(5).normal(size=(3, 1))),
    "bidirectional_embedding": (lambda: Sequential([L.Embedding(5, 3, input_shape=(4,)),
                                                    L.Bidirectional(L.LSTM(2)), L.Dense(1)]),
                                np.array([[1, 2, 3, 4], [0, 1, 1, 2]]), "mse",
                                np.array([[0.5], [-0.5]])),
    "functional_merging": (_functional, np.random.default_rng(0).normal(size=(4, 3)),
                           "sparse_categorical_crossentropy", np.array([0, 1, 1, 0])),
}  # fmt: skip


def _compiled(family: str):
    glassnet.utils.set_random_seed(0)
    build, x, loss, y = FAMILIES[family]
    model = build()
    model.compile(optimizer="adam", loss=loss)
    return model, x, y


@pytest.mark.parametrize("family", list(FAMILIES))
def test_check_gradients_passes_on_every_layer_family(family):
    model, x, y = _compiled(family)
    report = model.check_gradients(x, y, max_elements=16)
    assert report.passed
    named = {w.layer for w in report.weights}
    assert named == {layer.name for layer in model.layers if layer.trainable_weights}
    assert all(w.checked == min(16, w.size) for w in report.weights)
    assert "all gradients agree" in str(report)


def _wrong_gradient(t: Tensor) -> Tensor:
    """The identity, whose backward multiplies the gradient by 1.5: a deliberate bug."""
    return Tensor.from_op(t.data, (t,), lambda grad: (grad * 1.5,), op="broken")


def _break_op(monkeypatch, name: str, argument: int) -> None:
    real = getattr(ops, name)

    def broken(*args, **kwargs):
        args = list(args)
        args[argument] = _wrong_gradient(args[argument])
        return real(*args, **kwargs)

    monkeypatch.setattr(ops, name, broken)


def _break_weight(monkeypatch, cls: type, weight: str) -> None:
    real = cls.call

    def call(self, inputs, *args, **kwargs):
        value = getattr(self, weight)
        setattr(self, weight, _wrong_gradient(value))
        try:
            return real(self, inputs, *args, **kwargs)
        finally:
            setattr(self, weight, value)

    monkeypatch.setattr(cls, "call", call)


@pytest.mark.parametrize(
    ("family", "breaker", "layer_type"),
    [
        ("dense", lambda mp: _break_weight(mp, L.PReLU, "alpha"), L.PReLU),
        ("normalization", lambda mp: _break_weight(mp, L.LayerNormalization, "gamma"),
         L.LayerNormalization),
        ("conv", lambda mp: _break_op(mp, "conv2d_transpose", 1), L.Conv2DTranspose),
        ("conv1d", lambda mp: _break_op(mp, "conv1d", 1), L.Conv1D),
        ("recurrent", lambda mp: _break_op(mp, "lstm", 1), L.LSTM),
    ],
)  # fmt: skip
def test_check_gradients_fails_naming_the_layer_with_the_broken_backward(
    monkeypatch, family, breaker, layer_type
):
    model, x, y = _compiled(family)
    breaker(monkeypatch)
    name = next(layer.name for layer in model.layers if type(layer) is layer_type)
    with pytest.raises(GradientCheckError, match=f"layer '{name}'"):
        model.check_gradients(x, y, max_elements=16)
    report = model.check_gradients(x, y, max_elements=16, raise_on_failure=False)
    assert not report.passed and report.worst_layer == name
    assert [w.layer for w in report.weights if not w.passed] == [name]
    assert "FAIL" in str(report)


def test_check_gradients_puts_the_model_back_exactly():
    model, x, y = _compiled("normalization")
    model.fit(x, y, epochs=1, verbose=0)
    before = model.get_weights()
    marker = np.ones((3, 4), np.float32)
    model.layers[0].kernel.grad = marker
    glassnet.utils.set_random_seed(7)
    model.check_gradients(x, y)
    drawn = glassnet.backend.rng().random()
    glassnet.utils.set_random_seed(7)
    assert glassnet.backend.rng().random() == drawn  # the random stream did not move
    assert model.layers[0].kernel.grad is marker
    assert all(layer.dtype == np.float32 for layer in model.layers)
    for a, b in zip(before, model.get_weights()):
        assert b.dtype == np.float32
        np.testing.assert_array_equal(a, b)


def test_check_gradients_with_a_loss_instead_of_compile(rng):
    model = Sequential([L.Dense(2, activation="tanh", input_shape=(3,),
                                kernel_regularizer="l2")])  # fmt: skip
    report = model.check_gradients(rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), loss="mse")
    assert report.passed and report.loss > 0
    with pytest.raises(StateError, match="expected a compiled model or a loss"):
        model.check_gradients(rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))


def test_check_gradients_sees_the_regularization_in_the_loss(rng, monkeypatch):
    model = Sequential([L.Dense(2, input_shape=(3,), kernel_regularizer="l2")])
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    assert model.check_gradients(x, y).passed

    def penalty_without_gradient(y_true, y_pred, sample_weight=None):
        data_loss, _ = model.compiled_loss(model, y_true, y_pred, sample_weight)
        return data_loss + Tensor(sum(loss.data for loss in model.losses))

    monkeypatch.setattr(model, "compute_loss", penalty_without_gradient)
    with pytest.raises(
        GradientCheckError, match=f"layer '{model.layers[0].name}', weight 'kernel'"
    ):
        model.check_gradients(x, y)
