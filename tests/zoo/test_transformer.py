"""TransformerEncoder/TransformerDecoder: the layer oracle, PyTorch's nn.TransformerEncoderLayer
and nn.TransformerDecoderLayer with the weights mapped across, masks, models, saving."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import Dense, Input
from glassnet.layers.attention.torch_layout import mha_torch_state_dict
from glassnet.layers.recurrent.masking import get_mask
from glassnet.tensor import Tensor
from glassnet.zoo import TransformerDecoder, TransformerEncoder
from tests._oracle import check_layer

N, T, S, F, I, H = 2, 5, 4, 6, 8, 2


class _DecoderOnly(TransformerDecoder):
    """A decoder block called on one sequence (the form check_layer uses)."""


@pytest.mark.parametrize("normalize_first", [False, True])
@pytest.mark.parametrize("cls", [TransformerEncoder, _DecoderOnly])
def test_transformer_block_oracle(cls, normalize_first):
    def make(**kw):
        return cls(I, H, activation="tanh", normalize_first=normalize_first, **kw)

    check_layer(make, (2, 3, 4), n_weights=16)


def _randomize(layer, seed=0):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.4, size=w.shape).astype(np.float32)
                       for w in layer.weights])  # fmt: skip


def _load(module, mapping):
    torch = pytest.importorskip("torch")
    module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v))
                            for k, v in mapping.items()})  # fmt: skip


def _common(block, prefixes):
    """The feed-forward and norm weights under PyTorch's names."""
    sd = {
        "linear1.weight": block._ff_in.kernel.numpy().T, "linear1.bias": block._ff_in.bias.numpy(),
        "linear2.weight": block._ff_out.kernel.numpy().T, "linear2.bias": block._ff_out.bias.numpy(),
    }  # fmt: skip
    norms = [getattr(block, f"_{p}_norm") for p in prefixes] + [block._ff_norm]
    for k, norm in enumerate(norms, start=1):
        sd[f"norm{k}.weight"], sd[f"norm{k}.bias"] = norm.gamma.numpy(), norm.beta.numpy()
    return sd


def _compare(ours_out, theirs_out, ours_in, theirs_in, torch):
    np.testing.assert_allclose(ours_out.numpy(), theirs_out.detach().numpy(), atol=2e-5,
                               rtol=1e-4)  # fmt: skip
    r = np.random.default_rng(9).normal(size=ours_out.shape).astype(np.float32)
    (ours_out * Tensor(r)).sum().backward()
    (theirs_out * torch.from_numpy(r)).sum().backward()
    for o, t in zip(ours_in, theirs_in):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), atol=5e-5, rtol=1e-4)


@pytest.mark.parametrize("normalize_first", [False, True])
def test_encoder_matches_torch_encoder_layer(normalize_first):
    torch = pytest.importorskip("torch")
    block = TransformerEncoder(I, H, normalize_first=normalize_first)
    x = np.random.default_rng(1).normal(size=(N, T, F)).astype(np.float32)
    block(x)
    _randomize(block)
    module = torch.nn.TransformerEncoderLayer(F, H, I, dropout=0.0, batch_first=True,
                                              layer_norm_eps=1e-5, norm_first=normalize_first)  # fmt: skip
    sd = _common(block, ["self_attention"])
    sd.update({f"self_attn.{k}": v for k, v in mha_torch_state_dict(block._self_attention).items()})
    _load(module, sd)
    module.eval()
    keep = np.ones((N, T), bool)
    keep[0, 3:] = False
    ours_in = [Tensor(x.copy(), requires_grad=True)]
    theirs_in = [torch.tensor(x, requires_grad=True)]
    y = block(ours_in[0], padding_mask=keep)
    y_t = module(theirs_in[0], src_key_padding_mask=torch.from_numpy(~keep))
    # PyTorch's padded queries still attend; glassnet's give 0 attention: compare real steps.
    real = Tensor(keep[..., None].astype(np.float32))
    _compare(y * real, y_t * torch.from_numpy(keep[..., None]), ours_in, theirs_in, torch)
    np.testing.assert_array_equal(get_mask(y), keep)


@pytest.mark.parametrize("normalize_first", [False, True])
def test_decoder_matches_torch_decoder_layer(normalize_first):
    torch = pytest.importorskip("torch")
    block = TransformerDecoder(I, H, normalize_first=normalize_first)
    rng = np.random.default_rng(2)
    x, memory = (rng.normal(size=s).astype(np.float32) for s in ((N, T, F), (N, S, F)))
    block(x, memory)
    _randomize(block)
    module = torch.nn.TransformerDecoderLayer(F, H, I, dropout=0.0, batch_first=True,
                                              layer_norm_eps=1e-5, norm_first=normalize_first)  # fmt: skip
    sd = _common(block, ["self_attention", "cross_attention"])
    for prefix, layer in (("self_attn", block._self_attention),
                          ("multihead_attn", block._cross_attention)):  # fmt: skip
        sd.update({f"{prefix}.{k}": v for k, v in mha_torch_state_dict(layer).items()})
    _load(module, sd)
    module.eval()
    enc_keep = np.ones((N, S), bool)
    enc_keep[1, 2:] = False
    ours_in = [Tensor(a.copy(), requires_grad=True) for a in (x, memory)]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in (x, memory)]
    y = block(ours_in[0], ours_in[1], encoder_padding_mask=enc_keep)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(T)
    y_t = module(*theirs_in, tgt_mask=causal, tgt_is_causal=True,
                 memory_key_padding_mask=torch.from_numpy(~enc_keep))  # fmt: skip
    _compare(y, y_t, ours_in, theirs_in, torch)


def test_encoder_decoder_model_saves_and_loads_in_a_fresh_process(tmp_path):
    glassnet.utils.set_random_seed(0)
    src, tgt = Input((S, F)), Input((T, F))
    memory = TransformerEncoder(I, H, dropout=0.1)(src)
    out = Dense(3)(TransformerDecoder(I, H, normalize_first=True)(tgt, memory))
    model = glassnet.Model([src, tgt], out)
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, S, F)), rng.normal(size=(4, T, F))
    model.compile("adam", "mse")
    model.fit([a, b], rng.normal(size=(4, T, 3)), epochs=1, verbose=0)
    path = tmp_path / "t.glassnet"
    model.save(path)
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    np.save(tmp_path / "y.npy", model.predict([a, b], verbose=0))
    code = (
        "import numpy as np, glassnet, sys; d = sys.argv[1]; "
        "m = glassnet.load_model(d + '/t.glassnet'); "
        "y = m.predict([np.load(d + '/a.npy'), np.load(d + '/b.npy')], verbose=0); "
        "np.testing.assert_array_equal(y, np.load(d + '/y.npy'))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_decoder_built_with_an_encoder_needs_one():
    block = TransformerDecoder(I, H, name="dec")
    x = np.zeros((1, 3, 4), np.float32)
    block(x, np.zeros((1, 2, 5), np.float32))
    with pytest.raises(StateError, match=r"TransformerDecoder 'dec': expected an encoder_sequence"):
        block(x)
    alone = TransformerDecoder(I, H, name="alone")
    alone(x)
    with pytest.raises(StateError, match=r"'alone': expected no encoder_sequence \(the block"):
        alone(x, x)


def test_transformer_block_errors():
    with pytest.raises(
        ShapeError, match=r"expected a feature size divisible by num_heads=4, got 6"
    ):
        TransformerEncoder(I, 4)(np.zeros((1, 2, 6), np.float32))
    with pytest.raises(ConfigError, match=r"The 'intermediate_dim' argument of TransformerEncoder"):
        TransformerEncoder(0, 2)
    with pytest.raises(
        ShapeError, match=r"expected a padding mask of shape \(1, 2\), got \(1, 3\)"
    ):
        TransformerEncoder(I, 2)(np.zeros((1, 2, 4), np.float32), padding_mask=np.ones((1, 3)))
