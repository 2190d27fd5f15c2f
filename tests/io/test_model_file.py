"""save_model / load_model: round trips, exact resumption, determinism, folders, overwrite."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, StateError
from glassnet.io import load_model, read_model_file, save_model
from glassnet.layers import BatchNormalization, Dense, Dropout
from glassnet.models import Sequential


def make_model(seed: int = 0, compile: bool = True, optimizer: str | object = "adam"):  # noqa: A002
    glassnet.utils.set_random_seed(seed)
    inner = Sequential([Dense(6, activation="tanh"), Dense(6)], name="inner")
    model = Sequential(
        [
            Dense(8, activation="relu", input_shape=(4,), name="hidden"),
            BatchNormalization(name="bn"),
            Dropout(0.25, name="drop"),
            inner,
            Dense(3, activation="softmax", name="out"),
        ]
    )
    if compile:
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def data(n: int = 96, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1)


def trained(seed: int = 0, **kwargs):
    model = make_model(seed, **kwargs)
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return model


@pytest.mark.parametrize("name", ["m.keras", "m.glassnet", "m.ZIP", "folder"])
def test_round_trip_gives_identical_predictions(tmp_path, name):
    model = trained()
    path = tmp_path / name
    model.save(path)
    loaded = glassnet.load_model(path)
    x, _ = data()
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
    assert os.path.isdir(path) == (name == "folder")


def test_batch_norm_statistics_and_nested_model_survive(tmp_path):
    model = trained()
    save_model(model, tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    bn, bn2 = model.get_layer("bn"), loaded.get_layer("bn")
    assert np.abs(bn.moving_mean.data).max() > 0  # the statistics moved during fit
    np.testing.assert_array_equal(bn2.moving_mean.data, bn.moving_mean.data)
    np.testing.assert_array_equal(bn2.moving_variance.data, bn.moving_variance.data)
    assert isinstance(loaded.get_layer("inner"), Sequential)
    assert loaded.get_layer("drop").rate == 0.25


@pytest.mark.parametrize(
    "optimizer",
    [
        "adam",
        glassnet.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
        glassnet.optimizers.Nadam(
            learning_rate=glassnet.schedules.ExponentialDecay(0.01, decay_steps=3, decay_rate=0.5)
        ),
    ],
)
def test_loaded_model_continues_training_exactly(tmp_path, optimizer):
    model = trained(optimizer=optimizer)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.iterations == model.optimizer.iterations > 0
    x, y = data(seed=2)
    logs = []
    for m in (model, loaded):
        glassnet.utils.set_random_seed(7)  # the same shuffles and dropout draws for both
        logs.append(m.fit(x, y, epochs=2, batch_size=16, verbose=0).history)
    assert logs[0] == logs[1]
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_without_optimizer_state_it_would_diverge(tmp_path):
    """Negative control: the optimizer state is what makes the test above pass."""
    model = trained()
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", compile=False)
    loaded.compile("adam", "sparse_categorical_crossentropy")
    x, y = data(seed=2)
    for m in (model, loaded):
        glassnet.utils.set_random_seed(7)
        m.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.array_equal(model.get_weights()[0], loaded.get_weights()[0])


def test_saving_is_deterministic(tmp_path):
    model = trained()
    model.save(tmp_path / "a.keras")
    model.save(tmp_path / "b.keras")
    load_model(tmp_path / "a.keras").save(tmp_path / "c.keras")
    first = (tmp_path / "a.keras").read_bytes()
    assert first == (tmp_path / "b.keras").read_bytes() == (tmp_path / "c.keras").read_bytes()
    infos = zipfile.ZipFile(tmp_path / "a.keras").infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_file_contents(tmp_path):
    model = trained()
    model.save(tmp_path / "folder")
    assert sorted(os.listdir(tmp_path / "folder")) == [
        "config.json", "model.weights.safetensors", "optimizer.safetensors"
    ]  # fmt: skip
    files = read_model_file(tmp_path / "folder")
    assert files.config["format"] == "glassnet.model" and files.config["format_version"] == 1
    assert files.config["build_input_shape"] == [None, 4]
    assert files.config["compile"]["loss"] == "sparse_categorical_crossentropy"
    assert files.config["compile"]["optimizer"]["class_name"] == "Adam"
    inner = [f"inner/{layer.name}/{w}" for layer in model.get_layer("inner").layers
             for w in ("kernel", "bias")]  # fmt: skip
    assert sorted(files.weights) == sorted([
        "hidden/kernel", "hidden/bias", "bn/gamma", "bn/beta", "bn/moving_mean",
        "bn/moving_variance", *inner, "out/kernel", "out/bias",
    ])  # fmt: skip
    assert int(files.optimizer["iterations"]) == model.optimizer.iterations


def test_uncompiled_and_untrained_models_have_no_optimizer_file(tmp_path):
    make_model(compile=False).save(tmp_path / "a.keras")
    make_model().save(tmp_path / "b.keras")
    for name in ("a.keras", "b.keras"):
        assert "optimizer.safetensors" not in zipfile.ZipFile(tmp_path / name).namelist()
    assert load_model(tmp_path / "a.keras").optimizer is None
    assert load_model(tmp_path / "b.keras").optimizer.iterations == 0


def test_compile_false_skips_compile(tmp_path):
    trained().save(tmp_path / "m.keras")
    assert load_model(tmp_path / "m.keras", compile=False).optimizer is None


def test_overwrite_false_refuses_existing_paths(tmp_path):
    model = make_model()
    for name in ("m.keras", "folder"):
        model.save(tmp_path / name)
        with pytest.raises(FileExistsError, match="already exists and overwrite=False"):
            model.save(tmp_path / name, overwrite=False)
        model.save(tmp_path / name, overwrite=True)


def test_folder_save_never_replaces_foreign_content(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"holding other files \(notes.txt\)"):
        make_model().save(tmp_path / "data")
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError, match="exists and is not a folder"):
        make_model().save(tmp_path / "file")
    assert (tmp_path / "data" / "notes.txt").read_text() == "mine"


def test_unbuilt_model_cannot_be_saved(tmp_path):
    with pytest.raises(StateError, match="save_model: expected a built model"):
        Sequential([Dense(2)]).save(tmp_path / "m.keras")


class Unregistered(glassnet.Model):
    def __init__(self, units: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.dense = Dense(units)

    def call(self, inputs, training=None):
        return self.dense(inputs)


def test_unregistered_subclass_needs_save_weights(tmp_path):
    model = Unregistered()
    model(np.ones((2, 5), np.float32))
    with pytest.raises(ConfigError, match=r"cannot be rebuilt from a config.*save_weights"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()
    model.save_weights(tmp_path / "w.weights.safetensors")
    other = Unregistered()
    other(np.ones((2, 5), np.float32))
    other.load_weights(tmp_path / "w.weights.safetensors")
    x = np.random.default_rng(0).normal(size=(3, 5))
    np.testing.assert_array_equal(other.predict(x), model.predict(x))


@glassnet.layers.LAYERS.register("IOTestForgetful")
class Forgetful(Unregistered):
    """Registered, but inherits get_config without its 'units' argument."""


def test_registered_class_missing_config_arguments_is_refused(tmp_path):
    model = Forgetful(units=2)
    model(np.ones((2, 5), np.float32))
    with pytest.raises(ConfigError, match=r"Forgetful '.*' takes argument\(s\) \['units'\]"):
        model.save(tmp_path / "m.keras")


def my_loss(y_true, y_pred):
    return glassnet.ops.mean(glassnet.ops.abs(y_true - y_pred))


@pytest.mark.parametrize(
    ("loss", "message"),
    [
        (my_loss, "expected a registered loss, got 'my_loss'"),
        (glassnet.losses.LossFunctionWrapper(my_loss), "compile config of .* cannot be rebuilt"),
    ],
)
def test_unregistered_loss_is_refused_at_save_time(tmp_path, loss, message):
    model = make_model(compile=False)
    model.compile("sgd", loss)
    with pytest.raises(ConfigError, match=message):
        model.save(tmp_path / "m.keras")
    assert os.listdir(tmp_path) == []


def test_functional_model_round_trip(tmp_path):
    pytest.importorskip("glassnet.models.functional")
    from glassnet.layers import Add, Input

    glassnet.utils.set_random_seed(0)
    inp = Input(shape=(3,), name="x")
    h = Dense(5, activation="relu", name="h")(inp)
    out = Dense(2, name="out")(Add(name="add")([h, Dense(5, name="skip")(inp)]))
    model = glassnet.Model(inputs=inp, outputs=out)
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    model.save(tmp_path / "f.keras")
    loaded = load_model(tmp_path / "f.keras")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.optimizer.iterations == model.optimizer.iterations


def test_model_built_by_its_first_call_round_trips(tmp_path):
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(5, activation="relu"), Dense(2)])  # no input shape anywhere
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    assert read_model_file(tmp_path / "m.keras").config["build_input_shape"] == [None, 3]
    np.testing.assert_array_equal(load_model(tmp_path / "m.keras").predict(x), model.predict(x))


@glassnet.layers.LAYERS.register("IOTestResidual")
class Residual(glassnet.Model):
    """A registered subclassed model whose get_config returns its argument."""

    def __init__(self, units: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = Dense(units, activation="relu", name="inner")
        self.outer = Dense(units, name="outer")

    def call(self, inputs, training=None):
        return inputs + self.outer(self.inner(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_registered_subclassed_model_round_trips_and_resumes(tmp_path):
    glassnet.utils.set_random_seed(0)
    model = Residual(units=3)
    model.compile(glassnet.optimizers.SGD(0.1, momentum=0.9), "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    model.fit(x, 2 * x, epochs=2, verbose=0)
    model.save(tmp_path / "r.keras")
    loaded = load_model(tmp_path / "r.keras")
    assert isinstance(loaded, Residual) and loaded.units == 3
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    for m in (model, loaded):
        glassnet.utils.set_random_seed(1)
        m.fit(x, 2 * x, epochs=2, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
