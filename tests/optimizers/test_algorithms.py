"""Each algorithm against torch.optim (conventions mapped) and against the Keras formulas.

Convention mappings used below (also in each class docstring):

- SGD momentum: Keras keeps v = momentum * v - lr * g, torch b = momentum * b + g and steps
  -lr * b; identical for a constant learning rate, so compared directly. With a schedule they
  differ, so that case is compared with a NumPy transcription of Keras.
- RMSprop and Adagrad: Keras puts epsilon inside the square root, torch outside; compared with
  epsilon = eps = 0 against torch, and with the default epsilon against NumPy Keras formulas.
  Adagrad's accumulator starts at 0.1 in Keras, 0 in torch: torch gets 0.1.
- Adam and AdamW: Keras adds epsilon to sqrt(v), torch to sqrt(v_hat); compared with
  epsilon = eps = 0 against torch, and with the default against a NumPy Keras transcription.
- Nadam: Keras's momentum schedule is 0.96 ** t, torch's 0.96 ** (t * momentum_decay):
  torch gets momentum_decay=1.0; epsilon placement is the same, so defaults are compared.
- Adadelta: the same equations; compared directly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet import optimizers as opt
from glassnet import schedules
from tests.optimizers._check import Quadratic, check_optimizer, run_glassnet

STYLES = ["keras", "torch"]


def _torch():
    return pytest.importorskip("torch")


# (id, glassnet factory, torch factory taking the torch module and the params)
TORCH_CASES = [
    ("sgd", lambda: opt.SGD(0.1), lambda t, p: t.optim.SGD(p, lr=0.1)),
    (
        "sgd_momentum",
        lambda: opt.SGD(0.1, momentum=0.9),
        lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9),
    ),
    (
        "sgd_nesterov",
        lambda: opt.SGD(0.05, momentum=0.8, nesterov=True),
        lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    ),
    (
        "rmsprop_eps0",
        lambda: opt.RMSprop(0.01, rho=0.9, epsilon=0.0),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),
    ),
    (
        "rmsprop_centered_momentum_eps0",
        lambda: opt.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True, epsilon=0.0),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.8, momentum=0.5, centered=True, eps=0.0),
    ),
    (
        "adagrad_eps0",
        lambda: opt.Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0),
        lambda t, p: t.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0),
    ),
    (
        "adadelta",
        lambda: opt.Adadelta(1.0, rho=0.9, epsilon=1e-6),
        lambda t, p: t.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
    (
        "adam_eps0",
        lambda: opt.Adam(0.01, epsilon=0.0),
        lambda t, p: t.optim.Adam(p, lr=0.01, eps=0.0),
    ),
    (
        "adam_amsgrad_eps0",
        lambda: opt.Adam(0.3, beta_2=0.5, amsgrad=True, epsilon=0.0),
        lambda t, p: t.optim.Adam(p, lr=0.3, betas=(0.9, 0.5), amsgrad=True, eps=0.0),
    ),
    (
        "adamw_eps0",
        lambda: opt.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
        lambda t, p: t.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=0.0),
    ),
    (
        "adam_weight_decay_is_adamw",
        lambda: opt.Adam(0.01, weight_decay=0.1, epsilon=0.0),
        lambda t, p: t.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=0.0),
    ),
    (
        "nadam",
        lambda: opt.Nadam(0.01),
        lambda t, p: t.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0),
    ),
    (
        "nadam_weight_decay",
        lambda: opt.Nadam(0.01, weight_decay=0.1),
        lambda t, p: t.optim.NAdam(
            p, lr=0.01, eps=1e-7, momentum_decay=1.0, weight_decay=0.1, decoupled_weight_decay=True
        ),
    ),
]


@pytest.mark.torch
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_optimizer_matches_torch(case, style):
    torch = _torch()
    _, make_ours, make_theirs = case
    check_optimizer(make_ours, lambda p: make_theirs(torch, p), style=style)


# ---------------------------------------------------------------- NumPy transcriptions of Keras
def keras_sgd(lr_fn, momentum=0.0, nesterov=False):
    """keras/src/optimizers/sgd.py: update_step, written out."""
    velocity = {}

    def update(params, grads, iteration):
        lr = lr_fn(iteration)
        for k, (w, g) in enumerate(zip(params, grads)):
            if momentum == 0:
                w -= lr * g
                continue
            m = velocity.setdefault(k, np.zeros_like(w))
            m[...] = m * momentum - g * lr
            w += m * momentum - g * lr if nesterov else m

    return update


def keras_rmsprop(lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    """keras/src/optimizers/rmsprop.py: update_step, written out."""
    state = {}

    def update(params, grads, iteration):
        for k, (w, g) in enumerate(zip(params, grads)):
            vel, mom, avg = state.setdefault(k, [np.zeros_like(w) for _ in range(3)])
            vel[...] = rho * vel + (1 - rho) * g**2
            if centered:
                avg[...] = rho * avg + (1 - rho) * g
                denominator = vel - avg**2 + epsilon
            else:
                denominator = vel + epsilon
            increment = lr * g / np.sqrt(denominator)
            if momentum > 0:
                mom[...] = momentum * mom + increment
                w -= mom
            else:
                w -= increment

    return update


def keras_adagrad(lr, initial_accumulator_value=0.1, epsilon=1e-7):
    """keras/src/optimizers/adagrad.py: update_step, written out."""
    accumulators = {}

    def update(params, grads, iteration):
        for k, (w, g) in enumerate(zip(params, grads)):
            acc = accumulators.setdefault(k, np.full_like(w, initial_accumulator_value))
            acc += g**2
            w -= lr * g / np.sqrt(acc + epsilon)

    return update


def keras_adadelta(lr, rho=0.95, epsilon=1e-7):
    """keras/src/optimizers/adadelta.py: update_step, written out."""
    state = {}

    def update(params, grads, iteration):
        for k, (w, g) in enumerate(zip(params, grads)):
            acc_g, acc_d = state.setdefault(k, [np.zeros_like(w), np.zeros_like(w)])
            acc_g[...] = rho * acc_g + (1 - rho) * g**2
            delta = -np.sqrt(acc_d + epsilon) * g / np.sqrt(acc_g + epsilon)
            acc_d[...] = rho * acc_d + (1 - rho) * delta**2
            w += lr * delta

    return update


def keras_adam(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None):
    """keras/src/optimizers/adam.py: update_step (and base weight decay), written out."""
    state = {}

    def update(params, grads, iteration):
        t = iteration + 1
        alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        for k, (w, g) in enumerate(zip(params, grads)):
            if weight_decay is not None:
                w[...] = w - w * weight_decay * lr
            m, v, v_hat = state.setdefault(k, [np.zeros_like(w) for _ in range(3)])
            m += (g - m) * (1 - beta_1)
            v += (g**2 - v) * (1 - beta_2)
            if amsgrad:
                v_hat[...] = np.maximum(v_hat, v)
            w -= m * alpha / (np.sqrt(v_hat if amsgrad else v) + epsilon)

    return update


def keras_nadam(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """keras/src/optimizers/nadam.py: _backend_update_step and update_step, written out."""
    state = {"u_product": 1.0}

    def update(params, grads, iteration):
        t = iteration + 1
        state["u_product"] *= beta_1 * (1.0 - 0.5 * 0.96**t)
        u_t = beta_1 * (1.0 - 0.5 * 0.96**t)
        u_t_1 = beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        u_product_t = state["u_product"]
        u_product_t_1 = u_product_t * u_t_1
        for k, (w, g) in enumerate(zip(params, grads)):
            m, v = state.setdefault(k, [np.zeros_like(w), np.zeros_like(w)])
            m += (g - m) * (1 - beta_1)
            v += (g**2 - v) * (1 - beta_2)
            m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product_t)
            v_hat = v / (1 - beta_2**t)
            w -= m_hat * lr / (np.sqrt(v_hat) + epsilon)

    return update


def _decay(lr, weight_decay, inner):
    """Keras's base-optimizer weight decay, then ``inner``'s update."""

    def update(params, grads, iteration):
        for w in params:
            w[...] = w - w * weight_decay * lr
        inner(params, grads, iteration)

    return update


_EXP = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)

# (id, glassnet factory, reference factory). A large epsilon makes its placement visible;
# the defaults are run too. References keep state in closures, so each run builds a new one.
KERAS_CASES = [
    ("sgd_momentum_schedule", lambda: opt.SGD(_EXP, momentum=0.9), lambda: keras_sgd(_EXP, 0.9)),
    (
        "sgd_nesterov_schedule",
        lambda: opt.SGD(_EXP, momentum=0.9, nesterov=True),
        lambda: keras_sgd(_EXP, 0.9, True),
    ),
    (
        "sgd_weight_decay",
        lambda: opt.SGD(0.1, weight_decay=0.2),
        lambda: _decay(0.1, 0.2, keras_sgd(lambda _: 0.1)),
    ),
    ("rmsprop_default", lambda: opt.RMSprop(), lambda: keras_rmsprop(0.001)),
    (
        "rmsprop_centered_momentum_eps",
        lambda: opt.RMSprop(0.01, momentum=0.9, centered=True, epsilon=1e-3),
        lambda: keras_rmsprop(0.01, momentum=0.9, centered=True, epsilon=1e-3),
    ),
    ("adagrad_default", lambda: opt.Adagrad(), lambda: keras_adagrad(0.001)),
    (
        "adagrad_eps",
        lambda: opt.Adagrad(0.1, epsilon=1e-2),
        lambda: keras_adagrad(0.1, epsilon=1e-2),
    ),
    ("adadelta_default", lambda: opt.Adadelta(), lambda: keras_adadelta(0.001)),
    ("adadelta_lr1", lambda: opt.Adadelta(1.0), lambda: keras_adadelta(1.0)),
    ("adam_default", lambda: opt.Adam(), lambda: keras_adam(0.001)),
    ("adam_eps", lambda: opt.Adam(0.01, epsilon=1e-3), lambda: keras_adam(0.01, epsilon=1e-3)),
    (
        "adam_amsgrad_eps",
        lambda: opt.Adam(0.3, beta_2=0.5, amsgrad=True, epsilon=1e-3),
        lambda: keras_adam(0.3, beta_2=0.5, amsgrad=True, epsilon=1e-3),
    ),
    ("adamw_default", lambda: opt.AdamW(), lambda: keras_adam(0.001, weight_decay=0.004)),
    ("nadam_default", lambda: opt.Nadam(), lambda: keras_nadam(0.001)),
    ("nadam_eps", lambda: opt.Nadam(0.01, epsilon=1e-3), lambda: keras_nadam(0.01, epsilon=1e-3)),
]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", KERAS_CASES, ids=[c[0] for c in KERAS_CASES])
def test_optimizer_matches_keras_formula(case, style):
    _, make_ours, make_reference = case
    check_optimizer(make_ours, make_reference(), is_torch=False, style=style)


# ---------------------------------------------------------------- stateless functions, directly
def zeros(state, name, like, fill=0.0):
    """The buffer ``name`` in ``state``, created as ``full_like(like, fill)`` on first use."""
    return state.setdefault(name, np.full_like(like, fill))


def _nadam_step(p, g, t, s):
    s["u"] = s.get("u", 1.0) * opt.nadam_momentum(0.9, t)
    opt.nadam_update(p, g, zeros(s, "m", p), zeros(s, "v", p), t, s["u"], 0.01, 0.9, 0.999, 1e-7)


# (id, step(param, grad, t, state), torch factory): each function run on raw arrays.
FN_CASES = [
    (
        "sgd_update",
        lambda p, g, t, s: opt.sgd_update(p, g, zeros(s, "v", p), 0.1, 0.9, True),
        lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    ),
    (
        "rmsprop_update",
        lambda p, g, t, s: opt.rmsprop_update(
            p, g, zeros(s, "v", p), 0.01, 0.9, 0.0, 0.5, zeros(s, "b", p), zeros(s, "a", p)
        ),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5, centered=True),
    ),
    (
        "adagrad_update",
        lambda p, g, t, s: opt.adagrad_update(p, g, zeros(s, "acc", p, 0.1), 0.1, 0.0),
        lambda t, p: t.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0),
    ),
    (
        "adadelta_update",
        lambda p, g, t, s: opt.adadelta_update(
            p, g, zeros(s, "s", p), zeros(s, "r", p), 1.0, 0.9, 1e-6
        ),
        lambda t, p: t.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
    (
        "adam_update",
        lambda p, g, t, s: opt.adam_update(
            p,
            g,
            zeros(s, "m", p),
            zeros(s, "v", p),
            t,
            0.3,
            0.9,
            0.5,
            0.0,
            True,
            v_hat=zeros(s, "vh", p),
        ),
        lambda t, p: t.optim.Adam(p, lr=0.3, betas=(0.9, 0.5), eps=0.0, amsgrad=True),
    ),
    (
        "nadam_update",
        _nadam_step,
        lambda t, p: t.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0),
    ),
]


@pytest.mark.torch
@pytest.mark.parametrize("case", FN_CASES, ids=[c[0] for c in FN_CASES])
def test_update_function_matches_torch(case):
    torch = _torch()
    _, step, make_torch = case
    problem = Quadratic(shapes=((5, 3),), seed=3)
    ours, state = problem.initial[0].copy(), {}
    theirs = torch.tensor(problem.initial[0], requires_grad=True)
    torch_opt = make_torch(torch, [theirs])
    for t in range(1, 6):
        step(ours, problem.grads([ours])[0], t, state)
        theirs.grad = torch.from_numpy(problem.grads([theirs.detach().numpy()])[0])
        torch_opt.step()
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-6, atol=1e-12)


def test_update_functions_need_their_buffers():
    p, g = np.ones(3), np.ones(3)
    with pytest.raises(ValueError, match="amsgrad=True needs a v_hat"):
        opt.adam_update(p, g, np.zeros(3), np.zeros(3), 1, 0.1, 0.9, 0.999, 1e-7, True)
    with pytest.raises(ValueError, match="momentum > 0 needs a momentum_buffer"):
        opt.rmsprop_update(p, g, np.zeros(3), 0.1, 0.9, 1e-7, momentum=0.5)


# ---------------------------------------------------------------- where Keras and torch differ
@pytest.mark.torch
def test_sgd_momentum_differs_from_torch_when_the_rate_changes():
    """Keras's velocity keeps the old learning rates; torch rescales its whole buffer."""
    torch = _torch()
    from tests.optimizers._check import run_torch

    problem = Quadratic()
    _, _, ours = run_glassnet(lambda: opt.SGD(_EXP, momentum=0.9), problem, 5)

    class ScheduledSGD:
        def __init__(self, params):
            self.optimizer = torch.optim.SGD(params, lr=0.1, momentum=0.9)
            self.scheduler = torch.optim.lr_scheduler.LambdaLR(
                self.optimizer, lambda s: _EXP(s) / 0.1
            )

        def step(self):
            self.optimizer.step()
            self.scheduler.step()

    theirs = run_torch(ScheduledSGD, problem, 5)
    np.testing.assert_allclose(ours[0][0], theirs[0][0], rtol=1e-12)  # same first step
    assert not np.allclose(ours[-1][0], theirs[-1][0], rtol=1e-6)


@pytest.mark.torch
def test_adam_default_epsilon_is_close_to_torch_with_mapped_epsilon():
    """Keras's epsilon is torch's eps * sqrt(1 - beta_2 ** t): near, not equal, for large v."""
    torch = _torch()
    check_optimizer(
        lambda: opt.Adam(0.01),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-7),
        rtol=1e-5,
        atol=1e-6,
    )


# ---------------------------------------------------------------- float32 stays float32
@pytest.mark.parametrize(
    "name", ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam"]
)
def test_float32_parameters_and_slots_stay_float32(name):
    problem = Quadratic()
    optimizer, params, history32 = run_glassnet(lambda: opt.get(name), problem, 5, dtype=np.float32)
    _, _, history64 = run_glassnet(lambda: opt.get(name), problem, 5)
    assert all(a.dtype == np.float32 for a in optimizer.get_state().values() if a.ndim)
    for ours, reference in zip(history32[-1], history64[-1]):
        np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-5)
