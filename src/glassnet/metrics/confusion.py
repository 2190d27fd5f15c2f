"""Confusion-matrix metrics: Precision, Recall and AUC (ROC or PR), as Keras computes them.

Labels are 0/1 (multi-label targets are flattened unless ``AUC(multi_label=True)``); a
prediction counts as positive when it is *strictly greater* than a threshold. Counts are
weighted by ``sample_weight`` and accumulated over batches in float64.

AUC follows Keras exactly: ``num_thresholds=200`` evenly spaced thresholds in (0, 1) plus
``-1e-7`` and ``1 + 1e-7``, confusion counts at each, then a Riemann sum (the trapezoid rule
for ROC; Davis & Goadrich's interpolation for PR). It approximates the exact AUC of
``sklearn.metrics.roc_auc_score`` to within about 1/num_thresholds for well-spread scores.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.losses.base import EPSILON
from glassnet.metrics.base import METRICS, Metric, as_array, prepare_pair
from glassnet.ops.activation import _stable_sigmoid

__all__ = ["AUC", "Precision", "Recall"]

# Keras's metrics_utils.NEG_INF: the threshold used with top_k (every kept score passes).
_NEG_INF = -1e10


def _divide_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _binary_labels(who: str, t: np.ndarray) -> np.ndarray:
    if not np.all((t == 0) | (t == 1)):
        bad = t[(t != 0) & (t != 1)].flat[0]
        raise ValueError(
            f"{who}: expected y_true of 0/1 labels, got {bad}. One-hot encode class ids first "
            "(and use class_id= to score one class)."
        )
    return t.astype(bool)


def _weights(who: str, sample_weight: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``sample_weight`` spread over an array of ``shape`` (one per sample, or per value)."""
    if sample_weight is None:
        return np.ones(shape)
    w = np.asarray(as_array(who, "sample_weight", sample_weight), dtype=np.float64)
    if w.ndim == len(shape) and w.shape[-1:] == (1,) and shape[-1:] != (1,):
        w = w.reshape(w.shape[:-1])
    if w.ndim > len(shape) and w.shape[len(shape) :] == (1,) * (w.ndim - len(shape)):
        w = w.reshape(w.shape[: len(shape)])
    if w.shape != shape[: w.ndim]:
        raise ShapeError(
            f"{who}: sample_weight has shape {w.shape} but y_pred has shape {shape}. Pass one "
            f"weight per sample (shape {shape[:1]}) or a single number."
        )
    return np.broadcast_to(w.reshape(w.shape + (1,) * (len(shape) - w.ndim)), shape)


def _check_thresholds(owner: str, thresholds: Any) -> list[float]:
    values = [thresholds] if np.ndim(thresholds) == 0 else list(np.asarray(thresholds).ravel())
    if not values or not all(
        isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, bool)
        and math.isfinite(v)
        for v in values
    ):
        raise ConfigError(
            f"The 'thresholds' argument of {owner} must be a float or a list of floats. "
            f"Got {thresholds!r}."
        )
    return [float(v) for v in values]


class _ConfusionMetric(Metric):
    """Shared state of Precision and Recall: true positives plus one error count."""

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        for arg, value in (("top_k", top_k), ("class_id", class_id)):
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, np.integer))
                or value < 0
                or (arg == "top_k" and value < 1)
            ):
                raise ConfigError(
                    f"The '{arg}' argument of {owner} must be a non-negative int or None "
                    f"(top_k >= 1). Got {value!r}."
                )
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else _NEG_INF
        chosen = default if thresholds is None else thresholds
        self.thresholds = np.array(_check_thresholds(owner, chosen))
        self._single = thresholds is None or np.ndim(thresholds) == 0
        self.reset_state()

    def reset_state(self) -> None:
        self.true_positives = np.zeros(len(self.thresholds))
        self.errors = np.zeros(len(self.thresholds))

    def _counts(self, y_true: Any, y_pred: Any, sample_weight: Any) -> tuple[np.ndarray, ...]:
        """Weighted (true positive, false positive, false negative) counts per threshold."""
        t, p = prepare_pair(self.name, y_true, y_pred)
        labels = _binary_labels(self.name, t)
        w = _weights(self.name, sample_weight, p.shape)
        if self.top_k is not None:
            keep = np.zeros(p.shape, dtype=bool)
            top = np.argsort(-p, axis=-1, kind="stable")[..., : self.top_k]
            np.put_along_axis(keep, top, True, axis=-1)
            p = np.where(keep, p, _NEG_INF)
        if self.class_id is not None:
            if self.class_id >= p.shape[-1]:
                raise ShapeError(
                    f"{self.name}: class_id={self.class_id} is out of range for y_pred of shape "
                    f"{p.shape}. Use a class id in [0, {p.shape[-1] - 1}]."
                )
            labels, p, w = labels[..., self.class_id], p[..., self.class_id], w[..., self.class_id]
        labels, p, w = labels.ravel(), p.ravel(), w.ravel()
        predicted = p[None, :] > self.thresholds[:, None]
        tp = (predicted & labels).astype(np.float64) @ w
        fp = (predicted & ~labels).astype(np.float64) @ w
        fn = (~predicted & labels).astype(np.float64) @ w
        return tp, fp, fn

    def result(self) -> float | np.ndarray:
        value = _divide_no_nan(self.true_positives, self.true_positives + self.errors)
        return float(value[0]) if self._single else value

    def get_config(self) -> dict[str, Any]:
        thresholds = self.init_thresholds
        if isinstance(thresholds, np.ndarray):
            thresholds = thresholds.tolist()
        config = {"thresholds": thresholds, "top_k": self.top_k, "class_id": self.class_id}
        return {**config, **super().get_config()}


@METRICS.register("precision", "Precision")
class Precision(_ConfusionMetric):
    """Precision: of the predicted positives, the fraction that are positive.

    Math:
        precision = TP / (TP + FP)      (0 before any predicted positive)

    Args:
        thresholds: a float or list of floats (default 0.5); a list gives one result each.
        top_k: count only each sample's ``top_k`` highest scores as predictions.
        class_id: score only this class (last-axis index) of multi-label data.
        name, dtype: see ``Metric``.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str = "precision",
        dtype: Any = None,
    ) -> None:
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        tp, fp, _ = self._counts(y_true, y_pred, sample_weight)
        self.true_positives += tp
        self.errors += fp

    @property
    def false_positives(self) -> np.ndarray:
        return self.errors


@METRICS.register("recall", "Recall")
class Recall(_ConfusionMetric):
    """Recall: of the actual positives, the fraction predicted positive.

    Math:
        recall = TP / (TP + FN)      (0 before any positive label)

    Args:
        thresholds, top_k, class_id, name, dtype: as in ``Precision``.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str = "recall",
        dtype: Any = None,
    ) -> None:
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        tp, _, fn = self._counts(y_true, y_pred, sample_weight)
        self.true_positives += tp
        self.errors += fn

    @property
    def false_negatives(self) -> np.ndarray:
        return self.errors


@METRICS.register("auc", "AUC")
class AUC(Metric):
    """Area under the ROC (default) or precision-recall curve, approximated as in Keras.

    The scores are bucketed at fixed thresholds (cheap and mergeable over batches), then the
    area under the curve through those points is summed. For the exact area over one dataset,
    use ``sklearn.metrics.roc_auc_score``; this metric agrees with it to about
    1/num_thresholds when the scores spread over [0, 1].

    Math:
        thresholds  = [-1e-7, 1/(T-1), 2/(T-1), ..., (T-2)/(T-1), 1 + 1e-7]
        TP_k, FP_k, TN_k, FN_k = weighted counts with y_pred > thresholds_k
        ROC:  x_k = FP_k / (FP_k + TN_k),  y_k = TP_k / (TP_k + FN_k)
              AUC = sum_k (x_k - x_{k+1}) * h_k,
              h_k = (y_k + y_{k+1}) / 2 (interpolation) | min (minoring) | max (majoring)
        PR (interpolation): Davis & Goadrich's interpolation between the points
              (precision = TP / (TP + FP) varies with TP + FP between thresholds).

    Args:
        num_thresholds: T, an int > 1 (default 200); ignored when ``thresholds`` is given.
        curve: ``'ROC'`` or ``'PR'``.
        summation_method: ``'interpolation'``, ``'minoring'`` or ``'majoring'``.
        name, dtype: see ``Metric``.
        thresholds: explicit thresholds in [0, 1] (the two end points are added).
        multi_label: compute one AUC per label (last axis) and average them, instead of
            flattening every label into one curve.
        num_labels: the number of labels when ``multi_label`` (checked against the data).
        label_weights: per-label weights: of each label's AUC (multi_label) or of each
            label's counts (flattened).
        from_logits: apply a sigmoid to ``y_pred`` first.

    Raises:
        ConfigError: for a bad ``num_thresholds``, ``curve``, ``summation_method`` or
            ``thresholds``.

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> m.result()
        0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str = "auc",
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._check(num_thresholds, curve, summation_method)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_check_thresholds("AUC", thresholds))
            if inner[0] < 0 or inner[-1] > 1:
                raise ConfigError(
                    f"The 'thresholds' argument of AUC must lie in [0, 1]. Got {thresholds!r}."
                )
            num_thresholds = len(inner) + 2
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds = num_thresholds
        self.thresholds = np.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        self.curve = curve.upper()
        self.summation_method = summation_method.lower()
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, float)
        self.from_logits = bool(from_logits)
        self.reset_state()

    @staticmethod
    def _check(num_thresholds: Any, curve: Any, summation_method: Any) -> None:
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)):
            num_ok = False
        else:
            num_ok = num_thresholds > 1
        checks = (
            ("num_thresholds", num_ok, "an int > 1", num_thresholds),
            ("curve", str(curve).upper() in ("ROC", "PR"), "'ROC' or 'PR'", curve),
            (
                "summation_method",
                str(summation_method).lower() in ("interpolation", "minoring", "majoring"),
                "'interpolation', 'minoring' or 'majoring'",
                summation_method,
            ),
        )
        for arg, ok, expected, value in checks:
            if not ok:
                raise ConfigError(f"The '{arg}' argument of AUC must be {expected}. Got {value!r}.")

    def reset_state(self) -> None:
        shape = (self.num_thresholds,) if not self.multi_label else (self.num_thresholds, 0)
        self.true_positives = np.zeros(shape)
        self.false_positives = np.zeros(shape)
        self.true_negatives = np.zeros(shape)
        self.false_negatives = np.zeros(shape)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        t, p = prepare_pair(self.name, y_true, y_pred)
        labels = _binary_labels(self.name, t)
        p = _stable_sigmoid(p.astype(np.float64)) if self.from_logits else p.astype(np.float64)
        if not self.from_logits and p.size and (p.min() < 0 or p.max() > 1):
            raise ValueError(
                f"{self.name}: expected y_pred of probabilities in [0, 1], got values in "
                f"[{p.min():.4g}, {p.max():.4g}]. Pass AUC(from_logits=True) for logits."
            )
        w = _weights(self.name, sample_weight, p.shape)
        if self.label_weights is not None and not self.multi_label:
            w = w * self._per_label(self.label_weights, p.shape[-1])
        # why: searchsorted counts the thresholds strictly below each score in one pass, so a
        # batch costs O(n log T) instead of the O(n T) of comparing against every threshold.
        bucket = np.searchsorted(self.thresholds, p, side="left")
        if self.multi_label:
            if self.num_labels is not None and p.shape[-1] != self.num_labels:
                raise ShapeError(
                    f"{self.name}: expected {self.num_labels} labels on the last axis of "
                    f"y_pred, got shape {p.shape}."
                )
            num = p.shape[-1]
            if self.true_positives.shape[1] not in (0, num):
                raise ShapeError(
                    f"{self.name}: expected {self.true_positives.shape[1]} labels on the last "
                    f"axis (as in earlier batches), got shape {p.shape}. Call reset_state() "
                    "between datasets with different labels."
                )
            offsets = np.arange(num) * (self.num_thresholds + 1)
            bucket = (bucket + offsets).reshape(-1)
            counts = (num, self.num_thresholds + 1)
        else:
            bucket, num, counts = bucket.reshape(-1), 1, (1, self.num_thresholds + 1)
        labels, w = labels.reshape(-1), w.reshape(-1)
        pos = np.bincount(bucket[labels], w[labels], minlength=num * counts[1])
        neg = np.bincount(bucket[~labels], w[~labels], minlength=num * counts[1])
        # tail[:, k] = weight of scores above threshold k (their bucket index is > k).
        pos_tail = np.cumsum(pos.reshape(counts)[:, ::-1], axis=1)[:, ::-1][:, 1:].T
        neg_tail = np.cumsum(neg.reshape(counts)[:, ::-1], axis=1)[:, ::-1][:, 1:].T
        pos_total, neg_total = pos.reshape(counts).sum(axis=1), neg.reshape(counts).sum(axis=1)
        if not self.multi_label:
            pos_tail, neg_tail = pos_tail[:, 0], neg_tail[:, 0]
            pos_total, neg_total = pos_total[0], neg_total[0]
        elif self.true_positives.shape[1] == 0:
            self.true_positives = np.zeros((self.num_thresholds, num))
            self.false_positives = np.zeros((self.num_thresholds, num))
            self.true_negatives = np.zeros((self.num_thresholds, num))
            self.false_negatives = np.zeros((self.num_thresholds, num))
        self.true_positives = self.true_positives + pos_tail
        self.false_negatives = self.false_negatives + (pos_total - pos_tail)
        self.false_positives = self.false_positives + neg_tail
        self.true_negatives = self.true_negatives + (neg_total - neg_tail)

    def _per_label(self, weights: np.ndarray, num: int) -> np.ndarray:
        if weights.shape != (num,):
            raise ShapeError(
                f"{self.name}: label_weights has shape {weights.shape} but y_pred has {num} "
                f"labels on its last axis. Give one weight per label."
            )
        return weights

    def _by_label(self, terms: np.ndarray) -> float:
        area = terms.sum(axis=0)
        if not self.multi_label:
            return float(area)
        if area.size == 0:
            return 0.0
        if self.label_weights is None:
            return float(area.mean())
        weights = self._per_label(self.label_weights, area.size)
        return float(_divide_no_nan(np.sum(area * weights), np.sum(weights)))

    def _interpolate_pr_auc(self) -> float:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(np.where(both, ratio, 1.0))
        terms = _divide_no_nan(
            slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0)
        )
        return self._by_label(terms)

    def result(self) -> float:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._by_label((x[:-1] - x[1:]) * heights)

    def get_config(self) -> dict[str, Any]:
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1].tolist()
        return {**config, **super().get_config()}
