"""``timestep_importance``: which time steps of a sequence input a model's output depends on.

Perturbation (occlusion) importance, as the seed's LSTM forecasting example computes it by
hand: replace step t of every sample by a baseline value, predict again, and measure how much
the output (or, given targets, the loss) changes. No gradients are needed, so it works for
any model that predicts, recurrent or not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._constraints import Boolean, Interval, check_arguments, is_real
from glassnet.errors import ConfigError, ShapeError

__all__ = ["timestep_importance"]

_WHO = "timestep_importance"
BASELINES = ("mean", "zero", "step_mean", "permute")


def _numpy(value: Any) -> np.ndarray:
    if isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"{_WHO}: expected a model with one output, got {len(value)} outputs. Wrap the "
            "output you want: timestep_importance(lambda x: model.predict(x)[0], x)."
        )
    numpy = getattr(value, "numpy", None)
    return np.asarray(numpy() if callable(numpy) else value)


def _predictor(model: Any, batch_size: int) -> Any:
    predict = getattr(model, "predict", None)
    if callable(predict) and hasattr(model, "compile"):  # a glassnet/Keras model
        return lambda a: _numpy(predict(a, batch_size=batch_size, verbose=0))
    if callable(predict):
        return lambda a: _numpy(predict(a))
    if callable(model):
        return lambda a: _numpy(model(a))
    raise TypeError(
        f"{_WHO}: expected a model with predict(x), or a function of x, got {type(model).__name__}."
    )


def _baseline(x: np.ndarray, baseline: Any, seed: int) -> np.ndarray:
    """The values that replace x, one per element of x (broadcast to x's shape)."""
    if isinstance(baseline, str):
        if baseline == "mean":  # why: the seed's choice, each sample's own mean over time
            return np.broadcast_to(x.mean(axis=1, keepdims=True), x.shape)
        if baseline == "zero":
            return np.zeros_like(x)
        if baseline == "step_mean":
            return np.broadcast_to(x.mean(axis=0, keepdims=True), x.shape)
        if baseline == "permute":
            return x[np.random.default_rng(seed).permutation(len(x))]
        raise ConfigError(
            f"{_WHO}: unknown baseline {baseline!r}. Known: {', '.join(BASELINES)}, "
            "a number, or an array that broadcasts to x's shape."
        )
    if is_real(baseline):
        return np.full_like(x, baseline)
    values = np.asarray(baseline, dtype=x.dtype)
    try:
        return np.broadcast_to(values, x.shape)
    except ValueError:
        raise ShapeError(
            f"{_WHO}: expected a baseline array that broadcasts to x's shape {x.shape}, got "
            f"shape {values.shape}. Use (T, F) for one value per step and feature."
        ) from None


def _scorer(model: Any, y: Any, metric: Any, n: int) -> Any:
    """score(p, p0): mean |p - p0| without targets, else loss(y, p) - loss(y, p0)."""
    if y is None:
        if metric is not None:
            raise ConfigError(f"{_WHO}: metric={metric!r} needs targets; pass y too.")
        return lambda p, p0: float(np.mean(np.abs(p.astype(np.float64) - p0)))
    y = np.asarray(y)
    if len(y) != n:
        raise ShapeError(f"{_WHO}: expected y with one row per sample of x ({n}), got {len(y)}.")
    if metric is None:
        metric = getattr(model, "loss", None) or "mean_squared_error"
    if isinstance(metric, (list, tuple, dict)):
        raise ConfigError(f"{_WHO}: the model has one loss per output; pass metric= for one.")
    if isinstance(metric, str) or not callable(metric):
        from glassnet import losses

        metric = losses.get(metric)

    def loss(p: np.ndarray) -> float:
        return float(np.mean(_numpy(metric(y, p)), dtype=np.float64))

    return lambda p, p0: loss(p) - loss(p0)


def timestep_importance(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    baseline: str | float | np.ndarray = "mean",
    metric: Any = None,
    per_feature: bool = False,
    batch_size: int = 256,
    seed: int = 0,
) -> np.ndarray:
    """How much a model's prediction changes when one time step of its input is replaced.

    For each step t, every sample's step t is replaced by the baseline and the model predicts
    again. Without ``y`` the score is the mean absolute change of the output (the seed's
    ``analyze_lstm_importance``, over many samples at once); with ``y`` it is the increase of
    the loss, so it reads "how much worse the model gets without step t" and may be
    negative where a step misleads the model.

    Math:
        x_t        = x with x[:, t] replaced by baseline[:, t]
        without y: importance[t] = mean |f(x_t) - f(x)|
        with y:    importance[t] = metric(y, f(x_t)) - metric(y, f(x))

    Args:
        model: a model with ``predict`` (glassnet, Keras or scikit-learn style) or a function
            ``f(x)`` returning one array.
        x: inputs with time on axis 1, as the model takes them. Integer inputs are converted
            to float32.
        y: targets for ``x``; given, the score is the change of ``metric`` instead of the
            change of the output.
        baseline: what replaces a step: ``"mean"`` (each sample's mean over time, per
            feature), ``"zero"``, ``"step_mean"`` (the mean over the samples at that step),
            ``"permute"`` (the step of another sample: permutation importance), a number,
            or an array that broadcasts to x's shape.
        metric: a loss name or a function ``(y_true, y_pred) -> number``; default the
            model's compiled loss, else mean squared error. Only with ``y``.
        per_feature: score each (step, feature) pair alone; needs x of shape (N, T, F).
        batch_size: rows per prediction; several perturbed copies of x share one call.
        seed: seed of the permutation for ``baseline="permute"``.

    Shape:
        x: (N, T, ...).  Returns: (T,), or (T, F) with ``per_feature=True``.

    Returns:
        float64 scores, one per step (and feature). Step 0 is the oldest; step T - 1 the
        one just before the forecast.

    Raises:
        ShapeError: x without a time axis, y of another length, a baseline array of the
            wrong shape, or ``per_feature`` with x not (N, T, F).
        ConfigError: an unknown baseline or metric, metric without y, bad batch_size.
        TypeError: a model that cannot predict.
        ValueError: a model with several outputs.

    Example:
        >>> x = np.random.default_rng(0).normal(size=(8, 5, 1))
        >>> importance = timestep_importance(lambda a: a[:, 3, 0] * 2.0, x, baseline="zero")
        >>> importance.shape, int(importance.argmax()), float(importance[0])
        ((5,), 3, 0.0)
    """
    check_arguments(_WHO, {"per_feature": Boolean(), "batch_size": Interval(int, 1),
                           "seed": Interval(int, 0)},
                    per_feature=per_feature, batch_size=batch_size, seed=seed)  # fmt: skip
    x = np.asarray(x)
    if x.dtype.kind not in "f":
        x = x.astype(np.float32)
    if x.ndim < 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ShapeError(
            f"{_WHO}: expected x of shape (N, T, ...) with time on axis 1, got {x.shape}. "
            "For one sample of shape (T, F), pass x[None]."
        )
    if per_feature and x.ndim != 3:
        raise ShapeError(f"{_WHO}: per_feature=True needs x of shape (N, T, F), got {x.shape}.")
    predict = _predictor(model, int(batch_size))
    score = _scorer(model, y, metric, len(x))
    base = _baseline(x, baseline, int(seed))
    cells = np.ndindex(x.shape[1:3]) if per_feature else ((t,) for t in range(x.shape[1]))
    cells = list(cells)
    reference = predict(x)
    scores = np.empty(len(cells))
    per_call = max(1, int(batch_size) // len(x))
    for first in range(0, len(cells), per_call):
        group = cells[first : first + per_call]
        copies = np.repeat(x[None], len(group), axis=0)
        for g, cell in enumerate(group):
            where = (slice(None), *cell)
            copies[(g, *where)] = base[where]
        out = predict(copies.reshape(-1, *x.shape[1:]))
        out = out.reshape(len(group), len(x), *out.shape[1:])
        for g in range(len(group)):
            scores[first + g] = score(out[g], reference)
    return scores.reshape(x.shape[1:3] if per_feature else x.shape[1])
