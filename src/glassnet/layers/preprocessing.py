"""Image preprocessing layers (Keras 3 names and defaults): Rescaling and random augmentation.

``RandomFlip``, ``RandomRotation``, ``RandomTranslation`` and ``RandomZoom`` change their input
only when called with ``training=True`` (``fit`` does that); otherwise, and in ``evaluate`` and
``predict``, they return it unchanged, as tf.keras documents. Each image of a batch gets its
own random draw; the rotation, translation and zoom layers build one affine grid per image
and sample it with ``glassnet.ops.image.affine_transform`` (one gather for the whole batch).

Randomness comes from glassnet's generator (``glassnet.backend.rng()``), so
``glassnet.utils.set_random_seed(s)`` repeats a run; ``seed=`` gives a layer its own
generator instead.

Gradients: every layer here is a composite of glassnet ops (multiply/add for ``Rescaling``,
a reversed slice and ``where`` for ``RandomFlip``, a gather and a weighted sum for the
others), so the gradient reaches their input; the random transform itself is a constant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers.base import LAYERS, Layer
from glassnet.ops.image import affine_transform
from glassnet.tensor import Tensor

__all__ = ["RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling"]

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("bilinear", "nearest")


def _number_or_list(layer: str, name: str, value: Any) -> float | list[float]:
    """A float, or a list of floats (one per channel), checked to be finite."""
    array = np.asarray(value, dtype=object)
    try:
        numbers = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        numbers = None
    if numbers is None or array.ndim > 1 or not np.all(np.isfinite(numbers)):
        raise ConfigError(
            f"The '{name}' argument of {layer} must be a finite float or a list of floats "
            f"(one per channel). Got {value!r}."
        )
    return float(numbers) if numbers.ndim == 0 else [float(v) for v in numbers]


def _factor_range(layer: str, name: str, factor: Any) -> tuple[float, float]:
    """Keras's factor rule: a number f means [-|f|, |f|], a pair (lo, hi) means [lo, hi]."""
    message = (
        f"The '{name}' argument of {layer} must be a float in [-1, 1] or a pair of such "
        f"floats (lower, upper). Got {factor!r}."
    )
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2 or not all(_is_unit(f) for f in factor):
            raise ConfigError(message)
        lower, upper = sorted(float(f) for f in factor)
        return lower, upper
    if not _is_unit(factor):
        raise ConfigError(message)
    return -abs(float(factor)), abs(float(factor))


def _is_unit(value: Any) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and -1.0 <= value <= 1.0
    )


def _jsonable(factor: Any) -> Any:
    return list(factor) if isinstance(factor, tuple) else factor


@LAYERS.register("Rescaling")
class Rescaling(Layer):
    """Multiplies inputs by ``scale`` and adds ``offset``: ``[0, 255]`` pixels to ``[0, 1]``.

    Math:
        y     = x * scale + offset
        dL/dx = dL/dy * scale

    Args:
        scale: a float, or a list with one float per channel.
        offset: a float, or a list with one float per channel (default 0).

    Shape:
        Input: any, integer or float.  Output: same shape, the layer's float dtype.

    Example:
        >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], np.uint8)).numpy()
        array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, scale: float | Sequence[float], offset: float | Sequence[float] = 0.0,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.scale = _number_or_list("Rescaling", "scale", scale)
        self.offset = _number_or_list("Rescaling", "offset", offset)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        x = _as_float(inputs, self.dtype)
        y = ops.multiply(x, np.asarray(self.scale, dtype=self.dtype))
        if np.any(np.asarray(self.offset) != 0):
            y = ops.add(y, np.asarray(self.offset, dtype=self.dtype))
        return y

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class _RandomImageLayer(Layer):
    """Shared plumbing: the seed, the image-rank check, identity outside training."""

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                                 or seed < 0):  # fmt: skip
            raise ConfigError(
                f"The 'seed' argument of {type(self).__name__} must be None or an int >= 0. "
                f"Got {seed!r}."
            )
        self.seed = None if seed is None else int(seed)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if inputs.ndim not in (3, 4):
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected images of shape (N, H, W, C) "
                f"or one image (H, W, C), got {inputs.shape}. Add a channel axis to grey "
                "images: x[..., None]."
            )
        x = _as_float(inputs, self.dtype)
        if not training:
            return x
        single = x.ndim == 3
        if single:
            x = ops.expand_dims(x, 0)
        y = self._augment(x, self._rng or backend.rng())
        return ops.squeeze(y, 0) if single else y

    def _augment(self, images: Tensor, rng: np.random.Generator) -> Tensor:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


@LAYERS.register("RandomFlip")
class RandomFlip(_RandomImageLayer):
    """Flips each image left-right and/or upside down with probability 1/2, in training.

    Math:
        horizontal:  y[n, i, j] = x[n, i, W-1-j] if flip[n] else x[n, i, j]
        vertical:    y[n, i, j] = x[n, H-1-i, j] if flip[n] else x[n, i, j]
        dL/dx        = dL/dy moved back through the same flips

    Args:
        mode: ``'horizontal'``, ``'vertical'`` or ``'horizontal_and_vertical'`` (default;
            the two flips are drawn independently).
        seed: optional private seed (default: glassnet's generator).

    Shape:
        Input: (N, H, W, C) or (H, W, C).  Output: same, the layer's float dtype.

    Example:
        >>> layer = RandomFlip("horizontal", seed=1)
        >>> layer(np.ones((2, 4, 4, 3)), training=True).shape
        (2, 4, 4, 3)
    """

    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(seed=seed, **kwargs)
        if mode not in self._MODES:
            raise ConfigError(
                f"The 'mode' argument of RandomFlip must be one of {', '.join(self._MODES)}. "
                f"Got {mode!r}."
            )
        self.mode = mode

    def _augment(self, images: Tensor, rng: np.random.Generator) -> Tensor:
        n = images.shape[0]
        if self.mode != "vertical":  # axis 2 = columns
            flip = rng.random(n) < 0.5
            mirrored = ops.getitem(images, (slice(None), slice(None), slice(None, None, -1)))
            images = ops.where(flip[:, None, None, None], mirrored, images)
        if self.mode != "horizontal":  # axis 1 = rows
            flip = rng.random(n) < 0.5
            mirrored = ops.getitem(images, (slice(None), slice(None, None, -1)))
            images = ops.where(flip[:, None, None, None], mirrored, images)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode}


class _RandomAffine(_RandomImageLayer):
    """A random affine transform per image: subclasses give the (N, 8) matrices."""

    def __init__(self, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(seed=seed, **kwargs)
        who = type(self).__name__
        if fill_mode not in _FILL_MODES:
            raise ConfigError(
                f"The 'fill_mode' argument of {who} must be one of {', '.join(_FILL_MODES)}. "
                f"Got {fill_mode!r}."
            )
        if interpolation not in _INTERPOLATIONS:
            raise ConfigError(
                f"The 'interpolation' argument of {who} must be one of "
                f"{', '.join(_INTERPOLATIONS)}. Got {interpolation!r}."
            )
        if isinstance(fill_value, bool) or not isinstance(fill_value, (int, float, np.number)):
            raise ConfigError(
                f"The 'fill_value' argument of {who} must be a float. Got {fill_value!r}."
            )
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = float(fill_value)

    def _augment(self, images: Tensor, rng: np.random.Generator) -> Tensor:
        n, height, width = images.shape[:3]
        transform = self._matrices(n, height, width, rng)
        return affine_transform(images, transform, self.interpolation, self.fill_mode,
                                self.fill_value)  # fmt: skip

    def _matrices(self, n: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }


@LAYERS.register("RandomRotation")
class RandomRotation(_RandomAffine):
    """Rotates each image by a random angle about its centre, in training.

    The angle is drawn uniformly from ``[lower * 2 pi, upper * 2 pi]``; a positive angle
    turns the picture counter-clockwise. Empty corners are filled by ``fill_mode``.

    Math:
        (cx, cy) = ((W - 1) / 2, (H - 1) / 2),  each output pixel (x, y) reads the input at
        x_in = cx + cos(a) (x - cx) - sin(a) (y - cy)
        y_in = cy + sin(a) (x - cx) + cos(a) (y - cy)      (bilinear; see affine_transform)

    Args:
        factor: a fraction of a full turn: ``0.1`` means angles in [-36, 36] degrees, a pair
            ``(-0.1, 0.2)`` means [-36, 72] degrees. Each bound in [-1, 1].
        fill_mode: ``'reflect'`` (default), ``'constant'``, ``'nearest'`` or ``'wrap'``.
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        seed: optional private seed (default: glassnet's generator).
        fill_value: the value outside the image when ``fill_mode='constant'``.

    Shape:
        Input: (N, H, W, C) or (H, W, C).  Output: same, the layer's float dtype.

    Example:
        >>> layer = RandomRotation(0.1, seed=0)
        >>> layer(np.ones((2, 8, 8, 1)), training=True).shape
        (2, 8, 8, 1)
    """

    def __init__(self, factor: float | Sequence[float], fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.lower, self.upper = _factor_range("RandomRotation", "factor", factor)
        self.factor = _jsonable(factor)

    def _matrices(self, n: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        angle = rng.uniform(self.lower, self.upper, size=n) * 2 * math.pi
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        zero = np.zeros(n)
        return np.stack([cos, -sin, cx - cos * cx + sin * cy,
                         sin, cos, cy - sin * cx - cos * cy, zero, zero], axis=1)  # fmt: skip

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor}


@LAYERS.register("RandomTranslation")
class RandomTranslation(_RandomAffine):
    """Shifts each image by a random fraction of its height and width, in training.

    Positive shifts move the picture down and to the right; the uncovered border is filled
    by ``fill_mode``.

    Math:
        dy = u_h * H, dx = u_w * W with u_h ~ U[height bounds], u_w ~ U[width bounds]
        each output pixel (x, y) reads the input at (x - dx, y - dy)

    Args:
        height_factor: vertical shift as a fraction of the height: ``0.2`` means [-20%, 20%],
            a pair ``(-0.1, 0.3)`` means [-10%, 30%]. Each bound in [-1, 1].
        width_factor: horizontal shift as a fraction of the width, the same way.
        fill_mode, interpolation, seed, fill_value: as ``RandomRotation``.

    Shape:
        Input: (N, H, W, C) or (H, W, C).  Output: same, the layer's float dtype.

    Example:
        >>> layer = RandomTranslation(0.1, 0.1, seed=0)
        >>> layer(np.ones((2, 8, 8, 1)), training=True).shape
        (2, 8, 8, 1)
    """

    def __init__(self, height_factor: float | Sequence[float],
                 width_factor: float | Sequence[float], fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_lower, self.height_upper = _factor_range(
            "RandomTranslation", "height_factor", height_factor
        )
        self.width_lower, self.width_upper = _factor_range(
            "RandomTranslation", "width_factor", width_factor
        )
        self.height_factor = _jsonable(height_factor)
        self.width_factor = _jsonable(width_factor)

    def _matrices(self, n: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        dy = rng.uniform(self.height_lower, self.height_upper, size=n) * height
        dx = rng.uniform(self.width_lower, self.width_upper, size=n) * width
        one, zero = np.ones(n), np.zeros(n)
        return np.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=1)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


@LAYERS.register("RandomZoom")
class RandomZoom(_RandomAffine):
    """Zooms each image in or out about its centre by a random amount, in training.

    As in Keras, a *positive* factor zooms *out* (the picture gets smaller) and a negative
    one zooms in.

    Math:
        zy = 1 + u_h, zx = 1 + u_w (zx = zy when width_factor is None)
        each output pixel (x, y) reads the input at (cx + zx (x - cx), cy + zy (y - cy))

    Args:
        height_factor: vertical zoom: ``0.2`` means [-20%, +20%], ``(-0.3, -0.1)`` zooms in
            by 10% to 30%. Each bound in [-1, 1].
        width_factor: horizontal zoom the same way; None (default) keeps the aspect ratio.
        fill_mode, interpolation, seed, fill_value: as ``RandomRotation``.

    Shape:
        Input: (N, H, W, C) or (H, W, C).  Output: same, the layer's float dtype.

    Example:
        >>> layer = RandomZoom(0.2, seed=0)
        >>> layer(np.ones((2, 8, 8, 1)), training=True).shape
        (2, 8, 8, 1)
    """

    def __init__(self, height_factor: float | Sequence[float],
                 width_factor: float | Sequence[float] | None = None,
                 fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_lower, self.height_upper = _factor_range(
            "RandomZoom", "height_factor", height_factor
        )
        self.height_factor = _jsonable(height_factor)
        self.width_factor = _jsonable(width_factor)
        if width_factor is not None:
            self.width_lower, self.width_upper = _factor_range(
                "RandomZoom", "width_factor", width_factor
            )

    def _matrices(self, n: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        zy = 1.0 + rng.uniform(self.height_lower, self.height_upper, size=n)
        zx = zy
        if self.width_factor is not None:
            zx = 1.0 + rng.uniform(self.width_lower, self.width_upper, size=n)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        zero = np.zeros(n)
        return np.stack([zx, zero, cx * (1 - zx), zero, zy, cy * (1 - zy), zero, zero], axis=1)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


def _as_float(x: Tensor, dtype: np.dtype) -> Tensor:
    """Integer pixels become the layer's float dtype; float tensors pass through."""
    if x.dtype.kind == "f":
        return x
    return Tensor(x.data.astype(dtype))
