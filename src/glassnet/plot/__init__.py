"""Plots for image classifiers: a grid of images with their labels, a confusion-matrix heatmap.

matplotlib is optional: it is imported inside each plotting function, so ``import
glassnet.plot`` works without it, and a call raises ImportError with the install line.
Every function returns the matplotlib ``Figure`` and can save it with ``to_file=``.
"""

from glassnet.plot.confusion import confusion_matrix, plot_confusion_matrix
from glassnet.plot.images import plot_image_grid

__all__ = ["confusion_matrix", "plot_confusion_matrix", "plot_image_grid"]
