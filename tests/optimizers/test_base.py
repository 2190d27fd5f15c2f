"""The Optimizer machinery: clipping, weight decay, both loops, state, config, errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import optimizers as opt
from glassnet import schedules
from glassnet.errors import ConfigError, ShapeError, StateError
from tests.optimizers._check import Quadratic, check_optimizer, run_glassnet

NAMES = ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam"]


def _param(values, name=None):
    return glassnet.Tensor(np.array(values, dtype=np.float64), requires_grad=True, name=name)


# ---------------------------------------------------------------- clipping
def test_clip_by_norm_rescales_only_large_gradients():
    big, small = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    np.testing.assert_allclose(opt.clip_by_norm(big, 1.0), [0.6, 0.8], rtol=1e-12)
    assert opt.clip_by_norm(small, 1.0) is small


def test_clip_by_global_norm_uses_the_joint_norm():
    grads = [np.array([3.0]), np.array([[4.0]])]
    clipped = opt.clip_by_global_norm(grads, 1.0)
    np.testing.assert_allclose(np.concatenate([g.ravel() for g in clipped]), [0.6, 0.8])
    assert opt.clip_by_global_norm(grads, 10.0) is grads


def test_clip_by_value():
    np.testing.assert_array_equal(
        opt.clip_by_value(np.array([-2.0, 0.1, 3.0]), 0.5), [-0.5, 0.1, 0.5]
    )


class _ClippedTorch:
    """A torch optimizer that clips its gradients first (the order Keras uses)."""

    def __init__(self, torch, params, clip):
        self.params, self.clip = params, clip
        self.optimizer = torch.optim.Adam(params, lr=0.1, eps=0.0)

    def step(self):
        self.clip(self.params)
        self.optimizer.step()


def _torch_clips(torch):
    utils = torch.nn.utils
    return {
        # clip_grad_norm_ divides by (norm + 1e-6): 1e-7 relative here, inside the tolerance.
        "clipnorm": lambda ps: [utils.clip_grad_norm_([p], 2.0) for p in ps],
        "global_clipnorm": lambda ps: utils.clip_grad_norm_(ps, 2.0),
        "clipvalue": lambda ps: utils.clip_grad_value_(ps, 0.5),
    }


@pytest.mark.torch
@pytest.mark.parametrize("style", ["keras", "torch"])
@pytest.mark.parametrize("kind", ["clipnorm", "global_clipnorm", "clipvalue"])
def test_clipping_matches_torch_utils(kind, style):
    torch = pytest.importorskip("torch")
    value = 0.5 if kind == "clipvalue" else 2.0
    clip = _torch_clips(torch)[kind]
    check_optimizer(
        lambda: opt.Adam(0.1, epsilon=0.0, **{kind: value}),
        lambda params: _ClippedTorch(torch, params, clip),
        style=style,
    )


@pytest.mark.parametrize("kind", ["clipnorm", "global_clipnorm", "clipvalue"])
def test_clipping_leaves_the_callers_gradients_alone(kind):
    w = _param([30.0, -40.0])
    w.grad = np.array([30.0, -40.0])
    optimizer = opt.SGD(1.0, params=[w], **{kind: 1.0})
    optimizer.step()
    np.testing.assert_array_equal(w.grad, [30.0, -40.0])
    assert np.abs(w.data - [30.0, -40.0]).max() <= 1.0 + 1e-12


# ---------------------------------------------------------------- weight decay
def test_weight_decay_is_decoupled_and_uses_the_current_rate():
    w = _param([1.0, -2.0])
    schedule = schedules.PiecewiseConstantDecay([0], [0.1, 0.05])
    optimizer = opt.SGD(schedule, weight_decay=0.5)
    for lr in (0.1, 0.05):
        before = w.data.copy()
        optimizer.apply_gradients([(np.array([0.2, 0.2]), w)])
        np.testing.assert_allclose(w.data, before - before * 0.5 * lr - lr * 0.2, rtol=1e-12)


def test_exclude_from_weight_decay_by_name_and_by_parameter():
    kernel, bias, other = _param([1.0], "dense/kernel"), _param([1.0], "dense/bias"), _param([1.0])
    optimizer = opt.AdamW(0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    assert optimizer._decays(kernel)
    assert not optimizer._decays(bias)
    assert not optimizer._decays(other)


# ---------------------------------------------------------------- the PyTorch-style loop
def _least_squares(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    w_true = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
    y = x @ w_true + 0.3
    return glassnet.tensor(x), glassnet.tensor(y), w_true


@pytest.mark.parametrize(
    "make", [lambda p: opt.Adam(learning_rate=0.05, params=p), lambda p: opt.SGD(0.1, params=p)]
)
def test_pytorch_style_loop_converges_on_least_squares(make):
    x, y, w_true = _least_squares()
    w = glassnet.tensor(np.zeros((3, 1), np.float32), requires_grad=True)
    b = glassnet.tensor(np.zeros((1,), np.float32), requires_grad=True)
    optimizer = make([w, b])
    data, view = w.data, w.data[1]
    for _ in range(400):
        optimizer.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        optimizer.step()
    assert loss.item() < 1e-6
    np.testing.assert_allclose(w.data, w_true, atol=1e-3)
    np.testing.assert_allclose(b.data, [0.3], atol=1e-3)
    assert w.data is data and w.dtype == np.float32
    assert view[0] == w.data[1, 0]  # a view taken before training sees the new values
    assert optimizer.iterations == 400


def test_zero_grad_and_step_skip_parameters_without_gradients():
    a, b = _param([1.0, 2.0]), _param([3.0])
    optimizer = opt.Adam(0.1, params=[a, b])
    a.grad, b.grad = np.array([1.0, 1.0]), np.array([1.0])
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None
    a.grad = np.array([1.0, -1.0])
    optimizer.step()
    assert b.data[0] == 3.0
    assert list(optimizer.get_state()) == ["iterations", "learning_rate", "adam/m/0", "adam/v/0"]
    assert optimizer.iterations == 1


def test_attach_keeps_first_positions_and_accepts_a_generator():
    a, b, c = _param([1.0]), _param([2.0]), _param([3.0])
    optimizer = opt.SGD(params=(p for p in [a, b]))
    optimizer.attach([b, c, a])
    assert optimizer.params == [a, b, c]
    assert opt.SGD().attach(a).params == [a]


def test_apply_gradients_then_step_share_indices():
    a, b = _param([1.0]), _param([2.0])
    optimizer = opt.SGD(0.1, momentum=0.9)
    optimizer.apply_gradients([(np.array([1.0]), b), (np.array([1.0]), a)])
    assert optimizer.params == [b, a]
    assert sorted(optimizer.get_state()) == [
        "iterations",
        "learning_rate",
        "sgd/momentum/0",
        "sgd/momentum/1",
    ]
    b.grad = np.array([1.0])
    optimizer.step()
    assert optimizer.iterations == 2


def test_gradients_are_cast_to_the_parameter_dtype():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    opt.Adam(0.1).apply_gradients([(np.array([0.5, 0.5], np.float64), w)])
    assert w.dtype == np.float32


# ---------------------------------------------------------------- learning rate
def test_learning_rate_is_settable_between_steps():
    w = _param([1.0])
    optimizer = opt.SGD(0.1, params=[w])
    optimizer.learning_rate = 0.05
    assert optimizer.learning_rate == 0.05
    w.grad = np.array([1.0])
    optimizer.step()
    assert w.data[0] == pytest.approx(0.95)
    assert optimizer.get_state()["learning_rate"] == 0.05


def test_schedule_is_called_with_iterations():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    w = _param([0.0])
    optimizer = opt.SGD(schedule, params=[w])
    for step in range(3):
        assert optimizer.learning_rate == pytest.approx(0.1 * 0.5**step)
        w.grad = np.array([1.0])
        optimizer.step()
    assert w.data[0] == pytest.approx(-(0.1 + 0.05 + 0.025))


def test_plain_callable_learning_rate_gets_the_step():
    optimizer = opt.Adam(lambda step: 0.01 / (step + 1))
    optimizer.iterations = 4
    assert optimizer.learning_rate == pytest.approx(0.002)


def test_learning_rate_setter_errors():
    optimizer = opt.Adam(schedules.ExponentialDecay(0.1, 10, 0.9))
    with pytest.raises(TypeError, match="the learning rate is a schedule"):
        optimizer.learning_rate = 0.01
    with pytest.raises(ConfigError, match="must be a float > 0. Got -1"):
        opt.Adam().learning_rate = -1
    optimizer.learning_rate = schedules.StepDecay(0.1)
    assert optimizer.learning_rate == 0.1


# ---------------------------------------------------------------- state
STATE_CASES = {
    "sgd_momentum": lambda: opt.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop_centered_momentum": lambda: opt.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: opt.Adagrad(0.1),
    "adadelta": lambda: opt.Adadelta(1.0),
    "adam_amsgrad_schedule": lambda: opt.Adam(
        schedules.CosineDecay(0.1, 10), amsgrad=True, clipnorm=1.0
    ),
    "adamw": lambda: opt.AdamW(0.01, weight_decay=0.1),
    "nadam": lambda: opt.Nadam(0.01),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(STATE_CASES))
def test_set_state_resumes_bit_identically(name, dtype):
    make, problem = STATE_CASES[name], Quadratic()
    first, params, history = run_glassnet(make, problem, 3, dtype=dtype)
    state = {k: v.copy() for k, v in first.get_state().items()}  # as a file would hold them
    for _ in range(2):
        first.apply_gradients(zip(problem.grads([p.data for p in params]), params))

    resumed = [glassnet.Tensor(w.copy(), requires_grad=True) for w in history[-1]]
    second = make()
    second.attach(resumed)
    second.set_state(state)
    for _ in range(2):
        grads = problem.grads([p.data for p in resumed])
        for p, g in zip(resumed, grads):
            p.grad = g.astype(dtype)
        second.step()
    for ours, theirs in zip(resumed, params):
        assert np.array_equal(ours.data, theirs.data)
    assert second.iterations == first.iterations == 5
    assert second.get_state().keys() == first.get_state().keys()


def test_state_names_are_deterministic():
    w, b = _param(np.zeros((2, 2))), _param([0.0])
    optimizer = opt.Adam(amsgrad=True, params=[w, b])
    for p in (w, b):
        p.grad = np.ones(p.shape)
    optimizer.step()
    state = optimizer.get_state()
    assert list(state) == [
        "iterations",
        "learning_rate",
        "adam/m/0",
        "adam/v/0",
        "adam/v_hat/0",
        "adam/m/1",
        "adam/v/1",
        "adam/v_hat/1",
    ]
    assert state["iterations"].dtype == np.int64 and state["adam/m/0"].shape == (2, 2)
    assert "nadam/u_product" in opt.Nadam().get_state()


def test_set_state_before_attach_is_checked_on_first_use():
    w = _param([1.0, 2.0])
    optimizer = opt.SGD(0.1, momentum=0.9)
    optimizer.set_state({"iterations": np.array(2), "sgd/momentum/0": np.ones(3)})
    w.grad = np.ones(2)
    optimizer.attach([w])
    with pytest.raises(StateError, match="has shape \\(3,\\) but parameter 0 has shape \\(2,\\)"):
        optimizer.step()


def test_set_state_errors_leave_the_optimizer_unchanged():
    w = _param([1.0, 2.0])
    optimizer = opt.Adam(params=[w])
    with pytest.raises(ConfigError, match="expected an 'iterations' entry"):
        optimizer.set_state({})
    with pytest.raises(ConfigError, match="unknown entry 'sgd/momentum/0'.*another optimizer"):
        optimizer.set_state({"iterations": np.array(3), "sgd/momentum/0": np.zeros(2)})
    with pytest.raises(ShapeError, match="'adam/m/0' has shape \\(3,\\) but parameter 0"):
        optimizer.set_state({"iterations": np.array(3), "adam/m/0": np.zeros(3)})
    with pytest.raises(TypeError, match="is a schedule"):
        opt.Adam(schedules.StepDecay(0.1)).set_state(
            {"iterations": np.array(1), "learning_rate": np.array(0.1)}
        )
    assert optimizer.iterations == 0 and optimizer.get_state().keys() == {
        "iterations",
        "learning_rate",
    }


# ---------------------------------------------------------------- registry and config
KERAS_DEFAULTS = {
    "sgd": {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "rmsprop": {
        "learning_rate": 0.001,
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-7,
        "centered": False,
    },
    "adam": {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
        "amsgrad": False,
    },
    "adamw": {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "epsilon": 1e-7},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
}


@pytest.mark.parametrize("name", NAMES)
def test_get_returns_a_fresh_instance_with_keras_defaults(name):
    first, second = opt.get(name), opt.get(name.upper())
    assert first is not second and type(first) is type(second)
    config = first.get_config()
    for key, value in KERAS_DEFAULTS[name].items():
        assert config[key] == value, key
    assert config["clipnorm"] is None and config["clipvalue"] is None
    assert config["global_clipnorm"] is None


def test_get_errors_and_pass_through():
    with pytest.raises(ConfigError) as info:
        opt.get("adma")
    assert str(info.value) == (
        "Unknown optimizer 'adma'. Known: adadelta, adagrad, adam, adamw, nadam, rmsprop, "
        "sgd. Did you mean 'adam'?"
    )
    instance = opt.SGD()
    assert opt.get(instance) is instance
    with pytest.raises(TypeError, match="expected an optimizer name"):
        opt.get(3)
    with pytest.raises(ConfigError, match="expected a dict with 'class_name'"):
        opt.deserialize({"config": {}})


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip(name):
    original = opt.get(name)
    clone = type(original).from_config(original.get_config())
    assert clone.get_config() == original.get_config()
    again = opt.deserialize(opt.serialize(original))
    assert type(again) is type(original) and again.get_config() == original.get_config()
    assert opt.serialize(original)["class_name"] == type(original).__name__


def test_config_round_trip_with_schedule_and_keras_keys():
    original = opt.Adam(schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=5))
    config = original.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    keras_config = {**config, "use_ema": False, "ema_momentum": 0.99, "loss_scale_factor": None}
    clone = opt.Adam.from_config(keras_config)
    assert clone.get_config() == config
    assert clone.learning_rate == original.learning_rate == 0.1
    with pytest.raises(ConfigError, match="expected use_ema=False, got True"):
        opt.Adam.from_config({**config, "use_ema": True})
    with pytest.raises(TypeError, match="A plain function cannot be saved"):
        opt.Adam(lambda step: 0.1).get_config()
    assert "learning_rate=<function" in repr(opt.Adam(lambda step: 0.1))


# ---------------------------------------------------------------- constructor errors
# (class, the one bad argument, what the message says after "must be")
ARGUMENT_ERRORS = [
    (opt.Adam, {"learning_rate": -0.1}, "a float > 0. Got -0.1."),
    (opt.Adam, {"learning_rate": "fast"}, "a float > 0. Got 'fast'."),
    (opt.SGD, {"momentum": 1.5}, "a float in [0, 1]. Got 1.5."),
    (opt.SGD, {"nesterov": "yes"}, "a bool. Got 'yes'."),
    (opt.RMSprop, {"rho": 1.0}, "a float in [0, 1). Got 1.0."),
    (opt.RMSprop, {"epsilon": -1e-7}, "a float >= 0. Got -1e-07."),
    (opt.RMSprop, {"centered": None}, "a bool. Got None."),
    (opt.Adagrad, {"initial_accumulator_value": -0.1}, "a float >= 0. Got -0.1."),
    (opt.Adadelta, {"rho": -0.5}, "a float in [0, 1). Got -0.5."),
    (opt.Adam, {"beta_1": 1.0}, "a float in [0, 1). Got 1.0."),
    (opt.Adam, {"beta_2": float("nan")}, "a float in [0, 1). Got nan."),
    (opt.Adam, {"amsgrad": 1}, "a bool. Got 1."),
    (opt.AdamW, {"weight_decay": None}, "a float >= 0. Got None."),
    (opt.Nadam, {"epsilon": "small"}, "a float >= 0. Got 'small'."),
    (opt.Adam, {"weight_decay": -0.1}, "None or a float >= 0. Got -0.1."),
    (opt.Adam, {"clipnorm": 0}, "None or a float > 0. Got 0."),
    (opt.Adam, {"clipvalue": -1.0}, "None or a float > 0. Got -1.0."),
    (opt.SGD, {"global_clipnorm": True}, "None or a float > 0. Got True."),
]


@pytest.mark.parametrize(
    "cls, kwargs, rule", ARGUMENT_ERRORS, ids=[f"{c.__name__}-{k}" for c, k, _ in ARGUMENT_ERRORS]
)
def test_constructor_argument_errors(cls, kwargs, rule):
    (name,) = kwargs
    with pytest.raises(ConfigError) as info:
        cls(**kwargs)
    assert str(info.value) == f"The '{name}' argument of {cls.__name__} must be {rule}"


def test_learning_rate_error_message_is_exact():
    with pytest.raises(ConfigError) as info:
        opt.Adam(learning_rate=-0.1)
    assert str(info.value) == "The 'learning_rate' argument of Adam must be a float > 0. Got -0.1."


def test_only_one_clipping_argument():
    with pytest.raises(ConfigError) as info:
        opt.Adam(clipnorm=1.0, clipvalue=0.5)
    assert str(info.value) == (
        "Adam: expected at most one of clipnorm, clipvalue and global_clipnorm, got "
        "clipnorm=1.0, clipvalue=0.5. Keep the one you want."
    )


# ---------------------------------------------------------------- stepping errors
def test_apply_gradients_errors():
    w = _param([1.0, 2.0], name="kernel")
    optimizer = opt.Adam()
    with pytest.raises(ShapeError, match="gradient of parameter 'kernel' to have shape \\(2,\\)"):
        optimizer.apply_gradients([(np.ones(3), w)])
    with pytest.raises(TypeError, match="expected parameters to be glassnet Tensors"):
        optimizer.apply_gradients([(np.ones(2), np.ones(2))])
    with pytest.raises(TypeError, match="floating-point leaf tensor"):
        optimizer.apply_gradients([(np.ones(2), w * 2)])
    with pytest.raises(TypeError, match="floating-point leaf tensor"):
        optimizer.attach([glassnet.tensor([1, 2])])
    with pytest.raises(ValueError, match="got None for every parameter"):
        optimizer.apply_gradients([(None, w)])
    other = _param([0.0])
    with pytest.warns(UserWarning, match="no gradient for parameters \\['kernel'\\]"):
        optimizer.apply_gradients([(None, w), (np.ones(1), other)])
    assert np.array_equal(w.data, [1.0, 2.0]) and other.data[0] != 0.0


def test_step_errors():
    with pytest.raises(StateError, match="expected attached parameters, got none"):
        opt.SGD().step()
    with pytest.raises(StateError, match="Call loss.backward\\(\\) before step\\(\\)"):
        opt.SGD(params=[_param([1.0])]).step()


def test_base_class_needs_update_step():
    w = _param([1.0])
    w.grad = np.ones(1)
    with pytest.raises(NotImplementedError, match="must implement update_step"):
        opt.Optimizer(0.1, params=[w]).step()


def test_import_order_has_no_cycle():
    import subprocess
    import sys

    for module in ("glassnet.schedules", "glassnet.optimizers"):
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
