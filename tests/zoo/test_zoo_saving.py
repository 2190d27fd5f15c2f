"""save -> load_model in a fresh process for the zoo's models: the same predictions, codes,
generated and sampled data (seeded), and the same weights after one more seeded epoch.

Autoencoder and VAE files hold the optimizer state, so training continues exactly; a GAN
file holds no optimizer (two optimizers, one slot in the format): it loads uncompiled, is
compiled again, and then trains exactly as the original compiled again the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet import zoo
from glassnet.errors import ModelFileError
from glassnet.io import read_model_file
from glassnet.layers import Dense, GlobalAveragePooling1D, Input
from tests.zoo._saving_run import continue_training, measure

SCRIPT = os.path.join(os.path.dirname(__file__), "_saving_run.py")
RNG = np.random.default_rng(0)
X8 = RNG.random((24, 8), dtype=np.float32)


def _dense_autoencoder():
    ae = zoo.dense_autoencoder(8, latent_dim=2, hidden=(6,), noise_stddev=0.1)
    ae.compile("adam", "mse")
    return ae, X8, X8


def _seeded_denoising():  # seeded noise: predictions only (its generator is not saved)
    ae = zoo.denoising_autoencoder(8, latent_dim=3, hidden=(5,), noise_stddev=0.2, seed=4)
    ae.compile("rmsprop", "mse")
    return ae, X8, X8


def _conv_autoencoder():
    ae = zoo.conv_autoencoder((4, 4, 1), filters=(2,), latent_dim=3, name="cae")
    ae.compile("adam", "binary_crossentropy")
    x = RNG.random((16, 4, 4, 1), dtype=np.float32)
    return ae, x, x


def _vae():
    vae = zoo.dense_vae(8, latent_dim=2, hidden=(6,), reconstruction="mse", kl_weight=0.5)
    vae.compile("adam")
    return vae, X8, None


def _gan():
    gan = zoo.dense_gan(2, latent_dim=3, hidden=(6,), name="ring_gan")
    gan.compile(d_optimizer="adam", g_optimizer="sgd")
    return gan, RNG.normal(size=(24, 2)).astype(np.float32), None


def _trees():
    vocab = zoo.TreeVocabulary().fit(["good", "bad", "not", "very"])
    trees = ["(not good)", "bad", "(very (not bad))", "(very good)"] * 4
    return zoo.encode_trees(trees, vocab), np.arange(16) % 2, vocab.size


def _tree_classifier():
    x, y, size = _trees()
    model = zoo.TreeClassifier(size, 2, units=4, embedding_dim=3, name="tc")
    model.compile("adam", "sparse_categorical_crossentropy")
    return model, x, y


def _bag_of_words():
    x, y, size = _trees()
    model = zoo.BagOfWordsClassifier(size, 2, embedding_dim=4, hidden=3, name="bow")
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def _rbf():
    x = np.linspace(-2, 2, 24, dtype=np.float32)[:, None]
    model = zoo.RBFNetwork(5, seed=1)
    model.compile("adam", "mse")
    return model, x, np.sin(x)


def _transformer():
    inputs = Input((5, 4))
    hidden = zoo.TransformerEncoder(8, 2, dropout=0.1)(inputs)
    model = glassnet.Model(inputs, Dense(1)(GlobalAveragePooling1D()(hidden)))
    model.compile("adam", "mse")
    return model, RNG.normal(size=(16, 5, 4)).astype(np.float32), RNG.normal(size=(16, 1))


BUILDERS = {
    "dense_ae": _dense_autoencoder,
    "denoising_seeded": _seeded_denoising,
    "conv_ae": _conv_autoencoder,
    "vae": _vae,
    "gan": _gan,
    "tree": _tree_classifier,
    "bag": _bag_of_words,
    "rbf": _rbf,
    "transformer": _transformer,
}
SEEDED = {"denoising_seeded"}  # draws from a generator of its own: continuation not compared


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Every model trained one epoch, saved, and loaded back in one fresh process."""
    folder = tmp_path_factory.mktemp("zoo_saving")
    models = {}
    for name, build in BUILDERS.items():
        glassnet.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)
        model.save(folder / f"{name}.keras")
        np.savez(folder / f"{name}_data.npz", x=x, **({} if y is None else {"y": y}))
        models[name] = (model, x, y)
    done = subprocess.run([sys.executable, SCRIPT, str(folder), *BUILDERS],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = {name: dict(np.load(folder / f"{name}_out.npz")) for name in BUILDERS}
    return folder, models, outputs


@pytest.mark.parametrize("name", list(BUILDERS))
def test_zoo_model_loads_in_a_fresh_process_with_identical_outputs(saved, name):
    _, models, outputs = saved
    model, x, _ = models[name]
    loaded = outputs[name]
    assert str(loaded["class"]) == type(model).__name__
    expected = measure(model, x)
    assert set(expected) <= set(loaded)
    for key, value in expected.items():
        np.testing.assert_array_equal(loaded[key], value, err_msg=f"{name}: {key}")


@pytest.mark.parametrize("name", sorted(set(BUILDERS) - SEEDED))
def test_zoo_model_trains_on_after_loading_exactly_as_the_original(saved, name):
    _, models, outputs = saved
    model, x, y = models[name]
    after = continue_training(model, x, y)
    assert len(after) == len(model.weights) > 0
    for key, value in after.items():
        np.testing.assert_array_equal(outputs[name][key], value, err_msg=f"{name}: {key}")


def test_vae_file_holds_the_optimizer_state_and_no_loss(saved):
    folder, models, outputs = saved
    files = read_model_file(folder / "vae.keras")
    compiled = files.config["compile"]
    assert compiled["optimizer"]["class_name"].lower() == "adam"
    assert compiled["loss"] is None and compiled["metrics"] is None
    assert files.optimizer is not None and int(files.optimizer["iterations"]) == 3
    assert bool(outputs["vae"]["compiled"])
    config = files.config["model"]["config"]
    assert (config["reconstruction"], config["kl_weight"]) == ("mse", 0.5)


def test_gan_file_holds_no_optimizer_and_loads_uncompiled(saved):
    folder, _, outputs = saved
    files = read_model_file(folder / "gan.keras")
    assert files.config["compile"] is None and files.optimizer is None
    assert not bool(outputs["gan"]["compiled"])
    assert "call compile(d_optimizer=..., g_optimizer=...) first" in str(
        outputs["gan"]["uncompiled_error"]
    )
    config = files.config["model"]
    assert config["class_name"] == "GAN"
    assert {"generator", "discriminator", "latent_dim", "d_steps", "seed"} <= set(config["config"])


def test_autoencoder_config_nests_both_halves_as_registered_layer_configs(saved):
    folder, models, _ = saved
    config = read_model_file(folder / "denoising_seeded.keras").config["model"]
    inner = config["config"]
    assert config["class_name"] == "Autoencoder"
    assert inner["encoder"]["class_name"] == inner["decoder"]["class_name"] == "Sequential"
    assert (inner["noise_stddev"], inner["seed"]) == (0.2, 4)
    rebuilt = zoo.Autoencoder.from_config(models["denoising_seeded"][0].get_config())
    assert (rebuilt.noise_stddev, rebuilt.noise.seed) == (0.2, 4)


def test_tree_models_are_built_from_their_config_without_a_probe():
    x, _, size = _trees()
    for model in (zoo.TreeClassifier(size, 2, units=4), zoo.BagOfWordsClassifier(size, 2)):
        model(x)
        rebuilt = type(model).from_config(model.get_config())
        assert rebuilt.built and rebuilt.count_params() == model.count_params()
        unbuilt = type(model).from_config({**model.get_config(), "batch_input_shape": None})
        assert not unbuilt.built


def test_vae_and_gan_are_built_by_fit_alone(tmp_path):
    glassnet.utils.set_random_seed(0)
    vae = zoo.dense_vae(8, latent_dim=2, hidden=(4,))
    vae.compile("adam")
    vae.fit(X8, epochs=1, batch_size=8, verbose=0)
    gan = zoo.dense_gan(2, latent_dim=3, hidden=(4,))
    gan.compile()
    gan.fit(X8[:, :2], epochs=1, batch_size=8, verbose=0)
    assert vae.built and gan.built
    assert vae._build_input_shape == (None, 8) and gan._build_input_shape == (None, 3)


def test_tampered_gan_config_is_a_model_file_error(saved, tmp_path):
    folder, _, _ = saved
    files = read_model_file(folder / "gan.keras")
    config = files.config["model"]["config"]
    del config["generator"]
    with pytest.raises(ModelFileError, match="cannot rebuild the model from its config"):
        glassnet.io.model_file._rebuild(files, "gan.keras")


def test_tree_vocabulary_round_trips_as_plain_json():
    import json

    vocab = zoo.TreeVocabulary(min_count=2).fit([("not", "good"), ("good", "bad"), ("not", "bad")])
    text = json.dumps(vocab.get_config())
    again = zoo.TreeVocabulary.from_config(json.loads(text))
    assert (again.tokens, again.index, again.min_count) == (vocab.tokens, vocab.index, 2)
    trees = ["(not (very good))", "bad"]
    np.testing.assert_array_equal(zoo.encode_trees(trees, again), zoo.encode_trees(trees, vocab))


@pytest.mark.parametrize(
    "tokens",
    [None, ["good"], ["<pad>", "<unk>", "<node>", "a", "a"], ["<pad>", "<unk>", "<node>", 3]],
)
def test_tree_vocabulary_from_config_rejects_bad_tokens(tokens):
    with pytest.raises(ValueError, match="TreeVocabulary.from_config: expected 'tokens' as a list"):
        zoo.TreeVocabulary.from_config({"tokens": tokens})


def test_zoo_models_with_built_parts_are_built_at_once_so_backups_work(tmp_path):
    from glassnet.callbacks import BackupAndRestore

    x = np.random.default_rng(0).random((64, 16), dtype=np.float32)
    models = {
        "autoencoder": zoo.dense_autoencoder(16, 4),
        "vae": zoo.dense_vae(16, latent_dim=2),
        "gan": zoo.dense_gan(2, latent_dim=4),
    }
    for name, model in models.items():
        assert model.built, name  # before any data: BackupAndRestore needs the weights
        if name == "gan":
            model.compile(d_optimizer="adam", g_optimizer="adam")
            model.fit(x[:, :2], epochs=2, batch_size=32, verbose=0,
                      callbacks=[BackupAndRestore(tmp_path / name)])  # fmt: skip
        elif name == "vae":
            model.compile("adam")
            model.fit(x, epochs=2, batch_size=32, verbose=0,
                      callbacks=[BackupAndRestore(tmp_path / name)])  # fmt: skip
        else:
            model.compile("adam", "mse")
            model.fit(x, x, epochs=2, batch_size=32, verbose=0,
                      callbacks=[BackupAndRestore(tmp_path / name)])  # fmt: skip
