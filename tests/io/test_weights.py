"""save_weights / load_weights, weight names, and atomic writes under failure."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ModelFileError, StateError
from glassnet.io import safetensors, weight_keys
from glassnet.layers import Dense
from glassnet.models import Sequential
from tests.io.test_model_file import data, make_model, trained


def test_weight_keys_use_layer_paths():
    model = make_model()
    keys = list(weight_keys(model))
    inner = model.get_layer("inner").layers
    assert keys[:2] == ["hidden/kernel", "hidden/bias"]
    assert f"inner/{inner[0].name}/kernel" in keys and keys[-1] == "out/bias"
    assert len(keys) == len(set(keys)) == len(model.weights)


def test_duplicate_weight_names_are_refused(tmp_path):
    model = Sequential([Dense(2, input_shape=(2,), name="a/b"), Dense(2, name="a")])
    model.layers[1].kernel.name = "a/b/kernel"  # a second path to the same key
    with pytest.raises(ConfigError, match="would both be saved as 'a/b/kernel'"):
        model.save_weights(tmp_path / "w.weights.safetensors")


def test_save_and_load_weights_by_name_and_by_position(tmp_path):
    model = trained()
    path = tmp_path / "w.weights.safetensors"
    model.save_weights(path)
    tensors, _ = safetensors.load_file(path)
    assert set(tensors) == set(weight_keys(model))
    same_names = glassnet.load_model(_saved(model, tmp_path), compile=False)
    same_names.set_weights([np.zeros_like(w) for w in same_names.get_weights()])
    same_names.load_weights(path)
    fresh = make_model(seed=5)  # new automatic names inside 'inner': matched by position
    assert set(weight_keys(fresh)) != set(tensors)
    fresh.load_weights(path)
    x, _ = data()
    np.testing.assert_array_equal(same_names.predict(x), model.predict(x))
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


def _saved(model, tmp_path):
    model.save(tmp_path / "m.keras")
    return tmp_path / "m.keras"


def test_load_weights_from_a_model_file(tmp_path):
    model = trained()
    fresh = make_model(seed=3)
    fresh.load_weights(_saved(model, tmp_path))
    x, _ = data()
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


def test_mismatched_weights_change_nothing(tmp_path):
    trained().save_weights(tmp_path / "w.safetensors")
    other = Sequential([Dense(8, input_shape=(4,)), Dense(2)])
    before = other.get_weights()
    with pytest.raises(
        ModelFileError, match="the weights do not fit .* matching by position failed"
    ):
        other.load_weights(tmp_path / "w.safetensors")
    # same names, one shape differs: the first layer must not have been assigned either
    model = make_model()
    weights = {k: w.data.copy() for k, w in weight_keys(model).items()}
    weights["out/bias"] = np.zeros(5, np.float32)
    safetensors.save_file(weights, tmp_path / "bad.safetensors")
    snapshot = model.get_weights()
    with pytest.raises(ModelFileError, match=r"'out/bias' has shape \(5,\) but .* expects \(3,\)"):
        model.load_weights(tmp_path / "bad.safetensors")
    for a, b in zip(snapshot, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_of_another_kind_are_refused(tmp_path):
    model = Sequential([Dense(2, input_shape=(2,), name="d")])
    safetensors.save_file(
        {"d/kernel": np.zeros((2, 2), np.int32), "d/bias": np.zeros(2, np.float32)},
        tmp_path / "w.safetensors",
    )
    with pytest.raises(ModelFileError, match="'d/kernel' has dtype int32 but .* expects float32"):
        model.load_weights(tmp_path / "w.safetensors")


def test_save_weights_errors(tmp_path):
    with pytest.raises(ValueError, match="has a model-file extension, but save_weights"):
        make_model().save_weights(tmp_path / "w.keras")
    with pytest.raises(StateError, match="save_weights: expected a built model"):
        Sequential([Dense(2)]).save_weights(tmp_path / "w.safetensors")
    with pytest.raises(StateError, match="load_weights: expected a built model"):
        Sequential([Dense(2)]).load_weights(tmp_path / "w.safetensors")
    make_model().save_weights(tmp_path / "w.safetensors")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        make_model().save_weights(tmp_path / "w.safetensors", overwrite=False)


# ---------------------------------------------------------------------- atomic writes
class Interrupted(Exception):
    pass


def _interrupt_writes(monkeypatch):
    """Make every safetensors write stop half-way with an exception."""

    def half_then_fail(self, file):
        file.write(self.head)
        file.write(b"\xab" * (self.size // 2))
        raise Interrupted("killed mid-save")

    monkeypatch.setattr(safetensors.Plan, "write_to", half_then_fail)


@pytest.mark.parametrize("name", ["m.keras", "folder", "w.weights.safetensors"])
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch, name):
    path = tmp_path / name
    old, new = trained(seed=0), trained(seed=1)
    save = (
        (lambda m: m.save_weights(path))
        if name.endswith("safetensors")
        else (lambda m: m.save(path))
    )
    save(old)
    before = _snapshot(path)
    _interrupt_writes(monkeypatch)
    with pytest.raises(Interrupted):
        save(new)
    assert _snapshot(path) == before
    assert sorted(os.listdir(tmp_path)) == [name]  # no temporary file left behind
    monkeypatch.undo()
    x, _ = data()
    if name.endswith("safetensors"):
        new.load_weights(path)
        np.testing.assert_array_equal(new.predict(x), old.predict(x))
    else:
        np.testing.assert_array_equal(glassnet.load_model(path).predict(x), old.predict(x))


def _snapshot(path):
    if os.path.isdir(path):
        return {n: (path / n).read_bytes() for n in sorted(os.listdir(path))}
    return path.read_bytes()


def test_a_process_killed_mid_save_leaves_the_previous_file_intact(tmp_path):
    """A hard exit (no cleanup at all) in the middle of writing the weights."""
    path = tmp_path / "m.keras"
    trained(seed=0).save(path)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os
        from glassnet.io import safetensors
        from tests.io.test_model_file import trained

        def die(self, file):
            file.write(self.head)
            file.flush()
            os._exit(9)

        model = trained(seed=1)
        safetensors.Plan.write_to = die
        model.save({str(path)!r})
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-c", script], cwd=root, timeout=120)
    assert done.returncode == 9
    assert path.read_bytes() == before
    leftovers = [n for n in os.listdir(tmp_path) if n != "m.keras"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".m.keras.")  # the abandoned temp
    glassnet.load_model(path)
