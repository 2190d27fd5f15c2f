"""PyTorch references for the recurrent layers: nn.RNN/nn.LSTM/nn.GRU with mapped weights.

The weights go across through ``glassnet.layers.recurrent.torch_state_dict`` (the documented
Keras <-> PyTorch layout); gradients come back through the inverse block order. Masks are
right-padding (sample n has ``lengths[n]`` real steps): PyTorch runs each sample on its real
steps only, and the reference builds Keras's output around that: masked steps repeat the
last output (zeros with ``zero_output_for_mask``), and with ``go_backwards`` the padding is
met first, so its outputs are the initial state.
"""

from __future__ import annotations

import numpy as np
import torch

import glassnet
from glassnet.layers.recurrent import torch_state_dict
from glassnet.layers.recurrent.torch_layout import _TORCH_BLOCKS, _kind
from tests._oracle import _assert_close

_MODULES = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


def _direction(layer):
    return layer.forward_layer if type(layer).__name__ == "Bidirectional" else layer


def torch_module(layer) -> torch.nn.Module:
    """The PyTorch module computing what the built ``layer`` computes, weights loaded."""
    inner = _direction(layer)
    kind, cell = _kind(inner), inner.cell
    kwargs = {"batch_first": True, "bias": cell.use_bias}
    kwargs["bidirectional"] = inner is not layer
    if kind == "SimpleRNN":
        kwargs["nonlinearity"] = glassnet.activations.serialize(cell.activation)
    module = _MODULES[kind](cell.kernel.shape[0], cell.units, **kwargs)
    own = module.state_dict()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in torch_state_dict(layer).items()
                            if k in own})  # fmt: skip
    return module


def keras_grads(layer, module) -> list[np.ndarray]:
    """PyTorch's weight gradients in the layout and order of ``layer.weights``."""
    sides = [(layer.forward_layer, ""), (layer.backward_layer, "_reverse")] if (
        type(layer).__name__ == "Bidirectional") else [(layer, "")]  # fmt: skip
    params = dict(module.named_parameters())
    out = []
    for side, suffix in sides:
        order, u = _TORCH_BLOCKS[_kind(side)], side.cell.units
        inverse = list(np.argsort(order))

        def back(g, u=u, inverse=inverse):
            g = g.detach().numpy()
            return np.concatenate([g[..., k * u : (k + 1) * u] for k in inverse], axis=-1)

        out += [
            back(params[f"weight_ih_l0{suffix}"].grad.T),
            back(params[f"weight_hh_l0{suffix}"].grad.T),
        ]
        if side.cell.use_bias:
            b_ih = back(params[f"bias_ih_l0{suffix}"].grad)
            if _kind(side) == "GRU":
                out.append(np.stack([b_ih, back(params[f"bias_hh_l0{suffix}"].grad)]))
            else:
                out.append(b_ih)
    return out


def _one_sample(layer, module, x_n, length, states_n):
    """Keras's output sequence (T, U') and final states for one sample, from PyTorch."""
    inner, steps = _direction(layer), x_n.shape[0]
    seq = x_n[:length]
    if inner.go_backwards and inner is layer:
        seq = seq.flip(0)
    hx = None
    if states_n is not None:
        if inner is not layer:  # [h_f, (c_f,) h_b, (c_b)] -> PyTorch's (directions, 1, U)
            k = len(states_n) // 2
            hx = tuple(torch.stack([states_n[j], states_n[k + j]])[:, None] for j in range(k))
        else:
            hx = tuple(s[None, None] for s in states_n)
        hx = hx if len(hx) > 1 else hx[0]
    out, st = module(seq[None], hx)
    out = out[0]
    finals = [s[:, 0] for s in (st if isinstance(st, tuple) else (st,))]  # (directions, U) each
    pad = steps - length
    if inner is not layer:  # Bidirectional: padded steps output zeros in both directions
        filled = torch.cat([out, torch.zeros(pad, out.shape[1])])
        states = [f[d] for d in range(2) for f in finals]
        return filled, states, torch.cat([finals[0][0], finals[0][1]])
    if inner.zero_output_for_mask:
        fill = torch.zeros(pad, out.shape[1])
    elif inner.go_backwards:
        fill = (torch.zeros(out.shape[1]) if states_n is None else states_n[0]).expand(pad, -1)
    else:
        fill = out[-1].expand(pad, -1)
    filled = torch.cat([fill, out]) if inner.go_backwards else torch.cat([out, fill])
    return filled, [f[0] for f in finals], filled[-1]


def torch_forward(layer, module, x, lengths=None, initial_state=None):
    """Keras's outputs of ``layer`` ([output, *states]) computed by PyTorch on ``x``."""
    n, steps = x.shape[:2]
    lengths = [steps] * n if lengths is None else lengths
    seqs, lasts, states = [], [], []
    for i in range(n):
        states_i = None if initial_state is None else [s[i] for s in initial_state]
        seq, st, last = _one_sample(layer, module, x[i], lengths[i], states_i)
        seqs.append(seq)
        lasts.append(last)
        states.append(st)
    inner = _direction(layer)
    output = torch.stack(seqs) if inner.return_sequences else torch.stack(lasts)
    finals = [torch.stack([st[k] for st in states]) for k in range(len(states[0]))]
    if type(layer).__name__ == "Bidirectional" and layer.merge_mode != "concat":
        raise NotImplementedError("the reference merges with 'concat' only")
    return [output, *finals] if inner.return_state else [output]


def mask_of(lengths, steps) -> np.ndarray:
    return np.arange(steps)[None, :] < np.asarray(lengths)[:, None]


def compare_with_torch(layer, x, *, lengths=None, initial_state=None, atol=1e-5, rtol=1e-4):
    """Outputs, input gradients, initial-state gradients and weight gradients vs PyTorch."""
    steps = x.shape[1]
    for w in layer.weights:
        w.grad = None
    mask = None if lengths is None else mask_of(lengths, steps)
    xg = glassnet.tensor(x, requires_grad=True)
    sg = (
        None
        if initial_state is None
        else [glassnet.tensor(s, requires_grad=True) for s in initial_state]
    )
    ours = layer(xg, mask=mask, initial_state=sg)
    ours = ours if isinstance(ours, list) else [ours]
    module = torch_module(layer)
    xt = torch.tensor(x, requires_grad=True)
    st = (
        None
        if initial_state is None
        else [torch.tensor(s, requires_grad=True) for s in initial_state]
    )
    theirs = torch_forward(layer, module, xt, lengths, st)
    assert len(ours) == len(theirs), f"{len(ours)} outputs vs torch {len(theirs)}"
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(o.shape).astype(np.float32) for o in ours]
    for k, (o, t) in enumerate(zip(ours, theirs)):
        _assert_close(f"{layer.name} output {k}", o.numpy(), t.detach().numpy(), atol, rtol)
    sum((o * w).sum() for o, w in zip(ours, weights)).backward()
    sum((t * torch.from_numpy(w)).sum() for t, w in zip(theirs, weights)).backward()
    _assert_close(f"{layer.name} dL/dx", xg.grad, xt.grad.numpy(), atol, rtol)
    for k, (o, t) in enumerate(zip(sg or [], st or [])):
        _assert_close(f"{layer.name} dL/dinitial_state[{k}]", o.grad, t.grad.numpy(), atol, rtol)
    for w, g in zip(layer.weights, keras_grads(layer, module)):
        _assert_close(f"{layer.name} dL/d{w.name}", w.grad, g, atol, rtol)
