"""Seeing inside a network: gradient checks (and, later, statistics, diagnosis and plots)."""

from glassnet.inspect.evaluation import (
    classification_report,
    confusion_matrix,
    regression_report,
    roc_auc,
    roc_curve,
)
from glassnet.inspect.gradcheck import gradcheck

__all__ = [
    "classification_report",
    "confusion_matrix",
    "gradcheck",
    "regression_report",
    "roc_auc",
    "roc_curve",
]
