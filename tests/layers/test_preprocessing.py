"""Preprocessing layers: Rescaling, RandomFlip, RandomRotation, RandomTranslation, RandomZoom."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
)
from glassnet.layers.serialize import deserialize_layer, serialize_layer
from tests._oracle import check_layer

_RANDOM = [
    lambda **kw: RandomFlip(**kw),
    lambda **kw: RandomRotation(0.2, **kw),
    lambda **kw: RandomTranslation(0.2, (-0.1, 0.3), **kw),
    lambda **kw: RandomZoom((-0.3, 0.2), 0.1, **kw),
]
_IDS = ["flip", "rotation", "translation", "zoom"]


def _dot(h=9, w=9, row=4, col=4):
    image = np.zeros((1, h, w, 1), dtype=np.float32)
    image[0, row, col, 0] = 1.0
    return image


def _where(image):
    return [tuple(p) for p in np.argwhere(image[0, :, :, 0] > 0.5)]


# ------------------------------------------------------------------ Rescaling
def test_rescaling_matches_formula_and_gradchecks():
    layer = check_layer(lambda **kw: Rescaling(0.5, offset=-1.0, **kw), (3, 4, 4, 2), n_weights=0)
    x = np.arange(6.0).reshape(1, 6)
    np.testing.assert_allclose(layer(x).numpy(), x * 0.5 - 1.0)


def test_rescaling_turns_uint8_pixels_into_float32_per_channel():
    pixels = np.array([[[[0, 255, 51]]]], dtype=np.uint8)
    out = Rescaling([1 / 255, 1 / 255, 1 / 51], offset=[0, -1, 0])(pixels)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy()[0, 0, 0], [0.0, 0.0, 1.0], atol=1e-7)


def test_rescaling_rejects_non_numbers():
    with pytest.raises(ConfigError, match="The 'scale' argument of Rescaling must be a finite"):
        Rescaling("half")
    with pytest.raises(ConfigError, match="The 'offset' argument of Rescaling"):
        Rescaling(1.0, offset=float("nan"))


# ------------------------------------------------------------------ all random layers
@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_are_the_identity_outside_training(make, rng):
    x = rng.normal(size=(3, 6, 5, 2)).astype(np.float32)
    layer = make()
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    assert not np.array_equal(layer(np.repeat(x, 8, 0), training=True).numpy(), np.repeat(x, 8, 0))


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_pass_the_oracle_in_inference(make):
    check_layer(make, (2, 6, 5, 3), n_weights=0)


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_gradient_reaches_the_input_in_training(make, rng):
    x = rng.normal(size=(3, 5, 6, 2))

    def fn(images):  # a fresh seeded layer per call: the same random draw every time
        return make(seed=7, dtype="float64")(images, training=True)

    glassnet.gradcheck(fn, x, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_repeat_under_set_random_seed_and_vary_per_call(make, rng):
    x = rng.normal(size=(16, 6, 6, 1)).astype(np.float32)
    layer = make()
    glassnet.utils.set_random_seed(3)
    first = layer(x, training=True).numpy()
    second = layer(x, training=True).numpy()
    glassnet.utils.set_random_seed(3)
    np.testing.assert_array_equal(layer(x, training=True).numpy(), first)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_own_seed_ignores_the_global_generator(make, rng):
    x = rng.normal(size=(8, 6, 6, 1)).astype(np.float32)
    glassnet.utils.set_random_seed(1)
    a = make(seed=5)(x, training=True).numpy()
    glassnet.utils.set_random_seed(2)
    b = make(seed=5)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_config_round_trips_through_the_registry(make, rng):
    layer = make(seed=11, name="aug")
    clone = deserialize_layer(serialize_layer(layer))
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()
    x = rng.normal(size=(4, 6, 6, 3)).astype(np.float32)
    np.testing.assert_array_equal(clone(x, training=True).numpy(), layer(x, training=True).numpy())


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_take_one_image_and_uint8_pixels(make):
    image = np.full((6, 5, 3), 7, dtype=np.uint8)
    out = make(seed=0)(image, training=True)
    assert out.shape == (6, 5, 3)
    assert out.dtype == np.float32


@pytest.mark.parametrize("make", _RANDOM, ids=_IDS)
def test_random_layers_reject_inputs_that_are_not_images(make):
    with pytest.raises(ShapeError, match=r"expected images of shape \(N, H, W, C\)"):
        make(name="aug_check")(np.zeros((4, 5)), training=True)


def test_random_layers_are_exported_on_the_keras_face():
    for name in ("RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling"):
        assert getattr(keras.layers, name) is getattr(glassnet.layers, name)


# ------------------------------------------------------------------ each transform's effect
def test_random_flip_horizontal_mirrors_left_right_about_half_the_images(rng):
    x = np.repeat(rng.normal(size=(1, 4, 5, 2)).astype(np.float32), 64, axis=0)
    out = RandomFlip("horizontal", seed=0)(x, training=True).numpy()
    mirrored = np.all(out == x[:, :, ::-1], axis=(1, 2, 3))
    unchanged = np.all(out == x, axis=(1, 2, 3))
    assert np.all(mirrored | unchanged)
    assert 16 < mirrored.sum() < 48


def test_random_flip_vertical_and_both():
    x = np.arange(6.0, dtype=np.float32).reshape(1, 3, 2, 1).repeat(64, axis=0)
    out = RandomFlip("vertical", seed=1)(x, training=True).numpy()
    assert np.all(np.all(out == x, axis=(1, 2, 3)) | np.all(out == x[:, ::-1], axis=(1, 2, 3)))
    both = RandomFlip(seed=2)(x, training=True).numpy()
    kinds = {
        name: np.all(both == ref, axis=(1, 2, 3)).sum()
        for name, ref in [("none", x), ("h", x[:, :, ::-1]), ("v", x[:, ::-1]),
                          ("hv", x[:, ::-1, ::-1])]
    }  # fmt: skip
    assert sum(kinds.values()) == 64
    assert min(kinds.values()) > 4


def test_random_rotation_turns_counter_clockwise_for_positive_factors():
    below = _dot(row=7, col=4)  # below the centre (4, 4)
    quarter = RandomRotation((0.25, 0.25), fill_mode="constant")(below, training=True).numpy()
    assert _where(quarter) == [(4, 7)]  # now right of the centre


def test_random_rotation_matches_scipy_ndimage_rotate(rng):
    ndimage = pytest.importorskip("scipy.ndimage")
    x = rng.normal(size=(1, 9, 11, 1)).astype(np.float32)
    ours = RandomRotation((0.1, 0.1), fill_mode="constant")(x, training=True).numpy()
    theirs = ndimage.rotate(x[0, :, :, 0], 36, reshape=False, order=1, mode="grid-constant")
    np.testing.assert_allclose(ours[0, :, :, 0], theirs, atol=1e-5)


def test_random_translation_moves_a_dot_by_the_drawn_fraction():
    layer = RandomTranslation((2 / 9, 2 / 9), (-3 / 9, -3 / 9), fill_mode="constant")
    assert _where(layer(_dot(), training=True).numpy()) == [(6, 1)]  # 2 down, 3 left


def test_random_translation_reflects_into_the_uncovered_border():
    row = np.arange(1.0, 5.0, dtype=np.float32).reshape(1, 1, 4, 1)
    right_two = RandomTranslation(0.0, (0.5, 0.5))(row, training=True).numpy()  # reflect
    np.testing.assert_array_equal(right_two[0, 0, :, 0], [2, 1, 1, 2])


def test_random_zoom_positive_zooms_out_and_keeps_the_aspect_ratio():
    square = np.zeros((1, 9, 9, 1), dtype=np.float32)
    square[0, 2:7, 2:7] = 1.0
    out = RandomZoom((1.0, 1.0), fill_mode="constant")(square, training=True).numpy()
    # zoom factor 2: every output pixel reads twice as far from the centre
    assert _where(out) == [(r, c) for r in range(3, 6) for c in range(3, 6)]
    zoom_in = RandomZoom((-0.5, -0.5), fill_mode="constant")(_dot(row=6), training=True).numpy()
    assert zoom_in[0, 8, 4, 0] == 1.0  # 2 below the centre -> 4 below


def test_random_zoom_width_factor_zooms_columns_only():
    square = np.ones((1, 9, 9, 1), dtype=np.float32)
    out = RandomZoom(0.0, (1.0, 1.0), fill_mode="constant")(square, training=True).numpy()
    np.testing.assert_array_equal(out[0, :, 2:7, 0], 1.0)
    np.testing.assert_array_equal(out[0, :, :2, 0], 0.0)


def test_augmentation_inside_a_model_trains_and_predicts_deterministically(rng):
    x = rng.normal(size=(32, 6, 6, 1)).astype(np.float32)
    y = rng.integers(0, 2, size=32)
    model = keras.Sequential([
        keras.Input((6, 6, 1)), RandomFlip("horizontal"), RandomRotation(0.05),
        keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


# ------------------------------------------------------------------ argument errors
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RandomRotation(1.5), "The 'factor' argument of RandomRotation must be a float in"),
        (lambda: RandomRotation((0.1, 0.2, 0.3)), "'factor' argument of RandomRotation"),
        (lambda: RandomTranslation(0.1, "x"), "'width_factor' argument of RandomTranslation"),
        (lambda: RandomZoom(-2.0), "'height_factor' argument of RandomZoom"),
        (lambda: RandomZoom(0.1, (0.1, 3)), "'width_factor' argument of RandomZoom"),
        (lambda: RandomFlip("diagonal"), "The 'mode' argument of RandomFlip must be one of"),
        (lambda: RandomRotation(0.1, fill_mode="edge"), "'fill_mode' argument of RandomRotation"),
        (lambda: RandomZoom(0.1, interpolation="bicubic"), "'interpolation' argument of RandomZ"),
        (lambda: RandomTranslation(0.1, 0.1, fill_value="x"), "'fill_value' argument of Random"),
        (lambda: RandomFlip(seed=-1), "The 'seed' argument of RandomFlip must be None or an int"),
    ],
)
def test_random_layers_reject_bad_arguments(make, message):
    with pytest.raises(ConfigError, match=message):
        make()
