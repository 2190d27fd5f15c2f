"""Error messages of glassnet.data and glassnet.datasets that their other tests do not match."""

from __future__ import annotations

import gzip
import io
import tarfile

import numpy as np
import pytest

import glassnet
from glassnet.data import ImageDataGenerator, PyDataset, read_idx, write_idx
from glassnet.data.image_datasets import load_cifar10
from glassnet.errors import ConfigError, DataFileError

BATCHES = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]


class Unfinished(PyDataset):
    """A PyDataset that implements neither __len__ nor __getitem__."""


class _Zeros(io.RawIOBase):
    def readinto(self, buffer):
        buffer[:] = bytes(len(buffer))
        return len(buffer)


def _archive(path, sizes: dict[str, int]):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, size in sizes.items():
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = size
            tar.addfile(info, _Zeros())
    return path


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: len(Unfinished()), NotImplementedError, r"^Unfinished must implement __len__\(\)\.$"),
        (lambda: Unfinished()[0], NotImplementedError, r"^Unfinished must implement __getitem__\(\)\.$"),
        (lambda: ImageDataGenerator(height_shift_range=-1), ConfigError,
         r"The 'height_shift_range' argument of ImageDataGenerator must be a float >= 0 \(a "
         r"fraction if < 1, pixels otherwise\), an int number of pixels, or a list of values\. "
         r"Got -1\."),
        (lambda: ImageDataGenerator(shear_range=-1), ConfigError,
         r"The 'shear_range' argument of ImageDataGenerator must be a float >= 0\. Got -1\."),
        (lambda: ImageDataGenerator(interpolation_order=3), ConfigError,
         r"The 'interpolation_order' argument of ImageDataGenerator must be one of 0, 1\. Got 3\."),
    ],
)  # fmt: skip
def test_data_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dataset_number_out_of_range():
    with pytest.raises(
        ConfigError,
        match=r"synthetic_time_series: expected noise to be a float in \[0\.0, inf\), got -1\.0\.",
    ) as info:
        glassnet.datasets.synthetic_time_series(10, noise=-1.0)
    info.match(r"got -1\.0\. Pass a number inside that range\.$")


def test_idx_gzip_cut_short(tmp_path):
    write_idx(tmp_path / "a-idx.gz", np.arange(600, dtype=np.uint8))
    raw = (tmp_path / "a-idx.gz").read_bytes()
    (tmp_path / "a-idx.gz").write_bytes(raw[: len(raw) // 2] + raw[-4:])  # trailer size kept
    with pytest.raises(
        DataFileError,
        match=r"read_idx: .*a-idx.gz is not a readable gzip file \(.*\)\. It is probably "
        r"truncated or corrupt; download it again\.",
    ):
        read_idx(tmp_path / "a-idx.gz")


def test_idx_gzip_with_bytes_after_the_data(tmp_path):
    write_idx(tmp_path / "a.idx", np.arange(6, dtype=np.uint8))
    raw = (tmp_path / "a.idx").read_bytes()
    # a second gzip member as long as the file, so the size in the gzip trailer still agrees
    (tmp_path / "a-idx.gz").write_bytes(gzip.compress(raw) + gzip.compress(bytes(len(raw))))
    with pytest.raises(
        DataFileError,
        match=r"read_idx: .*a-idx.gz does not match its header: shape \(6,\) of uint8 needs 6 "
        r"data bytes, got more\. The file is truncated or corrupt; download it again\.",
    ):
        read_idx(tmp_path / "a-idx.gz")


@pytest.mark.parametrize("where", ["archive", "folder"])
def test_cifar_archive_missing_batches(tmp_path, where):
    archive = _archive(tmp_path / "cifar-10-binary.tar.gz", {"test_batch.bin": 0})
    with pytest.raises(
        DataFileError,
        match=r"cifar10.load_data: .*cifar-10-binary.tar.gz lacks cifar-10-batches-bin/"
        r"data_batch_1.bin, .*data_batch_5.bin\. Is it the binary version \(https://",
    ):
        load_cifar10(archive if where == "archive" else tmp_path)


@pytest.mark.parametrize("where", ["archive", "folder"])
def test_cifar_archive_member_over_the_size_of_a_batch(tmp_path, where):
    limit = 10_001 * 3073
    sizes = {name: (limit + 1 if name == "data_batch_1.bin" else 0) for name in BATCHES}
    archive = _archive(tmp_path / "cifar-10-binary.tar.gz", sizes)
    with pytest.raises(
        DataFileError,
        match=rf"cifar10.load_data: .*cifar-10-binary.tar.gz:cifar-10-batches-bin/data_batch_1"
        rf".bin declares {limit + 1} bytes, more than a batch of 10,000 images can hold "
        rf"\({limit}\)\. The archive is corrupt; download it again\.",
    ):
        load_cifar10(archive if where == "archive" else tmp_path)
