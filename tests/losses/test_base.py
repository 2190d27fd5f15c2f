"""Loss base class: the target shape rule, reductions, sample weights, custom losses."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import losses, ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.losses.base import match_shapes, reduce_weighted_values


def _data(rng, shape=(6, 3)):
    return rng.normal(size=shape), rng.normal(size=shape)


# ---------------------------------------------------------------- shape rule
@pytest.mark.parametrize(
    "true_shape, pred_shape, expected",
    [
        ((32,), (32, 1), ((32, 1), (32, 1))),
        ((32, 1), (32,), ((32, 1), (32, 1))),
        ((8, 5, 1), (8, 5), ((8, 5), (8, 5))),
        ((8, 5), (8, 5, 1), ((8, 5), (8, 5))),
        ((32, 3), (32, 1), ((32, 3), (32, 1))),
        ((32,), (32, 4), ((32,), (32, 4))),
    ],
)
def test_match_shapes_applies_the_one_trailing_axis_rule(true_shape, pred_shape, expected):
    assert match_shapes(true_shape, pred_shape) == expected


def test_loss_mismatched_targets_raise_the_style_message():
    with pytest.raises(ShapeError) as err:
        losses.mean_squared_error(np.zeros((32, 3)), np.zeros((32, 1)))
    assert str(err.value) == (
        "mean_squared_error: y_true has shape (32, 3) but y_pred has shape (32, 1). They must "
        "match (a trailing axis of size 1 is the only difference allowed)."
    )


@pytest.mark.parametrize(
    "true_shape, pred_shape",
    [((4,), (5,)), ((4, 2), (4, 3)), ((4,), (4, 2)), ((4, 2, 1), (4, 3)), ((4, 1, 1), (4,))],
)
def test_loss_never_broadcasts_targets(true_shape, pred_shape):
    for fn in (losses.mean_squared_error, losses.binary_crossentropy, losses.hinge):
        with pytest.raises(ShapeError, match="They must match"):
            fn(np.zeros(true_shape), np.full(pred_shape, 0.5))


def test_loss_accepts_n_targets_with_n1_predictions():
    y_true, y_pred = np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [2.0]])
    out = losses.mean_squared_error(y_true, y_pred)
    np.testing.assert_allclose(out.numpy(), [0.25, 0.0, 1.0])
    np.testing.assert_allclose(losses.mean_squared_error(y_pred, y_true).numpy(), out.numpy())


def test_loss_scalar_prediction_raises():
    with pytest.raises(ShapeError, match="expected y_pred with a batch axis"):
        losses.mean_squared_error(1.0, 2.0)


def test_loss_rank1_pair_is_n_samples():
    out = losses.mean_absolute_error([0.0, 1.0, 2.0], [1.0, 1.0, 0.0])
    assert out.shape == (3,)
    np.testing.assert_allclose(out.numpy(), [1.0, 0.0, 2.0])


def test_loss_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="expected y_pred to be numbers"):
        losses.mean_squared_error([1.0], ["a"])
    with pytest.raises(TypeError, match="expected y_true to be numbers"):
        losses.mean_squared_error(["a"], [1.0])


# ---------------------------------------------------------------- reductions
@pytest.mark.parametrize(
    "reduction, reduce",
    [
        ("sum_over_batch_size", np.mean),
        ("mean", np.mean),
        ("sum", np.sum),
        ("mean_with_sample_weight", np.mean),
        ("none", lambda v: v),
        (None, lambda v: v),
    ],
)
def test_loss_reduction(rng, reduction, reduce):
    y_true, y_pred = _data(rng)
    per_sample = ((y_pred - y_true) ** 2).mean(-1)
    out = losses.MeanSquaredError(reduction=reduction)(y_true, y_pred)
    np.testing.assert_allclose(out.numpy(), reduce(per_sample), rtol=1e-5)


@pytest.mark.parametrize("weight_shape", [(6,), (6, 1)])
def test_loss_sample_weight_per_sample(rng, weight_shape):
    y_true, y_pred = _data(rng)
    w = rng.uniform(0, 2, size=weight_shape)
    per_sample = ((y_pred - y_true) ** 2).mean(-1) * w.reshape(-1)
    loss = losses.MeanSquaredError()
    np.testing.assert_allclose(loss(y_true, y_pred, w).item(), per_sample.mean(), rtol=1e-5)
    loss = losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(loss(y_true, y_pred, w).item(), per_sample.sum(), rtol=1e-5)
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    expected = per_sample.sum() / w.sum()
    np.testing.assert_allclose(loss(y_true, y_pred, w).item(), expected, rtol=1e-5)
    loss = losses.MeanSquaredError(reduction="none")
    np.testing.assert_allclose(loss(y_true, y_pred, w).numpy(), per_sample, rtol=1e-5)


def test_loss_sample_weight_scalar_and_per_value(rng):
    y_true, y_pred = _data(rng, (4, 5, 3))
    per_value = ((y_pred - y_true) ** 2).mean(-1)
    loss = losses.MeanSquaredError()
    np.testing.assert_allclose(loss(y_true, y_pred, 2.0).item(), 2 * per_value.mean(), rtol=1e-5)
    w = rng.uniform(size=(4, 5))
    np.testing.assert_allclose(loss(y_true, y_pred, w).item(), (per_value * w).mean(), rtol=1e-5)
    w = rng.uniform(size=(4,))
    expected = (per_value * w[:, None]).mean()
    np.testing.assert_allclose(loss(y_true, y_pred, w).item(), expected, rtol=1e-5)


def test_loss_sample_weight_wrong_shape_raises(rng):
    y_true, y_pred = _data(rng)
    with pytest.raises(ShapeError, match=r"sample_weight has shape \(5,\) but the losses have"):
        losses.MeanSquaredError()(y_true, y_pred, np.ones(5))
    with pytest.raises(TypeError, match="expected sample_weight to be numbers"):
        losses.MeanSquaredError()(y_true, y_pred, ["a"] * 6)


def test_loss_zero_weights_and_empty_batch_reduce_to_zero():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss([[1.0], [2.0]], [[0.0], [0.0]], sample_weight=[0.0, 0.0]).item() == 0.0
    assert losses.MeanSquaredError()(np.zeros((0, 2)), np.zeros((0, 2))).item() == 0.0


def test_loss_reduction_matches_torch_weighted_mean(rng):
    torch = pytest.importorskip("torch")
    y_true, y_pred = _data(rng)
    w = rng.uniform(0, 2, size=6)
    p = torch.tensor(y_pred.astype(np.float32), requires_grad=True)
    t, tw = torch.tensor(y_true.astype(np.float32)), torch.tensor(w.astype(np.float32))
    theirs = (torch.nn.functional.mse_loss(p, t, reduction="none").mean(-1) * tw).mean()
    theirs.backward()
    ours = glassnet.tensor(y_pred.astype(np.float32), requires_grad=True)
    value = losses.MeanSquaredError()(y_true, ours, sample_weight=w)
    value.backward()
    np.testing.assert_allclose(value.item(), theirs.item(), rtol=1e-5)
    np.testing.assert_allclose(ours.grad, p.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_loss_ignore_class_is_left_out_of_the_mean(rng):
    torch = pytest.importorskip("torch")
    labels = np.array([0, 2, 1, 2, 0, 1])
    logits = rng.normal(size=(6, 3))
    ours = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    theirs = torch.nn.functional.cross_entropy(
        torch.tensor(logits), torch.tensor(labels), ignore_index=2
    )
    np.testing.assert_allclose(ours(labels, logits).item(), theirs.item(), rtol=1e-5)
    per_sample = losses.sparse_categorical_crossentropy(labels, logits, True, ignore_class=2)
    assert per_sample.numpy()[[1, 3]].tolist() == [0.0, 0.0]
    total = losses.SparseCategoricalCrossentropy(True, ignore_class=2, reduction="sum")
    np.testing.assert_allclose(total(labels, logits).item(), per_sample.numpy().sum(), rtol=1e-6)


def test_reduce_weighted_values_unknown_reduction_raises():
    with pytest.raises(ConfigError, match="The 'reduction' argument of loss must be one of"):
        reduce_weighted_values(glassnet.tensor([1.0]), reduction="avg")


# ---------------------------------------------------------------- custom losses
def _squared_log(y_true, y_pred):
    return ops.mean((ops.log1p(y_pred) - ops.log1p(y_true)) ** 2, axis=-1)


def test_loss_plain_function_works_as_custom_loss(rng):
    y_true, y_pred = rng.uniform(0, 2, (5, 2)), rng.uniform(0.1, 2, (5, 2))
    loss = losses.get(_squared_log)
    assert isinstance(loss, losses.LossFunctionWrapper) and loss.name == "_squared_log"
    expected = losses.mean_squared_logarithmic_error(y_true, y_pred).numpy().mean()
    np.testing.assert_allclose(loss(y_true, y_pred).item(), expected, rtol=1e-5)
    glassnet.gradcheck(lambda p: loss(y_true, p), y_pred, atol=1e-7, rtol=1e-5)


def test_loss_wrapper_applies_the_shape_rule_before_the_function():
    seen = []

    def spy(y_true, y_pred):
        seen.append((y_true.shape, y_pred.shape))
        return ops.mean((y_pred - y_true) ** 2, axis=-1)

    losses.LossFunctionWrapper(spy)(np.zeros(4), np.ones((4, 1)))
    assert seen == [((4, 1), (4, 1))]


def test_loss_wrapper_accepts_numpy_results_and_scalars():
    wrapper = losses.LossFunctionWrapper(lambda t, p: np.float32(2.0), name="constant")
    assert wrapper(np.zeros(3), np.zeros(3)).item() == 2.0


def test_loss_wrapper_rejects_non_callables():
    with pytest.raises(TypeError, match="expected a function fn"):
        losses.LossFunctionWrapper("mse")


def test_loss_subclass_with_call():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            error = ops.abs(glassnet.tensor(y_pred) - glassnet.tensor(y_true))
            return ops.mean(error * error * error, axis=-1)

    loss = Cubed(reduction="sum")
    assert loss.name == "cubed"
    assert loss(np.array([[0.0], [0.0]]), np.array([[1.0], [2.0]])).item() == 9.0


def test_loss_base_call_must_be_defined():
    with pytest.raises(NotImplementedError, match="must define call"):
        losses.Loss()([1.0], [1.0])


def test_loss_unknown_reduction_raises():
    with pytest.raises(ConfigError, match="The 'reduction' argument of Huber must be one of"):
        losses.Huber(reduction="average")


def test_loss_wrapper_config_round_trip_needs_a_registered_function():
    wrapper = losses.LossFunctionWrapper(_squared_log, reduction="sum")
    config = wrapper.get_config()
    assert config == {"name": "_squared_log", "reduction": "sum", "fn": "_squared_log"}
    with pytest.raises(ConfigError, match="expected 'fn' to name a registered loss function"):
        losses.LossFunctionWrapper.from_config(config)
    registry = losses.LOSSES
    registry.register("squared_log_for_test")(_squared_log)
    try:
        rebuilt = losses.deserialize(losses.serialize(wrapper))
        assert rebuilt.fn is _squared_log and rebuilt.reduction == "sum"
        assert isinstance(losses.get("squared_log_for_test"), losses.LossFunctionWrapper)
    finally:
        del registry._entries["squared_log_for_test"]
