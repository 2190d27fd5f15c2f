"""IDX and CIFAR-10 binary readers: round trips, byte layout, and corrupt or truncated files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from glassnet.data import read_cifar10_batch, read_idx, write_cifar10_batch, write_idx
from glassnet.errors import DataFileError, ShapeError


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trips_every_dtype_gzipped_or_not(tmp_path, rng, dtype, suffix):
    array = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    path = tmp_path / f"data-idx3{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_idx_header_is_big_endian_as_the_mnist_page_documents(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    write_idx(path, np.array([7, 2], dtype=np.uint8))
    assert path.read_bytes() == bytes([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 2])
    # a hand-written int32 file: magic 0x00000C02, shape (1, 2), values big-endian
    handmade = tmp_path / "handmade"
    handmade.write_bytes(bytes([0, 0, 0x0C, 2]) + (1).to_bytes(4, "big") + (2).to_bytes(4, "big")
                         + (258).to_bytes(4, "big") + (-1).to_bytes(4, "big", signed=True))  # fmt: skip
    np.testing.assert_array_equal(read_idx(handmade), [[258, -1]])


def test_idx_gzip_is_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "no-extension"
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 0x08, 1, 0, 0, 0, 1, 9]))
    np.testing.assert_array_equal(read_idx(path), [9])


def _idx_bytes(shape=(2, 3), code=0x08, payload=None):
    header = bytes([0, 0, code, len(shape)]) + b"".join(d.to_bytes(4, "big") for d in shape)
    return header + (bytes(int(np.prod(shape))) if payload is None else payload)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not an IDX file: expected the magic bytes 00 00"),
        (b"<html>", "is not an IDX file"),
        (_idx_bytes(code=0x07), "unknown IDX type code 0x07"),
        (bytes([0, 0, 8, 0]), "declares rank 0"),
        (bytes([0, 0, 8, 2, 0, 0]), "truncated inside its header"),
        (
            _idx_bytes()[:-1],
            r"has 17 bytes, but its header \(shape \(2, 3\), uint8\) needs exactly 18",
        ),
        (_idx_bytes() + b"x", "longer than its header says"),
        (_idx_bytes((2**20, 2**20), payload=b""), "needs exactly 1099511627788"),
    ],
)
def test_idx_corrupt_files_raise_data_file_error_before_allocating(tmp_path, content, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_idx(path)


def test_idx_truncated_or_lying_gzip_files_raise_data_file_error(tmp_path):
    whole = tmp_path / "whole.gz"
    with gzip.open(whole, "wb") as f:
        f.write(_idx_bytes((100, 28, 28), payload=np.arange(78400, dtype=np.uint8).tobytes()))
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole.read_bytes()[:-200])
    with pytest.raises(DataFileError, match=r"cut.gz"):
        read_idx(cut)
    # a small gzip file whose header claims a terabyte: refused from the header alone
    huge = tmp_path / "huge.gz"
    with gzip.open(huge, "wb") as f:
        f.write(_idx_bytes((2**20, 2**20), payload=b""))
    with pytest.raises(DataFileError, match=r"needs 1099511627788 bytes once decompressed"):
        read_idx(huge)
    # the right size in the gzip trailer but the data stops early
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as f:
        f.write(_idx_bytes((4,), payload=b"\x01\x02"))
    with pytest.raises(DataFileError, match="short.gz"):
        read_idx(short)


def test_idx_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


def test_write_idx_rejects_what_idx_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="expected uint8, int8, int16, int32, float32 or float64"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.int64))
    with pytest.raises(ShapeError, match="expected an array of rank 1 to 255"):
        write_idx(tmp_path / "x", np.uint8(3))


def test_cifar10_batch_layout_is_label_then_red_green_blue_planes(tmp_path):
    rng = np.random.default_rng(0)
    red, green, blue = (rng.integers(0, 256, (32, 32), dtype=np.uint8) for _ in range(3))
    path = tmp_path / "data_batch_1.bin"
    path.write_bytes(bytes([6]) + red.tobytes() + green.tobytes() + blue.tobytes())
    images, labels = read_cifar10_batch(path)
    assert images.shape == (1, 32, 32, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(labels, [6])
    np.testing.assert_array_equal(images[0, :, :, 0], red)
    np.testing.assert_array_equal(images[0, :, :, 1], green)
    np.testing.assert_array_equal(images[0, :, :, 2], blue)


def test_cifar10_batch_round_trips(tmp_path, rng):
    images = rng.integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)
    labels = np.array([0, 9, 3, 3, 1], dtype=np.uint8)
    write_cifar10_batch(tmp_path / "t.bin", images, labels)
    got_images, got_labels = read_cifar10_batch(tmp_path / "t.bin")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has 0 bytes; expected a positive multiple of the record size 3073"),
        (bytes(3073 * 2 - 5), "truncated or not a CIFAR-10 binary batch"),
        (bytes(3074 * 3), "CIFAR-100 binary files have 3074-byte records"),
        (bytes(3073) + bytes([10]) + bytes(3072), "record 1 has label 10; CIFAR-10 labels are 0"),
    ],
)
def test_cifar10_corrupt_batches_raise_data_file_error(tmp_path, content, message):
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_cifar10_batch(path)


def test_write_cifar10_batch_checks_shapes_and_labels(tmp_path):
    with pytest.raises(ShapeError, match=r"expected images \(N, 32, 32, 3\) and labels \(N,\)"):
        write_cifar10_batch(tmp_path / "x", np.zeros((2, 28, 28, 1)), [0, 1])
    with pytest.raises(ValueError, match="expected labels in 0..9"):
        write_cifar10_batch(tmp_path / "x", np.zeros((1, 32, 32, 3)), [10])
