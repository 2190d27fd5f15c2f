"""Every differentiable operation of glassnet, each forward pass right above its backward.

``OPS`` maps each public op name to its function; the test suite checks every entry against
finite differences and PyTorch (tests/ops/test_op_table.py) and fails on any op without one.

Families: ``arithmetic`` (add ... negative), ``elementwise`` (exp ... minimum), ``reduce``
(sum ... logsumexp), ``shape`` (reshape ... pad), ``linalg`` (matmul; linear, a fused dense
layer), ``activation`` (tanh ... log_softmax), ``special`` (erf), ``discrete`` (one_hot,
argmax: no gradient), ``conv`` (conv1d, conv2d, conv2d_transpose), ``pooling`` (max/avg
pool 1-D and 2-D), ``upsampling`` (upsampling2d), ``norm`` (batch_norm: the fused
training step of BatchNormalization), ``recurrent`` (simple_rnn, lstm, gru: a
whole time loop as one node), ``attention`` (scaled_dot_product_attention).
"""

from glassnet.ops.activation import log_softmax, relu, sigmoid, softmax, softplus, tanh
from glassnet.ops.arithmetic import add, divide, multiply, negative, power, subtract
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.ops.conv import conv1d, conv2d, conv2d_transpose
from glassnet.ops.discrete import argmax, one_hot
from glassnet.ops.elementwise import abs, clip, exp, log, log1p, maximum, minimum, sqrt, where
from glassnet.ops.linalg import linear, matmul
from glassnet.ops.methods import bind_tensor_methods
from glassnet.ops.norm import batch_norm
from glassnet.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from glassnet.ops.recurrent import gru, lstm, simple_rnn
from glassnet.ops.reduce import logsumexp, max, mean, min, sum, var
from glassnet.ops.shape import (
    concatenate,
    expand_dims,
    getitem,
    pad,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
)
from glassnet.ops.special import erf
from glassnet.ops.upsampling import upsampling2d

OPS = {
    fn.__name__: fn
    for fn in (
        add, subtract, multiply, divide, power, negative,
        exp, log, log1p, sqrt, abs, clip, where, maximum, minimum,
        sum, mean, max, min, var, logsumexp,
        reshape, transpose, expand_dims, squeeze, concatenate, stack, split, getitem, pad,
        matmul, linear,
        tanh, sigmoid, relu, softplus, softmax, log_softmax,
        erf,
        one_hot, argmax,
        conv1d, conv2d, conv2d_transpose,
        max_pool1d, max_pool2d, avg_pool1d, avg_pool2d, upsampling2d,
        batch_norm,
        simple_rnn, lstm, gru,
        scaled_dot_product_attention,
    )
}  # fmt: skip

__all__ = sorted(OPS) + ["OPS"]

bind_tensor_methods()
