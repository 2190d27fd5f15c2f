"""Convolution layers against the layer oracle and torch.nn modules with the weights mapped
across, plus their shapes, configs and errors.

Mapping to PyTorch: images are permuted (N, H, W, C) -> (N, C, H, W) and back; a Keras kernel
(KH, KW, C/groups, O) becomes torch's (O, C/groups, KH, KW); TF/Keras 'same' padding (extra
zero after when the total is odd) is an explicit nn.ZeroPad2d in front of a padding=0 module.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    LAYERS,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    DepthwiseConv2D,
    SeparableConv2D,
)
from tests._oracle import check_layer

_TORCH_ACT = {None: "Identity", "relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "elu": "ELU"}


def _same(n, k, s, d):
    k_eff = (k - 1) * d + 1
    total = max((math.ceil(n / s) - 1) * s + k_eff - n, 0)
    return total // 2, total - total // 2


def _pads(layer, sizes):
    if layer.padding == "valid":
        return [(0, 0)] * len(sizes)
    if layer.padding == "causal":
        return [((layer.kernel_size[0] - 1) * layer.dilation_rate[0], 0)]
    return [
        _same(n, k, s, d)
        for n, k, s, d in zip(sizes, layer.kernel_size, layer.strides, layer.dilation_rate)
    ]


def _run(torch, module, x):
    """Apply a channels-first module to channels-last numpy input; channels-last numpy out."""
    with torch.no_grad():
        y = module(torch.movedim(torch.from_numpy(x), -1, 1))
    return torch.movedim(y, 1, -1).numpy()


def _torch_conv(activation=None):
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        nn = torch.nn
        rank = x.ndim - 2
        pads = _pads(layer, x.shape[1:-1])
        conv = (nn.Conv1d if rank == 1 else nn.Conv2d)(
            x.shape[-1], layer.filters, layer.kernel_size, stride=layer.strides,
            dilation=layer.dilation_rate, groups=layer.groups, bias=layer.use_bias,
        )  # fmt: skip
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(layer.kernel.data).permute(-1, -2, *range(rank)))
            if layer.use_bias:
                conv.bias.copy_(torch.from_numpy(layer.bias.data))
        flat = [v for pair in reversed(pads) for v in pair]
        pad = nn.ConstantPad1d(flat, 0.0) if rank == 1 else nn.ZeroPad2d(flat)
        return _run(torch, nn.Sequential(pad, conv, getattr(nn, _TORCH_ACT[activation])()), x)

    return forward


def _conv2d(**config):
    return lambda **kw: Conv2D(bias_initializer="random_normal", **config, **kw)


@pytest.mark.parametrize(
    "config",
    [
        dict(filters=4, kernel_size=3, activation="relu"),
        dict(filters=4, kernel_size=(3, 2), strides=2, padding="same", use_bias=False),
        dict(filters=3, kernel_size=(2, 4), strides=(1, 2), padding="same", activation="sigmoid"),
        dict(filters=6, kernel_size=3, dilation_rate=2, groups=3, activation="tanh"),
        dict(filters=4, kernel_size=2, padding="same", activation="elu"),
    ],
)
def test_conv2d_matches_torch_conv2d_and_gradchecks(config):
    layer = check_layer(
        _conv2d(**config), (2, 7, 7, 3), n_weights=1 + config.get("use_bias", True),
        torch_forward=_torch_conv(config.get("activation")),
    )  # fmt: skip
    channels = 3 // config.get("groups", 1)
    assert layer.kernel.shape == layer.kernel_size + (channels, config["filters"])


@pytest.mark.parametrize(
    "config",
    [
        dict(filters=5, kernel_size=3),
        dict(filters=4, kernel_size=4, strides=2, padding="same", activation="relu"),
        dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2, activation="tanh"),
        dict(filters=4, kernel_size=2, groups=2),
    ],
)
def test_conv1d_matches_torch_conv1d_and_gradchecks(config):
    layer = check_layer(
        lambda **kw: Conv1D(bias_initializer="random_normal", **config, **kw), (2, 9, 2),
        n_weights=2, torch_forward=_torch_conv(config.get("activation")),
    )  # fmt: skip
    assert layer.kernel.shape == (layer.kernel_size[0], 2 // layer.groups, config["filters"])


def _keras_crops(k, s, d, padding, output_padding):
    """Keras's crops of the full transposed output, as its torch backend computes them
    (``compute_conv_transpose_output_crops_for_torch`` from the JAX padding rule)."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        left, right = k_eff - 1, k_eff - 1 + extra
    else:
        total = s + k_eff - 2 if output_padding is None else k_eff + k_eff % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, k_eff - 1)
        right = total - left
    return k_eff - 1 - left, k_eff - 1 - right


def _torch_conv_transpose(layer, x):
    """nn.ConvTranspose2d (no padding) then Keras's window: PyTorch's symmetric padding and
    right-only output_padding cannot express Keras's crops, so they are cut here."""
    torch = pytest.importorskip("torch")
    module = torch.nn.ConvTranspose2d(
        x.shape[-1], layer.filters, layer.kernel_size, stride=layer.strides,
        dilation=layer.dilation_rate, bias=False,
    )  # fmt: skip
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.kernel.data).permute(3, 2, 0, 1))
    full = _run(torch, module, x)
    extras = layer.output_padding or (None, None)
    for axis, (k, s, d, e) in enumerate(
        zip(layer.kernel_size, layer.strides, layer.dilation_rate, extras)
    ):
        before, after = _keras_crops(k, s, d, layer.padding, e)
        widths = [(0, 0)] * 4
        widths[1 + axis] = (0, max(-after, 0))  # a negative crop appends zeros
        full = np.pad(full, widths)
        n = full.shape[1 + axis]
        full = np.take(full, range(before, n - max(after, 0)), axis=1 + axis)
    return full + layer.bias.data  # the bias reaches appended rows too


@pytest.mark.parametrize(
    ("config", "expected_hw"),
    [
        (dict(kernel_size=3), (6, 5)),
        (dict(kernel_size=3, strides=2, padding="same"), (8, 6)),
        (dict(kernel_size=2, strides=3), (12, 9)),
        (dict(kernel_size=3, strides=2, output_padding=1), (10, 8)),
        (dict(kernel_size=4, strides=2, padding="same", output_padding=0), (6, 4)),
        (dict(kernel_size=(3, 2), dilation_rate=2, padding="same"), (4, 3)),
    ],
)
def test_conv2d_transpose_matches_torch_and_keras_sizes(config, expected_hw):
    layer = check_layer(
        lambda **kw: Conv2DTranspose(3, bias_initializer="random_normal", **config, **kw),
        (2, 4, 3, 2), n_weights=2, torch_forward=_torch_conv_transpose,
    )  # fmt: skip
    assert layer.kernel.shape == layer.kernel_size + (3, 2)  # (KH, KW, filters, C)
    assert layer(np.zeros((1, 4, 3, 2), np.float32)).shape == (1, *expected_hw, 3)


def _torch_depthwise(layer, x, kernel, bias):
    torch = pytest.importorskip("torch")
    kh, kw, c, m = kernel.shape
    conv = torch.nn.Conv2d(
        c, c * m, (kh, kw), stride=layer.strides, dilation=layer.dilation_rate, groups=c,
        bias=bias is not None,
    )  # fmt: skip
    with torch.no_grad():
        # Keras (KH, KW, C, M) -> torch (C * M, 1, KH, KW), output channel c * M + m
        conv.weight.copy_(torch.from_numpy(kernel.reshape(kh, kw, c * m)).permute(2, 0, 1)[:, None])
        if bias is not None:
            conv.bias.copy_(torch.from_numpy(bias))
    flat = [v for pair in reversed(_pads(layer, x.shape[1:3])) for v in pair]
    return torch.nn.Sequential(torch.nn.ZeroPad2d(flat), conv)


def test_depthwise_conv2d_matches_torch_grouped_conv_and_gradchecks():
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        module = _torch_depthwise(layer, x, layer.kernel.data, layer.bias.data)
        return _run(torch, torch.nn.Sequential(module, torch.nn.ReLU()), x)

    layer = check_layer(
        lambda **kw: DepthwiseConv2D(
            3, depth_multiplier=2, padding="same", activation="relu",
            bias_initializer="random_normal", **kw,
        ),
        (2, 6, 5, 3), n_weights=2, torch_forward=forward,
    )  # fmt: skip
    assert layer.kernel.shape == (3, 3, 3, 2) and layer.bias.shape == (6,)
    assert [w.name.split("/")[-1] for w in layer.weights] == ["kernel", "bias"]


def test_separable_conv2d_matches_torch_depthwise_then_pointwise_and_gradchecks():
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        depthwise = _torch_depthwise(layer, x, layer.depthwise_kernel.data, None)
        pointwise = torch.nn.Conv2d(layer.pointwise_kernel.shape[2], layer.filters, 1)
        with torch.no_grad():
            pointwise.weight.copy_(
                torch.from_numpy(layer.pointwise_kernel.data).permute(3, 2, 0, 1)
            )
            pointwise.bias.copy_(torch.from_numpy(layer.bias.data))
        return _run(torch, torch.nn.Sequential(depthwise, pointwise), x)

    layer = check_layer(
        lambda **kw: SeparableConv2D(
            4, 3, strides=2, depth_multiplier=2, bias_initializer="random_normal", **kw
        ),
        (2, 7, 7, 3), n_weights=3, torch_forward=forward,
    )  # fmt: skip
    assert [w.name.split("/")[-1] for w in layer.weights] == [
        "depthwise_kernel", "pointwise_kernel", "bias",
    ]  # fmt: skip
    assert layer.pointwise_kernel.shape == (1, 1, 6, 4)


@pytest.mark.parametrize(
    "layer",
    [
        Conv1D(4, 3, strides=2, padding="causal", activation="relu", kernel_regularizer="l2"),
        Conv2D(8, (3, 5), dilation_rate=(2, 1), groups=2, use_bias=False),
        Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1),
        DepthwiseConv2D(3, depth_multiplier=3, activation="tanh"),
        SeparableConv2D(5, 2, padding="same", pointwise_regularizer="l1"),
    ],
)
def test_conv_layer_config_round_trips_through_json_and_the_registry(layer):
    config = json.loads(json.dumps(LAYERS.serialize(layer)))
    clone = LAYERS.deserialize(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()


def test_conv2d_keras_defaults_and_kernel_initializer_fans():
    glassnet.utils.set_random_seed(0)
    layer = Conv2D(64, 3)
    layer(np.zeros((1, 8, 8, 32), np.float32))
    config = layer.get_config()
    assert (config["strides"], config["padding"], config["dilation_rate"]) == (
        [1, 1],
        "valid",
        [1, 1],
    )
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    limit = math.sqrt(6 / (9 * 32 + 9 * 64))  # Keras fans include the 3x3 window
    assert np.abs(layer.kernel.data).max() <= limit
    assert np.abs(layer.kernel.data).max() > 0.99 * limit
    np.testing.assert_array_equal(layer.bias.data, np.zeros(64, np.float32))


def test_conv_layers_work_in_a_sequential_model_with_keras_shapes_and_param_counts():
    model = glassnet.models.Sequential([
        glassnet.layers.Input((28, 28, 1)),
        Conv2D(6, 5, padding="same", activation="relu"),
        glassnet.layers.MaxPooling2D(),
        Conv2D(16, 5, activation="relu"),
        glassnet.layers.Flatten(),
        glassnet.layers.Dense(10),
    ])  # fmt: skip
    assert model(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 10)
    assert [layer.count_params() for layer in model.layers] == [156, 0, 2416, 0, 16010]


def test_conv_activity_and_kernel_regularizers_add_losses():
    layer = Conv2D(2, 3, kernel_regularizer="l2", activity_regularizer="l1")
    layer(np.ones((1, 4, 4, 1), np.float32))
    assert len(layer.losses) == 2
    expected = 0.01 * np.sum(layer.kernel.data.astype(np.float64) ** 2)
    assert layer.losses[0].item() == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Conv2D(0, 3), ConfigError, r"The 'filters' argument of Conv2D must be a positive int. Got 0"),
        (lambda: Conv2D(4, (3,)), ConfigError, r"The 'kernel_size' argument of Conv2D must be an int or a tuple of 2 ints >= 1. Got \(3,\)"),
        (lambda: Conv2D(4, 3, padding="causal"), ConfigError, r"The 'padding' argument of Conv2D must be 'valid' or 'same'. Got 'causal'"),
        (lambda: Conv1D(4, 3, padding="full"), ConfigError, r"The 'padding' argument of Conv1D must be 'valid' or 'same' or 'causal'"),
        (lambda: Conv2D(4, 3, data_format="channels_first"), ConfigError, r"The 'data_format' argument of Conv2D must be 'channels_last' or None"),
        (lambda: Conv2D(4, 3, strides=2, dilation_rate=2), ConfigError, r"Conv2D: strides > 1 cannot be combined with dilation_rate > 1"),
        (lambda: Conv2D(5, 3, groups=2), ConfigError, r"Conv2D: expected filters \(5\) divisible by groups \(2\)"),
        (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=2), ConfigError, r"Conv2DTranspose: expected output_padding smaller than strides \(2, 2\)"),
        (lambda: Conv2DTranspose(4, 3, groups=2), ConfigError, r"Conv2DTranspose: unexpected argument\(s\) groups"),
        (lambda: DepthwiseConv2D(3, depth_multiplier=0), ConfigError, r"The 'depth_multiplier' argument of DepthwiseConv2D must be a positive int"),
        (lambda: Conv2D(4, 3, kernel_initialiser="ones"), ConfigError, r"Conv2D: unexpected argument\(s\) kernel_initialiser"),
    ],
)  # fmt: skip
def test_conv_layers_reject_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_conv2d_shape_errors_name_the_layer():
    with pytest.raises(
        ShapeError, match=r"Conv2D 'c1': expected spatial sizes of at least \(5, 5\)"
    ):
        Conv2D(4, 5, name="c1")(np.zeros((1, 3, 8, 1), np.float32))
    with pytest.raises(
        ShapeError, match=r"Conv2D 'c2': expected input channels divisible by groups=2"
    ):
        Conv2D(4, 3, groups=2, name="c2")(np.zeros((1, 5, 5, 3), np.float32))
    layer = Conv2D(4, 3, name="c3")
    layer(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(
        ShapeError,
        match=r"Conv2D 'c3': expected input of shape \(N, \.\.\., 3\), got \(1, 5, 5, 2\)",
    ):
        layer(np.zeros((1, 5, 5, 2), np.float32))
    with pytest.raises(
        ShapeError, match=r"Conv2D 'c3': expected input of rank 4, got shape \(5, 5, 3\)"
    ):
        layer(np.zeros((5, 5, 3), np.float32))
    with pytest.raises(
        ShapeError, match=r"DepthwiseConv2D 'd1': expected spatial sizes of at least"
    ):
        DepthwiseConv2D(4, name="d1")(np.zeros((1, 3, 3, 2), np.float32))


@pytest.mark.parametrize(
    ("cls", "args", "keras_name"),
    [
        (Conv1D, (2, 3), "conv1d"),
        (Conv2D, (2, 3), "conv2d"),
        (Conv2DTranspose, (2, 3), "conv2d_transpose"),
        (DepthwiseConv2D, (3,), "depthwise_conv2d"),
        (SeparableConv2D, (2, 3), "separable_conv2d"),
    ],
)
def test_conv_layers_get_keras_automatic_names(cls, args, keras_name):
    assert re.fullmatch(rf"{keras_name}(_\d+)?", cls(*args).name)
