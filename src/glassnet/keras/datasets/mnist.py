"""``keras.datasets.mnist``: the MNIST digits from IDX files (or Keras's mnist.npz) on disk."""

from __future__ import annotations

import os

from glassnet.data.image_datasets import load_idx_dataset

__all__ = ["load_data"]


def load_data(path: str | os.PathLike | None = None) -> tuple:
    """Load MNIST: 60,000 training and 10,000 test images of handwritten digits 0-9.

    Put ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz`` (gzipped or not), or
    Keras's ``mnist.npz``, in ``~/.glassnet/datasets/mnist/`` (or ``$GLASSNET_DATA_DIR/mnist/``,
    or pass that directory as ``path``). Nothing is downloaded.

    Args:
        path: a directory holding the files, or the path of an ``mnist.npz``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28), values 0-255,
        and uint8 labels (N,). Add a channel axis for Conv2D: ``x_train[..., None]``.

    Raises:
        FileNotFoundError: listing the missing files, where to put them and where to get them.
        glassnet.errors.DataFileError: for a corrupt or truncated file.
    """
    return load_idx_dataset("mnist", path)
