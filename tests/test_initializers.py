"""glassnet.initializers: statistics with honest margins, fans, orthogonality, seeding, lookup.

Margins: with n samples of standard deviation s, the sample mean is within 5 * s / sqrt(n)
of the true mean and the sample standard deviation within a relative 5 / sqrt(2 n) of s
(the normal-distribution bound, which is looser than needed for uniform and truncated
draws), except with probability below 1e-6 per check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet
from glassnet import initializers as I
from glassnet.errors import ConfigError, ShapeError
from glassnet.utils import set_random_seed

SHAPE = (200, 300)  # fan_in 200, fan_out 300, n = 60,000 samples
N = math.prod(SHAPE)
TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]


def _assert_moments(w: np.ndarray, mean: float, std: float) -> None:
    assert abs(w.mean() - mean) <= 5 * std / math.sqrt(w.size)
    assert abs(w.std() / std - 1) <= 5 / math.sqrt(2 * w.size)


# ---------------------------------------------------------------- fans
@pytest.mark.parametrize(
    ("shape", "fans"),
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 4), (3, 4)),
        ((5, 8, 16), (40, 80)),  # Conv1D kernel (K, C_in, C_out)
        ((3, 3, 16, 32), (144, 288)),  # Conv2D kernel (KH, KW, C_in, C_out)
        ((2, 3, 3, 4, 5), (72, 90)),  # Conv3D kernel
    ],
)
def test_compute_fans_follows_keras(shape, fans):
    assert I.compute_fans(shape) == fans


# ---------------------------------------------------------------- distributions
def test_random_normal_moments():
    w = I.RandomNormal(mean=0.5, stddev=2.0, seed=1)(SHAPE)
    _assert_moments(w, 0.5, 2.0)


def test_random_normal_keras_defaults():
    init = I.RandomNormal()
    assert (init.mean, init.stddev, init.seed) == (0.0, 0.05, None)
    _assert_moments(init(SHAPE), 0.0, 0.05)


def test_random_uniform_moments_and_bounds():
    init = I.RandomUniform(seed=2)
    assert (init.minval, init.maxval) == (-0.05, 0.05)
    w = init(SHAPE)
    assert w.min() >= -0.05 and w.max() < 0.05
    assert w.min() < -0.0499 and w.max() > 0.0499  # the whole range is used
    _assert_moments(w, 0.0, 0.1 / math.sqrt(12))


def test_truncated_normal_is_cut_at_two_stddev():
    w = I.TruncatedNormal(mean=1.0, stddev=0.5, seed=3)(SHAPE)
    assert np.abs(w - 1.0).max() <= 2 * 0.5
    assert np.abs(w - 1.0).max() > 0.99  # ... and reaches the cut
    _assert_moments(w, 1.0, 0.5 * TRUNCATED_STD)


@pytest.mark.parametrize(
    ("cls", "n"),
    [
        (I.GlorotUniform, (200 + 300) / 2 / 1.0),
        (I.HeUniform, 200 / 2.0),
        (I.LecunUniform, 200 / 1.0),
    ],
)
def test_uniform_variance_scaling_limits(cls, n):
    w = cls(seed=4)(SHAPE)
    limit = math.sqrt(3.0 / n)  # variance scale / fan = 1 / n
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.999 * limit
    _assert_moments(w, 0.0, limit / math.sqrt(3))


def test_glorot_uniform_limit_is_sqrt_6_over_fan_sum():
    w = I.GlorotUniform(seed=5)((30, 70))
    assert np.abs(w).max() <= math.sqrt(6 / 100)


@pytest.mark.parametrize(
    ("cls", "variance"),
    [
        (I.GlorotNormal, 2 / (200 + 300)),
        (I.HeNormal, 2 / 200),
        (I.LecunNormal, 1 / 200),
    ],
)
def test_truncated_variance_scaling_has_the_stated_variance(cls, variance):
    w = cls(seed=6)(SHAPE)
    assert np.abs(w).max() <= 2 * math.sqrt(variance) / TRUNCATED_STD
    _assert_moments(w, 0.0, math.sqrt(variance))


@pytest.mark.parametrize(("mode", "n"), [("fan_in", 200), ("fan_out", 300), ("fan_avg", 250)])
def test_variance_scaling_modes(mode, n):
    init = I.VarianceScaling(scale=3.0, mode=mode, distribution="untruncated_normal", seed=7)
    _assert_moments(init(SHAPE), 0.0, math.sqrt(3.0 / n))


def test_variance_scaling_uses_the_receptive_field_for_conv_kernels():
    w = I.HeNormal(seed=8)((3, 3, 64, 32))  # fan_in = 9 * 64 = 576
    _assert_moments(w, 0.0, math.sqrt(2 / 576))


def test_variance_scaling_normal_is_an_alias_of_truncated_normal():
    assert I.VarianceScaling(distribution="Normal").distribution == "truncated_normal"


def test_variance_scaling_keras_defaults():
    init = I.VarianceScaling()
    assert (init.scale, init.mode, init.distribution) == (1.0, "fan_in", "truncated_normal")


# ---------------------------------------------------------------- constants, identity, orthogonal
def test_constant_initializers():
    np.testing.assert_array_equal(I.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(I.Ones()((4,)), np.ones(4))
    np.testing.assert_array_equal(I.Constant(0.3)((2, 2)), np.full((2, 2), 0.3, np.float32))
    assert I.Zeros()((3,), dtype="int64").dtype == np.int64


def test_identity_with_gain():
    np.testing.assert_array_equal(I.Identity(gain=2.0)((3, 4)), 2 * np.eye(3, 4))


@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (16, 16), (3, 3, 4, 8)])
def test_orthogonal_columns_or_rows_are_orthonormal(shape):
    w = I.Orthogonal(gain=1.5, seed=9)(shape)
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, 1.5**2 * np.eye(len(gram)), atol=1e-5)


# ---------------------------------------------------------------- dtype
@pytest.mark.parametrize("name", sorted(set(I.INITIALIZERS)))
def test_initializer_default_dtype_is_float32_and_float64_on_request(name):
    init = I.get(name)
    assert init((4, 4)).dtype == np.float32
    assert init((4, 4), dtype="float64").dtype == np.float64


def test_initializer_follows_set_floatx(float64):
    assert I.GlorotUniform()((3, 3)).dtype == np.float64


def test_numpy_scalar_arguments_do_not_upcast():
    w = I.RandomNormal(mean=np.float64(0.0), stddev=np.float64(1.0))((3,))
    assert w.dtype == np.float32


# ---------------------------------------------------------------- randomness
@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "orthogonal", "random_normal"])
def test_set_random_seed_makes_draws_repeat(name):
    set_random_seed(123)
    first = I.get(name)((5, 6))
    second = I.get(name)((5, 6))
    set_random_seed(123)
    np.testing.assert_array_equal(I.get(name)((5, 6)), first)
    assert not np.array_equal(first, second)  # successive layers get different weights


def test_seeded_initializer_repeats_on_every_call_like_keras():
    init = I.GlorotNormal(seed=11)
    np.testing.assert_array_equal(init((4, 5)), init((4, 5)))
    np.testing.assert_array_equal(I.GlorotNormal(seed=11)((4, 5)), init((4, 5)))
    assert not np.array_equal(I.GlorotNormal(seed=12)((4, 5)), init((4, 5)))


def test_seeded_initializer_ignores_the_global_generator():
    set_random_seed(1)
    a = I.RandomUniform(seed=5)((3,))
    set_random_seed(2)
    np.testing.assert_array_equal(I.RandomUniform(seed=5)((3,)), a)


# ---------------------------------------------------------------- lookup and configs
def test_get_accepts_snake_case_and_class_names():
    assert isinstance(I.get("glorot_uniform"), I.GlorotUniform)
    assert isinstance(I.get("GlorotUniform"), I.GlorotUniform)
    assert isinstance(I.get("he_normal"), I.HeNormal)
    assert isinstance(I.get("normal"), I.RandomNormal)
    assert isinstance(I.get("uniform"), I.RandomUniform)
    assert I.get(None) is None


def test_get_passes_instances_and_callables_and_instantiates_classes():
    init = I.Constant(2.0)
    assert I.get(init) is init
    assert isinstance(I.get(I.Ones), I.Ones)

    def custom(shape, dtype=None):
        return np.zeros(shape)

    assert I.get(custom) is custom


def test_get_unknown_name_suggests_the_closest():
    with pytest.raises(
        ConfigError, match=r"Unknown initializer 'glorot_unifrom'.*'glorot_uniform'"
    ):
        I.get("glorot_unifrom")


def test_get_rejects_other_objects():
    with pytest.raises(TypeError, match=r"initializers.get: expected an initializer name"):
        I.get(0.5)


CONFIGURED = [
    I.Zeros(),
    I.Ones(),
    I.Constant(0.25),
    I.Identity(gain=0.5),
    I.RandomNormal(mean=1.0, stddev=0.2, seed=3),
    I.RandomUniform(minval=-1.0, maxval=2.0, seed=4),
    I.TruncatedNormal(mean=0.1, stddev=0.3),
    I.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform", seed=5),
    I.GlorotUniform(seed=1),
    I.GlorotNormal(),
    I.HeUniform(seed=2),
    I.HeNormal(),
    I.LecunUniform(),
    I.LecunNormal(seed=6),
    I.Orthogonal(gain=2.0, seed=7),
]


@pytest.mark.parametrize("init", CONFIGURED, ids=lambda i: type(i).__name__)
def test_config_round_trips(init):
    rebuilt = type(init).from_config(init.get_config())
    assert rebuilt.get_config() == init.get_config()
    restored = I.deserialize(I.serialize(init))
    assert type(restored) is type(init) and restored.get_config() == init.get_config()
    if getattr(init, "seed", None) is not None:
        np.testing.assert_array_equal(restored((3, 4)), init((3, 4)))


def test_serialize_uses_the_class_name():
    assert I.serialize(I.GlorotUniform()) == {
        "class_name": "GlorotUniform",
        "config": {"seed": None},
    }


def test_fixed_variance_scaling_config_has_only_the_seed():
    assert I.HeNormal(seed=3).get_config() == {"seed": 3}


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: I.RandomNormal(stddev=-1.0),
            r"RandomNormal: expected stddev to be a float >= 0, got -1\.0\.",
        ),
        (
            lambda: I.TruncatedNormal(mean="zero"),
            r"TruncatedNormal: expected mean to be a finite float",
        ),
        (lambda: I.RandomUniform(minval=1.0, maxval=0.0), r"expected minval <= maxval.*Swap"),
        (
            lambda: I.VarianceScaling(scale=0.0),
            r"VarianceScaling: expected scale to be a float > 0",
        ),
        (lambda: I.VarianceScaling(mode="fan"), r"expected mode to be one of 'fan_in', 'fan_out'"),
        (lambda: I.VarianceScaling(distribution="gauss"), r"expected distribution to be one of"),
        (
            lambda: I.GlorotUniform(seed=-1),
            r"GlorotUniform: expected seed to be None or an int >= 0",
        ),
        (
            lambda: I.HeNormal(seed=1.5),
            r"HeNormal: expected seed to be None or an int >= 0, got 1\.5",
        ),
        (lambda: I.Constant(value=[1, 2]), r"Constant: expected value to be a finite float"),
        (
            lambda: I.Orthogonal(gain=float("inf")),
            r"Orthogonal: expected gain to be a finite float",
        ),
        (lambda: I.Identity(gain=None), r"Identity: expected gain to be a finite float"),
        (
            lambda: I.GlorotUniform()((3, 3), dtype="int32"),
            r"GlorotUniform: expected a floating dtype",
        ),
        (
            lambda: I.deserialize({"config": {}}),
            r"initializers.deserialize: expected a dict with 'class_name'",
        ),
    ],
)
def test_initializer_rejects_bad_arguments(build, match):
    with pytest.raises(ConfigError, match=match):
        build()


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: I.Orthogonal()((5,)),
            r"Orthogonal: expected a shape with at least 2 axes, got \(5,\)",
        ),
        (lambda: I.Identity()((2, 2, 2)), r"Identity: expected a 2-D shape, got \(2, 2, 2\)"),
        (
            lambda: I.RandomNormal()((3, -1)),
            r"RandomNormal: expected a shape \(a tuple of ints >= 0\)",
        ),
        (lambda: I.Zeros()("3x3"), r"Zeros: expected a shape"),
    ],
)
def test_initializer_rejects_bad_shapes(build, match):
    with pytest.raises(ShapeError, match=match):
        build()


def test_shape_may_be_an_int_or_a_list():
    assert I.Ones()(3).shape == (3,)
    assert I.HeUniform()([2, 5]).shape == (2, 5)
    assert isinstance(glassnet.tensor(I.Zeros()((2,))), glassnet.Tensor)
