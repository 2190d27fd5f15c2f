"""``keras.preprocessing``: the classic ``image.ImageDataGenerator``."""

from glassnet.keras.preprocessing import image

__all__ = ["image"]
