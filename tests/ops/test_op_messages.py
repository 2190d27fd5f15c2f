"""Error messages of the ops and of Tensor that the op table (specs_*.py) does not reach."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import ops
from glassnet.errors import ConfigError, ShapeError

X = np.ones((2, 3), np.float32)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ops.sum(X, axis=(0, 1.5)), ShapeError, r"sum: expected integer axes, got \(0, 1.5\)\. Pass an int or"),
        (lambda: ops.mean(X, axis=1.5), ShapeError, r"mean: expected integer axes, got 1.5\. Pass an int or a tuple"),
        (lambda: ops.sum(X, axis=(0, 0)), ShapeError, r"sum: expected distinct axes, got \(0, 0\)\."),
        (lambda: ops.softmax(X, axis=1.5), ShapeError, r"softmax: expected an integer axis, got 1.5\."),
        (lambda: ops.min(np.ones((0, 3))), ShapeError, r"min: expected a non-empty tensor, got shape \(0, 3\)\."),
        (lambda: ops.one_hot(np.array([1]), 0), ConfigError,
         r"one_hot: expected num_classes to be a positive int, got 0\."),
        (lambda: ops.matmul(glassnet.tensor(2.0), X), ShapeError,
         r"matmul: expected operands with at least one axis, got \(\) and \(2, 3\)\. Use multiply"),
        (lambda: ops.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 4))), ShapeError,
         r"matmul: cannot broadcast the batch axes of \(2, 2, 3\) and \(3, 3, 4\)\."),
        (lambda: ops.linear(X, np.ones(3)), ShapeError,
         r"linear: expected a 2-D kernel \(F, units\), got shape \(3,\)\."),
        (lambda: ops.max_pool1d(np.ones((1, 4, 1)), 2, padding="full"), ConfigError,
         r"max_pool1d: expected padding 'valid' or 'same', got 'full'\."),
        (lambda: ops.avg_pool1d(np.ones((1, 4, 1)), 2, padding="full"), ConfigError,
         r"avg_pool1d: expected padding 'valid' or 'same', got 'full'\."),
        (lambda: ops.avg_pool2d(np.ones((1, 4, 4, 1)), 2, padding="full"), ConfigError,
         r"avg_pool2d: expected padding 'valid' or 'same', got 'full'\."),
        (lambda: ops.concatenate([]), ShapeError,
         r"concatenate: expected a non-empty list of tensors, got an empty sequence\."),
        (lambda: ops.stack(()), ShapeError,
         r"stack: expected a non-empty list of tensors, got an empty sequence\."),
        (lambda: ops.concatenate(glassnet.tensor(X)), ShapeError,
         r"concatenate: expected a list of tensors, got one Tensor\. Pass \[a, b, \.\.\.\]\."),
        (lambda: ops.stack(glassnet.tensor(X)), ShapeError,
         r"stack: expected a list of tensors, got one Tensor\. Pass \[a, b, \.\.\.\]\."),
        (lambda: ops.stack([np.ones(2), np.ones(3)]), ShapeError,
         r"stack: expected every tensor to have the shape of the first, got \(2,\) and \(3,\) "
         r"\(tensor 1\)\."),
        (lambda: ops.pad(X, ((1, 1, 1),)), ShapeError,
         r"pad: expected pad_width as an int, a \(before, after\) pair or one pair per axis "
         r"\(2 axes\), got \(\(1, 1, 1\),\)\."),
        (lambda: ops.pad(X, -1), ShapeError, r"pad: expected non-negative widths, got -1\."),
        (lambda: ops.simple_rnn(np.ones((1, 2, 3)), np.ones((3, 4)), np.ones((4, 4)), np.ones(3)),
         ShapeError, r"simple_rnn: expected bias of shape \(4,\), got \(3,\)\."),
        (lambda: ops.conv2d_transpose(np.ones((1, 3, 3, 2)), np.ones((2, 2, 4, 2)), bias=np.ones(3)),
         ShapeError, r"conv2d_transpose: expected bias of shape \(4,\), got \(3,\)\."),
        (lambda: ops.conv2d_transpose(np.ones((1, 3, 3, 2)), np.ones((2, 2, 4, 2)), activation="softmax"),
         ConfigError,
         r"conv2d_transpose: expected activation in linear, relu, sigmoid, tanh, got 'softmax'\. "
         r"Apply other activations after the op\."),
    ],
)  # fmt: skip
def test_op_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_tensor_errors():
    with pytest.raises(TypeError, match=r"len\(\) of a 0-d tensor\. Use \.item\(\) to read"):
        len(glassnet.tensor(1.0))
    with pytest.raises(
        TypeError,
        match=r"tensor: expected numbers or an array of numbers, got list \(.*inhomogeneous.*\)\. "
        r"Convert the data to a numeric NumPy array first\.",
    ):
        glassnet.tensor([[1.0, 2.0], [3.0]])


def test_numpy_integer_axes_work_like_python_ints():
    np.testing.assert_array_equal(ops.sum(X, axis=np.int64(1)).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(ops.sum(X, axis=(np.int32(0),)).numpy(), [2.0, 2.0, 2.0])
