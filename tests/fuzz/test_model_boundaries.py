"""Boundary checks of models that the fit/evaluate/predict fuzzing asked for, one test each."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Dense
from glassnet.models import Sequential


@pytest.mark.parametrize("declared", [True, False])
def test_sequential_refuses_input_of_another_rank_than_it_was_built_for(declared: bool) -> None:
    first = Dense(3, input_shape=(4,)) if declared else Dense(3)
    model = Sequential([first, Dense(2)], name="seq_rank")
    model.predict(np.ones((5, 4), np.float32), verbose=0)
    with pytest.raises(ShapeError, match=r"Sequential 'seq_rank': expected input of rank 2, got"):
        model.predict(np.ones((1, 5, 4), np.float32), verbose=0)


def test_sequential_takes_sequences_of_any_length() -> None:
    declared = Sequential([Dense(2, input_shape=(None, 3))])
    lazy = Sequential([Dense(2)])
    for model in (declared, lazy):
        assert model(np.ones((2, 5, 3), np.float32)).shape == (2, 5, 2)
        assert model(np.ones((2, 7, 3), np.float32)).shape == (2, 7, 2)
        with pytest.raises(ShapeError, match="expected input of shape"):
            model(np.ones((2, 7, 4), np.float32))


def _classifier() -> Sequential:
    model = Sequential([Dense(2, activation="softmax", input_shape=(4,))], name="cw")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


X8 = np.ones((8, 4), np.float32)
Y8 = np.arange(8) % 2


@pytest.mark.parametrize("class_weight", ["balanced", [1.0, 2.0], {0: 1.0, 1: "heavy"}])
def test_fit_class_weight_must_be_a_dict_of_numbers(class_weight) -> None:
    with pytest.raises(ConfigError, match=r"The 'class_weight' argument of fit must be a dict"):
        _classifier().fit(X8, Y8, class_weight=class_weight, verbose=0)


@pytest.mark.parametrize("weight", [-1.0, float("nan"), float("inf")])
def test_fit_class_weight_values_must_be_finite_and_non_negative(weight: float) -> None:
    with pytest.raises(
        ConfigError, match=r"'class_weight' argument of fit must be a dict .* Got \{0: 1.0, 1: "
    ):
        _classifier().fit(X8, Y8, class_weight={0: 1.0, 1: weight}, verbose=0)


def test_fit_class_weight_with_targets_without_values_is_a_shape_error() -> None:
    with pytest.raises(ShapeError, match=r"fit: class_weight needs one class per sample in y, got"):
        _classifier().fit(X8, np.ones((8, 0), np.float32), class_weight={0: 1.0}, verbose=0)
