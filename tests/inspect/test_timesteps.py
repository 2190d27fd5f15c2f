"""timestep_importance: perturbation importance per time step, by hand and on a trained LSTM."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import keras
from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect import timestep_importance


def _x(n: int = 6, t: int = 4, f: int = 2) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, t, f))


def test_output_change_by_hand_for_each_baseline():
    x = _x()

    def f(a):
        return 2.0 * a[:, 1, 0] + a[:, 3, 1] ** 2

    reference = f(x)
    for baseline, base in [
        ("zero", np.zeros_like(x)),
        ("mean", np.broadcast_to(x.mean(axis=1, keepdims=True), x.shape)),
        ("step_mean", np.broadcast_to(x.mean(axis=0, keepdims=True), x.shape)),
        (0.5, np.full_like(x, 0.5)),
        (np.arange(8.0).reshape(4, 2), np.broadcast_to(np.arange(8.0).reshape(4, 2), x.shape)),
    ]:
        expected = []
        for t in range(4):
            changed = x.copy()
            changed[:, t] = base[:, t]
            expected.append(np.abs(f(changed) - reference).mean())
        got = timestep_importance(f, x, baseline=baseline)
        np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=str(baseline))
        assert got[0] == got[2] == 0.0


def test_permute_baseline_swaps_steps_between_samples():
    x = _x(n=5)
    perm = np.random.default_rng(3).permutation(5)
    changed = x.copy()
    changed[:, 2] = x[perm, 2]
    got = timestep_importance(lambda a: a.sum(axis=(1, 2)), x, baseline="permute", seed=3)
    expected = np.abs(changed.sum(axis=(1, 2)) - x.sum(axis=(1, 2))).mean()
    np.testing.assert_allclose(got[2], expected)


def test_per_feature_scores_each_step_and_feature():
    x = _x()
    got = timestep_importance(lambda a: 3.0 * a[:, 2, 1], x, baseline="zero", per_feature=True)
    assert got.shape == (4, 2)
    expected = np.zeros((4, 2))
    expected[2, 1] = 3.0 * np.abs(x[:, 2, 1]).mean()
    np.testing.assert_allclose(got, expected)


def test_with_targets_the_score_is_the_loss_increase():
    x = _x()
    y = x[:, 1, :1] * 2.0

    def f(a):
        return a[:, 1, :1] * 2.0  # a perfect model: loss 0 on x

    got = timestep_importance(f, x, y, baseline="zero")
    np.testing.assert_allclose(got, [0.0, np.mean(y**2), 0.0, 0.0], rtol=1e-6)
    mae = timestep_importance(f, x, y, baseline="zero", metric="mae")
    np.testing.assert_allclose(mae[1], np.abs(y).mean(), rtol=1e-6)
    custom = timestep_importance(f, x, y, baseline="zero", metric=lambda t, p: np.max(t - p))
    np.testing.assert_allclose(custom[1], np.max(y))


def test_small_batch_size_gives_the_same_scores():
    x = _x(n=7, t=5)
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3), keras.layers.Dense(2)])
    whole = timestep_importance(model, x, batch_size=256)  # five copies of x per predict
    one = timestep_importance(model, x, batch_size=1)  # one copy per predict
    np.testing.assert_allclose(whole, one, rtol=1e-5)
    assert whole.shape == (5,) and np.all(whole > 0)


def test_trained_lstm_puts_its_importance_on_the_steps_the_target_uses():
    # target = x[:, 3] - x[:, 7]: only steps 3 and 7 matter.
    glassnet.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1024, 10, 1)).astype(np.float32)
    model = keras.Sequential([keras.Input((10, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, x[:, 3] - x[:, 7], epochs=25, batch_size=32, verbose=0)
    x_test = rng.normal(size=(200, 10, 1)).astype(np.float32)
    y_test = x_test[:, 3] - x_test[:, 7]

    change = timestep_importance(model, x_test)  # the seed's score: mean |output change|
    assert set(np.argsort(change)[-2:]) == {3, 7}
    assert min(change[3], change[7]) > 10 * np.delete(change, [3, 7]).max()
    # Removing step 3 or 7 (mean ~ 0) costs its variance, 1, in MSE (seeds 0-3: 0.98-1.03);
    # the other steps cost nothing (|score| <= 0.003).
    loss_up = timestep_importance(model, x_test, y_test)
    np.testing.assert_allclose(loss_up[[3, 7]], [1.0, 1.0], atol=0.15)
    assert np.abs(np.delete(loss_up, [3, 7])).max() < 0.03


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.zeros(5),), {}, ShapeError,
         r"timestep_importance: expected x of shape \(N, T, \.\.\.\) .* got \(5,\)\. For one "
         r"sample of shape \(T, F\), pass x\[None\]"),
        ((np.zeros((0, 3, 1)),), {}, ShapeError, r"expected x of shape .* got \(0, 3, 1\)"),
        ((np.zeros((2, 3)),), {"per_feature": True}, ShapeError,
         r"per_feature=True needs x of shape \(N, T, F\), got \(2, 3\)"),
        ((np.zeros((2, 3, 1)), np.zeros(3)), {}, ShapeError,
         r"expected y with one row per sample of x \(2\), got 3"),
        ((np.zeros((2, 3, 1)),), {"baseline": "median"}, ConfigError,
         r"unknown baseline 'median'. Known: mean, zero, step_mean, permute, a number"),
        ((np.zeros((2, 3, 1)),), {"baseline": np.zeros((4, 1))}, ShapeError,
         r"expected a baseline array that broadcasts to x's shape \(2, 3, 1\), got shape \(4, 1\)"),
        ((np.zeros((2, 3, 1)),), {"metric": "mse"}, ConfigError,
         r"metric='mse' needs targets; pass y too"),
        ((np.zeros((2, 3, 1)),), {"batch_size": 0}, ConfigError,
         r"The 'batch_size' argument of timestep_importance must be an int >= 1"),
        ((np.zeros((2, 3, 1)),), {"per_feature": "yes"}, ConfigError,
         r"The 'per_feature' argument of timestep_importance must be a bool"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        timestep_importance(lambda a: a.sum(axis=1), *args, **kwargs)


def test_bad_models_are_named():
    with pytest.raises(TypeError, match="expected a model with predict\\(x\\), or a function"):
        timestep_importance(42, np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match="expected a model with one output, got 2 outputs"):
        timestep_importance(lambda a: [a, a], np.zeros((2, 3, 1)))
    with pytest.raises(ConfigError, match="one loss per output; pass metric="):
        model = type("TwoLosses", (), {"loss": ["mse", "mae"]})()
        model.predict = lambda a: a.sum(axis=1)
        timestep_importance(model, np.zeros((2, 3, 1)), np.zeros((2, 1)))
