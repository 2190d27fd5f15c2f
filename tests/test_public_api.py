"""Snapshots of the public surface: any change to it must be deliberate (STYLE 8.10)."""

from __future__ import annotations

import glassnet
from glassnet import ops


def test_top_level_names():
    assert sorted(glassnet.__all__) == sorted([
        "Input", "Model", "Sequential", "Tensor", "__version__", "backend", "detect_anomaly",
        "enable_grad", "errors", "floatx", "gradcheck", "is_grad_enabled", "no_grad", "ops",
        "set_detect_anomaly", "set_floatx",
        "tensor", "utils", "activations", "callbacks", "datasets", "initializers", "io",
        "layers", "load_model", "losses", "metrics", "models", "optimizers", "regularizers",
        "schedules",
    ])  # fmt: skip
    for name in glassnet.__all__:
        assert getattr(glassnet, name) is not None


def test_op_names():
    assert sorted(ops.OPS) == sorted([
        "add", "subtract", "multiply", "divide", "power", "negative",
        "exp", "log", "log1p", "sqrt", "abs", "clip", "where", "maximum", "minimum",
        "sum", "mean", "max", "min", "var", "logsumexp",
        "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split",
        "getitem", "pad", "matmul", "linear",
        "tanh", "sigmoid", "relu", "softplus", "softmax", "log_softmax", "erf",
        "one_hot", "argmax",
        "conv1d", "conv2d", "conv2d_transpose", "max_pool1d", "max_pool2d", "avg_pool1d",
        "avg_pool2d", "upsampling2d", "batch_norm",
        "simple_rnn", "lstm", "gru",
        "scaled_dot_product_attention",
    ])  # fmt: skip
    assert ops.__all__ == sorted(ops.OPS) + ["OPS"]
