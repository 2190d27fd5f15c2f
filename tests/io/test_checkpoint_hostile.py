"""A corpus of corrupt and hostile checkpoints: each raises ModelFileError, runs nothing, opens
nothing but itself, allocates nothing large, and leaves the model exactly as it was."""

from __future__ import annotations

import json
import os
import pickle
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet.errors import ModelFileError
from glassnet.io import checkpoint, load_checkpoint, load_model, safetensors, save_checkpoint
from glassnet.layers import Dense, Dropout
from glassnet.models import Sequential


def _model() -> Sequential:
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(3, activation="relu", input_shape=(2,), name="h"),
                        Dropout(0.5, seed=1, name="drop"), Dense(1, name="o")])  # fmt: skip
    model.compile("adam", "mse")
    return model


def _valid(tmp_path) -> dict[str, bytes]:
    """The members of a small, valid checkpoint of a trained model (two generators)."""
    model = _model()
    x = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    save_checkpoint(model, tmp_path / "valid.zip", epoch=1)
    with zipfile.ZipFile(tmp_path / "valid.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, data)
    return path


def _snapshot(model) -> tuple:
    generators = [g.bit_generator.state for _, g in checkpoint._rng_state.model_generators(model)]
    return (b"".join(w.data.tobytes() for w in model.weights), model.optimizer.iterations,
            json.dumps(generators))  # fmt: skip


def _load_fails(path, message):
    model = _model()
    before = _snapshot(model)
    with pytest.raises(ModelFileError, match=message):
        load_checkpoint(model, path)
    assert _snapshot(model) == before  # nothing changed


def _with_state(tmp_path, edit, name="hostile.zip"):
    members = _valid(tmp_path)
    state = json.loads(members["checkpoint.json"])
    edit(state)
    members["checkpoint.json"] = json.dumps(state).encode()
    return _zip(tmp_path / name, sorted(members.items()))


def _with_rng(tmp_path, tensors, name="rng.zip"):
    members = _valid(tmp_path)
    members["rng.safetensors"] = safetensors.dumps(tensors)
    return _zip(tmp_path / name, sorted(members.items()))


def _words() -> dict[str, np.ndarray]:
    _, first = checkpoint._rng_state.pack("x", np.random.default_rng(1))
    return {"0": first, "1": first.copy()}


def test_the_valid_checkpoint_loads(tmp_path):
    _valid(tmp_path)
    model = _model()
    assert load_checkpoint(model, tmp_path / "valid.zip") == checkpoint.TrainingState(1, 0)
    assert model.optimizer.iterations == 1


# ---------------------------------------------------------------------- not checkpoints
class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payloads_do_nothing(tmp_path):
    marker = str(tmp_path / "pwned")
    (tmp_path / "evil.zip").write_bytes(pickle.dumps(_Payload(marker)))
    _load_fails(tmp_path / "evil.zip", "expected a glassnet model zip, got a corrupt")
    members = _valid(tmp_path)
    members["checkpoint.json"] = pickle.dumps(_Payload(marker))
    _load_fails(_zip(tmp_path / "p.zip", sorted(members.items())), "expected a JSON checkpoint")
    members = _valid(tmp_path)
    members["rng.safetensors"] = pickle.dumps(_Payload(marker))
    _load_fails(_zip(tmp_path / "r.zip", sorted(members.items())), "rng.safetensors: header")
    assert not os.path.exists(marker)


def test_a_model_file_is_not_a_checkpoint_and_back(tmp_path):
    model = _model()
    model.save(tmp_path / "model.keras")
    _load_fails(tmp_path / "model.keras", r"unexpected zip member\(s\) 'config.json'")
    _valid(tmp_path)
    with pytest.raises(ModelFileError, match=r"unexpected zip member\(s\) 'checkpoint.json'"):
        load_model(tmp_path / "valid.zip")


def test_a_folder_is_refused(tmp_path):
    _load_fails(tmp_path, "expected a checkpoint file, got a folder")


# ---------------------------------------------------------------------- the state (JSON)
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c.update(safe_mode=False), r"unexpected: \['safe_mode'\]"),
        (lambda c: c.update(weights_path="/etc/passwd"), r"unexpected: \['weights_path'\]"),
        (lambda c: c.update(callbacks=["os.system"]), r"unexpected: \['callbacks'\]"),
        (lambda c: c.pop("epoch"), "expected the keys"),
        (lambda c: c.update(format="pickle"), "expected format 'glassnet.checkpoint', got 'pickle'"),
        (lambda c: c.update(format="glassnet.model"), "expected format 'glassnet.checkpoint'"),
        (lambda c: c.update(format_version=2), "format_version 2 is not one this glassnet reads"),
        (lambda c: c.update(format_version="1"), "format_version '1'"),
        (lambda c: c.update(format_version=True), "format_version True"),
        (lambda c: c.update(epoch=-1), r"expected 'epoch' to be an int in \[0, 2147483647\]"),
        (lambda c: c.update(epoch=2**63), "expected 'epoch' to be an int"),
        (lambda c: c.update(epoch=1.5), "expected 'epoch' to be an int"),
        (lambda c: c.update(epoch=True), "expected 'epoch' to be an int"),
        (lambda c: c.update(epoch="3"), "expected 'epoch' to be an int"),
        (lambda c: c.update(batch=-2), "expected 'batch' to be an int"),
        (lambda c: c.update(optimizer=["Adam"]), "expected 'optimizer' to be a class name or null"),
        (lambda c: c.update(optimizer="os.system"), "saved with optimizer os.system but"),
        (lambda c: c.update(optimizer="SGD"), "saved with optimizer SGD but .* compiled with Adam"),
        (lambda c: c.update(optimizer_weights=["h/kernel", "nope"]), "weight names of the model"),
        (lambda c: c.update(optimizer_weights=["h/kernel", "h/kernel"]), "names a weight twice"),
        (lambda c: c.update(optimizer_weights=["h/kernel"]), "only 1 parameters were saved"),
        (lambda c: c.update(optimizer_weights="h/kernel"), "to list weight names of the model"),
        (lambda c: c.pop("optimizer_weights"), "must come together"),
        (lambda c: c.update(generators=[]), "expected 'generators' as a list of 1 to"),
        (lambda c: c.update(generators="PCG64"), "expected 'generators' as a list"),
        (lambda c: c.update(generators=[["glassnet.backend", "PCG64", "x"]]), "string pairs"),
        (lambda c: c.update(generators=[["glassnet.backend", 7], ["d", "PCG64"]]), "string pairs"),
        (lambda c: c.update(generators=[["x" * 2000, "PCG64"], ["d", "PCG64"]]), "string pairs"),
        (lambda c: c["generators"].append(["extra", "PCG64"]), r"missing \['2'\]"),
        (lambda c: c["generators"].pop(), r"unexpected \['1'\]"),
        (lambda c: c["generators"][1].__setitem__(1, "MT19937"), "bit generator 'MT19937' is not"),
        (lambda c: c["generators"][0].__setitem__(1, "os.system"), "bit generator 'os.system'"),
    ],
)  # fmt: skip
def test_hostile_states(tmp_path, edit, message):
    _load_fails(_with_state(tmp_path, edit), message)


def test_too_many_generators_are_refused_before_reading_them(tmp_path):
    many = [["g", "PCG64"]] * (checkpoint.MAX_GENERATORS + 1)
    _load_fails(_with_state(tmp_path, lambda c: c.update(generators=many)), "list of 1 to 100000")


def test_a_checkpoint_of_a_model_without_the_seeded_layer_is_refused(tmp_path):
    _valid(tmp_path)
    model = Sequential([Dense(3, activation="relu", input_shape=(2,), name="h"),
                        Dropout(0.5, name="drop"), Dense(1, name="o")])  # fmt: skip
    model.compile("adam", "mse")
    with pytest.raises(ModelFileError, match="holds the generators .*'drop/_rng'.* but the model"):
        load_checkpoint(model, tmp_path / "valid.zip")


@pytest.mark.parametrize("raw", [b'{"format": "glassnet.checkpoint", "format": "x"}',
                                 b'{"epoch": NaN}', b"[1, 2]", b"\xff\xfe", b""])  # fmt: skip
def test_malformed_json(tmp_path, raw):
    members = _valid(tmp_path)
    members["checkpoint.json"] = raw
    _load_fails(_zip(tmp_path / "j.zip", sorted(members.items())),
                "duplicate key 'format'|expected a JSON|expected a JSON object")  # fmt: skip


# ---------------------------------------------------------------------- the generator states
def _set_word(index, value):
    def words():
        w = _words()
        w["1"][index] = np.uint64(value)
        return w

    return words


@pytest.mark.parametrize(
    ("tensors", "message"),
    [
        (lambda: {"0": _words()["0"].astype(np.int64), "1": _words()["1"]},
         "expected 6 uint64 words, got shape .6,. of int64"),
        (lambda: {"0": _words()["0"].astype(np.float64), "1": _words()["1"]}, "of float64"),
        (lambda: {"0": _words()["0"][:5], "1": _words()["1"]}, r"got shape \(5,\)"),
        (lambda: {"0": _words()["0"].reshape(2, 3), "1": _words()["1"]}, r"got shape \(2, 3\)"),
        (lambda: {"0": np.zeros(0, np.uint64), "1": _words()["1"]}, r"got shape \(0,\)"),
        (_set_word(4, 2), "expected has_uint32 0 or 1"),
        (_set_word(5, 2**32), "a 32-bit uinteger"),
        (_set_word(3, 2), "an even increment"),
        (lambda: {**_words(), "2": _words()["0"]}, r"unexpected \['2'\]"),
        (lambda: {"0": _words()["0"]}, r"missing \['1'\]"),
        (lambda: {"0": _words()["0"], "../1": _words()["1"]}, r"unexpected \['../1'\]"),
        (lambda: {"0": _words()["0"], "1": _words()["1"], "__import__": np.zeros(1)},
         "unexpected"),
    ],
)  # fmt: skip
def test_hostile_generator_states(tmp_path, tensors, message):
    _load_fails(_with_rng(tmp_path, tensors()), message)


def test_a_huge_generator_tensor_is_refused_before_allocating(tmp_path):
    members = _valid(tmp_path)
    header = json.dumps({"0": {"dtype": "U64", "shape": [2**40], "data_offsets": [0, 8 * 2**40]}})
    blob = len(header).to_bytes(8, "little") + header.encode()
    members["rng.safetensors"] = blob
    path = _zip(tmp_path / "huge.zip", sorted(members.items()))
    tracemalloc.start()
    try:
        _load_fails(path, "header describes 8796093022208 bytes of data but the file holds 0")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_header_length_of_2_63_in_every_tensor_member(tmp_path):
    for member in ("model.weights.safetensors", "optimizer.safetensors", "rng.safetensors"):
        members = _valid(tmp_path)
        data = bytearray(members[member])
        data[:8] = (2**63).to_bytes(8, "little")
        members[member] = bytes(data)
        _load_fails(_zip(tmp_path / "h.zip", sorted(members.items())),
                    f"{member}: header length 9223372036854775808")  # fmt: skip


def test_bad_optimizer_state_leaves_weights_and_generators_alone(tmp_path):
    members = _valid(tmp_path)
    members["optimizer.safetensors"] = safetensors.dumps(
        {"iterations": np.array(3), "adam/m/0": np.zeros((3, 3), "f4")}
    )
    _load_fails(_zip(tmp_path / "o.zip", sorted(members.items())), "cannot restore the optimizer")


# ---------------------------------------------------------------------- the zip
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([("evil.py", b"import os")], r"unexpected zip member\(s\) 'evil.py'"),
        ([("../../escape.txt", b"x")], r"unexpected zip member\(s\) '../../escape.txt'"),
        ([("config.json", b"{}")], r"unexpected zip member\(s\) 'config.json'"),
        ([("rng.safetensors", b"{}")], r"duplicate zip member\(s\) \['rng.safetensors'\]"),
    ],
)
def test_unexpected_and_duplicate_members(tmp_path, extra, message):
    members = sorted(_valid(tmp_path).items()) + extra
    with _maybe_warns(extra[0][0] == "rng.safetensors"):
        path = _zip(tmp_path / "x.zip", members)
    _load_fails(path, message)
    assert not os.path.exists(tmp_path.parent / "escape.txt")


def _maybe_warns(duplicate: bool):
    return pytest.warns(UserWarning) if duplicate else _Nothing()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("missing", ["checkpoint.json", "model.weights.safetensors",
                                     "rng.safetensors"])  # fmt: skip
def test_missing_members(tmp_path, missing):
    members = _valid(tmp_path)
    del members[missing]
    _load_fails(_zip(tmp_path / "m.zip", sorted(members.items())), f"expected member.*{missing}")


def test_zip_bomb_and_other_compression(tmp_path):
    members = _valid(tmp_path)
    members["rng.safetensors"] = safetensors.dumps({"0": np.zeros(2**20, np.uint64)})
    _load_fails(_zip(tmp_path / "b.zip", sorted(members.items()), zipfile.ZIP_DEFLATED),
                "an implausible ratio|over the cap")  # fmt: skip
    _load_fails(_zip(tmp_path / "l.zip", sorted(_valid(tmp_path).items()), zipfile.ZIP_LZMA),
                "compression method 14")  # fmt: skip


def test_every_truncation_point(tmp_path):
    _valid(tmp_path)
    data = (tmp_path / "valid.zip").read_bytes()
    path, model = tmp_path / "t.zip", _model()
    before = _snapshot(model)
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            load_checkpoint(model, path)
    assert _snapshot(model) == before


def test_random_bit_flips(tmp_path):
    _valid(tmp_path)
    data = (tmp_path / "valid.zip").read_bytes()
    rng = np.random.default_rng(0)
    path, rejected, model = tmp_path / "f.zip", 0, _model()
    for _ in range(1000):
        flipped = bytearray(data)
        index = int(rng.integers(len(flipped)))
        flipped[index] ^= 1 << int(rng.integers(8))
        path.write_bytes(flipped)
        before = _snapshot(model)
        try:
            load_checkpoint(model, path)
        except ModelFileError:
            rejected += 1
            assert _snapshot(model) == before
    assert rejected > 800  # the rest land in fields that do not matter (timestamps, ...)


# ---------------------------------------------------------------------- what loading does
_WATCHED = ("exec", "compile", "import", "subprocess", "os.system", "os.exec", "os.posix_spawn",
            "os.spawn", "socket", "pickle", "marshal", "ctypes", "urllib", "http", "os.remove",
            "os.rename", "os.mkdir", "shutil")  # fmt: skip
_events: list | None = None


def _audit(event, args):
    if _events is not None and (event == "open" or event.startswith(_WATCHED)):
        _events.append((event, args[0] if args else None))


def test_loading_runs_no_code_and_opens_only_the_file(tmp_path):
    global _events
    _valid(tmp_path)
    path = str(tmp_path / "valid.zip")
    model = _model()
    load_checkpoint(model, path)  # warm up: every module it needs is imported now
    sys.addaudithook(_audit)
    _events = []
    try:
        state = load_checkpoint(model, path)
    finally:
        events, _events = _events, None
    assert state.epoch == 1
    assert [e for e in events if e[0] != "open"] == []
    assert {str(e[1]) for e in events} == {path}


def test_saving_is_deterministic(tmp_path):
    model = _model()
    save_checkpoint(model, tmp_path / "a.zip", epoch=2)
    save_checkpoint(model, tmp_path / "b.zip", epoch=2)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_save_checkpoint_checks_its_arguments(tmp_path):
    model = _model()
    with pytest.raises(glassnet.errors.ConfigError, match="expected 'epoch' to be an int >= 0"):
        save_checkpoint(model, tmp_path / "c.zip", epoch=-1)
    with pytest.raises(glassnet.errors.StateError, match="save_checkpoint: expected a built"):
        save_checkpoint(Sequential([Dense(1)]), tmp_path / "c.zip", epoch=0)
    model.layers[1]._rng = np.random.Generator(np.random.MT19937(0))
    with pytest.raises(glassnet.errors.ConfigError, match="'drop/_rng' is a MT19937"):
        save_checkpoint(model, tmp_path / "c.zip", epoch=0)
    assert not os.path.exists(tmp_path / "c.zip")
