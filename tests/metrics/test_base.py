"""Mean, MeanMetricWrapper, names, ``get``, ``resolve`` and serialization."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet
from glassnet import losses, metrics
from glassnet.errors import ConfigError, ShapeError


# ---------------------------------------------------------------- Mean
def test_mean_keras_documented_values():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0


def test_mean_tracks_batch_losses_weighted_by_batch_size():
    m = metrics.Mean(name="loss")
    m.update_state(glassnet.tensor(0.5), sample_weight=32)
    m.update_state(np.float32(2.0), sample_weight=8)
    assert m.result() == pytest.approx((0.5 * 32 + 2.0 * 8) / 40)
    assert m.name == "loss"


def test_mean_of_multi_axis_values_counts_samples(rng):
    values, w = rng.normal(size=(5, 3)), rng.uniform(size=5)
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    assert m.result() == pytest.approx(np.sum(values.mean(1) * w) / w.sum())
    m = metrics.Mean()
    per_value = rng.uniform(size=(5, 3))
    m.update_state(values, sample_weight=per_value)
    expected = np.sum((values * per_value).mean(1)) / per_value.mean(1).sum()
    assert m.result() == pytest.approx(expected)


def test_mean_empty_and_zero_weights_give_zero():
    m = metrics.Mean()
    assert m.result() == 0.0
    m.update_state([1.0, 2.0], sample_weight=[0.0, 0.0])
    assert m.result() == 0.0


def test_mean_sample_weight_shape_error():
    with pytest.raises(ShapeError, match=r"mean: sample_weight has shape \(2,\) but the values"):
        metrics.Mean().update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 2.0])


def test_metric_base_methods_must_be_defined():
    with pytest.raises(NotImplementedError, match="does not define update_state"):
        metrics.Metric().update_state([1], [1])
    with pytest.raises(NotImplementedError, match="does not define result"):
        metrics.Metric().result()
    with pytest.raises(NotImplementedError, match="does not define reset_state"):
        metrics.Metric().reset_state()


# ---------------------------------------------------------------- wrapper
def test_mean_metric_wrapper_wraps_loss_functions_without_a_graph(rng):
    y, logits = (
        rng.integers(0, 2, (6, 1)),
        glassnet.tensor(rng.normal(size=(6, 1)), requires_grad=True),
    )
    m = metrics.MeanMetricWrapper(losses.binary_crossentropy, from_logits=True)
    m.update_state(y, logits)
    expected = losses.binary_crossentropy(y, logits, from_logits=True).numpy().mean()
    assert m.result() == pytest.approx(expected, rel=1e-6)
    assert m.name == "binary_crossentropy"


def test_mean_metric_wrapper_rejects_non_callables():
    with pytest.raises(TypeError, match="expected a function fn"):
        metrics.MeanMetricWrapper("mae")


# ---------------------------------------------------------------- names and lookup
@pytest.mark.parametrize(
    "name, cls",
    [
        ("accuracy", metrics.Accuracy),
        ("acc", metrics.Accuracy),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
        ("precision", metrics.Precision),
        ("recall", metrics.Recall),
        ("auc", metrics.AUC),
        ("AUC", metrics.AUC),
        ("mae", metrics.MeanAbsoluteError),
        ("mean_absolute_error", metrics.MeanAbsoluteError),
        ("mse", metrics.MeanSquaredError),
        ("rmse", metrics.RootMeanSquaredError),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        ("mape", metrics.MeanAbsolutePercentageError),
        ("mean", metrics.Mean),
    ],
)
def test_metric_get_by_keras_name(name, cls):
    assert type(metrics.get(name)) is cls


def test_metric_default_names_follow_keras():
    expected = {
        metrics.Accuracy: "accuracy",
        metrics.BinaryAccuracy: "binary_accuracy",
        metrics.Precision: "precision",
        metrics.Recall: "recall",
        metrics.AUC: "auc",
        metrics.MeanAbsoluteError: "mean_absolute_error",
        metrics.RootMeanSquaredError: "root_mean_squared_error",
    }
    for cls, name in expected.items():
        assert cls().name == name


def test_metric_get_other_identifiers():
    auc = metrics.AUC()
    assert metrics.get(auc) is auc and metrics.get(None) is None
    assert type(metrics.get(metrics.Recall)) is metrics.Recall
    wrapped = metrics.get("binary_crossentropy")
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "binary_crossentropy"
    from_loss = metrics.get(losses.BinaryCrossentropy(from_logits=True))
    assert from_loss.fn_kwargs["from_logits"] is True
    assert isinstance(metrics.get(lambda t, p: np.abs(t - p)), metrics.MeanMetricWrapper)
    with pytest.raises(ConfigError, match=r"Unknown metric 'precison'.*Did you mean 'precision'"):
        metrics.get("precison")
    with pytest.raises(TypeError, match="expected a metric name, Metric, config dict or function"):
        metrics.get(1.5)


# ---------------------------------------------------------------- resolve
@pytest.mark.parametrize(
    "loss, expected_type, threshold",
    [
        ("binary_crossentropy", metrics.BinaryAccuracy, 0.5),
        (losses.BinaryCrossentropy(from_logits=True), metrics.BinaryAccuracy, 0.0),
        (losses.binary_focal_crossentropy, metrics.BinaryAccuracy, 0.5),
        ("hinge", metrics.BinaryAccuracy, 0.0),
        ("categorical_crossentropy", metrics.CategoricalAccuracy, None),
        (losses.CategoricalCrossentropy(from_logits=True), metrics.CategoricalAccuracy, None),
        ("sparse_categorical_crossentropy", metrics.SparseCategoricalAccuracy, None),
        (losses.sparse_categorical_crossentropy, metrics.SparseCategoricalAccuracy, None),
    ],
)
@pytest.mark.parametrize("identifier", ["accuracy", "acc"])
def test_resolve_accuracy_from_the_loss(identifier, loss, expected_type, threshold):
    metric = metrics.resolve(identifier, loss)
    assert type(metric) is expected_type and metric.name == identifier
    if threshold is not None:
        assert metric.threshold == threshold


@pytest.mark.parametrize(
    "y_true_shape, y_pred_shape, expected_type",
    [
        ((32, 1), (32, 1), metrics.BinaryAccuracy),
        ((32,), (32,), metrics.BinaryAccuracy),
        ((32,), (32, 10), metrics.SparseCategoricalAccuracy),
        ((32, 1), (32, 10), metrics.SparseCategoricalAccuracy),
        ((32, 10), (32, 10), metrics.CategoricalAccuracy),
    ],
)
def test_resolve_accuracy_from_shapes(y_true_shape, y_pred_shape, expected_type):
    metric = metrics.resolve(
        "accuracy", "mse", y_true_shape=y_true_shape, y_pred_shape=y_pred_shape
    )
    assert type(metric) is expected_type


def test_resolve_accuracy_needs_a_loss_or_shapes():
    with pytest.raises(ConfigError, match="expected a classification loss or the output shapes"):
        metrics.resolve("accuracy", "mse")
    with pytest.raises(ConfigError, match="expected a classification loss or the output shapes"):
        metrics.resolve("accuracy")


def test_resolve_names_metrics_after_the_string():
    assert metrics.resolve("mae").name == "mae"
    assert metrics.resolve("auc").name == "auc"
    assert metrics.resolve("precision").name == "precision"
    own = metrics.Recall(name="my_recall")
    assert metrics.resolve(own) is own


def test_resolve_history_keys_for_a_typical_compile():
    names = [
        metrics.resolve(m, "binary_crossentropy").name for m in ("accuracy", "precision", "auc")
    ]
    assert names == ["accuracy", "precision", "auc"]


# ---------------------------------------------------------------- serialization
CONFIGURED = [
    metrics.Accuracy(),
    metrics.BinaryAccuracy(threshold=0.3, name="acc"),
    metrics.CategoricalAccuracy(),
    metrics.SparseCategoricalAccuracy(),
    metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2),
    metrics.Precision(thresholds=[0.3, 0.6], class_id=1),
    metrics.Recall(top_k=2),
    metrics.AUC(num_thresholds=50, curve="PR", multi_label=True, label_weights=[1.0, 2.0]),
    metrics.AUC(thresholds=[0.25, 0.75], from_logits=True),
    metrics.MeanAbsoluteError(),
    metrics.MeanSquaredError(),
    metrics.RootMeanSquaredError(),
    metrics.MeanAbsolutePercentageError(),
    metrics.Mean(name="loss"),
    metrics.get("binary_crossentropy"),
]


@pytest.mark.parametrize("metric", CONFIGURED, ids=lambda m: type(m).__name__)
def test_metric_config_round_trip(metric):
    config = json.loads(json.dumps(metrics.serialize(metric)))
    rebuilt = metrics.deserialize(config)
    assert type(rebuilt) is type(metric)
    assert rebuilt.get_config() == metric.get_config()


def test_metric_deserialize_errors():
    with pytest.raises(ConfigError, match="expected a dict with 'class_name' and 'config'"):
        metrics.deserialize({"config": {}})
    with pytest.raises(ConfigError, match="expected 'fn' to name a registered metric or loss"):
        metrics.deserialize({"class_name": "MeanMetricWrapper", "config": {"fn": "nope"}})
    assert type(metrics.deserialize("auc")) is metrics.AUC


def test_metric_serialize_rejects_unregistered_classes():
    class Mine(metrics.Mean):
        pass

    with pytest.raises(ConfigError, match="expected a registered metric, got Mine"):
        metrics.serialize(Mine())
