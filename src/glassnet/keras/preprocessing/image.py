"""``keras.preprocessing.image``: ``ImageDataGenerator`` and its ``NumpyArrayIterator``.

The transforms live in ``glassnet.data.augment`` and the generator in
``glassnet.data.image_generator``; this module only gives them Keras's import path.
"""

from glassnet.data.image_generator import ImageDataGenerator, NumpyArrayIterator

__all__ = ["ImageDataGenerator", "NumpyArrayIterator"]
