"""``keras.saving``: saving and loading whole models (see ``glassnet.io``)."""

from glassnet.io import load_model, save_model

__all__ = ["load_model", "save_model"]
