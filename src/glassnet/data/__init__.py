"""Data pipelines: batch sources that ``Model.fit`` accepts, time-series windows, image files."""

from glassnet.data.dataset import PyDataset, Sequence

__all__ = ["PyDataset", "Sequence"]
