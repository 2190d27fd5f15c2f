"""Data pipelines: batch sources that ``Model.fit`` accepts, time-series windows, image files."""

from glassnet.data.dataset import PyDataset, Sequence
from glassnet.data.image_files import (
    read_cifar10_batch,
    read_idx,
    write_cifar10_batch,
    write_idx,
)
from glassnet.data.image_generator import ImageDataGenerator, NumpyArrayIterator
from glassnet.data.timeseries import (
    TimeseriesDataset,
    make_windows,
    timeseries_dataset_from_array,
)

__all__ = [
    "ImageDataGenerator",
    "NumpyArrayIterator",
    "PyDataset",
    "Sequence",
    "TimeseriesDataset",
    "make_windows",
    "read_cifar10_batch",
    "read_idx",
    "timeseries_dataset_from_array",
    "write_cifar10_batch",
    "write_idx",
]
