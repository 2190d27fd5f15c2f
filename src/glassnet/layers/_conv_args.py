"""Argument handling shared by the convolution, pooling and reshaping layers (Keras's
``standardize_tuple``, ``standardize_padding``, ``standardize_data_format`` and output-length
arithmetic), with glassnet's one message format for a bad argument.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet import activations, regularizers
from glassnet._constraints import is_int
from glassnet.errors import ConfigError
from glassnet.ops.linalg import FUSED_ACTIVATIONS


def _bad(cls: str, name: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"The '{name}' argument of {cls} must be {expected}. Got {value!r}.")


def positive_int(cls: str, name: str, value: Any) -> int:
    if not is_int(value) or value < 1:
        raise _bad(cls, name, "a positive int", value)
    return int(value)


def int_tuple(cls: str, name: str, value: Any, rank: int, minimum: int = 1) -> tuple[int, ...]:
    """An int, or ``rank`` ints, each >= ``minimum``, as a tuple of ``rank`` ints."""
    items = (value,) * rank if is_int(value) else value
    if (
        not isinstance(items, (tuple, list))
        or len(items) != rank
        or not all(is_int(v) and v >= minimum for v in items)
    ):
        many = "" if rank == 1 else f" or a tuple of {rank} ints"
        raise _bad(cls, name, f"an int{many} >= {minimum}", value)
    return tuple(int(v) for v in items)


def padding_mode(cls: str, value: Any, allow_causal: bool = False) -> str:
    """``'valid'`` or ``'same'`` (or ``'causal'`` for 1-D convolutions), case-insensitive."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        raise _bad(cls, "padding", " or ".join(repr(a) for a in allowed), value)
    return mode


def data_format(cls: str, value: Any) -> str:
    """Only ``'channels_last'`` (or None, meaning it): glassnet images are (N, H, W, C)."""
    if value in (None, "channels_last"):
        return "channels_last"
    raise ConfigError(
        f"The 'data_format' argument of {cls} must be 'channels_last' or None. Got {value!r}. "
        "glassnet images are channels-last (N, H, W, C): move the channels last, e.g. "
        "np.moveaxis(x, 1, -1), and drop data_format."
    )


def no_strided_dilation(cls: str, strides: tuple, dilation_rate: tuple) -> None:
    """Keras refuses strides > 1 together with dilation_rate > 1 in its layers."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ConfigError(
            f"{cls}: strides > 1 cannot be combined with dilation_rate > 1 (as in Keras); got "
            f"strides={strides} and dilation_rate={dilation_rate}. Set one of them to 1."
        )


def conv_output_length(
    size: int | None, kernel: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """Output positions of a convolution or pool along one axis (None stays None)."""
    if size is None:
        return None
    k_eff = (kernel - 1) * dilation + 1
    if padding == "valid":
        return (size - k_eff) // stride + 1
    return math.ceil(size / stride)  # 'same' and 'causal'


def fused_name(activation: Any) -> str | None:
    """The activation's name if the op can fuse it (relu, sigmoid, tanh, linear), else None."""
    name = activations.ACTIVATIONS.name_of(activation)
    return name if name in FUSED_ACTIVATIONS else None


def serialize_regularizer(reg: Any) -> Any:
    return None if reg is None else regularizers.serialize(reg)
