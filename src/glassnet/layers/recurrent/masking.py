"""Masks for sequences: how a padding mask travels from ``Embedding``/``Masking`` to an RNN.

Keras marks padded time steps with a boolean mask (N, T) that rides along with a layer's output
(``output._keras_mask``) and is read by the layers that understand it. glassnet has the
smallest version of that mechanism:

- ``Embedding(mask_zero=True)`` and ``Masking(mask_value)`` return their output with a mask
  attached: ``get_mask(y)`` gives the (N, T) boolean array, True where a step is real.
- Recurrent layers (``RNN`` and its subclasses, ``Bidirectional``) take ``mask=`` in their
  call, and when it is not given, read the mask attached to their input. With
  ``return_sequences=True`` they attach the same mask to their output, so stacked recurrent
  layers all see it; ``TimeDistributed`` passes it through too.
- Every other layer ignores a mask and returns an output without one (Keras propagates it
  through ``Dropout``, ``Dense`` and a few more; in glassnet, put those after the last
  recurrent layer, or pass ``mask=`` to the recurrent layer yourself).

What a masked step does in a recurrent layer is Keras's rule: the step is skipped, the states
are carried over unchanged, and the output at that step repeats the previous output (zeros
with ``zero_output_for_mask=True``, which ``Bidirectional`` sets for sequence outputs).

A mask is attached by returning a ``Tensor`` subclass with one extra slot, ``_keras_mask``;
it is the same graph node as the tensor it wraps, so gradients are unaffected.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.errors import ShapeError
from glassnet.layers._checks import REAL, check_args
from glassnet.layers.base import LAYERS, Layer
from glassnet.tensor import Tensor, next_sequence_number

__all__ = ["Masking", "attach_mask", "get_mask"]


class _MaskedTensor(Tensor):
    """A Tensor carrying a boolean (N, T) mask of the time steps that hold data."""

    __slots__ = ("_keras_mask",)


def attach_mask(x: Tensor, mask: Any) -> Tensor:
    """Return ``x`` with ``mask`` attached (the same graph node); ``mask=None`` returns x.

    Shape:
        x: (N, T, ...).  mask: (N, T) bool.
    """
    if mask is None:
        return x
    if x.is_leaf and x.requires_grad:
        # why: a copy of a leaf would be a second leaf that receives the gradient instead.
        x = ops.multiply(x, Tensor(np.ones((), dtype=x.dtype)))
    out = _MaskedTensor.__new__(_MaskedTensor)
    for slot in Tensor.__slots__:
        setattr(out, slot, getattr(x, slot))
    if out._seq:  # why: a number of its own keeps the backward walk's order deterministic
        out._seq = next_sequence_number()
    out._keras_mask = np.asarray(mask, dtype=bool)
    return out


def get_mask(x: Any) -> np.ndarray | None:
    """The (N, T) boolean mask attached to ``x``, or None."""
    return getattr(x, "_keras_mask", None)


@LAYERS.register("Masking")
class Masking(Layer):
    """Masks the time steps whose features all equal ``mask_value`` (Keras's ``Masking``).

    The output is the input with those steps set to 0, and carries the mask (see the module
    docstring), so a following recurrent layer skips those steps.

    Math:
        keep[n, t] = any_f(x[n, t, f] != mask_value);   y = x * keep[..., None]

    Args:
        mask_value: the padding value.

    Shape:
        Input: (N, T, F) (any rank >= 2; the mask covers all axes but the last).
        Output: same as input.  No weights.

    Example:
        >>> y = Masking()(np.array([[[1.0], [0.0], [2.0]]]))
        >>> get_mask(y)
        array([[ True, False,  True]])
    """

    _constraints = {"mask_value": REAL}

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        check_args(self)
        self.mask_value = float(mask_value)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if inputs.ndim < 2:
            raise ShapeError(
                f"Masking '{self.name}': expected input of rank >= 2 (N, T, ...), got shape "
                f"{inputs.shape}."
            )
        keep = np.any(inputs.data != self.mask_value, axis=-1)
        out = ops.multiply(inputs, Tensor(keep[..., None].astype(inputs.dtype)))
        return attach_mask(out, keep)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
