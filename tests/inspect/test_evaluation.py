"""glassnet.inspect evaluation functions, checked against scikit-learn called directly."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from glassnet import keras
from glassnet.errors import ShapeError
from glassnet.inspect import (
    classification_report,
    confusion_matrix,
    regression_report,
    roc_auc,
    roc_curve,
)

metrics = pytest.importorskip("sklearn.metrics")


def _softmax_scores(rng, truth, k):
    logits = rng.normal(size=(len(truth), k))
    logits[np.arange(len(truth)), truth] += 1.5
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def binary(rng):
    truth = rng.integers(0, 2, 200)
    scores = np.clip(0.3 * truth + 0.7 * rng.random(200), 0, 1).astype(np.float32)[:, None]
    return truth, scores


@pytest.fixture
def multiclass(rng):
    truth = rng.integers(0, 4, 300)
    return truth, _softmax_scores(rng, truth, 4)


def _model(outputs, activation):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(outputs, activation=activation)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_classification_report_sigmoid_scores_match_sklearn(binary):
    truth, scores = binary
    ours = classification_report(truth, scores, output_dict=True)
    theirs = metrics.classification_report(truth, (scores[:, 0] > 0.5).astype(int),
                                           output_dict=True, zero_division=0.0)  # fmt: skip
    assert ours == theirs
    text = classification_report(truth, scores, class_names=["no", "yes"], digits=3)
    assert text == metrics.classification_report(
        truth, (scores[:, 0] > 0.5).astype(int), target_names=["no", "yes"], digits=3
    )


def test_classification_report_threshold_moves_the_cut(binary):
    truth, scores = binary
    ours = classification_report(truth, scores, threshold=0.8, output_dict=True)
    theirs = metrics.classification_report(truth, (scores[:, 0] > 0.8).astype(int),
                                           output_dict=True, zero_division=0.0)  # fmt: skip
    assert ours == theirs


def test_classification_report_softmax_with_one_hot_targets(multiclass):
    truth, scores = multiclass
    one_hot = np.eye(4)[truth]
    ours = classification_report(one_hot, scores, output_dict=True)
    theirs = metrics.classification_report(truth, scores.argmax(1), output_dict=True)
    assert ours == theirs


def test_classification_report_keeps_rows_for_classes_never_seen():
    report = classification_report([0, 0, 1], np.eye(3)[[0, 1, 1]], output_dict=True)
    assert report["2"]["support"] == 0
    named = classification_report([0, 1], [0, 1], class_names="abc", output_dict=True)
    assert list(named)[:3] == ["a", "b", "c"]


def test_functions_accept_a_model_and_data(rng):
    x = rng.normal(size=(50, 3)).astype(np.float32)
    model = _model(4, "softmax")
    truth = rng.integers(0, 4, 50)
    scores = model.predict(x)
    assert classification_report(model, x, truth) == classification_report(truth, scores)
    np.testing.assert_array_equal(confusion_matrix(model, x, truth),
                                  metrics.confusion_matrix(truth, scores.argmax(1),
                                                           labels=range(4)))  # fmt: skip
    assert roc_auc(model, x, truth) == roc_auc(truth, scores)
    regressor = _model(1, None)
    target = rng.normal(size=(50, 1))
    assert regression_report(regressor, x, target) == regression_report(
        target, regressor.predict(x)
    )


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_of_sigmoid_outputs_matches_sklearn(binary, normalize):
    truth, scores = binary
    ours = confusion_matrix(truth[:, None].astype(np.float32), scores, normalize=normalize)
    theirs = metrics.confusion_matrix(truth, scores[:, 0] > 0.5, normalize=normalize)
    np.testing.assert_allclose(ours, theirs)


def test_confusion_matrix_has_a_row_per_softmax_column():
    matrix = confusion_matrix([0, 1], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [0, 0, 0]])


def test_roc_auc_binary_forms_match_sklearn(binary):
    truth, scores = binary
    expected = metrics.roc_auc_score(truth, scores[:, 0])
    assert roc_auc(truth, scores) == pytest.approx(expected, abs=1e-12)
    assert roc_auc(truth, scores[:, 0]) == pytest.approx(expected, abs=1e-12)
    two_columns = np.c_[1 - scores, scores]
    assert roc_auc(np.eye(2)[truth], two_columns) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_roc_auc_multiclass_matches_sklearn(multiclass, multi_class, average):
    truth, scores = multiclass
    expected = metrics.roc_auc_score(truth, scores.astype(np.float64), multi_class=multi_class,
                                     average=average)  # fmt: skip
    assert roc_auc(truth, scores, multi_class=multi_class, average=average) == pytest.approx(
        expected, abs=1e-9
    )


def test_roc_auc_per_class(multiclass):
    truth, scores = multiclass
    per_class = roc_auc(truth, scores, average=None)
    expected = [metrics.roc_auc_score(truth == c, scores[:, c]) for c in range(4)]
    np.testing.assert_allclose(per_class, expected, atol=1e-9)


def test_roc_auc_refuses_logits_for_many_classes(multiclass):
    truth, scores = multiclass
    with pytest.raises(ValueError, match="apply a softmax first"):
        roc_auc(truth, np.log(scores))


def test_roc_curve_matches_sklearn(binary, multiclass):
    truth, scores = binary
    for ours, theirs in zip(roc_curve(truth, scores), metrics.roc_curve(truth, scores[:, 0])):
        np.testing.assert_allclose(ours, theirs)
    fpr, tpr, _ = roc_curve(truth, scores, class_id=0)
    expected = metrics.roc_curve(truth == 0, 1 - scores[:, 0])
    np.testing.assert_allclose(fpr, expected[0])
    np.testing.assert_allclose(tpr, expected[1])
    truth, scores = multiclass
    fpr, tpr, thresholds = roc_curve(truth, scores, class_id=2)
    expected = metrics.roc_curve(truth == 2, scores[:, 2])
    for ours, theirs in zip((fpr, tpr, thresholds), expected):
        np.testing.assert_allclose(ours, theirs)


def test_roc_curve_needs_a_class_for_many_classes(multiclass):
    truth, scores = multiclass
    with pytest.raises(ValueError, match="expected class_id for 4-class scores"):
        roc_curve(truth, scores)
    with pytest.raises(ValueError, match=r"expected class_id in \[0, 4\), got 7"):
        roc_curve(truth, scores, class_id=7)


@pytest.mark.parametrize("shape", [(100,), (100, 1), (100, 3)])
def test_regression_report_matches_sklearn(rng, shape):
    y_true = rng.normal(size=shape)
    y_pred = (y_true + 0.3 * rng.normal(size=shape)).astype(np.float32)
    report = regression_report(y_true, y_pred, output_dict=True)
    y_pred = y_pred.astype(np.float64)
    assert report["mae"] == pytest.approx(metrics.mean_absolute_error(y_true, y_pred), 1e-12)
    assert report["mse"] == pytest.approx(metrics.mean_squared_error(y_true, y_pred), 1e-12)
    assert report["rmse"] == pytest.approx(metrics.root_mean_squared_error(y_true, y_pred), 1e-12)
    assert report["r2"] == pytest.approx(metrics.r2_score(y_true, y_pred), 1e-12)
    assert report["n"] == 100


def test_regression_report_text():
    text = regression_report([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], digits=2)
    assert text.splitlines() == [" MAE  0.33", " MSE  0.33", "RMSE  0.58", "  R2  0.50", "   N  3"]


def test_errors_say_what_to_pass(rng):
    model = _model(1, "sigmoid")
    with pytest.raises(ValueError, match=r"expected \(model, x, y\), got a model without y"):
        classification_report(model, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="the first is a list, not a model"):
        classification_report([0, 1], [0, 1], [0, 1])
    with pytest.raises(ValueError, match=r"expected \(y_true, y_pred\), got y_true alone"):
        regression_report([0.0, 1.0])
    with pytest.raises(ShapeError, match="expected as many predictions as targets"):
        classification_report([0, 1, 1], [[0.2], [0.9]])
    with pytest.raises(ShapeError, match=r"got \(3,\) and \(3, 2\)"):
        regression_report([1.0, 2.0, 3.0], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="expected integer class ids in y_true"):
        confusion_matrix([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="expected class ids below 2"):
        classification_report([0, 2], [0, 1], class_names=["a", "b"])
    with pytest.raises(ValueError, match=r"expected class ids in \[0, 2\)"):
        roc_auc([0, 3], [0.1, 0.9])


def test_missing_sklearn_names_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.metrics", None)  # makes the import fail
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        regression_report([1.0], [1.0])
