"""Loss names, ``get``, configs and serialization."""

from __future__ import annotations

import json

import numpy as np
import pytest

from glassnet import losses
from glassnet.errors import ConfigError

KERAS_NAMES = {
    "mse": losses.MeanSquaredError,
    "mean_squared_error": losses.MeanSquaredError,
    "MSE": losses.MeanSquaredError,
    "mae": losses.MeanAbsoluteError,
    "mean_absolute_error": losses.MeanAbsoluteError,
    "mape": losses.MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": losses.MeanAbsolutePercentageError,
    "msle": losses.MeanSquaredLogarithmicError,
    "binary_crossentropy": losses.BinaryCrossentropy,
    "bce": losses.BinaryCrossentropy,
    "binary_focal_crossentropy": losses.BinaryFocalCrossentropy,
    "categorical_crossentropy": losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    "huber": losses.Huber,
    "huber_loss": losses.Huber,
    "log_cosh": losses.LogCosh,
    "logcosh": losses.LogCosh,
    "hinge": losses.Hinge,
    "squared_hinge": losses.SquaredHinge,
    "categorical_hinge": losses.CategoricalHinge,
    "kl_divergence": losses.KLDivergence,
    "kld": losses.KLDivergence,
    "poisson": losses.Poisson,
    "cosine_similarity": losses.CosineSimilarity,
    "contrastive_loss": losses.ContrastiveLoss,
    "triplet_loss": losses.TripletLoss,
    "weighted_binary_crossentropy": losses.WeightedBinaryCrossentropy,
    "MeanSquaredError": losses.MeanSquaredError,
    "SparseCategoricalCrossentropy": losses.SparseCategoricalCrossentropy,
}

NON_DEFAULT = [
    losses.MeanSquaredError(reduction="sum"),
    losses.MeanAbsoluteError(name="l1"),
    losses.MeanAbsolutePercentageError(),
    losses.MeanSquaredLogarithmicError(reduction="none"),
    losses.Huber(delta=2.5),
    losses.LogCosh(),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.WeightedBinaryCrossentropy(pos_weight=np.array([1.0, 3.0]), from_logits=True),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.0),
    losses.CategoricalCrossentropy(label_smoothing=0.2, axis=1),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
    losses.KLDivergence(),
    losses.Poisson(),
    losses.Hinge(),
    losses.SquaredHinge(),
    losses.CategoricalHinge(),
    losses.CosineSimilarity(axis=1),
    losses.ContrastiveLoss(margin=2.0),
    losses.TripletLoss(margin=0.3, reduction="sum"),
]


@pytest.mark.parametrize("name, cls", KERAS_NAMES.items())
def test_loss_get_by_keras_name(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls


def test_loss_default_names_follow_keras():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.BinaryCrossentropy().name == "binary_crossentropy"
    assert losses.SparseCategoricalCrossentropy().reduction == "sum_over_batch_size"


def test_loss_get_passes_objects_through():
    loss = losses.Huber()
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    assert type(losses.get(losses.Poisson)) is losses.Poisson
    assert type(losses.get({"class_name": "Huber", "config": {"delta": 3.0}})) is losses.Huber


def test_loss_get_unknown_name_lists_known_and_closest():
    with pytest.raises(ConfigError, match=r"Unknown loss 'msee'\. Known: .*Did you mean 'mse'"):
        losses.get("msee")


def test_loss_get_rejects_other_objects():
    with pytest.raises(TypeError, match="expected a loss name, Loss, config dict or function"):
        losses.get(3)


@pytest.mark.parametrize("loss", NON_DEFAULT, ids=lambda loss: type(loss).__name__)
def test_loss_config_round_trip(loss, rng):
    config = json.loads(json.dumps(losses.serialize(loss)))
    rebuilt = losses.deserialize(config)
    assert type(rebuilt) is type(loss)
    assert rebuilt.get_config() == loss.get_config()
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()


def test_loss_hyperparameters_are_attributes():
    loss = losses.BinaryFocalCrossentropy(gamma=3.0, from_logits=True)
    assert (loss.gamma, loss.alpha, loss.from_logits) == (3.0, 0.25, True)
    assert losses.Huber(delta=0.5).delta == 0.5


def test_loss_deserialize_by_name():
    assert type(losses.deserialize("kld")) is losses.KLDivergence


def test_loss_deserialize_rejects_bad_configs():
    with pytest.raises(ConfigError, match="expected a dict with 'class_name' and 'config'"):
        losses.deserialize({"config": {}})
    with pytest.raises(ConfigError, match="Unknown loss 'Nope'"):
        losses.deserialize({"class_name": "Nope", "config": {}})


def test_loss_serialize_rejects_unregistered_subclasses():
    class Mine(losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred

    with pytest.raises(ConfigError, match="expected a registered loss, got Mine"):
        losses.serialize(Mine())


def test_loss_repr_shows_config():
    assert repr(losses.Huber(delta=2.0)) == (
        "Huber(name='huber_loss', reduction='sum_over_batch_size', delta=2.0)"
    )


def test_loss_every_class_has_its_function():
    for cls, fn in losses.FUNCTIONS.items():
        assert cls().fn is fn
        assert fn.__name__ in losses.__all__ and cls.__name__ in losses.__all__
