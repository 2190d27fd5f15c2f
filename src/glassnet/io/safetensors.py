"""The safetensors format in pure NumPy: a reader that trusts nothing, a deterministic writer.

A file is an 8-byte little-endian header length ``n``, ``n`` bytes of JSON, then the data::

    {"__metadata__": {"format": "glassnet"},
     "dense/kernel": {"dtype": "F32", "shape": [4, 8], "data_offsets": [0, 128]}, ...}

``data_offsets`` are byte ranges in the data section. The writer lays tensors out as the
official ``safetensors`` library does (largest dtype first, then by name), packs the JSON
compactly, sorts the metadata keys and pads the header with spaces to a multiple of 8, so the
same tensors always give the same bytes (and, without metadata, the official library's bytes).

The reader checks the whole header before it allocates anything: the header length against a
hard cap and the file size, strict JSON (no duplicate keys, no NaN), a closed set of dtypes,
shapes and element counts under caps, and offsets that tile the data section exactly. Any
failure raises ``ModelFileError`` naming the file and the entry.

Reference:
    https://github.com/huggingface/safetensors (format description in its README)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from glassnet.errors import ModelFileError
from glassnet.io._json import parse_json

__all__ = [
    "DTYPES",
    "MAX_HEADER_BYTES",
    "Plan",
    "dumps",
    "load_file",
    "loads",
    "save_file",
    "write",
]

#: safetensors dtype name -> little-endian NumPy dtype. Order: the official writer's (it puts
#: later dtypes first), so layouts match byte for byte.
DTYPES: dict[str, np.dtype] = {
    name: np.dtype(code)
    for name, code in [
        ("BOOL", "?"), ("U8", "u1"), ("I8", "i1"), ("I16", "<i2"), ("U16", "<u2"),
        ("F16", "<f2"), ("I32", "<i4"), ("U32", "<u4"), ("F32", "<f4"), ("F64", "<f8"),
        ("I64", "<i8"), ("U64", "<u8"),
    ]
}  # fmt: skip
_RANK = {name: i for i, name in enumerate(DTYPES)}
_NAME_OF = {(dtype.kind, dtype.itemsize): name for name, dtype in DTYPES.items()}

#: Hard caps, checked before allocating (the header cap is the official library's).
MAX_HEADER_BYTES = 100_000_000
MAX_NDIM = 32
MAX_ELEMENTS = 2**48
_METADATA = "__metadata__"
_FIELDS = {"dtype", "shape", "data_offsets"}


# ---------------------------------------------------------------------- writing
def _dtype_name(name: str, array: np.ndarray) -> str:
    found = _NAME_OF.get((array.dtype.kind, array.dtype.itemsize))
    if found is None:
        raise TypeError(
            f"safetensors: tensor {name!r} has dtype {array.dtype}, which safetensors cannot "
            f"store. Supported: {', '.join(str(d) for d in DTYPES.values())}. Convert it first."
        )
    return found


class Plan:
    """Tensors laid out for writing: the header bytes and the arrays in file order.

    ``size`` is the exact number of bytes ``write_to`` will write (zip members need it first).
    """

    def __init__(self, tensors: Mapping[str, Any], metadata: Mapping[str, str] | None) -> None:
        arrays: dict[str, np.ndarray] = {}
        for name, value in tensors.items():
            if not isinstance(name, str) or not name or name == _METADATA:
                raise ValueError(f"safetensors: expected non-empty str tensor names, got {name!r}.")
            array = np.asarray(value)
            arrays[name] = np.asarray(array, dtype=DTYPES[_dtype_name(name, array)], order="C")
        order = sorted(arrays, key=lambda n: (-_RANK[_dtype_name(n, arrays[n])], n))
        header: dict[str, Any] = {}
        if metadata is not None:
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
                raise TypeError("safetensors: metadata must map str to str.")
            header[_METADATA] = dict(sorted(metadata.items()))
        offset = 0
        for name in order:
            array = arrays[name]
            header[name] = {
                "dtype": _dtype_name(name, array),
                "shape": list(array.shape),
                "data_offsets": [offset, offset + array.nbytes],
            }
            offset += array.nbytes
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        text += b" " * (-len(text) % 8)  # why: the official writer pads to 8 for alignment
        self.head = len(text).to_bytes(8, "little") + text
        self.arrays = [arrays[n] for n in order]
        self.size = len(self.head) + offset

    def write_to(self, file: IO[bytes]) -> int:
        file.write(self.head)
        for array in self.arrays:
            file.write(array.reshape(-1).view(np.uint8))  # no copy of the array's bytes
        return self.size


def write(
    tensors: Mapping[str, Any], file: IO[bytes], metadata: Mapping[str, str] | None = None
) -> int:
    """Write ``tensors`` to an open binary file in safetensors format; returns bytes written.

    Raises:
        TypeError: for a dtype safetensors cannot store (object, complex, strings).
    """
    return Plan(tensors, metadata).write_to(file)


def dumps(tensors: Mapping[str, Any], metadata: Mapping[str, str] | None = None) -> bytes:
    """The safetensors bytes of ``tensors`` (deterministic).

    Example:
        >>> data = dumps({"w": np.array([1.0, 2.0], "float32")})
        >>> int.from_bytes(data[:8], "little")  # the header length, padded to a multiple of 8
        56
        >>> data[8:64]
        b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  '
        >>> loads(data)
        ({'w': array([1., 2.], dtype=float32)}, None)
    """
    plan = Plan(tensors, metadata)
    return plan.head + b"".join(a.tobytes() for a in plan.arrays)


def save_file(
    tensors: Mapping[str, Any],
    path: str | os.PathLike,
    metadata: Mapping[str, str] | None = None,
    *,
    overwrite: bool = True,
) -> None:
    """Write a safetensors file atomically (temporary file in the same folder, then rename)."""
    from glassnet.io._atomic import atomic_file

    plan = Plan(tensors, metadata)  # fail on bad input before touching the disk
    with atomic_file(path, overwrite=overwrite) as file:
        plan.write_to(file)


# ---------------------------------------------------------------------- reading
def _check_metadata(header: dict[str, Any], source: str) -> dict[str, str] | None:
    metadata = header.pop(_METADATA, None)
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ModelFileError(f"{source}: expected '__metadata__' to map str to str.")
    return metadata


def _check_entry(name: str, entry: Any, source: str) -> tuple[np.dtype, tuple, int, int]:
    who = f"{source}: tensor {name!r}"
    if not name:
        raise ModelFileError(f"{source}: expected non-empty tensor names, got ''.")
    if not isinstance(entry, dict) or set(entry) != _FIELDS:
        got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise ModelFileError(f"{who}: expected fields {sorted(_FIELDS)}, got {got}.")
    dtype = entry["dtype"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ModelFileError(
            f"{who}: dtype {dtype!r} is not supported. Expected one of {', '.join(DTYPES)}."
        )
    shape = entry["shape"]
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_NDIM
        or not all(type(d) is int and 0 <= d <= MAX_ELEMENTS for d in shape)
    ):
        raise ModelFileError(
            f"{who}: expected shape as a list of at most {MAX_NDIM} non-negative ints, "
            f"got {str(shape)[:200]}."
        )
    count = math.prod(shape)
    if count > MAX_ELEMENTS:
        raise ModelFileError(f"{who}: shape {shape} has {count} elements, over the cap.")
    offsets = entry["data_offsets"]
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int and o >= 0 for o in offsets)
        or offsets[0] > offsets[1]
    ):
        raise ModelFileError(
            f"{who}: expected data_offsets [begin, end] with 0 <= begin <= end, "
            f"got {str(offsets)[:200]}."
        )
    nbytes = count * DTYPES[dtype].itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise ModelFileError(
            f"{who}: shape {shape} of {dtype} needs {nbytes} bytes but data_offsets "
            f"{offsets} span {offsets[1] - offsets[0]}."
        )
    return DTYPES[dtype], tuple(shape), offsets[0], offsets[1]


def check_header(header: dict[str, Any], data_size: int, source: str):
    """Validate every entry and the layout; returns (metadata, {name: (dtype, shape, b, e)})."""
    metadata = _check_metadata(header, source)
    entries = {name: _check_entry(name, entry, source) for name, entry in header.items()}
    position, previous = 0, None
    for name in sorted(entries, key=lambda n: entries[n][2:]):
        begin, end = entries[name][2:]
        if begin != position and previous is None:
            raise ModelFileError(
                f"{source}: tensor {name!r} (data_offsets [{begin}, {end}]) leaves a gap after "
                "the start of the data; tensors must tile the data section in order."
            )
        if begin != position:
            what = "overlaps" if begin < position else "leaves a gap after"
            raise ModelFileError(
                f"{source}: tensor {name!r} (data_offsets [{begin}, {end}]) {what} tensor "
                f"{previous!r}; tensors must tile the data section in order."
            )
        position, previous = end, name
    if position != data_size:
        raise ModelFileError(
            f"{source}: the header describes {position} bytes of data but the file holds "
            f"{data_size}. The file is truncated or has bytes appended."
        )
    return metadata, entries


def _header_length(prefix: bytes, total: int, source: str) -> int:
    if len(prefix) < 8:
        raise ModelFileError(
            f"{source}: expected at least 8 bytes (the header length), got {len(prefix)}. "
            "The file is truncated or empty."
        )
    n = int.from_bytes(prefix[:8], "little")
    if n > MAX_HEADER_BYTES:
        raise ModelFileError(
            f"{source}: header length {n} is over the cap of {MAX_HEADER_BYTES} bytes. "
            "The file is corrupt or hostile."
        )
    if n < 2 or 8 + n > total:
        raise ModelFileError(
            f"{source}: header length {n} does not fit a file of {total} bytes. "
            "The file is truncated or corrupt."
        )
    return n


def _arrays(data: Any, entries: dict) -> dict[str, np.ndarray]:
    out = {}
    for name, (dtype, shape, begin, _) in entries.items():
        array = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=begin)
        out[name] = array.reshape(shape).astype(dtype.newbyteorder("="), copy=False)
    return out


def loads(data: bytes | bytearray, source: str = "<bytes>"):
    """Parse safetensors bytes; returns ``(tensors, metadata)`` (metadata None if absent).

    The arrays are writable; given a ``bytearray`` they are views into it (no copy).

    Raises:
        ModelFileError: for anything malformed, naming ``source`` and the entry.
    """
    n = _header_length(bytes(data[:8]), len(data), source)
    header = parse_json(bytes(data[8 : 8 + n]), source, "header")
    metadata, entries = check_header(header, len(data) - 8 - n, source)
    if isinstance(data, bytearray):  # why: callers that read into a bytearray save a copy
        body: Any = memoryview(data)[8 + n :]
    else:
        body = bytearray(memoryview(data)[8 + n :])  # a private, writable copy
    return _arrays(body, entries), metadata


def load_file(path: str | os.PathLike):
    """Read a safetensors file: ``(tensors, metadata)``; the header is checked before the data.

    Raises:
        ModelFileError: for a malformed file, naming it and the entry.
    """
    source = os.fspath(path)
    with open(path, "rb") as file:
        total = os.fstat(file.fileno()).st_size
        n = _header_length(file.read(8), total, source)
        header = parse_json(file.read(n), source, "header")
        metadata, entries = check_header(header, total - 8 - n, source)
        body = bytearray(total - 8 - n)  # real bytes on disk: the header cannot inflate this
        if file.readinto(body) != len(body) or file.read(1):
            raise ModelFileError(f"{source}: the file changed size while it was read.")
    return _arrays(body, entries), metadata
