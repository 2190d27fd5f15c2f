"""MultiHeadAttention against torch.nn.MultiheadAttention, weights mapped across.

Random weights and biases (a head or projection mix-up passes with constant ones). Each case
compares the output, the attention weights, the gradients of the query, key and value inputs
and of every weight (mapped back through ``mha_torch_state_dict``'s layout).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from glassnet.errors import ConfigError  # noqa: E402
from glassnet.layers import MultiHeadAttention  # noqa: E402
from glassnet.layers.attention.torch_layout import mha_torch_state_dict  # noqa: E402
from glassnet.tensor import Tensor  # noqa: E402

N, T, S, H, K = 2, 5, 4, 2, 3
E = H * K


def _layer(seed=1, value_features=E, **kw):
    layer = MultiHeadAttention(H, K, **kw)
    x = np.zeros((1, T, E), np.float32)
    layer(x, np.zeros((1, S, value_features), np.float32))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32)
                       for w in layer.weights])  # fmt: skip
    return layer


def _torch_twin(layer, value_features):
    module = torch.nn.MultiheadAttention(E, H, bias=layer.use_bias, batch_first=True,
                                         kdim=value_features, vdim=value_features)  # fmt: skip
    sd = mha_torch_state_dict(layer)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    return module


def _weight_grads_from_torch(layer, module):
    """PyTorch's weight gradients in glassnet's layout (the inverse of the state-dict map)."""
    p = dict(module.named_parameters())
    if "in_proj_weight" in p:
        q, k, v = p["in_proj_weight"].grad.numpy().reshape(3, E, E)
    else:
        q, k, v = (p[f"{n}_proj_weight"].grad.numpy() for n in "qkv")
    grads = []
    biases = p["in_proj_bias"].grad.numpy().reshape(3, H, K) if layer.use_bias else None
    for i, (w, kernel) in enumerate(zip((q, k, v), (layer.query_kernel, layer.key_kernel,
                                                    layer.value_kernel))):  # fmt: skip
        grads.append(w.T.reshape(kernel.shape))
        if biases is not None:
            grads.append(biases[i])
    grads.append(p["out_proj.weight"].grad.numpy().T.reshape(H, K, E))
    if layer.use_bias:
        grads.append(p["out_proj.bias"].grad.numpy())
    return grads


CASES = {
    "self": dict(self_attention=True),
    "cross": dict(),
    "cross-other-features": dict(value_features=4),
    "causal": dict(self_attention=True, use_causal_mask=True),
    "padding": dict(padding=True),
    "causal+padding": dict(self_attention=True, use_causal_mask=True, padding=True),
    "attention_mask": dict(attention_mask=True),
    "no-bias": dict(use_bias=False, padding=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mha_matches_torch_forward_and_backward(name):
    case = dict(CASES[name])
    value_features = case.pop("value_features", E)
    self_attention = case.pop("self_attention", False)
    padding = case.pop("padding", False)
    causal = case.pop("use_causal_mask", False)
    use_attention_mask = case.pop("attention_mask", False)
    layer = _layer(value_features=value_features, **case)
    module = _torch_twin(layer, value_features)
    rng = np.random.default_rng(2)
    s = T if self_attention else S
    q = rng.normal(size=(N, T, E)).astype(np.float32)
    v = q if self_attention else rng.normal(size=(N, s, value_features)).astype(np.float32)
    kk = q if self_attention else rng.normal(size=(N, s, value_features)).astype(np.float32)
    kwargs, torch_kwargs = {}, {}
    if padding:  # sample 0 keeps 3 keys; with the causal rule every query still sees key 0
        keep = np.ones((N, s), bool)
        keep[0, 3:] = False
        kwargs["value_mask"] = keep
        torch_kwargs["key_padding_mask"] = torch.from_numpy(~keep)
    if causal:
        kwargs["use_causal_mask"] = True
        torch_kwargs["attn_mask"] = torch.ones(T, s, dtype=torch.bool).triu(1)
        torch_kwargs["is_causal"] = True
    if use_attention_mask:
        allowed = rng.random((N, T, s)) > 0.4
        allowed[..., 1] = True
        kwargs["attention_mask"] = allowed
        torch_kwargs["attn_mask"] = torch.from_numpy(~np.repeat(allowed, H, axis=0))

    ours_in = [Tensor(a.copy(), requires_grad=True) for a in (q, v, kk)]
    y, scores = layer(ours_in[0], ours_in[1], key=ours_in[2], return_attention_scores=True,
                      **kwargs)  # fmt: skip
    theirs_in = [torch.tensor(a, requires_grad=True) for a in (q, kk, v)]  # torch: q, k, v
    y_t, scores_t = module(*theirs_in, need_weights=True, average_attn_weights=False,
                           **torch_kwargs)  # fmt: skip
    np.testing.assert_allclose(y.numpy(), y_t.detach().numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(scores.numpy(), scores_t.detach().numpy(), atol=1e-6)

    r = rng.normal(size=y.shape).astype(np.float32)
    (y * Tensor(r)).sum().backward()
    (y_t * torch.from_numpy(r)).sum().backward()
    for ours, theirs in zip(ours_in, (theirs_in[0], theirs_in[2], theirs_in[1])):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), atol=1e-5, rtol=1e-4)
    for w, g in zip(layer.weights, _weight_grads_from_torch(layer, module)):
        np.testing.assert_allclose(w.grad, g, atol=1e-5, rtol=1e-4, err_msg=w.name)


def test_mha_torch_layout_refuses_layers_torch_cannot_express():
    layer = MultiHeadAttention(2, 4)
    layer(np.zeros((1, 3, 6), np.float32), np.zeros((1, 3, 6), np.float32))
    with pytest.raises(ConfigError, match="mha_torch_state_dict: expected num_heads \\* key_dim"):
        mha_torch_state_dict(layer)
