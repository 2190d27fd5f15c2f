"""keras.datasets mnist / fashion_mnist / cifar10: local files only, Keras's shapes, clear errors."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from glassnet import keras
from glassnet.data import write_cifar10_batch, write_idx
from glassnet.data.image_datasets import dataset_dir
from glassnet.errors import DataFileError

_MNIST_NAMES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]


def _write_mnist(folder: Path, rng, suffix=".gz", n_train=5, n_test=3, dotted=False) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for key, name in zip(arrays, _MNIST_NAMES):
        name = name.replace("-idx", ".idx") if dotted else name
        write_idx(folder / (name + suffix), arrays[key])
    return arrays


def _check_split(split, arrays):
    (x_train, y_train), (x_test, y_test) = split
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"),
                     (y_test, "y_test")):  # fmt: skip
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


@pytest.mark.parametrize(("suffix", "dotted"), [(".gz", False), ("", False), (".gz", True)])
def test_mnist_reads_idx_files_from_the_path_argument(tmp_path, rng, suffix, dotted):
    arrays = _write_mnist(tmp_path, rng, suffix, dotted=dotted)
    split = keras.datasets.mnist.load_data(path=tmp_path)
    _check_split(split, arrays)
    assert split[0][0].shape == (5, 28, 28) and split[0][1].shape == (5,)


def test_fashion_mnist_reads_from_the_environment_variable(tmp_path, rng, monkeypatch):
    arrays = _write_mnist(tmp_path / "fashion_mnist", rng)
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path))
    _check_split(keras.datasets.fashion_mnist.load_data(), arrays)


def test_mnist_reads_from_the_default_cache_directory(tmp_path, rng, monkeypatch):
    monkeypatch.delenv("GLASSNET_DATA_DIR", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    arrays = _write_mnist(tmp_path / ".glassnet" / "datasets" / "mnist", rng)
    _check_split(keras.datasets.mnist.load_data(), arrays)


def test_dataset_dir_order_is_path_then_environment_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path / "env"))
    assert dataset_dir("cifar10", tmp_path / "arg") == (tmp_path / "arg", "the path argument")
    assert dataset_dir("cifar10")[0] == tmp_path / "env" / "cifar10"
    monkeypatch.delenv("GLASSNET_DATA_DIR")
    assert dataset_dir("cifar10")[0] == Path.home() / ".glassnet" / "datasets" / "cifar10"


def test_mnist_missing_files_error_lists_exactly_which_files_go_where(tmp_path, rng):
    _write_mnist(tmp_path, rng)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    (tmp_path / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError) as info:
        keras.datasets.mnist.load_data(path=tmp_path)
    message = str(info.value)
    assert f"not all in {tmp_path} (the path argument)" in message
    assert "    train-images-idx3-ubyte.gz\n    t10k-labels-idx1-ubyte.gz\n" in message
    assert "train-labels" not in message and "t10k-images" not in message
    assert "https://" in message and "never downloads" in message


def test_fashion_mnist_missing_directory_names_its_download_page(tmp_path):
    with pytest.raises(FileNotFoundError, match="zalandoresearch/fashion-mnist"):
        keras.datasets.fashion_mnist.load_data(path=tmp_path / "absent")


def test_mnist_reads_keras_mnist_npz_without_pickle(tmp_path, rng):
    arrays = {
        "x_train": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 4, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    np.savez(tmp_path / "mnist.npz", **arrays)
    _check_split(keras.datasets.mnist.load_data(path=tmp_path), arrays)
    _check_split(keras.datasets.mnist.load_data(path=tmp_path / "mnist.npz"), arrays)
    evil = tmp_path / "evil"
    evil.mkdir()
    np.savez(evil / "mnist.npz", **{**arrays, "x_train": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(DataFileError, match="no pickled objects"):
        keras.datasets.mnist.load_data(path=evil)


def test_mnist_images_and_labels_that_disagree_are_refused(tmp_path, rng):
    _write_mnist(tmp_path, rng)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4, dtype=np.uint8))
    with pytest.raises(DataFileError, match="expected 5 uint8 labels, one per image"):
        keras.datasets.mnist.load_data(path=tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.full(5, 12, dtype=np.uint8))
    with pytest.raises(DataFileError, match="has the label 12; expected labels 0 to 9"):
        keras.datasets.mnist.load_data(path=tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(DataFileError, match="expected uint8 images"):
        keras.datasets.mnist.load_data(path=tmp_path)


def test_mnist_truncated_file_is_a_data_file_error(tmp_path, rng):
    _write_mnist(tmp_path, rng, suffix="")
    images = tmp_path / "t10k-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-10])
    with pytest.raises(DataFileError, match="t10k-images-idx3-ubyte has .* The file is truncated"):
        keras.datasets.mnist.load_data(path=tmp_path)


# ------------------------------------------------------------------ CIFAR-10
def _cifar_batches(rng, per_batch=(3, 2, 2, 1, 2), n_test=4):
    sizes = [*per_batch, n_test]
    return [
        (rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8),
         rng.integers(0, 10, n, dtype=np.uint8))
        for n in sizes
    ]  # fmt: skip


_CIFAR_NAMES = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]


def _write_cifar(folder: Path, batches):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (images, labels) in zip(_CIFAR_NAMES, batches):
        write_cifar10_batch(folder / name, images, labels)


def _check_cifar(split, batches):
    (x_train, y_train), (x_test, y_test) = split
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (4, 32, 32, 3) and y_test.shape == (4, 1)
    np.testing.assert_array_equal(x_train, np.concatenate([b[0] for b in batches[:5]]))
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([b[1] for b in batches[:5]]))
    np.testing.assert_array_equal(x_test, batches[5][0])
    np.testing.assert_array_equal(y_test[:, 0], batches[5][1])


@pytest.mark.parametrize("subfolder", ["", "cifar-10-batches-bin"])
def test_cifar10_reads_the_binary_batches_in_keras_shapes(tmp_path, rng, subfolder):
    batches = _cifar_batches(rng)
    _write_cifar(tmp_path / subfolder, batches)
    _check_cifar(keras.datasets.cifar10.load_data(path=tmp_path), batches)


def _write_archive(archive: Path, batches, names=_CIFAR_NAMES):
    with tarfile.open(archive, "w:gz") as tar:
        for name, (images, labels) in zip(names, batches):
            records = np.concatenate(
                [labels[:, None], images.transpose(0, 3, 1, 2).reshape(len(images), -1)], axis=1
            ).tobytes()
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(records)
            tar.addfile(info, io.BytesIO(records))


def test_cifar10_reads_the_downloaded_archive_in_place(tmp_path, rng, monkeypatch):
    batches = _cifar_batches(rng)
    cache = tmp_path / "cifar10"
    cache.mkdir()
    _write_archive(cache / "cifar-10-binary.tar.gz", batches)
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path))
    _check_cifar(keras.datasets.cifar10.load_data(), batches)
    _check_cifar(keras.datasets.cifar10.load_data(cache / "cifar-10-binary.tar.gz"), batches)
    assert sorted(p.name for p in cache.iterdir()) == ["cifar-10-binary.tar.gz"]  # nothing unpacked


def test_cifar10_archive_errors(tmp_path, rng):
    batches = _cifar_batches(rng)
    partial = tmp_path / "partial.tar.gz"
    _write_archive(partial, batches[:3], _CIFAR_NAMES[:3])
    with pytest.raises(DataFileError, match="lacks cifar-10-batches-bin/data_batch_4.bin"):
        keras.datasets.cifar10.load_data(partial)
    whole = tmp_path / "whole.tar.gz"
    _write_archive(whole, batches)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    with pytest.raises(DataFileError, match="not a readable .tar.gz archive"):
        keras.datasets.cifar10.load_data(cut)


def test_cifar10_missing_files_error_lists_them_and_the_binary_download(tmp_path, rng):
    batches = _cifar_batches(rng)
    _write_cifar(tmp_path, batches)
    (tmp_path / "data_batch_3.bin").unlink()
    with pytest.raises(FileNotFoundError) as info:
        keras.datasets.cifar10.load_data(path=tmp_path)
    message = str(info.value)
    assert f"not in {tmp_path} (the path argument)" in message
    assert "Missing:\n    data_batch_3.bin\nDownload" in message
    assert "cifar-10-binary.tar.gz" in message and "never downloads" in message


def test_cifar10_python_pickle_version_is_refused_with_a_reason(tmp_path):
    (tmp_path / "data_batch_1").write_bytes(b"\x80\x04 not read")
    with pytest.raises(FileNotFoundError, match=r"\*python\* version, a pickle, which glassnet"):
        keras.datasets.cifar10.load_data(path=tmp_path)


def test_cifar10_corrupt_batch_is_a_data_file_error(tmp_path, rng):
    _write_cifar(tmp_path, _cifar_batches(rng))
    (tmp_path / "test_batch.bin").write_bytes(bytes(3073 * 2 + 1))
    with pytest.raises(DataFileError, match="test_batch.bin has 6147 bytes"):
        keras.datasets.cifar10.load_data(path=tmp_path)
