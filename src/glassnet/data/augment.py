"""Random geometric transforms for ``ImageDataGenerator``, one matrix per image, NumPy only.

``draw_transforms`` draws each image's rotation, shift, shear, zoom and flips the way Keras's
``ImageDataGenerator.get_random_transform`` does; ``transform_matrices`` composes them into
one output-to-input matrix per image, and ``apply_transforms`` resamples the whole batch at
once with ``glassnet.ops.image.affine_transform`` (no loop over images or pixels).

Conventions (x = column, y = row, y pointing down; centre ((W-1)/2, (H-1)/2)):

- ``theta`` degrees, positive turns the picture counter-clockwise;
- ``tx``/``ty`` pixels, positive moves the picture right/down;
- ``shear`` degrees, as Keras's shear matrix ``[[1, -sin s], [0, cos s]]``;
- ``zx``/``zy`` zoom factors, > 1 zooms out (the picture shrinks), as Keras;
- ``flip_h``/``flip_v`` mirror the result left-right/upside down.

One deliberate difference from Keras: there ``height_shift_range`` moves pictures sideways
and ``width_shift_range`` up and down (keras-team/keras#17398); here each does what its
name says.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from glassnet.ops.image import affine_transform
from glassnet.tensor import no_grad

__all__ = ["Transforms", "apply_transforms", "draw_shift", "draw_transforms", "transform_matrices"]


@dataclasses.dataclass
class Transforms:
    """One random transform per image: each field is an array of shape (N,)."""

    theta: np.ndarray
    tx: np.ndarray
    ty: np.ndarray
    shear: np.ndarray
    zx: np.ndarray
    zy: np.ndarray
    flip_h: np.ndarray
    flip_v: np.ndarray

    @classmethod
    def identity(cls, n: int, **overrides: Any) -> Transforms:
        """No change for ``n`` images, except the fields given (broadcast to (N,))."""
        fields = {"theta": 0.0, "tx": 0.0, "ty": 0.0, "shear": 0.0, "zx": 1.0, "zy": 1.0,
                  "flip_h": False, "flip_v": False}  # fmt: skip
        fields.update(overrides)
        return cls(**{k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in fields.items()})


def draw_shift(rng: np.random.Generator, spec: Any, n: int, size: int) -> np.ndarray:
    """Shifts in pixels from Keras's ``width_shift_range``/``height_shift_range`` forms.

    - float f: uniform in [-f, f], times ``size`` when f < 1 (a fraction of the image);
    - int k: a whole number of pixels in {-(k-1), ..., k-1};
    - a sequence: one of its values with a random sign (times ``size`` when all are < 1).
    """
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        shift = rng.integers(0, max(int(spec), 1), size=n) * rng.choice([-1, 1], size=n)
        return shift.astype(np.float64)
    if isinstance(spec, (list, tuple, np.ndarray)):
        values = np.asarray(spec, dtype=np.float64)
        shift = rng.choice(values, size=n) * rng.choice([-1.0, 1.0], size=n)
        return shift * size if values.max() < 1 else shift
    spec = float(spec)
    shift = rng.uniform(-spec, spec, size=n)
    return shift * size if spec < 1 else shift


def draw_transforms(rng: np.random.Generator, n: int, height: int, width: int, *,
                    rotation_range: float = 0.0, width_shift_range: Any = 0.0,
                    height_shift_range: Any = 0.0, shear_range: float = 0.0,
                    zoom_range: tuple[float, float] = (1.0, 1.0),
                    horizontal_flip: bool = False, vertical_flip: bool = False) -> Transforms:  # fmt: skip
    """Draw one random transform per image (see the module docstring for the conventions)."""
    zero = np.zeros(n)
    lo, hi = zoom_range
    zoomed = not (lo == 1 and hi == 1)
    return Transforms(
        theta=rng.uniform(-rotation_range, rotation_range, n) if rotation_range else zero,
        tx=draw_shift(rng, width_shift_range, n, width) if _any(width_shift_range) else zero,
        ty=draw_shift(rng, height_shift_range, n, height) if _any(height_shift_range) else zero,
        shear=rng.uniform(-shear_range, shear_range, n) if shear_range else zero,
        zx=rng.uniform(lo, hi, n) if zoomed else zero + 1,
        zy=rng.uniform(lo, hi, n) if zoomed else zero + 1,
        flip_h=(rng.random(n) < 0.5) & bool(horizontal_flip),
        flip_v=(rng.random(n) < 0.5) & bool(vertical_flip),
    )


def _any(spec: Any) -> bool:
    return bool(np.any(np.asarray(spec) != 0))


def transform_matrices(t: Transforms, height: int, width: int) -> np.ndarray:
    """Compose each image's transform into one output-to-input row ``[a0 .. c1]`` (N, 8).

    Math (3 x 3 matrices acting on (x, y, 1), output pixel -> input point):
        M = C . R(theta) . T(-tx, -ty) . S(shear) . Z(zx, zy) . F . C^-1
    with C the shift to the centre and F = diag(-1 if flip_h, -1 if flip_v, 1).
    """
    n = len(t.theta)
    theta, shear = np.deg2rad(t.theta), np.deg2rad(t.shear)
    cos, sin = np.cos(theta), np.sin(theta)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    m = np.zeros((n, 3, 3))
    # R . T . S . Z . F, written out (the linear part then the offset), then centred.
    lin = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)  # R
    offset = np.einsum("nij,nj->ni", lin, np.stack([-t.tx, -t.ty], -1))  # R . T
    shear_zoom = np.zeros((n, 2, 2))
    shear_zoom[:, 0, 0] = t.zx
    shear_zoom[:, 0, 1] = -np.sin(shear) * t.zy
    shear_zoom[:, 1, 1] = np.cos(shear) * t.zy
    flips = np.stack([np.where(t.flip_h, -1.0, 1.0), np.where(t.flip_v, -1.0, 1.0)], -1)
    lin = lin @ shear_zoom * flips[:, None, :]
    centre = np.array([cx, cy])
    m[:, :2, :2] = lin
    m[:, :2, 2] = offset + centre - np.einsum("nij,j->ni", lin, centre)
    m[:, 2, 2] = 1.0
    return np.concatenate([m[:, 0, :], m[:, 1, :], np.zeros((n, 2))], axis=1)


def apply_transforms(images: np.ndarray, t: Transforms, *, fill_mode: str = "nearest",
                     cval: float = 0.0, interpolation: str = "bilinear") -> np.ndarray:  # fmt: skip
    """Resample a batch (N, H, W, C) with one transform per image; returns a new array.

    Images whose transform is the identity are copied unchanged (no interpolation blur).
    """
    n, height, width = images.shape[:3]
    matrices = transform_matrices(t, height, width)
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], dtype=np.float64)
    moved = ~np.all(np.isclose(matrices, identity, atol=1e-12), axis=1)
    out = images.copy()
    if moved.any():
        with no_grad():
            out[moved] = affine_transform(images[moved], matrices[moved], interpolation,
                                          fill_mode, cval).data  # fmt: skip
    return out
