"""Evaluation: classification report, confusion matrix, ROC curve and AUC, regression report.

Each function takes either a model and data, ``fn(model, x, y)`` (it calls
``model.predict(x)``), or targets and predictions, ``fn(y_true, y_pred)``, the way
scikit-learn's functions do. Targets may be class ids ``(N,)`` / ``(N, 1)`` or one-hot rows
``(N, K)``; predictions may be one sigmoid output ``(N, 1)``, softmax rows ``(N, K)`` or class
ids. The numbers come from ``sklearn.metrics`` (imported when called: ``pip install
scikit-learn``); the confusion matrix from ``glassnet.plot.confusion_matrix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.inspect._predictions import (
    binary_or_class_scores,
    class_ids_of_scores,
    class_ids_of_targets,
    require,
    resolve,
)

__all__ = ["classification_report", "confusion_matrix", "regression_report", "roc_auc", "roc_curve"]


def _metrics(who: str) -> Any:
    return require(who, "sklearn.metrics", "scikit-learn")


def _classes(who, first, second, y, threshold, num_classes):
    """True ids, predicted ids and the number of classes K."""
    y_true, y_pred = resolve(who, first, second, y)
    truth = class_ids_of_targets(who, y_true)
    guess = class_ids_of_scores(who, y_pred, threshold)
    columns = y_pred.shape[1] if y_pred.ndim == 2 else 1
    k = columns if columns > 1 else 2 if y_pred.dtype.kind == "f" else 0
    seen = int(max(truth.max(initial=-1), guess.max(initial=-1))) + 1
    if num_classes is not None:
        if seen > num_classes:
            raise ValueError(
                f"{who}: expected class ids below {num_classes} (the number of class names), "
                f"got {seen - 1}. Pass one name per class."
            )
        k = num_classes
    if min(truth.min(initial=0), guess.min(initial=0)) < 0:
        lowest = int(min(truth.min(initial=0), guess.min(initial=0)))
        raise ValueError(
            f"{who}: expected class ids >= 0, got {lowest}. Number the classes 0 to K - 1 "
            "(for example with sklearn's LabelEncoder)."
        )
    return truth, guess, max(k, seen)


def classification_report(
    model_or_y_true: Any,
    x_or_y_pred: Any = None,
    y: Any = None,
    *,
    class_names: Sequence[str] | None = None,
    threshold: float = 0.5,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: float | str = 0.0,
) -> str | dict:
    """Precision, recall, F1 and support per class, as ``sklearn.metrics.classification_report``.

    Every class from 0 to K-1 gets a row (K: the width of softmax outputs, 2 for one sigmoid
    output, or the number of ``class_names``), even one absent from the data.

    Args:
        model_or_y_true: a model (then pass x and y), or the true labels.
        x_or_y_pred: the model's inputs, or the predictions (scores or class ids).
        y: the true labels, when the first argument is a model.
        class_names: a name per class id, for the rows.
        threshold: a sigmoid score above this is class 1 (use 0.0 for logits).
        digits: decimals in the text report.
        output_dict: return a dict (scikit-learn's layout) instead of text.
        zero_division: the value for a precision/recall with nothing to divide (scikit-learn
            warns by default; here it is quietly 0.0).

    Returns:
        The report as text (print it), or a dict when ``output_dict=True``.

    Raises:
        ImportError: when scikit-learn is missing.
        ShapeError: when targets and predictions hold different numbers of samples.

    Example:
        >>> report = classification_report([0, 1, 1], [[0.2], [0.9], [0.4]], output_dict=True)
        >>> report["1"]["recall"], report["accuracy"]
        (0.5, 0.666...)
    """
    who = "classification_report"
    k = None if class_names is None else len(class_names)
    truth, guess, k = _classes(who, model_or_y_true, x_or_y_pred, y, threshold, k)
    names = None if class_names is None else [str(name) for name in class_names]
    return _metrics(who).classification_report(
        truth, guess, labels=list(range(k)), target_names=names, digits=digits,
        output_dict=output_dict, zero_division=zero_division,
    )  # fmt: skip


def confusion_matrix(
    model_or_y_true: Any,
    x_or_y_pred: Any = None,
    y: Any = None,
    *,
    num_classes: int | None = None,
    normalize: str | None = None,
    threshold: float = 0.5,
) -> np.ndarray:
    """Counts of each true class (row) predicted as each class (column).

    Like ``glassnet.plot.confusion_matrix`` (which it calls), but it also takes a model, and
    one sigmoid output per sample (thresholded at ``threshold``).

    Args:
        model_or_y_true, x_or_y_pred, y: ``(model, x, y)`` or ``(y_true, y_pred)``.
        num_classes: K (default: the width of softmax outputs, 2 for a sigmoid output, else
            the largest id seen + 1).
        normalize: None (counts), ``'true'``, ``'pred'`` or ``'all'`` (as scikit-learn).
        threshold: a sigmoid score above this is class 1 (use 0.0 for logits).

    Returns:
        (K, K) int64 counts, or float64 fractions when normalized.

    Example:
        >>> confusion_matrix([0, 1, 1, 0], [[0.1], [0.8], [0.3], [0.6]])
        array([[1, 1],
               [1, 1]])
    """
    from glassnet.plot.confusion import confusion_matrix as count

    who = "confusion_matrix"
    truth, guess, k = _classes(who, model_or_y_true, x_or_y_pred, y, threshold, num_classes)
    return count(truth, guess, num_classes=k, normalize=normalize)


def _scores_and_truth(who, first, second, y):
    y_true, y_pred = resolve(who, first, second, y)
    scores = binary_or_class_scores(who, y_pred)
    truth = class_ids_of_targets(who, y_true)
    k = 2 if scores.ndim == 1 else scores.shape[1]
    if truth.min(initial=0) < 0 or truth.max(initial=0) >= k:
        raise ValueError(
            f"{who}: expected class ids in [0, {k}) for {k}-class scores, got ids from "
            f"{truth.min()} to {truth.max()}."
        )
    return truth, scores


def roc_auc(
    model_or_y_true: Any,
    x_or_y_score: Any = None,
    y: Any = None,
    *,
    average: str | None = "macro",
    multi_class: str = "ovr",
) -> float | np.ndarray:
    """Area under the ROC curve, as ``sklearn.metrics.roc_auc_score``.

    Binary problems use the positive class's score: the sigmoid output ``(N, 1)``, or column 1
    of two softmax columns. With K > 2 softmax columns the classes are compared one-vs-rest
    (``'ovr'``) or one-vs-one (``'ovo'``) and averaged with ``average``.

    Args:
        model_or_y_true, x_or_y_score, y: ``(model, x, y)`` or ``(y_true, y_score)``.
        average: ``'macro'``, ``'weighted'`` (or, for ``'ovr'``, None: one AUC per class).
        multi_class: ``'ovr'`` or ``'ovo'`` (only used for K > 2).

    Returns:
        The AUC (0.5 is chance, 1.0 a perfect ranking), or one per class.

    Raises:
        ValueError: for K > 2 scores whose rows do not sum to 1 (logits: apply a softmax).

    Example:
        >>> roc_auc([0, 0, 1, 1], [[0.1], [0.4], [0.35], [0.8]])
        0.75
    """
    who = "roc_auc"
    truth, scores = _scores_and_truth(who, model_or_y_true, x_or_y_score, y)
    metrics = _metrics(who)
    if scores.ndim == 1 or scores.shape[1] == 2:
        positive = scores if scores.ndim == 1 else scores[:, 1]
        return float(metrics.roc_auc_score(truth, positive))
    sums = scores.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-4):
        raise ValueError(
            f"{who}: expected probabilities for {scores.shape[1]} classes (rows summing to 1), "
            f"got row sums from {sums.min():.3g} to {sums.max():.3g}. If the model outputs "
            "logits, apply a softmax first (glassnet.ops.softmax)."
        )
    auc = metrics.roc_auc_score(truth, scores / sums[:, None], multi_class=multi_class,
                                average=average, labels=list(range(scores.shape[1])))  # fmt: skip
    return auc if average is None else float(auc)


def roc_curve(
    model_or_y_true: Any,
    x_or_y_score: Any = None,
    y: Any = None,
    *,
    class_id: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False- and true-positive rates at every threshold, as ``sklearn.metrics.roc_curve``.

    Args:
        model_or_y_true, x_or_y_score, y: ``(model, x, y)`` or ``(y_true, y_score)``.
        class_id: the positive class. Binary problems default to class 1; with K > 2 softmax
            columns pass it to get that class's one-vs-rest curve.

    Returns:
        ``(fpr, tpr, thresholds)``, each (M,), fpr and tpr rising from 0 to 1.

    Example:
        >>> fpr, tpr, _ = roc_curve([0, 0, 1, 1], [[0.1], [0.4], [0.35], [0.8]])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    who = "roc_curve"
    truth, scores = _scores_and_truth(who, model_or_y_true, x_or_y_score, y)
    k = 2 if scores.ndim == 1 else scores.shape[1]
    if class_id is None and k > 2:
        raise ValueError(
            f"{who}: expected class_id for {k}-class scores, got None. Pass class_id=c for "
            "the one-vs-rest curve of class c."
        )
    positive = 1 if class_id is None else int(class_id)
    if not 0 <= positive < k:
        raise ValueError(f"{who}: expected class_id in [0, {k}), got {class_id}.")
    if scores.ndim == 1:
        score = scores if positive == 1 else -scores
    else:
        score = scores[:, positive]
    fpr, tpr, thresholds = _metrics(who).roc_curve(truth == positive, score)
    if scores.ndim == 1 and positive == 0:
        thresholds = -thresholds
    return fpr, tpr, thresholds


def regression_scores(who: str, first: Any, second: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` as float64 arrays of the same shape (a trailing 1 is dropped)."""
    y_true, y_pred = resolve(who, first, second, y)
    y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred[:, 0]
    if y_true.shape != y_pred.shape or y_true.ndim > 2:
        raise ShapeError(
            f"{who}: expected y_true and y_pred of the same shape (N,) or (N, D), got "
            f"{y_true.shape} and {y_pred.shape}."
        )
    return y_true, y_pred


def regression_report(
    model_or_y_true: Any,
    x_or_y_pred: Any = None,
    y: Any = None,
    *,
    digits: int = 4,
    output_dict: bool = False,
) -> str | dict:
    """Mean absolute error, mean squared error, its root, and R2 (scikit-learn's functions).

    Several outputs ``(N, D)`` are each scored, then averaged uniformly, as scikit-learn does
    by default (so RMSE is the mean of the D root-mean-squared errors).

    Math:
        MAE  = mean(|y_true - y_pred|)
        MSE  = mean((y_true - y_pred)^2)
        RMSE = sqrt(MSE)
        R2   = 1 - sum((y_true - y_pred)^2) / sum((y_true - mean(y_true))^2)

    Args:
        model_or_y_true, x_or_y_pred, y: ``(model, x, y)`` or ``(y_true, y_pred)``.
        digits: decimals in the text report.
        output_dict: return ``{'mae', 'mse', 'rmse', 'r2', 'n'}`` instead of text.

    Returns:
        The report as text (print it), or a dict of floats.

    Example:
        >>> regression_report([1.0, 2.0, 3.0], [[1.5], [2.0], [2.5]], output_dict=True)["mae"]
        0.333...
    """
    who = "regression_report"
    y_true, y_pred = regression_scores(who, model_or_y_true, x_or_y_pred, y)
    metrics = _metrics(who)
    mse = metrics.mean_squared_error(y_true, y_pred, multioutput="raw_values")
    report = {
        "mae": float(metrics.mean_absolute_error(y_true, y_pred)),
        "mse": float(np.mean(mse)),
        "rmse": float(np.mean(np.sqrt(mse))),  # per output, then averaged (as scikit-learn)
        "r2": float(metrics.r2_score(y_true, y_pred)),
        "n": len(y_true),
    }
    if output_dict:
        return report
    lines = [
        f"{name.upper():>4}  {report[name]:.{digits}f}" for name in ("mae", "mse", "rmse", "r2")
    ]
    return "\n".join([*lines, f"{'N':>4}  {report['n']}"])
