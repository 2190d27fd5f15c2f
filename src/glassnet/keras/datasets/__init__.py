"""``keras.datasets``: MNIST, Fashion-MNIST and CIFAR-10 read from files you download yourself.

``load_data()`` returns Keras's arrays, ``(x_train, y_train), (x_test, y_test)``, from a
local directory: ``path=...``, else ``$GLASSNET_DATA_DIR/<name>/``, else
``~/.glassnet/datasets/<name>/`` (``<name>`` is ``mnist``, ``fashion_mnist`` or ``cifar10``).
Nothing is ever downloaded; a missing file raises FileNotFoundError saying which files to put
where and where to get them. See ``glassnet.data.image_datasets``.
"""

from glassnet.keras.datasets import cifar10, fashion_mnist, mnist

__all__ = ["cifar10", "fashion_mnist", "mnist"]
