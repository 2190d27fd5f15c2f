"""Readers and writers for the image files users download themselves: IDX and CIFAR-10 binary.

- **IDX** (MNIST, Fashion-MNIST): a 4-byte magic number ``00 00 <dtype code> <rank>``, then
  ``rank`` big-endian uint32 sizes, then the values, big-endian, row-major. Files may be
  gzipped (recognised by their first bytes, not their name).
- **CIFAR-10 binary** (``data_batch_1.bin`` ... ``data_batch_5.bin``, ``test_batch.bin``):
  records of 3073 bytes, one label byte (0-9) then 3072 pixel bytes: the 1024 red values of a
  32 x 32 image row by row, then the green ones, then the blue ones. The *python* version of
  CIFAR-10 is a pickle, which glassnet never reads (unpickling a file can run code in it).

Every reader checks the header against the file's size *before* allocating the array, and
raises ``glassnet.errors.DataFileError`` (a ``ValueError``) naming the file and what is wrong.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import DataFileError, ShapeError

__all__ = [
    "CIFAR10_RECORD_BYTES",
    "IDX_DTYPES",
    "decode_cifar10_batch",
    "read_cifar10_batch",
    "read_idx",
    "write_cifar10_batch",
    "write_idx",
]

IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
CIFAR10_RECORD_BYTES = 1 + 32 * 32 * 3
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_MAX_RATIO = 1100  # why: deflate cannot expand data more than ~1032 times


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (gzipped or not) into an array of its own dtype and shape.

    Args:
        path: the file, e.g. ``train-images-idx3-ubyte.gz``.

    Returns:
        The array in native byte order: uint8 (N, 28, 28) for MNIST images, uint8 (N,)
        for labels.

    Raises:
        FileNotFoundError: if the file does not exist.
        DataFileError: for a bad magic number or dtype code, or a file whose size does not
            match its header (truncated, or with bytes left over).

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte.gz")
        >>> write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
        >>> read_idx(path)
        array([5, 0, 4], dtype=uint8)
    """
    path = Path(path)
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    try:
        if gzipped:
            return _read_idx_gzip(path)
        with open(path, "rb") as f:
            return _read_idx_stream(path, f, os.path.getsize(path))
    except (EOFError, OSError, zlib.error) as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise DataFileError(
            f"read_idx: {path} is not a readable gzip file ({err}). It is probably truncated "
            "or corrupt; download it again."
        ) from None


def _read_idx_gzip(path: Path) -> np.ndarray:
    size = os.path.getsize(path)
    with open(path, "rb") as raw:
        raw.seek(max(size - 4, 0))
        isize = int.from_bytes(raw.read(4), "little")  # uncompressed size mod 2**32
    with gzip.open(path, "rb") as f:
        return _read_idx_stream(path, f, None, isize=isize, compressed=size)


def _read_idx_stream(path: Path, f: Any, size: int | None, isize: int = 0,
                     compressed: int = 0) -> np.ndarray:  # fmt: skip
    magic = f.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0:
        raise DataFileError(
            f"read_idx: {path} is not an IDX file: expected the magic bytes 00 00 <type> "
            f"<rank>, got {magic.hex(' ') or 'an empty file'}. Check that this is an MNIST-"
            "style file (e.g. train-images-idx3-ubyte[.gz]), not an HTML page or an archive."
        )
    code, rank = magic[2], magic[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise DataFileError(
            f"read_idx: {path} has the unknown IDX type code 0x{code:02X}; expected one of "
            f"{known}. The file is corrupt or not an IDX file."
        )
    if rank == 0:
        raise DataFileError(f"read_idx: {path} declares rank 0; expected at least one axis.")
    header = f.read(4 * rank)
    if len(header) < 4 * rank:
        raise DataFileError(f"read_idx: {path} is truncated inside its header.")
    dims = tuple(int.from_bytes(header[4 * i : 4 * i + 4], "big") for i in range(rank))
    dtype = IDX_DTYPES[code]
    payload = math.prod(dims) * dtype.itemsize
    total = 4 + 4 * rank + payload
    _check_idx_size(path, dims, dtype, total, size, isize, compressed)
    buffer = bytearray(payload)
    got = f.readinto(memoryview(buffer)) if payload else 0
    if got < payload or f.read(1):
        raise DataFileError(
            f"read_idx: {path} does not match its header: shape {dims} of {dtype.name} "
            f"needs {payload} data bytes, got {'fewer' if got < payload else 'more'}. The file "
            "is truncated or corrupt; download it again."
        )
    array = np.frombuffer(buffer, dtype=dtype).reshape(dims)
    return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def _check_idx_size(path, dims, dtype, total, size, isize, compressed) -> None:
    """Compare the size the header promises with the file's, before allocating anything."""
    if size is not None and total != size:
        raise DataFileError(
            f"read_idx: {path} has {size} bytes, but its header (shape {dims}, "
            f"{dtype.name}) needs exactly {total}. The file is "
            + ("truncated" if size < total else "longer than its header says")
            + "; download it again."
        )
    if size is None and (total % 2**32 != isize or total > _GZIP_MAX_RATIO * compressed + 1024):
        raise DataFileError(
            f"read_idx: {path} does not match its header: shape {dims} of {dtype.name} "
            f"needs {total} bytes once decompressed, and the gzip file holds a different "
            "amount. The file is truncated or corrupt; download it again."
        )


def write_idx(path: str | os.PathLike, array: Any) -> None:
    """Write ``array`` as an IDX file (gzipped when ``path`` ends in ``.gz``).

    Args:
        path: the file to write.
        array: an array of uint8, int8, int16, int32, float32 or float64, of rank 1 to 255.

    Raises:
        ShapeError: for a 0-d array or one of rank > 255.
        TypeError: for a dtype IDX cannot store.
    """
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
    if array.dtype not in codes:
        raise TypeError(
            f"write_idx: expected uint8, int8, int16, int32, float32 or float64 values, got "
            f"{array.dtype}. Convert the array first, e.g. array.astype(np.uint8)."
        )
    if not 1 <= array.ndim <= 255:
        raise ShapeError(f"write_idx: expected an array of rank 1 to 255, got {array.shape}.")
    header = bytes([0, 0, codes[array.dtype], array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    body = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + body)


def decode_cifar10_batch(data: bytes, source: str = "<bytes>") -> tuple[np.ndarray, np.ndarray]:
    """Decode the bytes of one CIFAR-10 binary batch (see ``read_cifar10_batch``)."""
    if len(data) == 0 or len(data) % CIFAR10_RECORD_BYTES:
        hint = (
            " CIFAR-100 binary files have 3074-byte records (two label bytes); this reader "
            "is for CIFAR-10."
            if len(data) and len(data) % 3074 == 0
            else " The file is truncated or not a CIFAR-10 binary batch."
        )
        raise DataFileError(
            f"read_cifar10_batch: {source} has {len(data)} bytes; expected a positive "
            f"multiple of the record size {CIFAR10_RECORD_BYTES} (1 label byte + 3072 "
            f"pixel bytes).{hint}"
        )
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, CIFAR10_RECORD_BYTES)
    labels = records[:, 0].copy()
    if labels.max() > 9:
        row = int(np.argmax(labels > 9))
        raise DataFileError(
            f"read_cifar10_batch: {source} record {row} has label {labels[row]}; CIFAR-10 "
            "labels are 0 to 9. The file is corrupt or not a CIFAR-10 binary batch."
        )
    # why: each record stores the red plane, then green, then blue; Keras is channels-last.
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return images, labels


def read_cifar10_batch(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read one CIFAR-10 binary batch file (``data_batch_1.bin``, ``test_batch.bin`` ...).

    Returns:
        ``(images, labels)``: uint8 (N, 32, 32, 3) channels-last and uint8 (N,).

    Raises:
        FileNotFoundError: if the file does not exist.
        DataFileError: if its size is not a multiple of 3073 bytes or a label is above 9.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "test_batch.bin")
        >>> write_cifar10_batch(path, np.zeros((2, 32, 32, 3), np.uint8), [3, 7])
        >>> images, labels = read_cifar10_batch(path)
        >>> images.shape, labels
        ((2, 32, 32, 3), array([3, 7], dtype=uint8))
    """
    return decode_cifar10_batch(Path(path).read_bytes(), str(path))


def write_cifar10_batch(path: str | os.PathLike, images: Any, labels: Any) -> None:
    """Write images (N, 32, 32, 3) uint8 and labels (N,) in 0..9 as a CIFAR-10 binary batch.

    Raises:
        ShapeError: for images not of shape (N, 32, 32, 3) or labels not of shape (N,).
        ValueError: for labels outside 0..9.
    """
    images = np.asarray(images)
    labels = np.asarray(labels).reshape(-1)
    if images.ndim != 4 or images.shape[1:] != (32, 32, 3) or len(labels) != len(images):
        raise ShapeError(
            f"write_cifar10_batch: expected images (N, 32, 32, 3) and labels (N,), got "
            f"{images.shape} and {labels.shape}."
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError("write_cifar10_batch: expected labels in 0..9.")
    records = np.empty((len(images), CIFAR10_RECORD_BYTES), dtype=np.uint8)
    records[:, 0] = labels
    records[:, 1:] = images.astype(np.uint8).transpose(0, 3, 1, 2).reshape(len(images), -1)
    Path(path).write_bytes(records.tobytes())
