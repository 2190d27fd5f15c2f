"""Data pipelines: batch sources that ``Model.fit`` accepts, time-series windows, image files."""

from glassnet.data.dataset import PyDataset, Sequence
from glassnet.data.image_files import (
    read_cifar10_batch,
    read_idx,
    write_cifar10_batch,
    write_idx,
)
from glassnet.data.image_generator import ImageDataGenerator, NumpyArrayIterator

__all__ = [
    "ImageDataGenerator",
    "NumpyArrayIterator",
    "PyDataset",
    "Sequence",
    "read_cifar10_batch",
    "read_idx",
    "write_cifar10_batch",
    "write_idx",
]
