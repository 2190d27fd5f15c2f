"""Shape ops: reshape, transpose, expand_dims, squeeze, concatenate, stack, split, getitem, pad.

None of these changes a value, so every backward only moves the gradient back into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.ops._util import normalize_axis, single_axis
from glassnet.tensor import Tensor, as_tensor


def reshape(x: Any, shape: int | Sequence[int]) -> Tensor:
    """Give ``x`` a new shape with the same number of elements (one entry may be -1).

    Math:
        dL/dx = reshape(dL/dy, x.shape)
    """
    x = as_tensor(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    try:
        y = x.data.reshape(shape)
    except (ValueError, TypeError):
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into "
            f"{shape}. The sizes must multiply to {x.size}; use -1 for one inferred axis."
        ) from None

    def backward(grad):
        return (grad.reshape(x.shape),)

    return Tensor.from_op(y, (x,), backward, "reshape")


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes of ``x`` (reverse them when ``axes`` is None).

    Math:
        dL/dx = transpose(dL/dy, inverse permutation of axes)
    """
    x = as_tensor(x)
    if axes is not None:
        axes = tuple(axes)
        if len(axes) != x.ndim or sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
            raise ShapeError(
                f"transpose: expected a permutation of the {x.ndim} axes of shape {x.shape}, "
                f"got {axes}. List each axis exactly once, for example "
                f"{tuple(range(x.ndim))[::-1]}."
            )
    inverse = None if axes is None else tuple(np.argsort([a % x.ndim for a in axes]))

    def backward(grad):
        return (np.transpose(grad, inverse),)

    return Tensor.from_op(np.transpose(x.data, axes), (x,), backward, "transpose")


def expand_dims(x: Any, axis: int) -> Tensor:
    """Insert an axis of size 1 at position ``axis``.

    Math:
        dL/dx = reshape(dL/dy, x.shape)
    """
    x = as_tensor(x)
    single_axis("expand_dims", axis, x.ndim + 1)
    y = np.expand_dims(x.data, axis)

    def backward(grad):
        return (grad.reshape(x.shape),)

    return Tensor.from_op(y, (x,), backward, "expand_dims")


def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> Tensor:
    """Remove axes of size 1 (all of them when ``axis`` is None).

    Math:
        dL/dx = reshape(dL/dy, x.shape)
    """
    x = as_tensor(x)
    axes = normalize_axis("squeeze", axis, x.ndim)
    if axes is not None:
        bad = [a for a in axes if x.shape[a] != 1]
        if bad:
            raise ShapeError(
                f"squeeze: expected axis {bad[0]} to have size 1, got size {x.shape[bad[0]]} "
                f"in shape {x.shape}. Only axes of size 1 can be removed."
            )
    y = np.squeeze(x.data, axis=axes)

    def backward(grad):
        return (grad.reshape(x.shape),)

    return Tensor.from_op(y, (x,), backward, "squeeze")


def _check_joinable(op: str, tensors: Sequence[Any], skip_axis: int | None) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        raise ShapeError(f"{op}: expected a list of tensors, got one Tensor. Pass [a, b, ...].")
    if len(tensors) == 0:
        raise ShapeError(f"{op}: expected a non-empty list of tensors, got an empty sequence.")
    first = as_tensor(tensors[0])
    items = [first] + [as_tensor(t, like=first) for t in tensors[1:]]
    for i, t in enumerate(items[1:], start=1):
        a = [n for k, n in enumerate(first.shape) if k != skip_axis]
        b = [n for k, n in enumerate(t.shape) if k != skip_axis]
        if t.ndim != first.ndim or a != b:
            where = "" if skip_axis is None else f" except along axis {skip_axis}"
            raise ShapeError(
                f"{op}: expected every tensor to have the shape of the first{where}, got "
                f"{first.shape} and {t.shape} (tensor {i})."
            )
    return items


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    Math:
        y     = [x_1, x_2, ...] along axis
        dL/dx_i = the slice of dL/dy that x_i filled
    """
    ndim = as_tensor(tensors[0]).ndim if len(tensors) else 0
    axis = single_axis("concatenate", axis, max(ndim, 1))
    items = _check_joinable("concatenate", tensors, axis)
    y = np.concatenate([t.data for t in items], axis=axis)
    cuts = np.cumsum([t.shape[axis] for t in items])[:-1]

    def backward(grad):
        return tuple(np.split(grad, cuts, axis=axis))

    return Tensor.from_op(y, tuple(items), backward, "concatenate")


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis.

    Math:
        y[..., i, ...] = x_i
        dL/dx_i = dL/dy[..., i, ...]
    """
    items = _check_joinable("stack", tensors, None)
    axis = single_axis("stack", axis, items[0].ndim + 1)
    y = np.stack([t.data for t in items], axis=axis)

    def backward(grad):
        moved = np.moveaxis(grad, axis, 0)
        return tuple(moved[i] for i in range(len(items)))

    return Tensor.from_op(y, tuple(items), backward, "stack")


def split(x: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Split ``x`` into pieces along ``axis`` (NumPy's rules): each piece is a slice of x.

    Math:
        dL/dx = the pieces' gradients put back side by side
    """
    x = as_tensor(x)
    axis = single_axis("split", axis, x.ndim)
    size = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n <= 0 or size % n:
            raise ShapeError(
                f"split: expected a number of sections that divides axis {axis} (size {size}) "
                f"evenly, got {n}. Pass split indices instead, for example [{size // 2}]."
            )
        bounds = [i * size // n for i in range(n + 1)]
    else:
        bounds = [0, *(int(i) for i in indices_or_sections), size]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        index = (slice(None),) * axis + (slice(start, stop),)
        pieces.append(getitem(x, index))
    return pieces


def _is_advanced(index: Any) -> bool:
    """True when ``index`` uses integer arrays, which may repeat positions."""
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, (list, np.ndarray)) and np.asarray(part).dtype.kind in "iu":
            return True
    return False


def _raw_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(p.data if isinstance(p, Tensor) else p for p in index)
    return index


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` with NumPy's basic (slices, ints, None, ...) and integer-array indexing.

    Math:
        dL/dx = zeros like x, with dL/dy added at the indexed positions
                (repeated positions add up)
    """
    x = as_tensor(x)
    index = _raw_index(index)
    try:
        y = x.data[index]
    except IndexError as err:
        raise ShapeError(
            f"getitem: index {index!r} does not fit a tensor of shape {x.shape} ({err})."
        ) from None
    advanced = _is_advanced(index)

    def backward(grad):
        grad_x = np.zeros(x.shape, dtype=grad.dtype)
        if advanced:
            np.add.at(grad_x, index, grad)
        else:
            grad_x[index] = grad
        return (grad_x,)

    return Tensor.from_op(np.asarray(y), (x,), backward, "getitem")


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: float = 0) -> Tensor:
    """Pad ``x`` with a constant (NumPy's ``pad_width`` forms: int, (before, after), per axis).

    Math:
        dL/dx = dL/dy with the padding cut away
    """
    x = as_tensor(x)
    if mode != "constant":
        raise ConfigError(
            f"pad: expected mode='constant', got {mode!r}. Only constant padding is supported."
        )
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    except ValueError:
        raise ShapeError(
            f"pad: expected pad_width as an int, a (before, after) pair or one pair per axis "
            f"({x.ndim} axes), got {pad_width!r}."
        ) from None
    if (widths < 0).any():
        raise ShapeError(f"pad: expected non-negative widths, got {pad_width!r}.")
    y = np.pad(x.data, widths, mode="constant", constant_values=constant_values)
    inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))

    def backward(grad):
        return (grad[inner],)

    return Tensor.from_op(y, (x,), backward, "pad")
