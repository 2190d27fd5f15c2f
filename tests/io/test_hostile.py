"""A corpus of corrupt and hostile model files: each one raises ModelFileError, runs nothing,
opens nothing but itself, and allocates nothing large."""

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
from glassnet.io import load_model, model_file, safetensors
from glassnet.layers import Dense
from glassnet.models import Sequential


def _valid(tmp_path, trained: bool = True) -> dict[str, bytes]:
    """The members of a small, valid, trained model file."""
    glassnet.utils.set_random_seed(0)
    model = Sequential(
        [Dense(3, activation="relu", input_shape=(2,), name="h"), Dense(1, name="o")]
    )
    model.compile("adam", "mse", metrics=["mae"])
    if trained:
        x = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
        model.fit(x, x[:, :1], epochs=1, verbose=0)
    model.save(tmp_path / "valid.keras")
    with zipfile.ZipFile(tmp_path / "valid.keras") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, data)
    return path


def _with_config(tmp_path, edit, name="hostile.keras"):
    members = _valid(tmp_path)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return _zip(tmp_path / name, sorted(members.items()))


def _load_fails(path, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


# ---------------------------------------------------------------------- not zips at all
class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payload_renamed_to_model_extension_does_nothing(tmp_path):
    marker = str(tmp_path / "pwned")
    (tmp_path / "evil.keras").write_bytes(pickle.dumps(_Payload(marker)))
    _load_fails(tmp_path / "evil.keras", "expected a glassnet model zip, got a corrupt")
    members = _valid(tmp_path)
    members["config.json"] = pickle.dumps(_Payload(marker))
    _load_fails(_zip(tmp_path / "p.keras", sorted(members.items())), "expected a JSON config")
    assert not os.path.exists(marker)


# ---------------------------------------------------------------------- names of code
def _set_layer(index, key, value):
    def edit(config):
        target = config["model"]["config"]["layers"][index]
        if key is None:
            target["class_name"] = value
        else:
            target["config"][key] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set_layer(0, None, "os.system"), "Unknown layer 'os.system'"),
        (_set_layer(0, None, "builtins.eval"), "Unknown layer 'builtins.eval'"),
        (_set_layer(1, None, "Lambda"), "Lambda cannot be loaded from a config: glassnet model"),
        (_set_layer(1, None, "Dens"), "Unknown layer 'Dens'.*Did you mean 'Dense'"),
        (_set_layer(0, "activation", "os.system"), "Unknown activation 'os.system'"),
        (_set_layer(0, "kernel_initializer", {"class_name": "subprocess.Popen", "config": {}}),
         "Unknown initializer 'subprocess.Popen'"),
        (_set_layer(0, "kernel_regularizer", {"class_name": "__import__", "config": {}}),
         "__import__"),
        (_set_layer(0, "safe_mode", False), "unexpected argument.*safe_mode"),
        (lambda c: c["model"].update(class_name="importlib.import_module"),
         "Unknown layer 'importlib.import_module'"),
        (lambda c: c.update(model={"class_name": "Dense", "config": {"units": 1}}),
         "expected a model class, got Dense"),
        (lambda c: c["compile"].update(loss="os.system"), "Unknown loss 'os.system'"),
        (lambda c: c["compile"]["optimizer"].update(class_name="builtins.exec"),
         "Unknown optimizer 'builtins.exec'"),
        (lambda c: c["compile"].update(metrics=["os.system"]), "os.system"),
        (lambda c: c["compile"].update(metrics=[{"class_name": "eval", "config": {}}]),
         "Unknown metric 'eval'"),
        (lambda c: c.update(safe_mode=False), r"unexpected: \['safe_mode'\]"),
        (lambda c: c.update(weights_path="/etc/passwd"), r"unexpected: \['weights_path'\]"),
        (lambda c: c.update(format="pickle"), "expected format 'glassnet.model', got 'pickle'"),
        (lambda c: c.update(format_version=99), "format_version 99 is not one this glassnet"),
        (lambda c: c.update(format_version="1"), "format_version '1'"),
        (lambda c: c.pop("compile"), "expected the keys"),
        (lambda c: c.update(model=[1]), "expected 'model' to be an object"),
        (lambda c: c.update(build_input_shape=[None, 2**40]), "'build_input_shape' as a list"),
        (lambda c: c.update(build_input_shape="x"), "'build_input_shape' as a list"),
        (lambda c: c["model"]["config"]["layers"][0]["config"].update(units=2), "has shape"),
        (lambda c: c["model"]["config"]["layers"][0]["config"].update(units=4), "weight budget"),
        (lambda c: c.update(optimizer_weights=["h/kernel", "nope"]), "weight names of the model"),
        (lambda c: c.update(optimizer_weights=["h/kernel", "h/kernel"]), "names a weight twice"),
        (lambda c: c.update(optimizer_weights=["h/kernel"]), "only 1 parameters were saved"),
        (lambda c: c.update(compile={"loss": "mse"}), "expected 'compile' with keys"),
    ],
)  # fmt: skip
def test_hostile_configs(tmp_path, edit, message):
    _load_fails(_with_config(tmp_path, edit), message)


def test_deeply_nested_json_is_refused(tmp_path):
    members = _valid(tmp_path)
    members["config.json"] = members["config.json"][:-1] + b', "x": ' + b"[" * 100_000
    _load_fails(_zip(tmp_path / "a.keras", sorted(members.items())), "expected a JSON config")


@pytest.mark.parametrize("depth", [150, 240, 320, 5000])
def test_deeply_nested_models_never_escape_as_recursion_errors(tmp_path, depth):
    open_level = '{"class_name": "Sequential", "config": {"layers": ['
    deep = open_level * depth + '{"class_name": "Dense", "config": {"units": 1}}' + "]}}" * depth
    members = _valid(tmp_path)
    config = json.loads(members["config.json"])
    config["model"] = "DEEP"
    members["config.json"] = json.dumps(config).replace('"DEEP"', deep).encode()
    _load_fails(_zip(tmp_path / "b.keras", sorted(members.items())),
                "cannot rebuild the model|expected a JSON config|do not fit")  # fmt: skip


def test_duplicate_json_keys_in_config(tmp_path):
    members = _valid(tmp_path)
    members["config.json"] = b'{"format": "glassnet.model", "format": "x"}'
    _load_fails(_zip(tmp_path / "d.keras", sorted(members.items())), "duplicate key 'format'")


def test_huge_layer_in_config_is_refused_before_allocating(tmp_path):
    path = _with_config(tmp_path, _set_layer(0, "units", 2**36))
    tracemalloc.start()
    try:
        _load_fails(path, r"weight 'kernel' of shape \(2, 68719476736\) needs .* only 13 remain")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


# ---------------------------------------------------------------------- the zip itself
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([("evil.py", b"import os")], r"unexpected zip member\(s\) 'evil.py'"),
        ([("../../escape.txt", b"x")], r"unexpected zip member\(s\) '../../escape.txt'"),
        ([("/etc/cron.d/x", b"x")], "unexpected zip member"),
        ([("config.json", b"{}")], r"duplicate zip member\(s\) \['config.json'\]"),
    ],
)
def test_unexpected_and_duplicate_members(tmp_path, extra, message):
    members = sorted(_valid(tmp_path).items()) + extra
    with pytest.warns(UserWarning) if extra[0][0] == "config.json" else _nothing():
        path = _zip(tmp_path / "x.keras", members)
    _load_fails(path, message)
    assert not os.path.exists(tmp_path.parent / "escape.txt")


class _nothing:  # noqa: N801
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_missing_members(tmp_path):
    members = _valid(tmp_path)
    del members["model.weights.safetensors"]
    _load_fails(_zip(tmp_path / "m.keras", sorted(members.items())),
                r"expected member\(s\) model.weights.safetensors")  # fmt: skip
    members = _valid(tmp_path)
    del members["optimizer.safetensors"]
    _load_fails(_zip(tmp_path / "o.keras", sorted(members.items())),
                "optimizer.safetensors and the config's 'optimizer_weights' must come together")  # fmt: skip


def test_encrypted_other_compression_and_zip_bombs(tmp_path, monkeypatch):
    members = sorted(_valid(tmp_path).items())
    encrypted = bytearray(_zip(tmp_path / "e.keras", members).read_bytes())
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central flags
        start = encrypted.index(signature)
        encrypted[start + at] |= 0x1
    (tmp_path / "e.keras").write_bytes(encrypted)
    _load_fails(tmp_path / "e.keras", "is encrypted")
    _load_fails(_zip(tmp_path / "l.keras", members, compression=zipfile.ZIP_LZMA),
                "compression method 14")  # fmt: skip
    deflated = _zip(tmp_path / "ok.keras", members, compression=zipfile.ZIP_DEFLATED)
    assert load_model(deflated).count_params() == 13  # deflate itself is fine
    bomb = dict(members)
    bomb["model.weights.safetensors"] = safetensors.dumps({"h/kernel": np.zeros((2**21, 2), "f4")})
    _load_fails(_zip(tmp_path / "b.keras", sorted(bomb.items()), zipfile.ZIP_DEFLATED),
                "an implausible ratio")  # fmt: skip
    monkeypatch.setitem(model_file._CAPS, "config.json", 64)
    _load_fails(tmp_path / "ok.keras", "member 'config.json' declares .* over the cap of 64")


def test_header_sizes_lying_inside_the_zip(tmp_path):
    members = _valid(tmp_path)
    weights = bytearray(members["model.weights.safetensors"])
    weights[:8] = (2**63).to_bytes(8, "little")
    members["model.weights.safetensors"] = bytes(weights)
    _load_fails(_zip(tmp_path / "h.keras", sorted(members.items())),
                r"valid.keras|h.keras:model.weights.safetensors: header length 9223372036854775808")  # fmt: skip
    members = _valid(tmp_path)
    members["optimizer.safetensors"] = safetensors.dumps(
        {"iterations": np.array(3), "adam/m/7": np.zeros(3, "f4")}
    )
    _load_fails(_zip(tmp_path / "s.keras", sorted(members.items())),
                "'adam/m/7' is for parameter 7")  # fmt: skip
    members["optimizer.safetensors"] = safetensors.dumps(
        {"iterations": np.array(3), "adam/m/" + "9" * 5000: np.zeros(3, "f4")}
    )
    _load_fails(_zip(tmp_path / "g.keras", sorted(members.items())), "is for parameter 9999")
    members["optimizer.safetensors"] = safetensors.dumps({"iterations": np.array(-3)})
    _load_fails(_zip(tmp_path / "n.keras", sorted(members.items())), "integer >= 0")
    members["optimizer.safetensors"] = safetensors.dumps({"iterations": np.arange(3)})
    _load_fails(_zip(tmp_path / "v.keras", sorted(members.items())), "to be a scalar")
    members["optimizer.safetensors"] = safetensors.dumps(
        {"iterations": np.array(1), "x": np.ones(1)}
    )
    _load_fails(_zip(tmp_path / "u.keras", sorted(members.items())), "unknown entry 'x'")


def test_every_truncation_point(tmp_path):
    _valid(tmp_path)
    data = (tmp_path / "valid.keras").read_bytes()
    path = tmp_path / "t.keras"
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            load_model(path)


def test_random_bit_flips(tmp_path):
    _valid(tmp_path)
    data = (tmp_path / "valid.keras").read_bytes()
    rng = np.random.default_rng(0)
    path, rejected = tmp_path / "f.keras", 0
    for _ in range(1500):
        flipped = bytearray(data)
        index = int(rng.integers(len(flipped)))
        flipped[index] ^= 1 << int(rng.integers(8))
        path.write_bytes(flipped)
        try:
            load_model(path)
        except ModelFileError:
            rejected += 1
    assert rejected > 1200  # the rest land in fields that do not matter (timestamps, ...)


# ---------------------------------------------------------------------- folders
def test_folder_with_a_symlinked_member(tmp_path):
    glassnet.utils.set_random_seed(0)
    Sequential([Dense(1, input_shape=(2,))]).save(tmp_path / "m")
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    os.remove(tmp_path / "m" / "config.json")
    os.symlink(secret, tmp_path / "m" / "config.json")
    _load_fails(tmp_path / "m", "expected a regular file, got a link")


def test_nothing_at_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file or folder"):
        load_model(tmp_path / "missing.keras")


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
    path = str(tmp_path / "valid.keras")
    load_model(path)  # warm up: every glassnet module it needs is imported now
    sys.addaudithook(_audit)
    _events = []
    try:
        model = load_model(path)
    finally:
        events, _events = _events, None
    assert model.optimizer.iterations == 1
    assert [e for e in events if e[0] != "open"] == []
    assert {str(e[1]) for e in events} == {path}


def test_weight_budget_counts_down_and_is_scoped():
    from glassnet.layers._budget import weight_budget

    with weight_budget(10):
        Dense(2)(np.ones((1, 3), np.float32))  # 3*2 + 2 = 8 values
        with pytest.raises(glassnet.errors.ConfigError, match="only 2 remain in the weight budget"):
            Dense(2)(np.ones((1, 3), np.float32))
    Dense(2)(np.ones((1, 3), np.float32))  # no budget outside the block
