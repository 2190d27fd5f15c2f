"""Functional models: graphs of layer calls, several inputs/outputs, shared layers, configs."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Add, Concatenate, Dense, Dropout, Input
from glassnet.models import Functional, Model, Sequential


def _two_headed(seed: int = 0):
    glassnet.utils.set_random_seed(seed)
    a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    h = Dense(8, activation="relu", name="h")(Concatenate(name="cat")([a, b]))
    skip = Add(name="skip")([h, Dense(8, name="d2")(h)])
    score = Dense(1, name="score")(skip)
    cls = Dense(3, activation="softmax", name="cls")(skip)
    return Model(inputs=[a, b], outputs=[score, cls])


def _data(n: int = 64, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(n, 3)), rng.normal(size=(n, 2))]
    y = [rng.normal(size=(n, 1)), rng.integers(0, 3, n)]
    return x, y


def test_model_with_inputs_is_functional_and_knows_its_graph():
    model = _two_headed()
    assert isinstance(model, Functional) and isinstance(model, Model)
    assert model.input_names == ["a", "b"] and model.output_names == ["score", "cls"]
    assert [layer.name for layer in model.layers] == [
        "a",
        "b",
        "cat",
        "h",
        "d2",
        "skip",
        "score",
        "cls",
    ]
    assert model.output_shape == [(None, 1), (None, 3)]
    assert model.count_params() == (5 * 8 + 8) + (8 * 8 + 8) + (8 + 1) + (8 * 3 + 3)


def test_forward_equals_the_same_computation_written_out():
    model = _two_headed()
    (xa, xb), _ = _data(5)
    w = {layer.name: layer.get_weights() for layer in model.layers}
    h = np.maximum(np.concatenate([xa, xb], axis=1) @ w["h"][0] + w["h"][1], 0)
    skip = h + h @ w["d2"][0] + w["d2"][1]
    logits = skip @ w["cls"][0] + w["cls"][1]
    expected_cls = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    score, cls = model([xa, xb])
    np.testing.assert_allclose(
        score.data, skip @ w["score"][0] + w["score"][1], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(cls.data, expected_cls, rtol=1e-5, atol=1e-6)
    by_name = model({"a": xa, "b": xb})
    np.testing.assert_array_equal(by_name[1].data, cls.data)


@pytest.mark.torch
def test_skip_connection_matches_torch_forward_and_backward():
    torch = pytest.importorskip("torch")
    glassnet.utils.set_random_seed(3)
    x_in = Input(shape=(4,))
    d1, d2, d3 = Dense(6, activation="tanh"), Dense(6), Dense(2)
    h = d1(x_in)
    out = d3(Add()([h, d2(h)]))
    model = Model(x_in, out)
    x = np.random.default_rng(0).normal(size=(7, 4)).astype(np.float32)
    upstream = np.random.default_rng(1).normal(size=(7, 2)).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    tw = [torch.tensor(w, requires_grad=True) for w in model.get_weights()]
    th = torch.tanh(tx @ tw[0] + tw[1])
    t_out = (th + th @ tw[2] + tw[3]) @ tw[4] + tw[5]
    (t_out * torch.tensor(upstream)).sum().backward()
    gx = glassnet.tensor(x, requires_grad=True)
    y = model(gx)
    (y * glassnet.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(y.data, t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gx.grad, tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for w, t in zip(model.trainable_weights, tw):
        np.testing.assert_allclose(w.grad, t.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_shared_layer_reuses_weights_and_sums_its_gradients():
    x1, x2 = Input(shape=(3,)), Input(shape=(3,))
    shared = Dense(2, use_bias=False)
    model = Model([x1, x2], Add()([shared(x1), shared(x2)]))
    assert len(model.trainable_weights) == 1
    a, b = np.ones((1, 3)), 2 * np.ones((1, 3))
    model([a, b]).sum().backward()
    np.testing.assert_allclose(shared.kernel.grad, np.full((3, 2), 3.0))


def test_gradcheck_of_a_two_input_model_in_float64():
    glassnet.set_floatx("float64")
    try:
        model = _two_headed(5)
        (xa, xb), _ = _data(4)
        weights = model.trainable_weights
        upstream = np.random.default_rng(2).normal(size=(4, 1))

        def loss():
            score, cls = model([xa, xb])
            return (score * glassnet.tensor(upstream)).sum() + (cls * cls).sum()

        for w in weights:
            w.grad = None
        loss().backward()
        for w in weights:
            numeric = np.zeros_like(w.data)
            for idx in np.ndindex(w.shape):
                old = w.data[idx]
                w.data[idx] = old + 1e-6
                up = float(loss().data)
                w.data[idx] = old - 1e-6
                down = float(loss().data)
                w.data[idx] = old
                numeric[idx] = (up - down) / 2e-6
            np.testing.assert_allclose(w.grad, numeric, rtol=1e-5, atol=1e-7)
    finally:
        glassnet.set_floatx("float32")


def test_fit_with_two_outputs_weights_the_losses_and_logs_each():
    model = _two_headed()
    model.compile("adam", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[1.0, 0.5], metrics=[[], ["accuracy"]])  # fmt: skip
    x, y = _data()
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.25)
    assert list(history.history) == ["loss", "score_loss", "cls_loss", "cls_accuracy",
                                     "val_loss", "val_score_loss", "val_cls_loss",
                                     "val_cls_accuracy"]  # fmt: skip
    logs = model.evaluate(x, y, batch_size=64, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["score_loss"] + 0.5 * logs["cls_loss"], rel=1e-5)
    score, cls = model.predict(x)
    mse = float(np.mean((score - y[0]) ** 2))
    assert logs["score_loss"] == pytest.approx(mse, rel=1e-5)
    assert logs["cls_accuracy"] == pytest.approx(float(np.mean(cls.argmax(1) == y[1])))


def test_dict_outputs_losses_and_targets_by_name():
    glassnet.utils.set_random_seed(0)
    x_in = Input(shape=(3,), name="x")
    h = Dense(4, activation="relu")(x_in)
    model = Model(x_in, {"reg": Dense(1, name="r")(h), "prob": Dense(1, "sigmoid", name="p")(h)})
    model.compile("sgd", loss={"reg": "mse", "prob": "binary_crossentropy"},
                  loss_weights={"prob": 2.0}, metrics={"prob": ["accuracy"]})  # fmt: skip
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3))
    y = {"reg": rng.normal(size=(32, 1)), "prob": rng.integers(0, 2, (32, 1))}
    logs = model.evaluate(x, y, return_dict=True)
    assert set(logs) == {"loss", "reg_loss", "prob_loss", "prob_accuracy"}
    assert logs["loss"] == pytest.approx(logs["reg_loss"] + 2 * logs["prob_loss"], rel=1e-5)
    out = model.predict(x)
    assert set(out) == {"reg", "prob"} and out["prob"].shape == (32, 1)


def test_config_round_trip_gives_identical_predictions():
    model = _two_headed()
    config = json.loads(json.dumps(model.get_config()))
    clone = Model.from_config(config)
    clone.set_weights(model.get_weights())
    x, _ = _data(9)
    for a, b in zip(model.predict(x), clone.predict(x)):
        np.testing.assert_array_equal(a, b)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]


def test_shared_layer_and_nested_models_survive_the_config_round_trip():
    inner_in = Input(shape=(4,))
    inner = Model(inner_in, Dense(3, name="inner_dense")(inner_in), name="inner")
    x1, x2 = Input(shape=(4,), name="x1"), Input(shape=(4,), name="x2")
    seq = Sequential([Dense(4, activation="relu"), Dropout(0.3)], name="seq")
    shared = Dense(4, name="shared")
    out = Concatenate()([inner(shared(x1)), inner(seq(shared(x2)))])
    model = Model([x1, x2], out)
    clone = Model.from_config(json.loads(json.dumps(model.get_config())))
    clone.set_weights(model.get_weights())
    x = [np.ones((2, 4)), np.arange(8.0).reshape(2, 4)]
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6)
    assert len(clone.weights) == len(model.weights)


def test_unknown_length_axes_stay_unknown():
    seq_in = Input(shape=(None, 5))
    out = Dense(2)(seq_in)
    assert out.shape == (None, None, 2)
    model = Model(seq_in, out)
    assert model.predict(np.ones((3, 7, 5))).shape == (3, 7, 2)


def test_training_argument_reaches_dropout_inside_the_graph():
    x_in = Input(shape=(100,))
    model = Model(x_in, Dropout(0.5)(x_in))
    x = np.ones((4, 100))
    np.testing.assert_array_equal(model(x, training=False).data, x)
    assert (model(x, training=True).data == 0).mean() > 0.3


def test_errors_name_the_model_and_say_what_to_do():
    a, b = Input(shape=(3,), name="a_in"), Input(shape=(2,), name="b_in")
    out = Dense(1)(Concatenate()([a, b]))
    with pytest.raises(
        ConfigError, match="depend on Input 'b_in', which is not in the model's inputs"
    ):
        Model(a, out)
    with pytest.raises(TypeError, match="expected outputs made with glassnet Input"):
        Model(a, np.ones(3))
    with pytest.raises(ConfigError, match="come straight from Input"):
        Model(Dense(2)(a), out)
    model = Model([a, b], out, name="pair")
    with pytest.raises(ShapeError, match=r"Model 'pair': expected 2 inputs \(a_in, b_in\)"):
        model.predict(np.ones((4, 3)))
    with pytest.raises(ShapeError, match=r"input 'b_in' expected shape \(N, 2\), got \(4, 5\)"):
        model.predict([np.ones((4, 3)), np.ones((4, 5))])
    with pytest.raises(ShapeError, match="missing \\['b_in'\\]"):
        model.predict({"a_in": np.ones((4, 3))})
    with pytest.raises(ShapeError, match="expected the same number of samples"):
        model.compile("sgd", "mse")
        model.fit([np.ones((4, 3)), np.ones((5, 2))], np.ones((4, 1)), verbose=0)
    with pytest.raises(ConfigError, match="names must be unique"):
        x = Input(shape=(2,))
        Model(x, Dense(1, name="same")(Dense(2, name="same")(x)))


def test_compile_errors_for_several_outputs():
    model = _two_headed()
    with pytest.raises(ShapeError, match="expected loss for 2 outputs .* got a list of 3"):
        model.compile("sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(ConfigError, match=r"keys \['nope'\] that are not outputs"):
        model.compile("sgd", loss={"nope": "mse"})
    with pytest.raises(ShapeError, match="expected metrics for 2 outputs"):
        model.compile("sgd", loss="mse", metrics=["mae", "mae", "mae"])
    model.compile("sgd", loss={"score": "mse"})
    x, y = _data()
    logs = model.evaluate(x, y, return_dict=True)
    assert set(logs) == {"loss", "score_loss"}  # the unweighted cls output has no loss


def test_class_weight_with_several_outputs_is_a_clear_error():
    model = _two_headed()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ConfigError, match="class_weight works for models with one output"):
        model.fit(*_data(), class_weight={0: 1.0, 1: 2.0}, verbose=0)


@pytest.mark.slow
def test_two_input_two_output_model_learns_iris():
    x, y = _iris()
    glassnet.utils.set_random_seed(0)
    sepal, petal = Input(shape=(2,), name="sepal"), Input(shape=(1,), name="petal_length")
    h = Dense(16, activation="relu")(Concatenate()([sepal, petal]))
    species = Dense(3, activation="softmax", name="species")(h)
    width = Dense(1, name="petal_width")(h)
    model = Model([sepal, petal], [species, width])
    model.compile(glassnet.optimizers.Adam(0.01),
                  loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=[["accuracy"], ["mae"]])  # fmt: skip
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    tr, te = slice(0, 110), slice(110, None)
    inputs = lambda rows: [x[rows, :2], x[rows, 2:3]]  # noqa: E731
    model.fit(inputs(tr), [y[tr], x[tr, 3:4]], epochs=150, batch_size=16, verbose=0)
    logs = model.evaluate(inputs(te), [y[te], x[te, 3:4]], return_dict=True)
    assert logs["species_accuracy"] >= 0.9
    assert logs["petal_width_mae"] < 0.3


def _iris():
    from sklearn.datasets import load_iris

    data = load_iris()
    x = (data.data - data.data.mean(0)) / data.data.std(0)
    return x.astype(np.float32), data.target


def test_a_layer_whose_weights_need_an_unknown_axis_is_refused_and_left_unbuilt():
    from glassnet.layers import BatchNormalization, LayerNormalization, Reshape

    x = Input((None, 4))
    for layer in (BatchNormalization(axis=1), LayerNormalization(axis=1), Reshape((4, 4))):
        with pytest.raises(ShapeError, match=r"expected known sizes on the axes this layer dep"):
            layer(x if not isinstance(layer, Reshape) else Input((None,)))
        assert not layer.built  # not built for the probe's stand-in size
    assert Dense(3)(x).shape == (None, None, 3)  # weights on the known last axis: fine
    norm = BatchNormalization(axis=1)
    assert norm(Input((5, 4))).shape == (None, 5, 4)  # the same layer on a known axis
