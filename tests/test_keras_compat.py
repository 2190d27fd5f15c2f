"""The Keras face's compatibility names: keras.backend (K), tf_compat, lower-case aliases."""

from __future__ import annotations

import pytest

import glassnet
from glassnet import keras
from glassnet.keras import backend as K
from glassnet.keras import tf_compat as tf
from tests._oracle import Case, OpSpec, check_against_torch, check_finite_differences

torch = pytest.importorskip("torch")


def test_lower_case_aliases_are_the_keras_classes():
    assert keras.initializers.glorot_uniform is glassnet.initializers.GlorotUniform
    assert keras.initializers.he_normal is glassnet.initializers.HeNormal
    assert keras.initializers.zeros is glassnet.initializers.Zeros
    assert keras.regularizers.l1 is glassnet.regularizers.L1
    assert keras.regularizers.l2(0.01).l2 == pytest.approx(0.01)
    assert {"glorot_uniform", "l2"} <= set(keras.initializers.__all__) | set(
        keras.regularizers.__all__
    )


def test_backend_configuration_names():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32"
    assert K.image_data_format() == "channels_last"


def test_tf_compat_has_tensorflow_2_names_only():
    assert tf.keras is keras and tf.math.log is glassnet.ops.log
    assert not hasattr(tf, "log"), "tf.log is TensorFlow 1; TensorFlow 2 has tf.math.log"


SPECS = [
    OpSpec("tf.clip_by_value", tf.clip_by_value,
           lambda t, lo, hi: torch.clamp(t, min=lo, max=hi),
           [Case((4, 5), (5,), (5,))], low=-1.0, high=1.0),
    OpSpec("tf.reduce_mean", tf.reduce_mean,
           lambda x, axis=None, keepdims=False: torch.mean(x, dim=axis, keepdim=keepdims),
           [Case((3, 4), axis=1, keepdims=True)]),
    OpSpec("tf.reduce_max", tf.reduce_max,
           lambda x, axis=None, keepdims=False: torch.amax(x, dim=axis, keepdim=keepdims),
           [Case((3, 4), axis=0)]),
    OpSpec("K.mean", K.mean,
           lambda x, axis=None, keepdims=False: torch.mean(x, dim=axis, keepdim=keepdims),
           [Case((3, 4), axis=-1)]),
    OpSpec("K.clip", K.clip, lambda x, lo, hi: torch.clamp(x, lo, hi),
           [Case((4, 5), -0.5, 0.7)], avoid=[-0.5, 0.7]),
]  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_compat_functions_match_torch_and_finite_differences(spec):
    for case in spec.cases:
        check_finite_differences(spec, case)
        check_against_torch(spec, case)
