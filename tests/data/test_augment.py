"""glassnet.data.augment: each transform's effect on known images, and parity with Keras's maths."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.data.augment import (
    Transforms,
    apply_transforms,
    draw_shift,
    draw_transforms,
    transform_matrices,
)


def _dot(h=9, w=9, row=4, col=4, n=1):
    image = np.zeros((n, h, w, 1), dtype=np.float32)
    image[:, row, col, 0] = 1.0
    return image


def _where(image):
    return [tuple(p) for p in np.argwhere(image[:, :, 0] > 0.5)]


def test_identity_transform_is_the_identity_matrix_and_copies_exactly(rng):
    t = Transforms.identity(3)
    np.testing.assert_allclose(transform_matrices(t, 5, 7), [[1, 0, 0, 0, 1, 0, 0, 0]] * 3)
    x = rng.normal(size=(3, 5, 7, 2)).astype(np.float32)
    out = apply_transforms(x, t)
    np.testing.assert_array_equal(out, x)
    assert out is not x


def test_shift_moves_a_dot_by_the_given_pixels():
    t = Transforms.identity(2, tx=[2.0, -3.0], ty=[1.0, 0.0])
    out = apply_transforms(_dot(n=2), t, fill_mode="constant")
    assert _where(out[0]) == [(5, 6)]  # 1 down, 2 right
    assert _where(out[1]) == [(4, 1)]  # 3 left


def test_flips_mirror_an_asymmetric_image_exactly(rng):
    x = rng.normal(size=(2, 4, 6, 3)).astype(np.float32)
    out = apply_transforms(x, Transforms.identity(2, flip_h=[True, False], flip_v=[False, True]))
    np.testing.assert_array_equal(out[0], x[0, :, ::-1])
    np.testing.assert_array_equal(out[1], x[1, ::-1])


def test_rotation_of_90_degrees_is_counter_clockwise():
    out = apply_transforms(_dot(row=7), Transforms.identity(1, theta=90.0), fill_mode="constant")
    assert _where(out[0]) == [(4, 7)]  # below the centre -> right of it


def test_zoom_above_one_zooms_out():
    t = Transforms.identity(1, zx=2.0, zy=2.0)
    out = apply_transforms(_dot(row=8, col=0), t, fill_mode="constant")
    assert _where(out[0]) == [(6, 2)]  # 4 from the centre -> 2 from it


def _keras_legacy(image, theta, tx, ty, shear, zx, zy):
    """Keras's apply_affine_transform (legacy ImageDataGenerator), written out with scipy."""
    ndimage = pytest.importorskip("scipy.ndimage")
    theta, shear = np.deg2rad(theta), np.deg2rad(shear)
    rotation = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0],
                         [0, 0, 1]])  # fmt: skip
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    shear_m = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
    zoom = np.diag([zx, zy, 1.0])
    m = rotation @ shift @ shear_m @ zoom
    h, w = image.shape[:2]
    o_x, o_y = h / 2 - 0.5, w / 2 - 0.5
    m = (
        np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
        @ m
        @ np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    )
    m[:, [0, 1]] = m[:, [1, 0]]  # Keras's x, y -> row, col swap (M' = P M P)
    m[[0, 1]] = m[[1, 0]]
    return np.stack(
        [ndimage.affine_transform(image[..., c], m[:2, :2], m[:2, 2], order=1, mode="nearest")
         for c in range(image.shape[-1])], axis=-1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("theta", "tx", "ty", "shear", "zx", "zy"),
    [(20.0, 0, 0, 0, 1, 1), (0, 1.5, -2.25, 0, 1, 1), (-35.0, 0.7, 1.2, 10.0, 0.85, 1.2)],
)
def test_matches_keras_legacy_apply_affine_transform(rng, theta, tx, ty, shear, zx, zy):
    image = rng.normal(size=(10, 10, 3))
    # Keras shifts the picture by -tx along x (its "tx" comes from height_shift_range but
    # moves columns); glassnet's tx moves it right by tx, so the signs flip.
    ours = apply_transforms(
        image[None],
        Transforms.identity(1, theta=theta, tx=-tx, ty=-ty, shear=shear, zx=zx, zy=zy),  # fmt: skip
        fill_mode="nearest",
    )[0]
    np.testing.assert_allclose(ours, _keras_legacy(image, theta, tx, ty, shear, zx, zy), atol=1e-9)


def test_draw_shift_follows_the_keras_forms():
    rng = np.random.default_rng(0)
    fraction = draw_shift(rng, 0.25, 1000, 20)
    assert np.abs(fraction).max() <= 5 and np.abs(fraction).max() > 4.5
    pixels = draw_shift(rng, 3.0, 1000, 20)
    assert np.abs(pixels).max() <= 3 and not np.all(pixels == np.round(pixels))
    whole = draw_shift(rng, 3, 1000, 20)
    assert set(np.unique(whole)) == {-2.0, -1.0, 0.0, 1.0, 2.0}
    listed = draw_shift(rng, [0.1, 0.2], 1000, 20)
    assert set(np.unique(listed)) == {-4.0, -2.0, 2.0, 4.0}


def test_draw_transforms_leaves_what_is_off_untouched():
    t = draw_transforms(np.random.default_rng(0), 50, 8, 8, horizontal_flip=True)
    assert not t.theta.any() and not t.tx.any() and not t.ty.any() and not t.flip_v.any()
    assert np.all(t.zx == 1) and 10 < t.flip_h.sum() < 40
    t = draw_transforms(np.random.default_rng(0), 500, 8, 8, rotation_range=15,
                        zoom_range=(0.9, 1.1))  # fmt: skip
    assert np.abs(t.theta).max() <= 15 and np.abs(t.theta).max() > 14
    assert 0.9 <= t.zx.min() and t.zy.max() <= 1.1 and not np.array_equal(t.zx, t.zy)
