"""Pooling and spatial reshaping layers against the layer oracle and torch.nn modules, plus
BatchNormalization on convolution outputs (N, H, W, C) with axis=-1.

Mapping to PyTorch: (N, H, W, C) is permuted to (N, C, H, W) and back. TF/Keras 'same'
pooling is an explicit pad in front of the torch module: -inf for max pooling; for average
pooling the window sums are divided by the counts of real values (torch's
count_include_pad=False cannot pad asymmetrically).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import (
    LAYERS,
    AveragePooling1D,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Cropping2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from tests._oracle import check_layer


def _channels_first(torch, x):
    return torch.movedim(torch.from_numpy(x), -1, 1)


def _channels_last(y):
    return y.movedim(1, -1).numpy()


def _same(n, k, s):
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _torch_pool(kind):
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        F = torch.nn.functional
        rank = x.ndim - 2
        pads = [(0, 0)] * rank
        if layer.padding == "same":
            pads = [
                _same(n, k, s) for n, k, s in zip(x.shape[1:-1], layer.pool_size, layer.strides)
            ]
        flat = [v for pair in reversed(pads) for v in pair]
        xt = _channels_first(torch, x)
        pool = getattr(F, f"{kind}_pool{rank}d")
        if kind == "max":
            return _channels_last(
                pool(F.pad(xt, flat, value=-math.inf), layer.pool_size, layer.strides)
            )
        total = pool(F.pad(xt, flat), layer.pool_size, layer.strides)
        count = pool(F.pad(torch.ones_like(xt), flat), layer.pool_size, layer.strides)
        return _channels_last(total / count)

    return forward


@pytest.mark.parametrize(
    ("make", "shape", "kind"),
    [
        (lambda **kw: MaxPooling2D(**kw), (2, 6, 6, 3), "max"),
        (lambda **kw: MaxPooling2D((3, 3), strides=2, **kw), (2, 7, 7, 2), "max"),
        (lambda **kw: MaxPool2D(2, padding="same", **kw), (2, 5, 7, 2), "max"),
        (lambda **kw: MaxPooling1D(3, strides=1, padding="same", **kw), (2, 8, 3), "max"),
        (lambda **kw: AveragePooling2D(**kw), (2, 6, 6, 3), "avg"),
        (lambda **kw: AveragePooling2D((3, 2), strides=(2, 1), padding="same", **kw), (2, 5, 6, 2), "avg"),
        (lambda **kw: AveragePooling1D(pool_size=4, **kw), (2, 9, 2), "avg"),
    ],
)  # fmt: skip
def test_windowed_pooling_matches_torch_and_gradchecks(make, shape, kind):
    check_layer(make, shape, n_weights=0, torch_forward=_torch_pool(kind))


@pytest.mark.parametrize(
    ("cls", "shape", "reduce"),
    [
        (GlobalAveragePooling2D, (2, 4, 5, 3), "mean"),
        (GlobalMaxPooling2D, (2, 4, 5, 3), "amax"),
        (GlobalAveragePooling1D, (2, 6, 3), "mean"),
        (GlobalMaxPooling1D, (2, 6, 3), "amax"),
    ],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_torch_and_gradchecks(cls, shape, reduce, keepdims):
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        axes = tuple(range(1, x.ndim - 1))
        return getattr(torch, reduce)(torch.from_numpy(x), dim=axes, keepdim=keepdims).numpy()

    layer = check_layer(lambda **kw: cls(keepdims=keepdims, **kw), shape, n_weights=0,
                        torch_forward=forward)  # fmt: skip
    expected = (None, *([1] * (len(shape) - 2)), 3) if keepdims else (None, 3)
    assert layer.compute_output_shape((None, *shape[1:])) == expected


@pytest.mark.parametrize(
    ("make", "module"),
    [
        (lambda **kw: ZeroPadding2D(**kw), lambda nn: nn.ZeroPad2d(1)),
        (lambda **kw: ZeroPadding2D((2, 1), **kw), lambda nn: nn.ZeroPad2d((1, 1, 2, 2))),
        (lambda **kw: ZeroPadding2D(((1, 0), (0, 2)), **kw), lambda nn: nn.ZeroPad2d((0, 2, 1, 0))),
        (lambda **kw: ZeroPadding1D((2, 1), **kw), lambda nn: nn.ConstantPad1d((2, 1), 0.0)),
        (lambda **kw: UpSampling2D(**kw), lambda nn: nn.Upsample(scale_factor=2)),
        (lambda **kw: UpSampling2D((2, 3), interpolation="bilinear", **kw),
         lambda nn: nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=False)),
    ],
)  # fmt: skip
def test_padding_and_upsampling_match_torch_and_gradcheck(make, module):
    def forward(layer, x):
        torch = pytest.importorskip("torch")
        with torch.no_grad():
            return _channels_last(module(torch.nn)(_channels_first(torch, x)))

    shape = (2, 5, 3) if "ZeroPadding1D" in repr(make()) else (2, 3, 4, 2)
    check_layer(make, shape, n_weights=0, torch_forward=forward)


def test_cropping2d_cuts_the_edges_and_gradchecks():
    layer = check_layer(lambda **kw: Cropping2D(((1, 0), (2, 1)), **kw), (2, 5, 6, 3), n_weights=0)
    x = np.arange(2 * 5 * 6 * 3, dtype=np.float32).reshape(2, 5, 6, 3)
    np.testing.assert_array_equal(layer(x).numpy(), x[:, 1:, 2:-1])
    assert Cropping2D(1)(x).shape == (2, 3, 4, 3)
    assert Cropping2D((1, 2))(x).shape == (2, 3, 2, 3)


def test_batch_normalization_on_conv_features_matches_torch_batchnorm2d():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 6, 6, 3)).astype(np.float32)
    conv, bn = Conv2D(4, 3, activation="relu"), BatchNormalization(axis=-1)
    y = bn(conv(x), training=True)
    r = rng.normal(size=y.shape).astype(np.float32)
    (y * r).sum().backward()
    tconv = torch.nn.Conv2d(3, 4, 3)
    tbn = torch.nn.BatchNorm2d(4, eps=bn.epsilon, momentum=1 - bn.momentum)
    with torch.no_grad():
        tconv.weight.copy_(torch.from_numpy(conv.kernel.data).permute(3, 2, 0, 1))
        tconv.bias.copy_(torch.from_numpy(conv.bias.data))
    ty = tbn(torch.relu(tconv(_channels_first(torch, x))))
    (ty * _channels_first(torch, r)).sum().backward()
    np.testing.assert_allclose(y.numpy(), _channels_last(ty.detach()), rtol=1e-4, atol=1e-4)
    grad_kernel = tconv.weight.grad.permute(2, 3, 1, 0).numpy()
    np.testing.assert_allclose(conv.kernel.grad, grad_kernel, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(bn.gamma.grad, tbn.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.data, tbn.running_mean.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "layer",
    [
        MaxPooling2D((3, 2), strides=1, padding="same"),
        AveragePooling1D(3),
        GlobalMaxPooling2D(keepdims=True),
        ZeroPadding2D(((1, 0), (2, 3))),
        ZeroPadding1D(2),
        UpSampling2D(3, interpolation="bilinear"),
        Cropping2D(((1, 2), (0, 1))),
    ],
)
def test_pooling_and_reshaping_config_round_trips(layer):
    clone = LAYERS.deserialize(json.loads(json.dumps(LAYERS.serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_pooling_keras_defaults():
    config = MaxPooling2D().get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == ([2, 2], [2, 2], "valid")
    assert AveragePooling1D(3).get_config()["strides"] == [3]
    assert ZeroPadding1D().get_config()["padding"] == [1, 1]
    assert ZeroPadding2D().get_config()["padding"] == [[1, 1], [1, 1]]
    assert UpSampling2D().get_config()["size"] == [2, 2]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: MaxPooling2D(0), ConfigError, r"The 'pool_size' argument of MaxPooling2D must be an int or a tuple of 2 ints >= 1. Got 0"),
        (lambda: AveragePooling2D(padding="causal"), ConfigError, r"The 'padding' argument of AveragePooling2D must be 'valid' or 'same'"),
        (lambda: GlobalAveragePooling2D(data_format="channels_first"), ConfigError, r"'data_format' argument of GlobalAveragePooling2D"),
        (lambda: ZeroPadding2D((1, 2, 3)), ConfigError, r"The 'padding' argument of ZeroPadding2D must be an int, 2 ints, or 2 \(before, after\) pairs of ints >= 0"),
        (lambda: ZeroPadding1D(-1), ConfigError, r"The 'padding' argument of ZeroPadding1D must be an int or a \(before, after\) pair"),
        (lambda: UpSampling2D(interpolation="bicubic"), ConfigError, r"The 'interpolation' argument of UpSampling2D must be 'nearest' or 'bilinear'"),
        (lambda: Cropping2D("1"), ConfigError, r"The 'cropping' argument of Cropping2D"),
    ],
)  # fmt: skip
def test_pooling_and_reshaping_reject_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_pooling_and_cropping_shape_errors_name_the_layer():
    with pytest.raises(
        ShapeError,
        match=r"MaxPooling2D 'p1': expected spatial sizes of at least pool_size \(3, 3\)",
    ):
        MaxPooling2D(3, name="p1")(np.zeros((1, 2, 5, 1), np.float32))
    with pytest.raises(
        ShapeError, match=r"Cropping2D 'c1': expected an input larger than the cropping"
    ):
        Cropping2D(2, name="c1")(np.zeros((1, 4, 6, 1), np.float32))
    with pytest.raises(
        ShapeError,
        match=r"GlobalMaxPooling2D 'g1': expected input of rank 4, got shape \(2, 3, 4\)",
    ):
        GlobalMaxPooling2D(name="g1")(np.zeros((2, 3, 4), np.float32))
