"""glassnet.io.safetensors: round trips, byte-for-byte interop with the official library, and
every malformed header rejected with ModelFileError before anything large is allocated."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glassnet.errors import ModelFileError
from glassnet.io import safetensors as gst


@pytest.fixture
def official():
    """The official library (a test-only dependency), for interop checks."""
    return pytest.importorskip("safetensors.numpy")


ALL_DTYPES = ["?", "u1", "i1", "i2", "u2", "f2", "i4", "u4", "f4", "f8", "i8", "u8"]


def _sample(rng):
    out = {f"t_{np.dtype(d).name}": (rng.random((2, 3)) * 100).astype(d) for d in ALL_DTYPES}
    out["scalar"] = np.array(7, dtype=np.int64)
    out["empty"] = np.zeros((0, 4), dtype=np.float32)
    out["dense/kernel"] = rng.standard_normal((3, 5)).astype(np.float32)
    return out


def _file(header: dict, data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + data


def _raw(text: bytes) -> bytes:
    return len(text).to_bytes(8, "little") + text


def _assert_same(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name].dtype == b[name].dtype and a[name].shape == b[name].shape, name
        np.testing.assert_array_equal(a[name], b[name])


# ---------------------------------------------------------------------- round trips, interop
def test_round_trip_every_dtype(rng, tmp_path):
    tensors = _sample(rng)
    gst.save_file(tensors, tmp_path / "a.safetensors", {"k": "v"})
    loaded, metadata = gst.load_file(tmp_path / "a.safetensors")
    _assert_same(tensors, loaded)
    assert metadata == {"k": "v"}
    assert all(a.flags.writeable for a in loaded.values())


def test_bytes_equal_official_library(rng, official):
    tensors = _sample(rng)
    assert gst.dumps(tensors) == official.save(tensors)
    assert gst.dumps(tensors, {"format": "np"}) == official.save(tensors, metadata={"format": "np"})
    assert gst.dumps({}) == official.save({})


def test_official_library_reads_ours_and_we_read_its(rng, official):
    tensors = _sample(rng)
    _assert_same(official.load(gst.dumps(tensors, {"a": "1", "b": "2"})), tensors)
    loaded, metadata = gst.loads(official.save(tensors, metadata={"x": "1", "y": "2", "z": "3"}))
    _assert_same(loaded, tensors)
    assert metadata == {"x": "1", "y": "2", "z": "3"}


def test_writer_is_deterministic_and_converts_layout(rng):
    a = rng.standard_normal((4, 3)).astype(np.float32)
    first = gst.dumps({"b": a, "a": a.T}, {"z": "1", "y": "2"})
    second = gst.dumps({"a": np.asfortranarray(a.T), "b": a.astype(">f4")}, {"y": "2", "z": "1"})
    assert first == second
    head = first[8 : 8 + int.from_bytes(first[:8], "little")]
    assert len(head) % 8 == 0 and head.index(b'"y"') < head.index(b'"z"')


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda s: s != "__metadata__"),
        hnp.arrays(
            st.sampled_from(ALL_DTYPES),
            hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
        ),
        max_size=4,
    )
)
def test_property_round_trip_and_interop(tensors):
    official = pytest.importorskip("safetensors.numpy")  # not a fixture: hypothesis health check
    data = gst.dumps(tensors)
    assert data == official.save(tensors)
    loaded, _ = gst.loads(data)
    for name, array in tensors.items():
        np.testing.assert_array_equal(loaded[name], array)
        assert loaded[name].dtype == array.dtype


@pytest.mark.parametrize("value", [np.array(["a"]), np.array([1 + 2j]), np.array([None])])
def test_writer_rejects_dtypes_safetensors_cannot_store(value):
    with pytest.raises(TypeError, match="which safetensors cannot store"):
        gst.dumps({"x": value})


# ---------------------------------------------------------------------- malformed files
GOOD = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}


@pytest.mark.parametrize(
    ("header", "data", "message"),
    [
        ({"w": {"dtype": "object", "shape": [2], "data_offsets": [0, 8]}}, 8,
         "tensor 'w': dtype 'object' is not supported"),
        ({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, 8,
         "expected shape as a list of at most 32 non-negative ints"),
        ({"w": {"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}}, 8, "non-negative ints"),
        ({"w": {"dtype": "F32", "shape": [True, 2], "data_offsets": [0, 8]}}, 8, "non-negative"),
        ({"w": {"dtype": "F32", "shape": [2**62, 2**62], "data_offsets": [0, 8]}}, 8,
         "non-negative ints"),
        ({"w": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 8]}}, 8,
         "elements, over the cap"),
        ({"w": {"dtype": "F32", "shape": [1] * 33, "data_offsets": [0, 4]}}, 4, "at most 32"),
        ({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, 8,
         r"needs 12 bytes but data_offsets \[0, 8\] span 8"),
        ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}, 8, "0 <= begin <= end"),
        ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}, 8, "data_offsets"),
        ({"w": {"dtype": "F32", "shape": [2]}}, 8, r"expected fields \['data_offsets'"),
        ({"w": {**GOOD["w"], "exec": "x"}}, 8, "expected fields"),
        ({"w": [1, 2]}, 8, "expected fields"),
        ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
          "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, 12,
         r"tensor 'b' \(data_offsets \[4, 12\]\) overlaps tensor 'a'"),
        ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, 12,
         "leaves a gap after the start of the data"),
        (GOOD, 12, "describes 8 bytes of data but the file holds 12"),
        (GOOD, 4, "describes 8 bytes of data but the file holds 4"),
        ({"__metadata__": {"a": 1}, **GOOD}, 8, "'__metadata__' to map str to str"),
        ({"": GOOD["w"]}, 8, "non-empty tensor names"),
        ([1, 2], 0, "expected a JSON object as header, got list"),
    ],
)  # fmt: skip
def test_malformed_header_raises(header, data, message):
    with pytest.raises(ModelFileError, match=message):
        gst.loads(_file(header, b"\0" * data), source="bad.safetensors")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "expected at least 8 bytes"),
        (b"\x01\x00", "expected at least 8 bytes"),
        ((2**63).to_bytes(8, "little") + b"{}", "header length 9223372036854775808 is over the cap"),
        ((2**64 - 1).to_bytes(8, "little"), "is over the cap"),
        ((500).to_bytes(8, "little") + b"{}      ", "header length 500 does not fit a file of 16"),
        ((8).to_bytes(8, "little") + b"\xff\xfe{}    ", "expected a JSON header, got unreadable"),
        ((8).to_bytes(8, "little") + b"{nope}  ", "unreadable text"),
        (_raw(b'{"w":1,"w":2}'), "duplicate key 'w'"),
        ((8).to_bytes(8, "little") + b"NaN     ", "unreadable text"),
        ((4000).to_bytes(8, "little") + b"[" * 2000 + b"]" * 2000, "nested at most 200 levels deep, got 2000"),
    ],
)  # fmt: skip
def test_malformed_bytes_raise(raw, message):
    with pytest.raises(ModelFileError, match=message):
        gst.loads(raw, source="bad.safetensors")


def test_messages_name_the_file(tmp_path):
    path = tmp_path / "broken.safetensors"
    path.write_bytes(_file({"w": {"dtype": "object", "shape": [1], "data_offsets": [0, 1]}}, b"x"))
    with pytest.raises(ModelFileError, match=r"broken\.safetensors: tensor 'w'"):
        gst.load_file(path)


def test_every_truncation_is_rejected(rng, tmp_path):
    data = gst.dumps({"a": rng.random(5).astype("f4"), "b": np.arange(3)}, {"m": "x"})
    path = tmp_path / "t.safetensors"
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            gst.load_file(path)
        with pytest.raises(ModelFileError):
            gst.loads(data[:cut])


def test_random_bit_flips_never_escape_as_other_errors(rng):
    data = bytearray(gst.dumps({"a": rng.random(6).astype("f4"), "b": np.arange(4)}, {"m": "x"}))
    rejected = 0
    for _ in range(3000):
        flipped = bytearray(data)
        index = int(rng.integers(len(flipped)))
        flipped[index] ^= 1 << int(rng.integers(8))
        try:
            gst.loads(bytes(flipped))
        except ModelFileError:
            rejected += 1
    assert rejected > 500  # flips in the header are caught; flips in the data are just data


def test_tiny_file_declaring_huge_tensor_allocates_little(tmp_path):
    path = tmp_path / "huge.safetensors"
    huge = {"w": {"dtype": "F64", "shape": [2**24, 2**20], "data_offsets": [0, 2**47]}}
    path.write_bytes(_file(huge, b"\0" * 64))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="describes 140737488355328 bytes"):
            gst.load_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
