"""MNIST, Fashion-MNIST and CIFAR-10 from files on disk, in Keras's shapes. Never downloads.

Where the files are looked for, first match wins:

1. the ``path`` argument (a directory, or for MNIST a Keras ``mnist.npz`` file, for CIFAR-10
   the ``cifar-10-binary.tar.gz`` archive);
2. ``$GLASSNET_DATA_DIR/<name>/`` when that environment variable is set;
3. the default cache directory ``~/.glassnet/datasets/<name>/``,

with ``<name>`` one of ``mnist``, ``fashion_mnist``, ``cifar10``. When files are missing the
error lists exactly which names to put in which directory and where to download them.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data.image_files import decode_cifar10_batch, read_cifar10_batch, read_idx
from glassnet.errors import DataFileError

__all__ = ["ENV_VAR", "dataset_dir", "load_cifar10", "load_idx_dataset"]

ENV_VAR = "GLASSNET_DATA_DIR"

_IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_IDX_SOURCES = {
    "mnist": (
        "MNIST",
        "https://storage.googleapis.com/cvdf-datasets/mnist/ (or Keras's single file "
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz)",
    ),
    "fashion_mnist": (
        "Fashion-MNIST",
        "https://github.com/zalandoresearch/fashion-mnist (folder data/fashion) or "
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    ),
}
_CIFAR_TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]
_CIFAR_TEST = "test_batch.bin"
_CIFAR_ARCHIVE = "cifar-10-binary.tar.gz"
_CIFAR_FOLDER = "cifar-10-batches-bin"
_CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def dataset_dir(name: str, path: str | os.PathLike | None = None) -> tuple[Path, str]:
    """The directory (or file) to read data set ``name`` from, and where that choice came from.

    Example:
        >>> folder, origin = dataset_dir("mnist", "/data/mnist")
        >>> str(folder), origin
        ('/data/mnist', 'the path argument')
    """
    if path is not None:
        return Path(path).expanduser(), "the path argument"
    root = os.environ.get(ENV_VAR)
    if root:
        return Path(root).expanduser() / name, f"${ENV_VAR}/{name}"
    return Path.home() / ".glassnet" / "datasets" / name, "the default cache directory"


def load_idx_dataset(name: str, path: str | os.PathLike | None = None) -> Split:
    """Load MNIST (``name='mnist'``) or Fashion-MNIST (``'fashion_mnist'``) from IDX files.

    In the directory, each of the four files may be gzipped or not and spelled with a dash
    or a dot (``train-images-idx3-ubyte.gz``, ``train-images.idx3-ubyte``). For MNIST,
    Keras's ``mnist.npz`` is read when the IDX files are absent (``allow_pickle=False``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28) and uint8 labels
        (N,), as ``keras.datasets.mnist.load_data()``.

    Raises:
        FileNotFoundError: naming each missing file, the directory and the download page.
        DataFileError: for a corrupt or truncated file, or images and labels that disagree.
    """
    title, source = _IDX_SOURCES[name]
    folder, origin = dataset_dir(name, path)
    if folder.is_file() and folder.suffix == ".npz":
        return _load_npz(folder)
    found = {key: _find_idx(folder, stem) for key, stem in _IDX_FILES.items()}
    missing = [stem for key, stem in _IDX_FILES.items() if found[key] is None]
    if missing and name == "mnist" and (folder / "mnist.npz").is_file():
        return _load_npz(folder / "mnist.npz")
    if missing:
        lines = "\n".join(f"    {stem}.gz" for stem in missing)
        raise FileNotFoundError(
            f"{name}.load_data: the {title} files are not all in {folder} ({origin}). "
            f"Missing (gzipped or not):\n{lines}\nDownload them from {source} and put them "
            f"in that directory, or pass path='<directory>' or set ${ENV_VAR}. glassnet "
            "never downloads anything itself."
        )
    arrays = {key: read_idx(file) for key, file in found.items()}
    for split in ("train", "test"):
        _check_images_labels(arrays[f"x_{split}"], arrays[f"y_{split}"],
                             found[f"x_{split}"], found[f"y_{split}"], 9)  # fmt: skip
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _find_idx(folder: Path, stem: str) -> Path | None:
    dotted = stem.replace("-idx", ".idx")
    for candidate in (stem, stem + ".gz", dotted, dotted + ".gz"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def _check_images_labels(x: np.ndarray, y: np.ndarray, x_file: Any, y_file: Any,
                         max_label: int) -> None:  # fmt: skip
    if x.ndim != 3 or x.dtype != np.uint8:
        raise DataFileError(
            f"load_data: {x_file} holds {x.dtype} values of shape {x.shape}; expected uint8 "
            "images (N, H, W). Is it a labels file put under an images name?"
        )
    if y.ndim != 1 or y.dtype != np.uint8 or len(y) != len(x):
        raise DataFileError(
            f"load_data: {y_file} holds {y.dtype} values of shape {y.shape}; expected "
            f"{len(x)} uint8 labels, one per image of {x_file}."
        )
    if y.size and y.max() > max_label:
        raise DataFileError(
            f"load_data: {y_file} has the label {y.max()}; expected labels 0 to {max_label}."
        )


def _load_npz(file: Path) -> Split:
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as err:
        raise DataFileError(
            f"mnist.load_data: {file} is not a readable Keras mnist.npz (with arrays x_train, "
            f"y_train, x_test, y_test and no pickled objects): {err}"
        ) from None
    for split in ("train", "test"):
        _check_images_labels(arrays[f"x_{split}"], arrays[f"y_{split}"],
                             f"{file}[x_{split}]", f"{file}[y_{split}]", 9)  # fmt: skip
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_cifar10(path: str | os.PathLike | None = None) -> Split:
    """Load CIFAR-10 from its binary version: the six ``.bin`` batches or their archive.

    Looked for in the directory itself, in its ``cifar-10-batches-bin`` folder (what the
    archive unpacks to), then in ``cifar-10-binary.tar.gz`` there (read in place, nothing
    is unpacked to disk).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 32, 32, 3) channels-last images
        and uint8 labels of shape (N, 1), as ``keras.datasets.cifar10.load_data()``.

    Raises:
        FileNotFoundError: naming the missing files, the directory and the download page.
        DataFileError: for a corrupt batch (size not a multiple of 3073 bytes, label > 9).
    """
    folder, origin = dataset_dir("cifar10", path)
    if folder.is_file():
        return _load_cifar_archive(folder)
    for candidate in (folder, folder / _CIFAR_FOLDER):
        files = [candidate / name for name in [*_CIFAR_TRAIN, _CIFAR_TEST]]
        if all(f.is_file() for f in files):
            return _cifar_split([read_cifar10_batch(f) for f in files])
    if (folder / _CIFAR_ARCHIVE).is_file():
        return _load_cifar_archive(folder / _CIFAR_ARCHIVE)
    raise FileNotFoundError(_cifar_missing_message(folder, origin))


def _cifar_missing_message(folder: Path, origin: str) -> str:
    missing = [n for n in [*_CIFAR_TRAIN, _CIFAR_TEST] if not (folder / n).is_file()]
    pickled = (folder / "data_batch_1").is_file() or (folder / "cifar-10-python.tar.gz").is_file()
    note = (
        " The files there are CIFAR-10's *python* version, a pickle, which glassnet does not "
        "read because unpickling a file can run code in it; use the binary version."
        if pickled
        else ""
    )
    return (
        f"cifar10.load_data: the CIFAR-10 binary files are not in {folder} ({origin}).{note} "
        f"Missing:\n" + "\n".join(f"    {n}" for n in missing) + f"\nDownload {_CIFAR_URL} "
        f"(the binary version, 162 MB) and put {_CIFAR_ARCHIVE} itself, or the .bin files it "
        f"contains, in that directory; or pass path='<directory>' or set ${ENV_VAR}. "
        "glassnet never downloads anything itself."
    )


def _load_cifar_archive(archive: Path) -> Split:
    wanted = [f"{_CIFAR_FOLDER}/{name}" for name in [*_CIFAR_TRAIN, _CIFAR_TEST]]
    limit = 10_001 * 3073  # why: check a member's declared size before reading it
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = {m.name: m for m in tar.getmembers() if m.name in wanted and m.isfile()}
            missing = [name for name in wanted if name not in members]
            if missing:
                raise DataFileError(
                    f"cifar10.load_data: {archive} lacks {', '.join(missing)}. Is it the "
                    f"binary version ({_CIFAR_URL})?"
                )
            batches = []
            for name in wanted:
                if members[name].size > limit:
                    raise DataFileError(
                        f"cifar10.load_data: {archive}:{name} declares {members[name].size} "
                        f"bytes, more than a batch of 10,000 images can hold ({limit}). The "
                        "archive is corrupt; download it again."
                    )
                data = tar.extractfile(members[name]).read()
                batches.append(decode_cifar10_batch(data, f"{archive}:{name}"))
    except (tarfile.TarError, EOFError, OSError) as err:
        raise DataFileError(
            f"cifar10.load_data: {archive} is not a readable .tar.gz archive ({err}). It is "
            "probably truncated; download it again."
        ) from None
    return _cifar_split(batches)


def _cifar_split(batches: list[tuple[np.ndarray, np.ndarray]]) -> Split:
    x_train = np.concatenate([x for x, _ in batches[:5]])
    y_train = np.concatenate([y for _, y in batches[:5]]).reshape(-1, 1)
    x_test, y_test = batches[5]
    return (x_train, y_train), (x_test, y_test.reshape(-1, 1))
