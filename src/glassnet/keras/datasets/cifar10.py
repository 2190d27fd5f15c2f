"""``keras.datasets.cifar10``: CIFAR-10 from its binary version on disk (never the pickle one)."""

from __future__ import annotations

import os

from glassnet.data.image_datasets import load_cifar10

__all__ = ["load_data"]


def load_data(path: str | os.PathLike | None = None) -> tuple:
    """Load CIFAR-10: 50,000 + 10,000 colour 32 x 32 images of 10 classes.

    Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
    9 truck. Download the *binary* version (``cifar-10-binary.tar.gz``) and put the archive,
    or the ``data_batch_1.bin`` ... ``data_batch_5.bin`` and ``test_batch.bin`` it holds, in
    ``~/.glassnet/datasets/cifar10/`` (or ``$GLASSNET_DATA_DIR/cifar10/``, or pass the
    directory or the archive as ``path``). The python version is a pickle and is refused.

    Args:
        path: a directory holding the files, or the archive itself.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 32, 32, 3) channels-last images
        and uint8 labels of shape (N, 1), as Keras.

    Raises:
        FileNotFoundError: listing the missing files, where to put them and where to get them.
        glassnet.errors.DataFileError: for a corrupt or truncated file.
    """
    return load_cifar10(path)
