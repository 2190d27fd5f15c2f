"""Behaviour of the convolution and pooling ops that the oracle table cannot show on random
inputs: tie-breaking, padding never winning a max, 'same' averages, causal padding, Keras's
output sizes, float32 throughout and gradients only where they are needed.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops


def _tensor(shape, seed=0, dtype=np.float32):
    data = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    return glassnet.Tensor(data, requires_grad=True)


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum_like_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 4, 4, 1), np.float32)
    x[0, 2:, 2:, 0] = [[1.0, 1.0], [1.0, 0.5]]
    ours = glassnet.Tensor(x, requires_grad=True)
    ops.max_pool2d(ours, pool_size=2, strides=1).sum().backward()
    theirs = torch.tensor(x).permute(0, 3, 1, 2).requires_grad_()
    torch.nn.functional.max_pool2d(theirs, 2, 1).sum().backward()
    np.testing.assert_array_equal(ours.grad, theirs.grad.permute(0, 2, 3, 1).numpy())
    # the four windows over the block of ones all pick its first 1; all-zero windows pick
    # their own first (top-left) zero
    expected = [[1, 1, 1, 0], [1, 0, 0, 0], [1, 0, 4, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(ours.grad[0, :, :, 0], expected)


def test_max_pool2d_same_padding_is_never_the_maximum():
    x = -1.0 - np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    y = ops.max_pool2d(x, pool_size=2, padding="same").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[-1.0, -3.0], [-7.0, -9.0]])


def test_avg_pool2d_same_padding_divides_by_the_real_values_only():
    x = np.ones((1, 3, 3, 1), np.float32)
    y = ops.avg_pool2d(x, pool_size=2, padding="same")
    np.testing.assert_array_equal(y.numpy(), np.ones((1, 2, 2, 1), np.float32))
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    corner = ops.avg_pool2d(x, pool_size=2, padding="same").numpy()[0, 1, 1, 0]
    assert corner == 8.0  # the window holds only x[2, 2]


def test_conv1d_causal_output_sees_only_the_past():
    x = _tensor((1, 10, 2))
    kernel = _tensor((3, 2, 1), seed=1)
    y = ops.conv1d(x, kernel, padding="causal", dilation_rate=2)
    assert y.shape == (1, 10, 1)
    changed = x.data.copy()
    changed[0, 6:] += 1.0
    y2 = ops.conv1d(changed, kernel.data, padding="causal", dilation_rate=2)
    np.testing.assert_array_equal(y.numpy()[0, :6], y2.numpy()[0, :6])
    assert not np.allclose(y.numpy()[0, 6:], y2.numpy()[0, 6:])


@pytest.mark.parametrize(
    ("size", "kernel", "strides", "padding", "output_padding", "expected"),
    [
        (5, 3, 2, "same", None, 10),
        (5, 3, 2, "valid", None, 11),
        (5, 2, 3, "valid", None, 15),
        (5, 3, 1, "valid", None, 7),
        (5, 3, 2, "valid", 1, 12),
        (5, 3, 2, "same", 1, 10),
        (5, 4, 2, "same", 0, 8),
    ],
)
def test_conv2d_transpose_output_size_follows_keras(
    size, kernel, strides, padding, output_padding, expected
):
    x = np.zeros((1, size, size, 1), np.float32)
    k = np.zeros((kernel, kernel, 2, 1), np.float32)
    y = ops.conv2d_transpose(x, k, strides=strides, padding=padding, output_padding=output_padding)
    assert y.shape == (1, expected, expected, 2)


@pytest.mark.parametrize(
    ("size", "kernel", "strides", "expected"),
    [(5, 3, 1, 5), (5, 3, 2, 3), (6, 2, 2, 3), (7, 4, 3, 3), (1, 3, 1, 1)],
)
def test_conv2d_same_output_size_is_ceil_of_size_over_stride(size, kernel, strides, expected):
    x = np.zeros((2, size, size, 3), np.float32)
    y = ops.conv2d(x, np.zeros((kernel, kernel, 3, 4), np.float32), strides=strides, padding="same")
    assert y.shape == (2, expected, expected, 4)


def test_depthwise_conv_through_groups_convolves_each_channel_alone():
    x = _tensor((2, 6, 6, 3))
    kernel = _tensor((3, 3, 1, 6), seed=1)  # depth multiplier 2
    y = ops.conv2d(x, kernel, groups=3).numpy()
    for c in range(3):
        alone = ops.conv2d(x.data[..., c : c + 1], kernel.data[..., 2 * c : 2 * c + 2]).numpy()
        np.testing.assert_allclose(y[..., 2 * c : 2 * c + 2], alone, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "op",
    [
        lambda x: ops.conv2d(x, np.ones((3, 3, 3, 2), np.float32), padding="same"),
        lambda x: ops.conv2d_transpose(x, np.ones((3, 3, 2, 3), np.float32), strides=2),
        lambda x: ops.max_pool2d(x, padding="same"),
        lambda x: ops.avg_pool2d(x, padding="same"),
        lambda x: ops.upsampling2d(x, interpolation="bilinear"),
    ],
)
def test_ops_stay_float32_forward_and_backward(op):
    x = _tensor((2, 5, 5, 3))
    y = op(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


def test_conv2d_input_without_grad_gets_none_and_kernel_still_learns():
    x = glassnet.Tensor(np.ones((1, 4, 4, 2), np.float32))
    kernel = _tensor((3, 3, 2, 1))
    ops.conv2d(x, kernel).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(kernel.grad, np.full((3, 3, 2, 1), 4.0))


def test_conv2d_does_not_change_its_inputs_or_the_upstream_gradient():
    x, kernel, bias = _tensor((1, 5, 5, 2)), _tensor((3, 3, 2, 2), 1), _tensor((2,), 2)
    saved = [x.data.copy(), kernel.data.copy(), bias.data.copy()]
    y = ops.conv2d(x, kernel, bias, padding="same", activation="relu")
    grad = np.random.default_rng(3).normal(size=y.shape).astype(np.float32)
    grad_copy = grad.copy()
    y.backward(grad)
    for before, t in zip(saved, (x, kernel, bias)):
        np.testing.assert_array_equal(before, t.data)
    np.testing.assert_array_equal(grad, grad_copy)


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "kwargs"),
    [
        ((5, 7, 6, 6), (3, 3, 6, 4), {"padding": "same", "strides": 2}),
        ((4, 8, 8, 2), (3, 2, 2, 3), {"dilation_rate": 2}),
        ((3, 9, 5), (3, 5, 4), {"padding": "causal"}),
    ],
)
def test_conv_blocks_of_samples_give_the_one_block_result(monkeypatch, x_shape, k_shape, kwargs):
    from glassnet.ops import _conv_core

    def run():
        x, kernel = _tensor(x_shape, seed=1), _tensor(k_shape, seed=2)
        op = ops.conv1d if len(x_shape) == 3 else ops.conv2d
        y = op(x, kernel, **kwargs)
        y.backward(np.random.default_rng(3).normal(size=y.shape).astype(np.float32))
        return y.numpy(), x.grad, kernel.grad

    whole = run()
    monkeypatch.setattr(_conv_core, "_BLOCK_BYTES", 1)  # one sample per block
    for ours, reference in zip(run(), whole):
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("op", "x_shape", "k_shape", "expected"),
    [
        (ops.conv2d, (0, 5, 5, 3), (3, 3, 3, 2), (0, 3, 3, 2)),  # empty batch
        (ops.conv2d, (1, 5, 5, 2), (3, 3, 2, 0), (1, 3, 3, 0)),  # no filters
        (ops.conv2d, (1, 5, 5, 0), (3, 3, 0, 2), (1, 3, 3, 2)),  # no input channels
        (ops.conv1d, (2, 5, 3), (3, 3, 0), (2, 3, 0)),
        (ops.conv2d_transpose, (1, 3, 3, 2), (3, 3, 0, 2), (1, 5, 5, 0)),
        (ops.conv2d_transpose, (0, 3, 3, 2), (3, 3, 4, 2), (0, 5, 5, 4)),
    ],
)
def test_conv_ops_handle_empty_axes(op, x_shape, k_shape, expected):
    x, kernel = _tensor(x_shape), _tensor(k_shape, seed=1)
    y = op(x, kernel)
    assert y.shape == expected
    y.sum().backward()
    assert x.grad.shape == x_shape and kernel.grad.shape == k_shape
    np.testing.assert_array_equal(y.numpy(), np.zeros(expected, np.float32))
