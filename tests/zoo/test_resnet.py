"""Residual networks: the blocks against the layer oracle and PyTorch, the ResNet builder, and
a 20-layer plain network against its residual twin (vanishing gradients, training)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect import layer_statistics
from glassnet.layers import LAYERS, ResidualBlock, ResidualConvBlock
from glassnet.zoo.resnet import ResNet, deep_mlp
from tests._oracle import check_layer


def _torch_bn(torch, weights, eps=1e-3):
    gamma, beta, mean, var = weights
    return lambda x, shape: (
        (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps) * (gamma.reshape(shape))
        + beta.reshape(shape)
    )


def _torch_dense_block(layer, x):
    torch = pytest.importorskip("torch")
    w = [torch.tensor(a) for a in layer.get_weights()]
    bn1, bn2 = _torch_bn(torch, w[0:4]), _torch_bn(torch, w[6:10])
    a = torch.relu(bn1(torch.tensor(x), (1, -1)))
    h = torch.nn.functional.linear(a, w[4].T, w[5])
    h = torch.nn.functional.linear(torch.relu(bn2(h, (1, -1))), w[10].T, w[11])
    shortcut = a @ w[12] if len(w) > 12 else torch.tensor(x)
    return (shortcut + h).numpy()


def _torch_conv_block(layer, x):
    torch = pytest.importorskip("torch")
    f = torch.nn.functional
    w = [torch.tensor(a) for a in layer.get_weights()]
    bn1, bn2 = _torch_bn(torch, w[0:4]), _torch_bn(torch, w[6:10])
    s = layer.strides

    def conv(v, kernel, bias, stride):  # Keras 'same': the odd pixel of padding goes last
        k = kernel.shape[0]
        total = max((-(-v.shape[2] // stride) - 1) * stride + k - v.shape[2], 0)
        v = f.pad(v, (total // 2, total - total // 2, total // 2, total - total // 2))
        return f.conv2d(v, kernel.permute(3, 2, 0, 1), bias, stride=stride)

    xt = torch.tensor(x).permute(0, 3, 1, 2)
    a = torch.relu(bn1(xt, (1, -1, 1, 1)))
    h = torch.relu(bn2(conv(a, w[4], w[5], s), (1, -1, 1, 1)))
    h = conv(h, w[10], w[11], 1)
    shortcut = conv(a, w[12], None, s) if len(w) > 12 else xt
    return (shortcut + h).permute(0, 2, 3, 1).numpy()


def _random_normalization(layer):
    """Give every BatchNormalization weight values other than 1 and 0 (moving ones too)."""
    rng = np.random.default_rng(1)
    weights = layer.get_weights()
    for i in (0, 6):  # gamma, beta, moving_mean, moving_variance of BN1 and BN2
        shape = weights[i].shape
        weights[i : i + 4] = [rng.uniform(0.5, 1.5, shape), rng.normal(0, 0.3, shape),
                              rng.normal(0, 0.3, shape), rng.uniform(0.5, 2.0, shape)]  # fmt: skip
    layer.set_weights([w.astype(np.float32) for w in weights])


@pytest.mark.parametrize(("features", "n_weights"), [(5, 12), (3, 13)])
def test_residual_block_oracle_and_torch(features, n_weights):
    make = lambda **kw: ResidualBlock(5, **kw)  # noqa: E731
    check_layer(make, (4, features), n_weights=n_weights, torch_forward=_torch_dense_block)
    check_layer(make, (6, features), n_weights=n_weights, training=True)  # batch statistics
    plain = lambda **kw: ResidualBlock(5, batch_normalization=False, **kw)  # noqa: E731
    check_layer(plain, (4, features), n_weights=n_weights - 8)
    layer = make()
    x = np.random.default_rng(2).normal(size=(4, features)).astype(np.float32)
    layer(x)
    _random_normalization(layer)
    np.testing.assert_allclose(layer(x).numpy(), _torch_dense_block(layer, x), rtol=1e-4,
                               atol=1e-5)  # fmt: skip


@pytest.mark.parametrize(("shape", "strides", "n_weights", "out"),
                         [((2, 5, 5, 3), 1, 12, (5, 5)), ((2, 5, 5, 2), 2, 13, (3, 3)),
                          ((2, 4, 4, 2), 1, 13, (4, 4)), ((2, 6, 6, 3), 2, 13, (3, 3))])  # fmt: skip
def test_residual_conv_block_oracle_and_torch(shape, strides, n_weights, out):
    make = lambda **kw: ResidualConvBlock(3, strides=strides, **kw)  # noqa: E731
    layer = check_layer(make, shape, n_weights=n_weights, torch_forward=_torch_conv_block)
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *out, 3)
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    _random_normalization(layer)
    np.testing.assert_allclose(layer(x).numpy(), _torch_conv_block(layer, x), rtol=1e-4,
                               atol=1e-5)  # fmt: skip


def test_blocks_register_refuse_bad_arguments_and_input():
    for name in ("ResidualBlock", "ResidualConvBlock"):
        layer = LAYERS.get(name)(4)
        assert LAYERS.deserialize(LAYERS.serialize(layer)).get_config() == layer.get_config()
    with pytest.raises(ConfigError, match="'units' argument of ResidualBlock"):
        ResidualBlock(0)
    with pytest.raises(ConfigError, match="'strides' argument of ResidualConvBlock"):
        ResidualConvBlock(4, strides=0)
    with pytest.raises(ConfigError, match="'batch_normalization' argument of ResidualBlock"):
        ResidualBlock(4, batch_normalization="yes")
    with pytest.raises(ShapeError, match="ResidualConvBlock .* expected input of rank 4"):
        ResidualConvBlock(4)(np.zeros((2, 3), np.float32))


def test_resnet_builder_shapes_layers_and_one_training_step():
    glassnet.utils.set_random_seed(0)
    model = ResNet((8, 8, 1), 10, stages=(8, 16), blocks_per_stage=2)
    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["Conv2D"] + ["ResidualConvBlock"] * 4 + [
        "BatchNormalization", "Activation", "GlobalAveragePooling2D", "Dense"]  # fmt: skip
    assert [b.strides for b in model.layers[1:5]] == [1, 1, 2, 1]
    assert model.layers[3].projection is not None and model.layers[4].projection is None
    x = np.random.default_rng(0).random((16, 8, 8, 1), dtype=np.float32)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, np.arange(16) % 10, batch_size=8, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    resnet20 = ResNet((28, 28, 1), stages=(16, 32, 64), blocks_per_stage=3)
    convs = sum(1 for w in resnet20.weights if w.ndim == 4 and w.shape[0] == 3)
    assert convs + 1 == 20  # 19 3x3 convolutions + the classifier: ResNet-20
    with pytest.raises(ConfigError, match="ResNet: expected at least one stage"):
        ResNet(stages=())


def _digits():
    datasets = pytest.importorskip("sklearn.datasets")
    x, y = datasets.load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    return (x[order] / 16.0).astype(np.float32), y[order]


def test_plain_20_layers_vanish_where_the_residual_twin_trains():
    x, y = _digits()
    x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]
    models, norms = {}, {}
    for kind in ("plain", "residual"):
        glassnet.utils.set_random_seed(0)
        model = deep_mlp(64, 10, depth=20, width=32, residual=kind == "residual")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        snap = layer_statistics(model, x_train[:256], y_train[:256])
        norms[kind] = [v["gradient_norm"] for v in snap["layers"].values()
                       if v["gradient_norm"] is not None]  # fmt: skip
        models[kind] = model
    plain, twin = models["plain"], models["residual"]
    dense = lambda m: [w for w in m.weights if w.ndim == 2]  # noqa: E731
    assert len(dense(plain)) == len(dense(twin)) == 20  # twenty Dense layers each
    for a, b in zip(dense(plain), dense(twin)):  # the same initial weights, layer by layer
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # plain: 20 Dense layers; twin: stem, 9 blocks of two, classifier
    assert len(norms["plain"]) == 20 and len(norms["residual"]) == 11
    first, last_hidden = norms["plain"][0], norms["plain"][-2]
    assert first < 1e-2 * last_hidden, norms["plain"]  # measured: about 1e-11 of it
    assert first < 1e-2 * norms["residual"][0], (first, norms["residual"][0])
    assert min(norms["residual"]) > 0.1 * max(norms["residual"][:-1])  # no vanishing
    results = {}
    for kind, model in models.items():
        history = model.fit(x_train, y_train, batch_size=64, epochs=30, verbose=0)
        results[kind] = (history.history["loss"], model.evaluate(x_test, y_test, return_dict=True))
    loss, test = results["residual"]
    assert loss[-1] < 0.3 * loss[0], loss  # falls from about 2.36
    assert test["accuracy"] >= 0.85, test  # measured about 0.93
    assert results["plain"][1]["accuracy"] < 0.2, results["plain"][1]  # chance is 0.1


def test_deep_mlp_twins_and_errors():
    plain, twin = deep_mlp(4, 3, depth=6), deep_mlp(4, 3, depth=6, residual=True)
    assert plain.count_params() == twin.count_params()
    assert plain.name == "plain_6" and twin.name == "residual_6"
    bn = deep_mlp(4, 3, depth=4, batch_normalization=True)
    assert [type(layer).__name__ for layer in bn.layers].count("BatchNormalization") == 3
    for depth in (3, 7, "20"):
        with pytest.raises(ConfigError, match="expected an even depth >= 4"):
            deep_mlp(4, 3, depth=depth)
