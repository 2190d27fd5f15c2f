"""``keras.datasets.fashion_mnist``: Zalando's Fashion-MNIST from IDX files on disk."""

from __future__ import annotations

import os

from glassnet.data.image_datasets import load_idx_dataset

__all__ = ["load_data"]


def load_data(path: str | os.PathLike | None = None) -> tuple:
    """Load Fashion-MNIST: 60,000 + 10,000 grey 28 x 28 images of 10 kinds of clothing.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot. The four files have MNIST's names
    (``train-images-idx3-ubyte.gz`` ...); put them in ``~/.glassnet/datasets/fashion_mnist/``
    (or ``$GLASSNET_DATA_DIR/fashion_mnist/``, or pass the directory as ``path``).

    Args:
        path: the directory holding the four files.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) and uint8 (N,).

    Raises:
        FileNotFoundError: listing the missing files, where to put them and where to get them.
        glassnet.errors.DataFileError: for a corrupt or truncated file.
    """
    return load_idx_dataset("fashion_mnist", path)
