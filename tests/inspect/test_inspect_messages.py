"""Error messages of glassnet.inspect that its other tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import inspect as gi
from glassnet.errors import ConfigError, GradientCheckError, ShapeError
from glassnet.layers import Concatenate, Dense, Input
from glassnet.models import Model, Sequential
from glassnet.tensor import Tensor


def _mlp() -> Sequential:
    model = Sequential([Dense(3, activation="relu", input_shape=(2,), name="hidden"),
                        Dense(1, name="out")], name="mlp")  # fmt: skip
    model.compile("sgd", "mse")
    return model


def _two_inputs() -> Model:
    a, b = Input(shape=(2,), name="a"), Input(shape=(2,), name="b")
    model = Model([a, b], Dense(1, name="o")(Concatenate()([a, b])))
    model.compile("sgd", "mse")
    return model


ONE = np.ones((1, 2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: gi.no_such_function, AttributeError,
         r"module 'glassnet.inspect' has no attribute 'no_such_function'"),
        (lambda: gi.classification_report(np.zeros((2, 2, 2)), np.zeros(2)), ShapeError,
         r"classification_report: expected y_true as class ids \(N,\) or \(N, 1\), or one-hot "
         r"rows \(N, K\), got shape \(2, 2, 2\)\."),
        (lambda: gi.classification_report(np.zeros(2), np.zeros((2, 2, 2))), ShapeError,
         r"classification_report: expected y_pred as scores \(N, K\), \(N, 1\) or \(N,\), or "
         r"class ids \(N,\), got shape \(2, 2, 2\)\."),
        (lambda: gi.roc_auc(np.zeros(2), np.zeros((2, 2, 2))), ShapeError,
         r"roc_auc: expected scores \(N,\), \(N, 1\) or \(N, K\), got shape \(2, 2, 2\)\."),
        (lambda: gi.classification_report(np.array([-1, 0]), np.array([0, 0])), ValueError,
         r"classification_report: expected class ids >= 0, got -1\. Number the classes 0 to "
         r"K - 1 \(for example with sklearn's LabelEncoder\)\."),
        (lambda: gi.confusion_matrix(np.array([0, 1]), np.array([0, -2])), ValueError,
         r"confusion_matrix: expected class ids >= 0, got -2\. Number the classes 0 to K - 1"),
        (lambda: gi.regression_report(np.zeros(3), np.zeros((3, 2))), ShapeError,
         r"regression_report: expected y_true and y_pred of the same shape \(N,\) or \(N, D\), "
         r"got \(3,\) and \(3, 2\)\."),
        (lambda: gi.explain(_mlp(), ONE, layer=Dense(2, name="stray"), unit=0), ConfigError,
         r"explain: layer 'stray' is not part of model 'mlp'\. Pass one of its layers \(or its "
         r"name or index\): hidden, out\."),
        (lambda: gi.explain(_mlp(), ONE, layer=5, unit=0), ConfigError,
         r"explain: expected a layer index in \[0, 2\), got 5\."),
        (lambda: gi.explain(_mlp(), ONE, layer=0, unit=0, sample=3), ShapeError,
         r"explain: expected x with a row 3, got shape \(1, 2\)\. Pass a batch \(N, \.\.\.\) and "
         r"sample=<row>\."),
        (lambda: gi.explain(_mlp(), np.ones((2, 2)), y=np.ones((1, 1)), layer=0, unit=0, sample=1),
         ShapeError, r"explain: expected y with a row 1, got shape \(1, 1\)\. Pass a batch"),
        (lambda: gi.explain(_two_inputs(), {"a": ONE, "b": ONE}, layer="o", unit=0, sample=3),
         ShapeError, r"explain: expected x\['a'\] with a row 3, got shape \(1, 2\)\. Pass a batch"),
        (lambda: gi.explain(_two_inputs(), [ONE, ONE], layer="o", unit=0, sample=3),
         ShapeError, r"explain: expected x\[0\] with a row 3, got shape \(1, 2\)\. Pass a batch"),
        (lambda: gi.gradcheck(lambda x: 3, np.array([0.5])), GradientCheckError,
         r"gradcheck: expected fn to return a Tensor or a list of Tensors, got int\. Build the "
         r"output from glassnet ops on the inputs\."),
        (lambda: gi.gradcheck(lambda x: [x, 3], np.array([0.5])), GradientCheckError,
         r"gradcheck: expected fn to return a Tensor or a list of Tensors, got list of "
         r"\['Tensor', 'int'\]\. Build the output"),
    ],
)  # fmt: skip
def test_inspect_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_explain_needs_flat_features():
    model = Sequential([Dense(1, input_shape=(4, 3), name="per_step")])
    with pytest.raises(
        ShapeError,
        match=r"explain: expected layer 'per_step' to receive \(N, F\) inputs, got shape "
        r"\(1, 4, 3\)\. explain handles Dense layers on flat features\.",
    ):
        gi.explain(model, np.ones((1, 4, 3)), layer="per_step", unit=0)


def test_check_gradients_names_the_model_when_it_fails(monkeypatch):
    glassnet.utils.set_random_seed(0)
    model = Sequential([Dense(2, input_shape=(3,), kernel_regularizer="l2")], name="reg")
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))

    def penalty_without_gradient(y_true, y_pred, sample_weight=None):
        data_loss, _ = model.compiled_loss(model, y_true, y_pred, sample_weight)
        return data_loss + Tensor(sum(loss.data for loss in model.losses))

    monkeypatch.setattr(model, "compute_loss", penalty_without_gradient)
    with pytest.raises(GradientCheckError, match=r"^check_gradients of 'reg': "):
        model.check_gradients(x, y)
