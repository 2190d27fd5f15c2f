"""Seeing inside a network: gradient checks (and, later, statistics, diagnosis and plots)."""

from glassnet.inspect.gradcheck import gradcheck

__all__ = ["gradcheck"]
