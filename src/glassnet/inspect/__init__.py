"""Seeing inside a network: evaluation, gradient checks, layer outputs, statistics, diagnosis.

- evaluation: ``classification_report``, ``confusion_matrix``, ``roc_curve``, ``roc_auc``,
  ``regression_report``;
- gradients: ``gradcheck`` (one function), ``check_gradients`` (a whole model's loss, also
  ``model.check_gradients``);
- looking inside: ``layer_outputs`` (every layer's output), ``explain`` (one neuron's
  numbers, forward and backward), ``LayerStatistics`` / ``layer_statistics`` (gradient
  norms, activations, dead and saturated units per layer);
- diagnosis: ``diagnose`` and the ``Doctor`` callback, which report ``Finding``s;
- sequences: ``timestep_importance`` (which input time steps a prediction depends on).
"""

from glassnet.inspect.evaluation import (
    classification_report,
    confusion_matrix,
    regression_report,
    roc_auc,
    roc_curve,
)
from glassnet.inspect.gradcheck import gradcheck

# why: these need layers and models; loading them on first use keeps `import glassnet` fast.
_LAZY = {
    "Diagnosis": "findings", "Finding": "findings", "Doctor": "doctor", "diagnose": "doctor",
    "Explanation": "explanation", "explain": "explanation",
    "GradientCheckReport": "model_gradcheck", "check_gradients": "model_gradcheck",
    "LayerStatistics": "statistics", "layer_statistics": "statistics",
    "layer_outputs": "outputs", "timestep_importance": "timesteps",
}  # fmt: skip


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"glassnet.inspect.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'glassnet.inspect' has no attribute {name!r}")


__all__ = [
    "Diagnosis",
    "Doctor",
    "Explanation",
    "Finding",
    "GradientCheckReport",
    "LayerStatistics",
    "check_gradients",
    "classification_report",
    "confusion_matrix",
    "diagnose",
    "explain",
    "gradcheck",
    "layer_outputs",
    "layer_statistics",
    "regression_report",
    "roc_auc",
    "roc_curve",
    "timestep_importance",
]
