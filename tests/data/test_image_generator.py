"""ImageDataGenerator and its flow(): batches, determinism, normalisation, splits, errors, fit."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.data import ImageDataGenerator, NumpyArrayIterator, PyDataset
from glassnet.errors import ConfigError, ShapeError, StateError


@pytest.fixture
def images(rng):
    return rng.integers(0, 256, size=(10, 8, 8, 3), dtype=np.uint8)


def test_flow_is_a_pydataset_of_float32_batches_with_labels(images):
    batches = ImageDataGenerator().flow(images, np.arange(10), batch_size=4, shuffle=False)
    assert isinstance(batches, PyDataset) and isinstance(batches, NumpyArrayIterator)
    assert len(batches) == 3
    x, y = batches[0]
    assert x.shape == (4, 8, 8, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x, images[:4])  # nothing random asked for: unchanged
    np.testing.assert_array_equal(y, [0, 1, 2, 3])
    last_x, last_y = batches[-1]
    assert last_x.shape == (2, 8, 8, 3)
    np.testing.assert_array_equal(last_y, [8, 9])
    with pytest.raises(IndexError, match="batch 3 out of range; there are 3"):
        batches[3]


def test_flow_returns_images_alone_without_y_and_weights_third(images):
    gen = ImageDataGenerator()
    assert gen.flow(images, batch_size=5)[0].shape == (5, 8, 8, 3)
    x, y, w = gen.flow(images, np.arange(10), sample_weight=np.arange(10.0), shuffle=False)[0]
    np.testing.assert_array_equal(w, np.arange(10.0))


def test_rescale_brings_uint8_pixels_into_unit_range(images):
    x, _ = ImageDataGenerator(rotation_range=30, zoom_range=0.2, rescale=1 / 255).flow(
        images, np.zeros(10), seed=0
    )[0]
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.5


def test_shuffle_permutes_each_epoch_and_covers_every_sample(images):
    batches = ImageDataGenerator().flow(images, np.arange(10), batch_size=4, seed=3)
    first = np.concatenate([batches[i][1] for i in range(len(batches))])
    batches.on_epoch_end()
    second = np.concatenate([batches[i][1] for i in range(len(batches))])
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert not np.array_equal(first, second)


def test_seed_makes_batches_repeatable_and_epochs_differ(images):
    gen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, horizontal_flip=True)
    a = gen.flow(images, np.arange(10), batch_size=4, seed=5)
    b = gen.flow(images, np.arange(10), batch_size=4, seed=5)
    np.testing.assert_array_equal(a[1][0], b[1][0])
    np.testing.assert_array_equal(a[1][0], a[1][0])  # random access gives the same batch
    before = a[1][0]
    a.on_epoch_end()
    assert not np.array_equal(a[1][0], before)


def test_without_seed_set_random_seed_repeats_the_batches(images):
    gen = ImageDataGenerator(rotation_range=20, zoom_range=0.1)
    glassnet.utils.set_random_seed(9)
    first = gen.flow(images, np.arange(10), batch_size=4)[0][0]
    glassnet.utils.set_random_seed(9)
    np.testing.assert_array_equal(gen.flow(images, np.arange(10), batch_size=4)[0][0], first)


def test_horizontal_flip_mirrors_about_half_the_images(rng):
    image = rng.normal(size=(1, 5, 7, 1)).astype(np.float32)
    x = ImageDataGenerator(horizontal_flip=True).flow(np.repeat(image, 64, 0), seed=1,
                                                      batch_size=64)[0]  # fmt: skip
    mirrored = np.all(x == image[:, :, ::-1], axis=(1, 2, 3))
    assert np.all(mirrored | np.all(x == image, axis=(1, 2, 3)))
    assert 16 < mirrored.sum() < 48


def test_width_shift_moves_a_dot_sideways_by_whole_pixels():
    dots = np.zeros((40, 9, 9, 1), dtype=np.float32)
    dots[:, 4, 4, 0] = 1.0
    x = ImageDataGenerator(width_shift_range=3, fill_mode="constant").flow(dots, seed=0,
                                                                           batch_size=40)[0]  # fmt: skip
    rows, cols = np.nonzero(x[..., 0] == 1.0)[1:]
    assert np.all(rows == 4) and len(rows) == 40  # whole-pixel shifts: the dot stays sharp
    assert set(cols - 4) == {-2, -1, 0, 1, 2}


def test_featurewise_standardisation_uses_the_fitted_statistics(rng):
    x = rng.normal(loc=[10, -3, 0.5], scale=[2, 5, 0.1], size=(200, 6, 6, 3))
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean[0, 0], x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std[0, 0], x.std(axis=(0, 1, 2)), rtol=1e-4)
    batch = gen.flow(x, batch_size=200, shuffle=False)[0]
    np.testing.assert_allclose(batch.mean(axis=(0, 1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(batch.std(axis=(0, 1, 2)), 1, atol=1e-4)


def test_fit_applies_rescale_first_and_can_fit_on_augmented_copies(images):
    gen = ImageDataGenerator(featurewise_center=True, rescale=1 / 255)
    gen.fit(images)
    np.testing.assert_allclose(gen.mean[0, 0], images.mean(axis=(0, 1, 2)) / 255, rtol=1e-5)
    flipped = ImageDataGenerator(featurewise_center=True, horizontal_flip=True)
    flipped.fit(images, augment=True, rounds=3, seed=0)  # flips keep the channel means
    np.testing.assert_allclose(flipped.mean[0, 0], images.mean(axis=(0, 1, 2)), rtol=1e-5)


def test_samplewise_normalisation_centres_each_image(images):
    gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    x = gen.flow(images, batch_size=10)[0]
    np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), 0, atol=1e-4)
    np.testing.assert_allclose(x.std(axis=(1, 2, 3)), 1, atol=1e-3)


def test_featurewise_without_fit_is_a_state_error(images):
    batches = ImageDataGenerator(featurewise_center=True).flow(images)
    with pytest.raises(StateError, match=r"expected statistics from fit\(\), got none"):
        batches[0]


def test_std_normalization_turns_centering_on_with_a_warning():
    with pytest.warns(UserWarning, match="turns featurewise_center on"):
        gen = ImageDataGenerator(featurewise_std_normalization=True)
    assert gen.featurewise_center


def test_validation_split_subsets_are_the_first_and_the_rest(images):
    gen = ImageDataGenerator(validation_split=0.3)
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    val = gen.flow(images, y, subset="validation", shuffle=False, batch_size=10)[0]
    train = gen.flow(images, y, subset="training", shuffle=False, batch_size=10)[0]
    np.testing.assert_array_equal(val[1], y[:3])
    np.testing.assert_array_equal(train[0], images[3:])
    with pytest.raises(ValueError, match="hold different classes after the split"):
        gen.flow(images, np.sort(y), subset="validation")
    assert len(gen.flow(images, np.sort(y), subset="training", ignore_class_split=True)) == 1


def test_next_walks_the_batches_forever_reshuffling_each_epoch(images):
    batches = ImageDataGenerator().flow(images, np.arange(10), batch_size=4, seed=0)
    seen = [next(batches)[1] for _ in range(6)]
    assert batches.epoch == 2
    assert sorted(np.concatenate(seen[:3])) == list(range(10))
    assert [len(s) for s in seen] == [4, 4, 2, 4, 4, 2]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rotation_range": -1}, ConfigError, "'rotation_range' argument of ImageDataGenerator"),
        ({"width_shift_range": "a"}, ConfigError, "'width_shift_range' argument"),
        ({"zoom_range": (0.5,)}, ConfigError, "'zoom_range' argument of ImageDataGenerator"),
        ({"fill_mode": "edge"}, ConfigError, "'fill_mode' argument of ImageDataGenerator"),
        ({"validation_split": 1.0}, ConfigError, r"'validation_split' argument .* \[0, 1\)"),
        ({"data_format": "channels_first"}, ConfigError, "'data_format' argument"),
        ({"zca_whitening": True}, ConfigError, "zca_whitening is not supported by glassnet"),
        ({"colour": 1}, TypeError, "unexpected argument 'colour'"),
    ],
)
def test_generator_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        ImageDataGenerator(**kwargs)


def test_flow_rejects_bad_data(images):
    gen = ImageDataGenerator()
    with pytest.raises(ShapeError, match=r"expected numeric images of shape \(N, H, W, C\)"):
        gen.flow(images[..., 0])
    with pytest.raises(ShapeError, match=r"expected y with one entry per image \(10\), got 9"):
        gen.flow(images, np.arange(9))
    with pytest.raises(ConfigError, match="'batch_size' argument of flow must be a positive"):
        gen.flow(images, batch_size=0)
    with pytest.raises(ConfigError, match="leaves one subset empty"):
        gen.flow(images, subset="training")
    with pytest.raises(ConfigError, match="'subset' argument of flow"):
        ImageDataGenerator(validation_split=0.2).flow(images, subset="test")
    with pytest.warns(UserWarning, match="expected 1, 3 or 4"):
        gen.flow(np.zeros((2, 4, 4, 5)))


def test_keras_face_path_is_the_same_class():
    assert keras.preprocessing.image.ImageDataGenerator is ImageDataGenerator


def test_model_fit_trains_on_flow_with_validation_data(rng):
    # two classes: a bright left half or a bright right half; flips would swap them, so
    # only shifts and rotations are used
    x = rng.uniform(0, 60, size=(96, 8, 8, 1)).astype(np.uint8)
    y = rng.integers(0, 2, size=96)
    x[y == 0, :, :4] += 150
    x[y == 1, :, 4:] += 150
    gen = ImageDataGenerator(rotation_range=10, width_shift_range=0.1, rescale=1 / 255)
    glassnet.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    batches = gen.flow(x, y, batch_size=16, seed=0)
    history = model.fit(batches, epochs=5, verbose=0, validation_data=(x / 255.0, y))
    assert len(history.history["loss"]) == 5
    assert batches.epoch == 5  # fit called on_epoch_end after every epoch
    assert history.history["val_accuracy"][-1] >= 0.95
