"""The messages of glassnet.io that the corpus tests (test_hostile, test_checkpoint_hostile,
test_model_file) do not reach: each triggered through the public API and matched by its text."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ModelFileError, StateError
from glassnet.io import load_checkpoint, load_model, safetensors, save_checkpoint
from glassnet.layers import Dense
from glassnet.models import Sequential


def _model(units: int = 3, compile: bool = True) -> Sequential:  # noqa: A002
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(units, input_shape=(2,), name="h"), Dense(1, name="o")])
    if compile:
        model.compile("adam", "mse")
    return model


def _trained() -> Sequential:
    model = _model()
    x = np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32)
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    return model


def _rewrite(path, name, edit):
    """Rewrite one member of a zip with `edit(bytes) -> bytes`; the others stay as they are."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = edit(members[name])
    with zipfile.ZipFile(path, "w") as archive:
        for key, data in sorted(members.items()):
            archive.writestr(key, data)
    return path


def _edit_json(edit):
    def apply(raw: bytes) -> bytes:
        config = json.loads(raw)
        edit(config)
        return json.dumps(config).encode()

    return apply


# ---------------------------------------------------------------------- model files
def test_a_compile_config_with_a_non_name_loss_is_refused(tmp_path):
    path = tmp_path / "m.keras"
    _trained().save(path)
    _rewrite(path, "config.json", _edit_json(lambda c: c["compile"].update(loss=5)))
    with pytest.raises(
        ModelFileError, match=r"config.json: cannot restore the compile config: "
    ) as info:
        load_model(path)
    info.match(r"expected a registered name or a class config, got 5\.")


def test_nan_in_a_safetensors_header_is_refused():
    header = b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, NaN]}}'
    raw = len(header).to_bytes(8, "little") + header + bytes(4)
    with pytest.raises(ModelFileError, match=r"expected a JSON header, got unreadable") as info:
        safetensors.loads(raw, "w.safetensors")
    info.match(r"text \(NaN is not allowed")


def test_an_optimizer_shared_with_another_model_cannot_be_saved(tmp_path):
    optimizer = glassnet.optimizers.Adam()
    first, second = _model(compile=False), _model(compile=False)
    first.compile(optimizer, "mse")
    x = np.ones((4, 2), np.float32)
    first.fit(x, x[:, :1], epochs=1, verbose=0)
    second.compile(optimizer, "mse")
    with pytest.raises(
        ConfigError,
        match=rf"save_model: the optimizer of '{second.name}' updates tensors that are not "
        r"weights of this model, so its state cannot be saved with it\. Save the weights alone",
    ):
        second.save(tmp_path / "m.keras")


@glassnet.layers.LAYERS.register("IOMessagesByHand")
class ByHand(glassnet.Model):
    """A registered subclassed model whose layers are built by hand, not by a call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = Dense(2)

    def call(self, inputs, training=None):
        return self.dense(inputs)


def test_a_model_built_by_hand_has_no_input_shape_to_save(tmp_path):
    model = ByHand(name="by_hand")
    model.dense.build((None, 3))
    model.built = True
    with pytest.raises(
        ConfigError,
        match=r"save_model: cannot tell which input shape 'by_hand' was built for\. Start it "
        r"with Input\(shape=\.\.\.\)",
    ):
        model.save(tmp_path / "m.keras")


@glassnet.layers.LAYERS.register("IOMessagesOddConfig")
class OddConfig(Dense):
    """A registered layer whose get_config holds something JSON cannot store."""

    def get_config(self):
        return {**super().get_config(), "lookup": {1, 2}}


def test_a_config_holding_a_set_is_refused(tmp_path):
    model = Sequential([OddConfig(2, input_shape=(3,), name="odd")])
    with pytest.raises(
        ConfigError,
        match=r"save_model: the config of '.*' holds a set \(\{1, 2\}\), which JSON cannot "
        r"store\. Return plain numbers",
    ):
        model.save(tmp_path / "m.keras")


def test_a_zip_member_using_strong_encryption_is_refused(tmp_path):
    path = tmp_path / "m.keras"
    _trained().save(path)
    raw = bytearray(path.read_bytes())
    # set general-purpose flag bit 6 (strong encryption) in the local and central headers
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = raw.find(signature)
        while start != -1:
            raw[start + offset] |= 0x40
            start = raw.find(signature, start + 4)
    path.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match=r"the zip cannot be read safely \(strong encryption"):
        load_model(path)


def test_a_folder_member_that_changes_size_while_read_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    _trained().save(folder)
    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):  # another process appends right after the size is taken
        info = real_lstat(path, *args, **kwargs)
        if str(path).endswith("config.json"):
            with open(path, "ab") as file:
                file.write(b" ")
        return info

    monkeypatch.setattr(os, "lstat", lstat)
    with pytest.raises(ModelFileError, match=r"config.json: the file changed size while it was"):
        load_model(folder)


# ---------------------------------------------------------------------- weights files
def test_weights_of_another_architecture_are_refused_with_both_shapes(tmp_path):
    path = tmp_path / "w.weights.safetensors"
    _model(units=3).save_weights(path)
    other = _model(units=4)
    with pytest.raises(
        ModelFileError,
        match=rf"weight 'h/kernel' has shape \(2, 3\) but '{other.name}' expects \(2, 4\) for "
        r"'h/kernel'\. The file belongs to another architecture\.",
    ):
        other.load_weights(path)


def test_safetensors_writer_checks_names_and_metadata():
    with pytest.raises(
        ValueError, match=r"safetensors: expected non-empty str tensor names, got ''"
    ):
        safetensors.dumps({"": np.zeros(2)})
    with pytest.raises(TypeError, match=r"safetensors: metadata must map str to str\."):
        safetensors.dumps({"w": np.zeros(2)}, metadata={"format": 1})


def test_safetensors_file_that_changes_size_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    safetensors.save_file({"w": np.zeros(4, np.float32)}, path)
    real_fstat = os.fstat

    def fstat(fd):  # another process appends right after the size is taken
        info = real_fstat(fd)
        with open(path, "ab") as file:
            file.write(bytes(4))
        return info

    monkeypatch.setattr(os, "fstat", fstat)
    with pytest.raises(ModelFileError, match=r"w.safetensors: the file changed size while it was"):
        safetensors.load_file(path)


# ---------------------------------------------------------------------- checkpoints
def test_a_checkpoint_with_optimizer_state_needs_a_compiled_model(tmp_path):
    path = tmp_path / "c.zip"
    save_checkpoint(_trained(), path, epoch=1)
    model = _model(compile=False)
    with pytest.raises(
        StateError,
        match=rf"load_checkpoint: .*c.zip holds optimizer state but '{model.name}' is not "
        r"compiled\. Call model.compile\(\.\.\.\) as for the saved run first\.",
    ):
        load_checkpoint(model, path)


def test_generator_states_must_match_the_listed_generators(tmp_path):
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(3, input_shape=(2,)), glassnet.layers.Dropout(0.5, seed=1)])
    model.compile("adam", "mse")
    path = tmp_path / "c.zip"
    save_checkpoint(model, path, epoch=0)

    def rename(raw: bytes) -> bytes:
        tensors, _ = safetensors.loads(raw)
        return safetensors.dumps({"7": tensors["0"]})

    _rewrite(path, "rng.safetensors", rename)
    with pytest.raises(
        ModelFileError,
        match=r"rng.safetensors: expected one state per listed generator \('0' to '1'\); "
        r"missing \['0', '1'\], unexpected \['7'\]\.",
    ):
        load_checkpoint(model, path)


def test_a_zip_member_shorter_than_its_declared_size_is_refused(tmp_path):
    path = tmp_path / "m.keras"
    _trained().save(path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, data in sorted(members.items()):
            archive.writestr(key, data)
    size = len(members["config.json"])
    raw = bytearray(path.read_bytes())
    # declare 10 more bytes than the deflate stream holds, in the local and central headers
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = raw.find(signature)
        while start != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + 11] == b"config.json":
                raw[start + offset : start + offset + 4] = (size + 10).to_bytes(4, "little")
            start = raw.find(signature, start + 4)
    path.write_bytes(bytes(raw))
    with pytest.raises(
        ModelFileError,
        match=rf"member 'config.json' holds {size} bytes, not the {size + 10} its header declares",
    ):
        load_model(path)


def test_saving_weights_onto_a_folder_is_refused(tmp_path):
    with pytest.raises(
        IsADirectoryError,
        match=r"save: '.*' is a folder, expected a file path\. Choose a file name such as "
        r"'model.keras' or 'model.weights.safetensors'\.",
    ):
        _model().save_weights(tmp_path)


def test_a_config_that_builds_no_model_is_refused(tmp_path):
    model = Sequential([Dense(1, name="d")])
    model(np.ones((1, 2), np.float32))
    path = tmp_path / "m.keras"
    model.save(path)
    _rewrite(path, "config.json", _edit_json(lambda c: c.update(build_input_shape=None)))
    with pytest.raises(
        ModelFileError, match=r"m.keras: the config builds no model \('build_input_shape' is"
    ):
        load_model(path)


def _header(entries: dict) -> bytes:
    header = json.dumps(entries).encode()
    return len(header).to_bytes(8, "little") + header


@pytest.mark.parametrize("reader", ["loads", "load_file"])
def test_safetensors_data_must_start_at_zero(tmp_path, reader):
    raw = _header({"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}) + bytes(2)
    path = tmp_path / "gap.safetensors"
    path.write_bytes(raw)
    with pytest.raises(
        ModelFileError,
        match=r"gap.safetensors: tensor 'a' \(data_offsets \[1, 2\]\) leaves a gap after the "
        r"start of the data; tensors must tile the data section in order\.",
    ):
        safetensors.loads(raw, str(path)) if reader == "loads" else safetensors.load_file(path)


@pytest.mark.parametrize("reader", ["loads", "load_file"])
@pytest.mark.parametrize(("second", "what"), [([1, 3], "overlaps"), ([3, 5], "leaves a gap after")])
def test_safetensors_tensors_must_tile_the_data(tmp_path, reader, second, what):
    entries = {"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
               "b": {"dtype": "U8", "shape": [2], "data_offsets": second}}  # fmt: skip
    raw = _header(entries) + bytes(second[1])
    path = tmp_path / "tile.safetensors"
    path.write_bytes(raw)
    with pytest.raises(
        ModelFileError,
        match=rf"tile.safetensors: tensor 'b' \(data_offsets \[{second[0]}, {second[1]}\]\) "
        rf"{what} tensor 'a'; tensors must tile the data section in order\.",
    ):
        safetensors.loads(raw, str(path)) if reader == "loads" else safetensors.load_file(path)
