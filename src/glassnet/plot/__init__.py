"""Plots for seeing inside a network: training history, decision boundaries, activations,
residuals, per-layer distributions, image grids, confusion matrices, the model graph,
per-time-step importance of sequence inputs, and a self-organizing map's U-matrix and
component planes.

matplotlib is optional: it is imported inside each plotting function, so ``import
glassnet.plot`` works without it, and a call raises ImportError with the install line.
Every function returns the matplotlib ``Figure`` and can save it with ``to_file=``.
"""

from glassnet.plot.activations import activation_curves, plot_activations
from glassnet.plot.confusion import confusion_matrix, plot_confusion_matrix
from glassnet.plot.decision_boundary import decision_grid, plot_decision_boundary
from glassnet.plot.distributions import plot_layer_distributions
from glassnet.plot.gradients import plot_gradient_norms
from glassnet.plot.history import plot_history
from glassnet.plot.images import plot_image_grid
from glassnet.plot.latent import plot_latent_space
from glassnet.plot.model_graph import plot_model
from glassnet.plot.residuals import plot_residuals
from glassnet.plot.som import plot_component_planes, plot_u_matrix
from glassnet.plot.timesteps import plot_timestep_importance

__all__ = [
    "activation_curves",
    "plot_component_planes",
    "confusion_matrix",
    "decision_grid",
    "plot_activations",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_gradient_norms",
    "plot_history",
    "plot_image_grid",
    "plot_latent_space",
    "plot_layer_distributions",
    "plot_model",
    "plot_residuals",
    "plot_timestep_importance",
    "plot_u_matrix",
]
