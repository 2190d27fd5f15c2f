"""Small utilities users reach as ``glassnet.utils`` (Keras's ``keras.utils`` names)."""

from glassnet.backend import set_random_seed

__all__ = ["set_random_seed"]
