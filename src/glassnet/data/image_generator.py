"""``ImageDataGenerator``: Keras's classic augmenting batch source for image arrays.

``ImageDataGenerator(...)`` holds the augmentation and normalisation settings; ``.fit(x)``
computes the per-channel statistics that ``featurewise_*`` need; ``.flow(x, y)`` returns a
``NumpyArrayIterator``, a ``glassnet.data.PyDataset`` that ``model.fit`` accepts and that
yields freshly transformed batches every epoch. Each batch is transformed in one vectorised
pass (``glassnet.data.augment``), not image by image.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from glassnet import backend
from glassnet._constraints import one_of
from glassnet.data.augment import apply_transforms, draw_transforms
from glassnet.data.dataset import PyDataset
from glassnet.errors import ConfigError, ShapeError, StateError

__all__ = ["ImageDataGenerator", "NumpyArrayIterator"]

_FILL_MODES = ("constant", "nearest", "reflect", "wrap")
_UNSUPPORTED = ("zca_whitening", "zca_epsilon", "brightness_range", "channel_shift_range",
                "preprocessing_function")  # fmt: skip
_CHUNK = 1024  # images per vectorised pass in fit(augment=True)


class ImageDataGenerator:
    """Random rotations, shifts, shears, zooms and flips, plus rescaling and standardisation.

    For each batch, every image gets its own random transform (applied to the raw values),
    then ``rescale`` multiplies it, then the sample-wise and feature-wise normalisations
    apply, in Keras's order.

    Args:
        featurewise_center: subtract the per-channel mean of the data given to ``fit``.
        samplewise_center: subtract each image's own mean.
        featurewise_std_normalization: divide by the per-channel std from ``fit`` (turns
            ``featurewise_center`` on, with a warning, as Keras).
        samplewise_std_normalization: divide each image by its own std.
        rotation_range: degrees; angles are uniform in [-rotation_range, rotation_range].
        width_shift_range, height_shift_range: a float < 1 is a fraction of the width or
            height, >= 1 a number of pixels; an int k draws whole pixels in (-k, k); a list
            draws one of its values with a random sign.
        shear_range: shear angle in degrees, uniform in [-shear_range, shear_range].
        zoom_range: a float z means zoom factors uniform in [1 - z, 1 + z] (drawn separately
            for width and height), or a pair [lower, upper]; factors > 1 zoom out.
        fill_mode: how points outside the image are filled: ``'nearest'`` (default),
            ``'constant'`` (with ``cval``), ``'reflect'`` or ``'wrap'``.
        cval: the fill value of ``'constant'`` mode.
        horizontal_flip, vertical_flip: flip half of the images, at random.
        rescale: a factor every value is multiplied by (e.g. 1/255), or None.
        validation_split: the fraction of the data ``flow(subset='validation')`` gives (the
            first ones; ``subset='training'`` gives the rest).
        interpolation_order: 1 (bilinear, default) or 0 (nearest pixel).
        dtype: the dtype of the batches (default ``glassnet.floatx()``).

    Keras's ``zca_whitening``, ``brightness_range``, ``channel_shift_range`` and
    ``preprocessing_function`` are not supported (ConfigError); images are channels-last.
    Unlike Keras, ``width_shift_range`` moves images sideways and ``height_shift_range`` up
    and down (Keras swaps them, keras-team/keras#17398).

    Example:
        >>> x = np.zeros((10, 8, 8, 3), dtype=np.uint8)
        >>> y = np.arange(10)
        >>> gen = ImageDataGenerator(rotation_range=15, horizontal_flip=True, rescale=1 / 255)
        >>> batches = gen.flow(x, y, batch_size=4, seed=0)
        >>> len(batches), batches[0][0].shape, batches[0][0].dtype
        (3, (4, 8, 8, 3), dtype('float32'))
    """

    def __init__(
        self,
        featurewise_center: bool = False,
        samplewise_center: bool = False,
        featurewise_std_normalization: bool = False,
        samplewise_std_normalization: bool = False,
        rotation_range: float = 0,
        width_shift_range: Any = 0.0,
        height_shift_range: Any = 0.0,
        shear_range: float = 0.0,
        zoom_range: Any = 0.0,
        fill_mode: str = "nearest",
        cval: float = 0.0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        rescale: float | None = None,
        data_format: str | None = None,
        validation_split: float = 0.0,
        interpolation_order: int = 1,
        dtype: Any = None,
        **unsupported: Any,
    ) -> None:
        _check_unsupported(unsupported)
        self.featurewise_center = bool(featurewise_center or featurewise_std_normalization)
        self.samplewise_center = bool(samplewise_center or samplewise_std_normalization)
        self.featurewise_std_normalization = bool(featurewise_std_normalization)
        self.samplewise_std_normalization = bool(samplewise_std_normalization)
        if featurewise_std_normalization and not featurewise_center:
            warnings.warn("ImageDataGenerator: featurewise_std_normalization turns "
                          "featurewise_center on.", stacklevel=2)  # fmt: skip
        self.rotation_range = _non_negative("rotation_range", rotation_range)
        self.width_shift_range = _shift("width_shift_range", width_shift_range)
        self.height_shift_range = _shift("height_shift_range", height_shift_range)
        self.shear_range = _non_negative("shear_range", shear_range)
        self.zoom_range = _zoom(zoom_range)
        self.fill_mode = one_of("ImageDataGenerator", "fill_mode", fill_mode, _FILL_MODES)
        self.cval = float(cval)
        self.horizontal_flip = bool(horizontal_flip)
        self.vertical_flip = bool(vertical_flip)
        self.rescale = None if not rescale else float(rescale)
        one_of("ImageDataGenerator", "data_format", data_format, (None, "channels_last"))
        if not 0 <= validation_split < 1:
            raise ConfigError(
                "The 'validation_split' argument of ImageDataGenerator must be a float in "
                f"[0, 1). Got {validation_split!r}."
            )
        self.validation_split = float(validation_split)
        self.interpolation_order = one_of(
            "ImageDataGenerator", "interpolation_order", interpolation_order, (0, 1)
        )
        self.dtype = np.dtype(dtype) if dtype is not None else backend.floatx()
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    # ------------------------------------------------------------------ statistics
    def fit(self, x: Any, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Compute the per-channel mean and std that ``featurewise_*`` use, from ``x``.

        ``rescale`` is applied first, as Keras does. With ``augment=True`` the statistics are
        taken over ``rounds`` randomly transformed copies of ``x``.

        Args:
            x: images (N, H, W, C).
            augment: fit on augmented copies.
            rounds: how many augmented copies (with ``augment``).
            seed: seeds the augmentation draws.

        Raises:
            ShapeError: if ``x`` is not of rank 4.
        """
        x = _as_images("fit", x)
        rng = np.random.default_rng(seed) if seed is not None else backend.rng()
        total = np.zeros(x.shape[-1])
        squares = np.zeros(x.shape[-1])
        count = 0
        for _ in range(rounds if augment else 1):
            for start in range(0, len(x), _CHUNK):  # why: bounds memory; each chunk is one pass
                chunk = x[start : start + _CHUNK].astype(np.float64)
                if augment:
                    chunk = self.random_transform_batch(chunk, rng)
                if self.rescale:
                    chunk *= self.rescale
                total += chunk.sum(axis=(0, 1, 2))
                squares += np.square(chunk).sum(axis=(0, 1, 2))
                count += chunk.shape[0] * chunk.shape[1] * chunk.shape[2]
        mean = total / count
        self.mean = mean.reshape(1, 1, -1).astype(self.dtype)
        self.std = np.sqrt(np.maximum(squares / count - mean**2, 0)).reshape(1, 1, -1)
        self.std = self.std.astype(self.dtype)

    # ------------------------------------------------------------------ per batch
    def random_transform_batch(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Apply one random geometric transform to each image of ``x`` (N, H, W, C)."""
        n, height, width = x.shape[:3]
        t = draw_transforms(
            rng, n, height, width, rotation_range=self.rotation_range,
            width_shift_range=self.width_shift_range, height_shift_range=self.height_shift_range,
            shear_range=self.shear_range, zoom_range=self.zoom_range,
            horizontal_flip=self.horizontal_flip, vertical_flip=self.vertical_flip,
        )  # fmt: skip
        interpolation = "bilinear" if self.interpolation_order == 1 else "nearest"
        return apply_transforms(x, t, fill_mode=self.fill_mode, cval=self.cval,
                                interpolation=interpolation)  # fmt: skip

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """Rescale, then the sample-wise, then the feature-wise normalisations (in place).

        Raises:
            StateError: if a feature-wise normalisation is on and ``fit`` was never called.
        """
        if (self.featurewise_center or self.featurewise_std_normalization) and self.mean is None:
            raise StateError(
                "ImageDataGenerator: expected statistics from fit(), got none. "
                "featurewise_center/featurewise_std_normalization need them: call "
                "generator.fit(x_train) before drawing batches."
            )
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= x.mean(axis=(1, 2, 3), keepdims=True)
        if self.samplewise_std_normalization:
            x /= x.std(axis=(1, 2, 3), keepdims=True) + 1e-6
        if self.featurewise_center:
            x -= self.mean
        if self.featurewise_std_normalization:
            x /= self.std + 1e-6
        return x

    def flow(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
             sample_weight: Any = None, seed: int | None = None, subset: str | None = None,
             ignore_class_split: bool = False) -> NumpyArrayIterator:  # fmt: skip
        """Batches of augmented images (and labels) that ``model.fit`` accepts.

        Args:
            x: images (N, H, W, C), any numeric dtype (uint8 pixels are fine).
            y: labels, N of them (any shape per sample), or None for image batches only.
            batch_size: images per batch (the last batch may be smaller).
            shuffle: reshuffle the order every epoch.
            sample_weight: optional weights, N of them, returned as a third element.
            seed: makes the order and the transforms repeatable: batch i of epoch e is
                always the same.
            subset: ``'training'`` or ``'validation'``, with ``validation_split``.
            ignore_class_split: skip the check that both subsets hold the same classes.

        Returns:
            A ``NumpyArrayIterator`` (a ``glassnet.data.PyDataset``).
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed, subset=subset,
                                  ignore_class_split=ignore_class_split)  # fmt: skip


class NumpyArrayIterator(PyDataset):
    """The batches of ``ImageDataGenerator.flow``: ``len()`` batches per epoch, ``[i]`` one.

    ``batch[i]`` is ``(x, y)``, ``(x, y, sample_weight)`` or just ``x`` when ``y`` is None.
    ``on_epoch_end`` (called by ``fit``) reshuffles. ``next(iterator)`` walks the batches
    forever, epoch after epoch, as Keras's iterators do.
    """

    def __init__(self, x: Any, y: Any, generator: ImageDataGenerator, *, batch_size: int = 32,
                 shuffle: bool = True, sample_weight: Any = None, seed: int | None = None,
                 subset: str | None = None, ignore_class_split: bool = False) -> None:  # fmt: skip
        super().__init__()
        x = _as_images("flow", x)
        y = None if y is None else np.asarray(y)
        sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        for name, other in (("y", y), ("sample_weight", sample_weight)):
            if other is not None and len(other) != len(x):
                raise ShapeError(
                    f"ImageDataGenerator.flow: expected {name} with one entry per image "
                    f"({len(x)}), got {len(other)}. Pass x and {name} of the same length."
                )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size < 1:  # fmt: skip
            raise ConfigError(
                f"The 'batch_size' argument of flow must be a positive int. Got {batch_size!r}."
            )
        if subset is not None:
            x, y, sample_weight = _split(generator, subset, x, y, sample_weight,
                                         ignore_class_split)  # fmt: skip
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.generator = generator
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = seed
        self.epoch = 0
        self._cursor = 0
        self._order = self._new_order()

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(
                f"NumpyArrayIterator: batch {index} out of range; there are {len(self)}."
            )
        index %= len(self)
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        rng = (backend.rng() if self.seed is None
               else np.random.default_rng([self.seed, self.epoch, index]))  # fmt: skip
        batch = self.x[rows].astype(self.generator.dtype)
        batch = self.generator.standardize(self.generator.random_transform_batch(batch, rng))
        if self.y is None:
            return batch
        if self.sample_weight is None:
            return batch, self.y[rows]
        return batch, self.y[rows], self.sample_weight[rows]

    def on_epoch_end(self) -> None:
        """Start a new epoch: a new order (when shuffling) and new transforms."""
        self.epoch += 1
        self._order = self._new_order()

    def _new_order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.x))
        rng = (backend.rng() if self.seed is None
               else np.random.default_rng([self.seed, self.epoch]))  # fmt: skip
        return rng.permutation(len(self.x))

    def __iter__(self) -> NumpyArrayIterator:
        return self

    def __next__(self) -> Any:
        batch = self[self._cursor]
        self._cursor += 1
        if self._cursor == len(self):
            self._cursor = 0
            self.on_epoch_end()
        return batch


def _split(generator, subset, x, y, sample_weight, ignore_class_split):
    """Keras's split: validation = the first ``int(N * validation_split)`` images."""
    if subset not in ("training", "validation"):
        raise ConfigError(
            f"The 'subset' argument of flow must be 'training', 'validation' or None. "
            f"Got {subset!r}."
        )
    cut = int(len(x) * generator.validation_split)
    if cut == 0 or cut == len(x):
        raise ConfigError(
            f"flow(subset={subset!r}): validation_split={generator.validation_split} of "
            f"{len(x)} images leaves one subset empty. Set validation_split in "
            "ImageDataGenerator(...) to a fraction such as 0.2."
        )
    if y is not None and not ignore_class_split:
        if not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:])):
            raise ValueError(
                "flow: the training and validation subsets hold different classes after the "
                "split. If x is sorted by label, shuffle it first (or pass "
                "ignore_class_split=True)."
            )
    part = slice(0, cut) if subset == "validation" else slice(cut, None)
    return (
        x[part],
        None if y is None else y[part],
        (None if sample_weight is None else sample_weight[part]),
    )


def _as_images(who: str, x: Any) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4 or x.dtype.kind not in "biuf":
        raise ShapeError(
            f"ImageDataGenerator.{who}: expected numeric images of shape (N, H, W, C), got "
            f"{x.dtype} {x.shape}. Grey images need a channel axis: x[..., None]."
        )
    if x.shape[-1] not in (1, 3, 4):
        warnings.warn(
            f"ImageDataGenerator.{who}: images of shape {x.shape} have {x.shape[-1]} channels "
            "on the last axis; expected 1, 3 or 4. glassnet images are channels-last "
            "(N, H, W, C).",
            stacklevel=3,
        )
    return x


def _check_unsupported(unsupported: dict[str, Any]) -> None:
    for name, value in unsupported.items():
        if name not in _UNSUPPORTED:
            raise TypeError(f"ImageDataGenerator got an unexpected argument {name!r}.")
        if value:
            raise ConfigError(
                f"ImageDataGenerator: {name} is not supported by glassnet. Use the "
                "preprocessing layers (glassnet.layers.Rescaling, RandomFlip ...) or "
                "transform the arrays yourself."
            )


def _non_negative(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or value < 0:
        raise ConfigError(
            f"The '{name}' argument of ImageDataGenerator must be a float >= 0. Got {value!r}."
        )
    return float(value)


def _shift(name: str, value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf" or array.ndim > 1 or np.any(array < 0) and array.ndim == 0:
        raise ConfigError(
            f"The '{name}' argument of ImageDataGenerator must be a float >= 0 (a fraction "
            f"if < 1, pixels otherwise), an int number of pixels, or a list of values. "
            f"Got {value!r}."
        )
    return list(array.tolist()) if array.ndim == 1 else value


def _zoom(value: Any) -> tuple[float, float]:
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return 1.0 - float(value), 1.0 + float(value)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return float(value[0]), float(value[1])
    raise ConfigError(
        "The 'zoom_range' argument of ImageDataGenerator must be a float or a pair "
        f"[lower, upper]. Got {value!r}."
    )
