"""Recurrent ops: a whole SimpleRNN, LSTM or GRU layer over a sequence as one graph node.

Each op runs the recurrence in a Python loop over time whose steps are whole-array NumPy
calls (one matrix product for all gates of a step, then the element-wise gate maths). Its
backward pass is backpropagation through time written out by hand: one reverse loop over the
steps for the state gradients, then the weight gradients summed over all steps and samples in
a single product (layout: ``ops/_recurrent_core.py``). One node per layer, instead of a dozen
per step, is what lets a NumPy LSTM train near the speed of PyTorch's fused kernel
(benchmarks/README.md, workload ``lstm``). The composed cells of ``glassnet.layers``
(``LSTMCell`` and friends, built from primitive ops) compute the same thing step by step and
are the reference these ops are tested against, with PyTorch.

Weights use Keras's layout: kernel (F, G*U), recurrent_kernel (U, G*U), gate blocks in the
order LSTM [i, f, c, o], GRU [z, r, h] (``glassnet.layers.recurrent.torch_layout`` maps them
to PyTorch's).

Masking: ``mask`` (N, T) bool. Where ``mask[n, t]`` is False the step is skipped for sample n:
its states are carried over unchanged (h_t = h_{t-1}, c_t = c_{t-1}), Keras's rule. The ops
return these carried states; what a layer shows at masked steps is the layer's business.

Activations: 'tanh', 'sigmoid', 'relu' or 'linear' (derivatives are written from the saved
outputs); layers use their composed cell for any other activation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops import _recurrent_core as core
from glassnet.tensor import Tensor, is_grad_enabled

__all__ = ["gru", "lstm", "simple_rnn"]

FUSED_ACTIVATIONS = tuple(core.ACTIVATIONS)


# ---------------------------------------------------------------------------- simple_rnn
def simple_rnn(
    x: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None, initial_state: Any = None,
    *, mask: Any = None, activation: str = "tanh",
) -> Tensor:  # fmt: skip
    """A fully connected recurrence over a sequence: Keras's ``SimpleRNN``.

    Math (f = activation; a masked step keeps h_{t-1}):
        h_t   = f(x_t @ W + b + h_{t-1} @ U)
        a_t   = dL/dh_t (the part through step t) * f'(h_t)
        dL/dh_{t-1} = a_t @ U^T,  dL/dx_t = a_t @ W^T
        dL/dW = sum_t x_t^T @ a_t,  dL/dU = sum_t h_{t-1}^T @ a_t,  dL/db = sum_t a_t

    Args:
        x: the input sequence.
        kernel, recurrent_kernel, bias: W, U and b (no bias when None).
        initial_state: h_0 (zeros when None).
        mask: optional boolean (N, T); see the module docstring.
        activation: f: 'tanh', 'sigmoid', 'relu' or 'linear'.

    Shape:
        x: (N, T, F).  kernel: (F, U).  recurrent_kernel: (U, U).  bias: (U,).
        initial_state: (N, U).  Output: the state after every step, (N, T, U).

    Example:
        >>> x = np.ones((2, 3, 1), "float32")
        >>> h = simple_rnn(x, np.ones((1, 4), "float32"), np.zeros((4, 4), "float32"))
        >>> h.numpy()[0, -1]
        array([0.7615..., 0.7615..., 0.7615..., 0.7615...], dtype=float32)
    """
    x, kernel, recurrent, u = core.check_weights("simple_rnn", x, kernel, recurrent_kernel, 1)
    bias = core.check_bias("simple_rnn", bias, (u,), x)
    h0 = core.initial("simple_rnn", "initial_state", initial_state, x, u)
    keep = core.time_mask("simple_rnn", mask, x)
    forward, derivative = core.activation("simple_rnn", activation)
    f = x.shape[2]
    xh = core.stack_inputs(x.data, u)
    xh[f + 1 :, 0] = h0.data.T
    kwb = core.fused_weights(kernel.data, bias.data, recurrent.data, np.arange(u))
    new = _simple_rnn_forward(kwb, xh, f, keep, forward)

    def backward(grad):
        grad_z, dh = _simple_rnn_backward(grad, new, recurrent.data, keep, derivative)
        grads = core.weight_grads(grad_z, xh, 0, f + 1 + u)
        grad_x = core.input_grad(grad_z, kernel.data) if x.requires_grad else None
        return grad_x, grads[:, :f].T, grads[:, f + 1 :].T, grads[:, f], dh.T

    parents = (x, kernel, recurrent, bias, h0)
    return Tensor.from_op(xh[f + 1 :, 1:].transpose(2, 1, 0), parents, backward, "simple_rnn")


def _simple_rnn_forward(kwb, xh, f, keep, forward) -> np.ndarray:
    """Run the steps, writing h_t into xh; return f(...) of every step (T, U, N)."""
    hs, rows = xh[f + 1 :], kwb.shape[1]
    new = np.empty((xh.shape[1] - 1, kwb.shape[0], xh.shape[2]), dtype=xh.dtype)
    for t in range(new.shape[0]):
        a = np.dot(kwb, xh[:rows, t], out=new[t])
        hs[:, t + 1] = forward(a, a)
        core.carry(hs[:, t + 1], hs[:, t], keep, t)
    return new


def _simple_rnn_backward(grad, new, k, keep, derivative) -> tuple:
    g = core.feature_major(grad)
    steps, u, n = new.shape
    grad_z = np.empty((u, steps, n), dtype=new.dtype)
    dh = np.zeros((u, n), dtype=new.dtype)
    for t in range(steps - 1, -1, -1):
        dh, past = core.split_grad(dh + g[:, t], keep, t)
        a = dh * derivative(new[t])
        grad_z[:, t] = a
        dh = k @ a if past is None else k @ a + past
    return grad_z, dh


# ---------------------------------------------------------------------------- lstm
# Internal gate order [o, i, f, c]: the sigmoid gates [o, i, f] side by side for the forward
# pass, the gates whose gradient scales with dL/dc', [i, f, c], side by side for the backward.
_LSTM_ORDER = (3, 0, 1, 2)


def lstm(
    x: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None, initial_h: Any = None,
    initial_c: Any = None, *, mask: Any = None, activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
) -> list[Tensor]:  # fmt: skip
    """Long short-term memory over a sequence (Hochreiter 1997): Keras's ``LSTM``.

    Math (s = recurrent_activation, g = activation; a masked step keeps h and c):
        [zi, zf, zc, zo] = x_t @ W + b + h_{t-1} @ U
        i, f, o = s(zi), s(zf), s(zo);   cc = g(zc)
        c_t = f * c_{t-1} + i * cc;      h_t = o * g(c_t)
      backward, with dh and dc the gradients reaching h_t and c_t through step t:
        dc' = dc + dh * o * g'(c_t)
        dzi = dc' * cc * s'(i),  dzf = dc' * c_{t-1} * s'(f)
        dzc = dc' * i * g'(cc),  dzo = dh * g(c_t) * s'(o)
        dL/dh_{t-1} = dz @ U^T,  dL/dc_{t-1} = dc' * f,  dL/dx_t = dz @ W^T
        dL/dW = sum_t x_t^T @ dz_t,  dL/dU = sum_t h_{t-1}^T @ dz_t,  dL/db = sum_t dz_t

    With the default activations one tanh gives every gate: the sigmoid rows of the weights
    are pre-scaled by 1/2, and s(z) = (1 + tanh(z / 2)) / 2.

    Args:
        x: the input sequence.
        kernel, recurrent_kernel, bias: W, U (columns [i, f, c, o]) and b.
        initial_h, initial_c: h_0 and c_0 (zeros when None).
        mask: optional boolean (N, T); see the module docstring.
        activation, recurrent_activation: g and s: 'tanh', 'sigmoid', 'relu' or 'linear'.

    Shape:
        x: (N, T, F).  kernel: (F, 4U).  recurrent_kernel: (U, 4U).  bias: (4U,).
        initial_h, initial_c: (N, U).
        Output: ``[h, c]``, the hidden and the cell state after every step, each (N, T, U).
    """
    x, kernel, recurrent, u = core.check_weights("lstm", x, kernel, recurrent_kernel, 4)
    bias = core.check_bias("lstm", bias, (4 * u,), x)
    h0 = core.initial("lstm", "initial_h", initial_h, x, u)
    c0 = core.initial("lstm", "initial_c", initial_c, x, u)
    keep = core.time_mask("lstm", mask, x)
    act = core.activation("lstm", activation)
    rec = core.activation("lstm", recurrent_activation)
    f = x.shape[2]
    order = core.gate_order(u, _LSTM_ORDER)
    xh = core.stack_inputs(x.data, 2 * u)
    xh[f + 1 :, 0] = np.concatenate([h0.data.T, c0.data.T])
    fast = activation == "tanh" and recurrent_activation == "sigmoid"
    scale = np.where(np.arange(4 * u) < 3 * u, 0.5, 1.0) if fast else None
    kwb = core.fused_weights(kernel.data, bias.data, recurrent.data, order, scale)
    gates, act_c = _lstm_forward(kwb, xh, f, keep, act[0], rec[0], fast)
    saved = core.Saved(gates, *_lstm_factors(gates, act_c, xh, f, act[1], rec[1]))

    def backward(grads):
        # why: one product per step gives dL/dh_{t-1} and, below it, dL/dx_t (stacked weights)
        weights = [recurrent.data, kernel.data] if x.requires_grad else [recurrent.data]
        k = np.ascontiguousarray(np.concatenate(weights)[:, order])
        grad_z, grad_hx, dh, dc = _lstm_backward(grads, *saved.arrays, k, keep)
        grads = core.keras_columns(core.weight_grads(grad_z, xh, 0, f + 1 + u), order)
        core.WORKSPACE.give(grad_z)
        grad_x = grad_hx[:, u:].transpose(2, 0, 1) if x.requires_grad else None
        return grad_x, grads[:f], grads[f + 1 :], grads[f], dh.T, dc.T

    parents = (x, kernel, recurrent, bias, h0, c0)
    seqs = [xh[f + 1 : f + 1 + u, 1:].transpose(2, 1, 0), xh[f + 1 + u :, 1:].transpose(2, 1, 0)]
    return core.outputs(seqs, parents, backward, "lstm")


def _lstm_forward(kwb, xh, f, keep, act, rec, fast) -> tuple:
    """Run the steps, writing h_t and c_t into xh; return the gates and g(c_t).

    gates (T, 4U, N) holds [o, i, f, cc] of every step, act_c (T, U, N) g(c_t) of the new
    (unmasked) c_t. ``fast`` (sigmoid gates, tanh cell): kwb's sigmoid rows come pre-scaled
    by 1/2, so one tanh y over all gates gives them all (sigmoid = (1 + y) / 2).
    """
    g, rows = kwb.shape
    u, steps, n = g // 4, xh.shape[1] - 1, xh.shape[2]
    hs, cs = xh[f + 1 : f + 1 + u], xh[f + 1 + u :]
    mul, tanh, dot = np.multiply, np.tanh, np.dot
    gates = core.WORKSPACE.take((steps, g, n), xh.dtype)
    act_c = core.WORKSPACE.take((steps, u, n), xh.dtype)
    blocks = gates.reshape(steps, 4, u, n)  # a view: per step, [o, i, f, cc] in one go
    sigmoids = gates.reshape(steps, 4 * u * n)[:, : 3 * u * n]  # the rows [o, i, f], flat
    c, i_cc = np.array(cs[:, 0]), np.empty((u, n), xh.dtype)
    for t in range(steps):
        z = dot(kwb, xh[:rows, t], out=gates[t])  # why: np.dot has less overhead than @
        o, i, fg, cc = blocks[t]
        if fast:
            tanh(z, out=z)
            sig = sigmoids[t]
            sig += 1
            sig *= 0.5
        else:
            rec(z[: 3 * u], z[: 3 * u])
            act(cc, cc)
        c_prev, c = c, mul(fg, c)
        c += mul(i, cc, out=i_cc)
        mul(o, act(c, act_c[t]), out=hs[:, t + 1])
        if keep is not None:
            core.carry(hs[:, t + 1], hs[:, t], keep, t)
            core.carry(c, c_prev, keep, t)
        cs[:, t + 1] = c
    return gates, act_c


def _lstm_factors(gates, act_c, xh, f, act_d, rec_d) -> tuple:
    """The factors of the backward pass that depend on the forward pass only, for all steps.

    factors (T, 4U, N) = [g(c_t) s'(o), cc s'(i), c_{t-1} s'(f), i g'(cc)]
    dc_dh (T, U, N)    = o g'(c_t)
    Whole-sequence operations (a few large calls instead of many small ones per step);
    None when no gradient will be computed.
    """
    if not is_grad_enabled():
        core.WORKSPACE.give(act_c)
        return None, None
    steps, g, n = gates.shape
    u = g // 4
    factors = core.WORKSPACE.take(gates.shape, gates.dtype)
    rec_d(gates[:, : 3 * u], out=factors[:, : 3 * u])
    act_d(gates[:, 3 * u :], out=factors[:, 3 * u :])
    factors[:, :u] *= act_c
    factors[:, u : 2 * u] *= gates[:, 3 * u :]
    factors[:, 2 * u : 3 * u] *= xh[f + 1 + u :, :steps].transpose(1, 0, 2)
    factors[:, 3 * u :] *= gates[:, u : 2 * u]
    dc_dh = act_d(act_c, out=act_c)
    dc_dh *= gates[:, :u]
    return factors, dc_dh


def _lstm_backward(grads, gates, factors, dc_dh, k, keep) -> tuple:
    """BPTT over the steps. Per step, with the forward pass's factors:
        dc' = dc + dh * dc_dh,  dz = [dh, dc', dc', dc'] * factors,
        [dL/dh_{t-1}; dL/dx_t] = k @ dz  (k = [U; W], or U alone),  dL/dc_{t-1} = dc' * f.

    Returns dz (4U, T, N), the products k @ dz of every step (T, rows of k, N), and the
    gradients reaching h_0 and c_0.
    """
    steps, g, n = gates.shape
    u = g // 4
    grad_hx = np.empty((steps, k.shape[0], n), dtype=gates.dtype)
    gh, live_h = core.step_grads(grads[0])
    gc, live_c = core.step_grads(grads[1])
    grad_z = core.WORKSPACE.take((g, steps, n), gates.dtype)
    # why: a contiguous dz per step, copied once into grad_z, beats computing it into the
    # strided (G, N) slice of grad_z (element-wise ops and the product both slow down there).
    dz = np.empty((g, n), dtype=gates.dtype)
    dz_o, dz_ifc = dz[:u], dz[u:].reshape(3, u, n)
    mul, dtype = np.multiply, gates.dtype
    dh, dc = np.zeros((u, n), dtype=dtype), np.zeros((u, n), dtype=dtype)
    for t in range(steps - 1, -1, -1):
        if t in live_h:
            dh = dh + gh[:, t]
        if t in live_c:
            dc = dc + gc[:, t]
        if keep is not None:
            (dh, dh_past), (dc, dc_past) = (
                core.split_grad(dh, keep, t),
                core.split_grad(dc, keep, t),
            )
        dc_full = mul(dh, dc_dh[t])
        dc_full += dc
        mul(dh, factors[t, :u], out=dz_o)
        mul(factors[t, u:].reshape(3, u, n), dc_full, out=dz_ifc)
        dh = np.dot(k, dz, out=grad_hx[t])[:u]
        grad_z[:, t] = dz
        dc = mul(dc_full, gates[t, 2 * u : 3 * u])
        if keep is not None:
            dh += dh_past
            dc += dc_past
    return grad_z, grad_hx, dh, dc


# ---------------------------------------------------------------------------- gru
def gru(
    x: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None, initial_state: Any = None,
    *, mask: Any = None, reset_after: bool = True, activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
) -> Tensor:  # fmt: skip
    """Gated recurrent unit over a sequence (Cho et al. 2014): Keras's ``GRU``.

    Math (s = recurrent_activation, g = activation, U = [Uz, Ur, Uh]; xz, xr, xh are the
    blocks of x_t @ W + b_in; a masked step keeps h_{t-1}):
        reset_after=True (Keras's default, cuDNN's and PyTorch's GRU), b_rec the recurrent bias:
            [mz, mr, mh] = h_{t-1} @ U + b_rec
            z = s(xz + mz),  r = s(xr + mr),  hh = g(xh + r * mh)
        reset_after=False (the first paper's version; one bias):
            z = s(xz + h_{t-1} @ Uz),  r = s(xr + h_{t-1} @ Ur),  hh = g(xh + (r * h_{t-1}) @ Uh)
        h_t = z * h_{t-1} + (1 - z) * hh
      backward, with dh the gradient reaching h_t through step t:
        dah = dh * (1 - z) * g'(hh),  daz = dh * (h_{t-1} - hh) * s'(z)
        after:  dar = dah * mh * s'(r),  dm = [daz, dar, dah * r]
                dL/dh_{t-1} = dh * z + dm @ U^T;  dL/dU = sum_t h_{t-1}^T @ dm_t
        before: drh = dah @ Uh^T,  dar = drh * h_{t-1} * s'(r)
                dL/dh_{t-1} = dh * z + drh * r + [daz, dar] @ [Uz, Ur]^T
                dL/d[Uz, Ur] = sum_t h_{t-1}^T @ [daz, dar],  dL/dUh = sum_t (r h_{t-1})^T @ dah
        dL/dx_t = [daz, dar, dah] @ W^T

    Args:
        x: the input sequence.
        kernel, recurrent_kernel: W and U (columns [z, r, h]).
        bias: with ``reset_after`` the rows [b_in, b_rec]; without it, b_in alone.
        initial_state: h_0 (zeros when None).
        mask: optional boolean (N, T); see the module docstring.
        reset_after: apply the reset gate after the matrix product (True) or before it.
        activation, recurrent_activation: g and s: 'tanh', 'sigmoid', 'relu' or 'linear'.

    Shape:
        x: (N, T, F).  kernel: (F, 3U).  recurrent_kernel: (U, 3U).
        bias: (2, 3U) with reset_after, else (3U,).  initial_state: (N, U).
        Output: the state after every step, (N, T, U).
    """
    x, kernel, recurrent, u = core.check_weights("gru", x, kernel, recurrent_kernel, 3)
    bias = core.check_bias("gru", bias, (2, 3 * u) if reset_after else (3 * u,), x)
    h0 = core.initial("gru", "initial_state", initial_state, x, u)
    keep = core.time_mask("gru", mask, x)
    act = core.activation("gru", activation)
    rec = core.activation("gru", recurrent_activation)
    f = x.shape[2]
    xh = core.stack_inputs(x.data, u)
    xh[f + 1 :, 0] = h0.data.T
    b_in = bias.data[0] if reset_after else bias.data
    wb, z = core.project(xh, f, kernel.data, b_in, np.arange(3 * u))
    run = _gru_after if reset_after else _gru_before
    saved = run.forward(z, recurrent.data, bias.data, xh, f, keep, act[0], rec[0])

    def backward(grad):
        grad_z, grad_u, grad_b, dh = run.backward(grad, saved, recurrent.data, xh, f, keep,
                                                  act[1], rec[1])  # fmt: skip
        grads = core.weight_grads(grad_z, xh, 0, f + 1)
        grad_x = core.input_grad(grad_z, kernel.data) if x.requires_grad else None
        if reset_after:
            grad_b[0] = grads[:, f]
        else:
            grad_b = grads[:, f]
        return grad_x, grads[:, :f].T, grad_u, grad_b, dh.T

    parents = (x, kernel, recurrent, bias, h0)
    return Tensor.from_op(xh[f + 1 :, 1:].transpose(2, 1, 0), parents, backward, "gru")


class _gru_after:  # noqa: N801  (a namespace of two functions)
    """The reset-after GRU: per step m = [b_rec, U]^T @ [1; h_{t-1}] (bias row of xh)."""

    @staticmethod
    def forward(z, recurrent, bias, xh, f, keep, act, rec) -> tuple:
        steps, g, n = z.shape
        u = g // 3
        kb = np.concatenate([bias[1][:, None], recurrent.T], axis=1)  # (3U, 1 + U)
        ones_h, hs = xh[f : f + 1 + u], xh[f + 1 :]
        gates = np.empty((steps, g, n), dtype=z.dtype)  # [z, r, hh] of every step
        m = np.empty((steps, g, n), dtype=z.dtype)  # h_{t-1} @ U + b_rec of every step
        tmp = np.empty((u, n), dtype=z.dtype)
        for t in range(steps):
            mt, zt = m[t], gates[t]
            np.matmul(kb, ones_h[:, t], out=mt)
            np.add(z[t, : 2 * u], mt[: 2 * u], out=zt[: 2 * u])
            rec(zt[: 2 * u], zt[: 2 * u])
            hh = np.multiply(zt[u : 2 * u], mt[2 * u :], out=zt[2 * u :])
            hh += z[t, 2 * u :]
            act(hh, hh)
            np.subtract(hs[:, t], hh, out=tmp)
            tmp *= zt[:u]
            np.add(tmp, hh, out=hs[:, t + 1])
            core.carry(hs[:, t + 1], hs[:, t], keep, t)
        return gates, m

    @staticmethod
    def backward(grad, saved, recurrent, xh, f, keep, act_d, rec_d) -> tuple:
        gates, m = saved
        steps, g, n = gates.shape
        u = g // 3
        hs, gh = xh[f + 1 :], core.feature_major(grad)
        grad_z, grad_m = np.empty((g, steps, n), gates.dtype), np.empty((g, steps, n), gates.dtype)
        dz, dm = np.empty((g, n), gates.dtype), np.empty((g, n), gates.dtype)
        dh = np.zeros((u, n), dtype=gates.dtype)
        for t in range(steps - 1, -1, -1):
            dh, past = core.split_grad(dh + gh[:, t], keep, t)
            zg, r, hh = gates[t, :u], gates[t, u : 2 * u], gates[t, 2 * u :]
            np.multiply(dh * (1 - zg), act_d(hh), out=dz[2 * u :])
            np.multiply(dh * (hs[:, t] - hh), rec_d(zg), out=dz[:u])
            np.multiply(dz[2 * u :] * m[t, 2 * u :], rec_d(r), out=dz[u : 2 * u])
            dm[: 2 * u] = dz[: 2 * u]
            np.multiply(dz[2 * u :], r, out=dm[2 * u :])
            grad_z[:, t], grad_m[:, t] = dz, dm
            dh = dh * zg + recurrent @ dm
            if past is not None:
                dh += past
        grads = core.weight_grads(grad_m, xh, f, f + 1 + u)  # columns [b_rec, U]
        grad_b = np.empty((2, g), dtype=gates.dtype)
        grad_b[1] = grads[:, 0]
        return grad_z, grads[:, 1:].T, grad_b, dh


class _gru_before:  # noqa: N801  (a namespace of two functions)
    """The reset-before GRU: the candidate sees (r * h_{t-1}) @ Uh."""

    @staticmethod
    def forward(z, recurrent, bias, xh, f, keep, act, rec) -> tuple:
        steps, g, n = z.shape
        u = g // 3
        k_zr, k_h = (
            np.ascontiguousarray(recurrent[:, : 2 * u].T),
            np.ascontiguousarray(recurrent[:, 2 * u :].T),
        )
        hs = xh[f + 1 :]
        gates = np.empty((steps, g, n), dtype=z.dtype)  # [z, r, hh] of every step
        rh = np.empty((u, steps, n), dtype=z.dtype)  # r * h_{t-1} of every step
        tmp = np.empty((u, n), dtype=z.dtype)
        for t in range(steps):
            zt = gates[t]
            np.matmul(k_zr, hs[:, t], out=zt[: 2 * u])
            zt[: 2 * u] += z[t, : 2 * u]
            rec(zt[: 2 * u], zt[: 2 * u])
            np.multiply(zt[u : 2 * u], hs[:, t], out=rh[:, t])
            hh = np.matmul(k_h, rh[:, t], out=zt[2 * u :])
            hh += z[t, 2 * u :]
            act(hh, hh)
            np.subtract(hs[:, t], hh, out=tmp)
            tmp *= zt[:u]
            np.add(tmp, hh, out=hs[:, t + 1])
            core.carry(hs[:, t + 1], hs[:, t], keep, t)
        return gates, rh

    @staticmethod
    def backward(grad, saved, recurrent, xh, f, keep, act_d, rec_d) -> tuple:
        gates, rh = saved
        steps, g, n = gates.shape
        u = g // 3
        k_zr, k_h = (
            np.ascontiguousarray(recurrent[:, : 2 * u]),
            np.ascontiguousarray(recurrent[:, 2 * u :]),
        )
        hs, gh = xh[f + 1 :], core.feature_major(grad)
        grad_z, dz = np.empty((g, steps, n), gates.dtype), np.empty((g, n), gates.dtype)
        dh = np.zeros((u, n), dtype=gates.dtype)
        for t in range(steps - 1, -1, -1):
            dh, past = core.split_grad(dh + gh[:, t], keep, t)
            zg, r, hh = gates[t, :u], gates[t, u : 2 * u], gates[t, 2 * u :]
            np.multiply(dh * (1 - zg), act_d(hh), out=dz[2 * u :])
            np.multiply(dh * (hs[:, t] - hh), rec_d(zg), out=dz[:u])
            drh = k_h @ dz[2 * u :]
            np.multiply(drh * hs[:, t], rec_d(r), out=dz[u : 2 * u])
            grad_z[:, t] = dz
            dh = dh * zg + drh * r + k_zr @ dz[: 2 * u]
            if past is not None:
                dh += past
        grad_zr = core.weight_grads(grad_z[: 2 * u], xh, f + 1, f + 1 + u)
        grad_h = grad_z[2 * u :].reshape(u, -1) @ rh.reshape(u, -1).T
        return grad_z, np.concatenate([grad_zr, grad_h]).T, None, dh
