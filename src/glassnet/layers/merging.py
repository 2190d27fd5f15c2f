"""Merging layers: combine a list of tensors into one (Keras 3 names and rules).

``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum`` and ``Minimum`` work element by
element; ``Concatenate`` joins along an axis; ``Dot`` takes per-sample dot products. Each is
called on a list, ``layer([a, b])``, and the lower-case functions (``add([a, b])``) build the
layer and call it in one go, as in Keras.

Shapes: every input keeps the batch axis first, and the batch sizes must agree. Element-wise
layers follow Keras's broadcasting of the per-sample shapes: aligned from the right, each
pair of sizes equal or one of them 1; an input of lower rank gets size-1 axes inserted after
its batch axis. Anything else is a ``ShapeError`` naming the layer and both shapes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from glassnet import ops
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, INT, check_args
from glassnet.layers.base import LAYERS, Layer, shape_text
from glassnet.tensor import Tensor

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
    "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
]  # fmt: skip

Shape = tuple  # of int | None, batch axis first


class _Merge(Layer):
    """Base of the merging layers: called on a list of tensors, no weights.

    Subclasses set ``_n_inputs`` (None: one or more) and write ``_merge(inputs)`` on inputs
    already checked and brought to one rank.
    """

    _multi_input = True
    _n_inputs: int | None = None
    _constraints: dict = {}

    def _who(self) -> str:
        return f"{type(self).__name__} '{self.name}'"

    def build(self, input_shape: list[Shape]) -> None:
        self.built = True  # nothing to create; every call checks the actual shapes

    def call(self, inputs: list[Tensor], training: bool | None = None) -> Tensor:
        self._check_shapes([x.shape for x in inputs])
        rank = max(x.ndim for x in inputs)
        # why: Keras inserts the missing axes right after the batch axis, so (N, 4) meets
        # (N, 3, 4) as (N, 1, 4).
        aligned = [x if x.ndim == rank else _insert_axes(x, rank) for x in inputs]
        return self._merge(aligned)

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        raise NotImplementedError

    def _check_count(self, shapes: Sequence[Shape]) -> None:
        n = self._n_inputs
        if n is not None and len(shapes) != n:
            raise ShapeError(
                f"{self._who()}: expected exactly {n} inputs, got {len(shapes)}. "
                f"Call it on a list of {n} tensors."
            )
        for shape in shapes:
            if len(shape) < 1:
                raise ShapeError(
                    f"{self._who()}: expected inputs with a batch axis, got a scalar (shape ()). "
                    "Add a batch axis (x[None])."
                )

    def _check_batch(self, shapes: Sequence[Shape]) -> None:
        sizes = {s[0] for s in shapes} - {None}
        if len(sizes) > 1:
            listed = ", ".join(shape_text(s) for s in shapes)
            raise ShapeError(
                f"{self._who()}: expected inputs with the same batch size, got shapes {listed}. "
                "Feed the inputs the same samples."
            )

    def _check_shapes(self, shapes: Sequence[Shape]) -> Shape:
        """Check the inputs; return the per-sample output shape of an element-wise merge."""
        self._check_count(shapes)
        self._check_batch(shapes)
        out: list = list(shapes[0][1:])
        for i, shape in enumerate(shapes[1:], start=1):
            sample = list(shape[1:])
            if len(sample) > len(out):
                out = [1] * (len(sample) - len(out)) + out
            sample = [1] * (len(out) - len(sample)) + sample
            for k, (a, b) in enumerate(zip(out, sample)):
                if a is not None and b is not None and a != b and 1 not in (a, b):
                    first, other = shape_text(shapes[0]), shape_text(shape)
                    raise ShapeError(
                        f"{self._who()}: expected inputs of one shape (or sizes of 1 that "
                        f"broadcast), got {first} and {other} (input {i}). Make the feature "
                        "sizes agree, for example with a Dense layer."
                    )
                out[k] = None if None in (a, b) else max(a, b)
        return tuple(out)

    def compute_output_shape(self, input_shape: list[Shape]) -> Shape:
        sample = self._check_shapes(input_shape)
        batch = {s[0] for s in input_shape} - {None}
        return (batch.pop() if batch else None, *sample)


@LAYERS.register("Add")
class Add(_Merge):
    """Element-wise sum of the inputs.

    Math:
        y       = x_1 + x_2 + ... + x_k
        dL/dx_i = dL/dy (summed over broadcast axes)

    Shape:
        Inputs: a list of (N, ...) tensors of one shape (or broadcastable).  Output: that
        shape.  No weights.

    Example:
        >>> Add()([np.ones((2, 3)), np.full((2, 3), 2.0)]).numpy()
        array([[3., 3., 3.],
               [3., 3., 3.]], dtype=float32)
    """

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(ops.add, inputs)


@LAYERS.register("Subtract")
class Subtract(_Merge):
    """Element-wise difference of exactly two inputs.

    Math:
        y     = x_1 - x_2
        dL/dx_1 = dL/dy,  dL/dx_2 = -dL/dy

    Shape:
        Inputs: a list of two (N, ...) tensors of one shape.  Output: that shape.  No weights.
    """

    _n_inputs = 2

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return ops.subtract(inputs[0], inputs[1])


@LAYERS.register("Multiply")
class Multiply(_Merge):
    """Element-wise product of the inputs.

    Math:
        y       = x_1 * x_2 * ... * x_k
        dL/dx_i = dL/dy * (product of the other inputs)

    Shape:
        Inputs: a list of (N, ...) tensors of one shape.  Output: that shape.  No weights.
    """

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(ops.multiply, inputs)


@LAYERS.register("Average")
class Average(_Merge):
    """Element-wise mean of the inputs.

    Math:
        y       = (x_1 + ... + x_k) / k
        dL/dx_i = dL/dy / k

    Shape:
        Inputs: a list of (N, ...) tensors of one shape.  Output: that shape.  No weights.
    """

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(ops.add, inputs) / float(len(inputs))


@LAYERS.register("Maximum")
class Maximum(_Merge):
    """Element-wise maximum of the inputs.

    Math:
        y       = max(x_1, ..., x_k)
        dL/dx_i = dL/dy where x_i is the maximum (ties split, as ``ops.maximum``)

    Shape:
        Inputs: a list of (N, ...) tensors of one shape.  Output: that shape.  No weights.
    """

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(ops.maximum, inputs)


@LAYERS.register("Minimum")
class Minimum(_Merge):
    """Element-wise minimum of the inputs.

    Math:
        y       = min(x_1, ..., x_k)
        dL/dx_i = dL/dy where x_i is the minimum (ties split, as ``ops.minimum``)

    Shape:
        Inputs: a list of (N, ...) tensors of one shape.  Output: that shape.  No weights.
    """

    def _merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(ops.minimum, inputs)


@LAYERS.register("Concatenate")
class Concatenate(_Merge):
    """Joins the inputs along ``axis``.

    Math:
        y       = [x_1, x_2, ...] along axis
        dL/dx_i = the slice of dL/dy that x_i filled

    Args:
        axis: the axis to join along (default -1); not the batch axis 0.

    Shape:
        Inputs: a list of (N, ...) tensors of one rank, equal except along ``axis``.
        Output: the same, with the sizes along ``axis`` added up.  No weights.

    Raises:
        ConfigError: if ``axis`` is not an int, or is 0 (the batch axis).
        ShapeError: for inputs of different ranks or sizes off the axis.

    Example:
        >>> Concatenate()([np.ones((2, 3)), np.zeros((2, 1))]).shape
        (2, 4)
    """

    _constraints = {"axis": (lambda v: INT[0](v) and v != 0, "an int other than 0 (the batch)")}

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        check_args(self)
        self.axis = int(axis)

    def _check_shapes(self, shapes: Sequence[Shape]) -> Shape:
        self._check_count(shapes)
        ndim = len(shapes[0])
        axis = self.axis % ndim if -ndim <= self.axis < ndim else None
        if axis in (None, 0):
            raise ShapeError(
                f"{self._who()}: expected axis {self.axis} to be a feature axis of the inputs, "
                f"got inputs of rank {ndim}. Use an axis in [1, {ndim - 1}] or -1."
            )
        first = [d for k, d in enumerate(shapes[0]) if k != axis]
        for i, shape in enumerate(shapes[1:], start=1):
            rest = [d for k, d in enumerate(shape) if k != axis]
            if len(shape) != ndim or any(
                a is not None and b is not None and a != b for a, b in zip(first, rest)
            ):
                first, other = shape_text(shapes[0]), shape_text(shape)
                raise ShapeError(
                    f"{self._who()}: expected inputs of one shape except along axis "
                    f"{self.axis}, got {first} and {other} (input {i}). Only the sizes along "
                    "the concatenation axis may differ."
                )
        sizes = [s[axis] for s in shapes]
        out = list(shapes[0])
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out[1:])

    def call(self, inputs: list[Tensor], training: bool | None = None) -> Tensor:
        self._check_shapes([x.shape for x in inputs])
        return ops.concatenate(inputs, axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def _is_dot_axes(value: Any) -> bool:
    if INT[0](value):
        return value != 0
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(INT[0](a) and a != 0 for a in value)
    )


@LAYERS.register("Dot")
class Dot(_Merge):
    """Per-sample dot product of two inputs along one axis of each (Keras's ``batch_dot``).

    For (N, F) inputs and ``axes=1`` this is the row-wise dot product, shape (N, 1). In
    general the output keeps, after the batch axis, the first input's remaining axes and then
    the second's.

    Math:
        y[n, i..., j...] = sum_k x_1[n, i..., k] * x_2[n, k, j...]   (k on the chosen axes)
        with normalize=True each input is first divided by its L2 norm along its axis,
        max(||x||, 1e-7), so y is the cosine similarity.
        dL/dx_1 and dL/dx_2: by composition (transpose, reshape, matmul)

    Args:
        axes: an int (the same axis of both inputs) or a pair ``(axis_1, axis_2)``; never 0.
        normalize: L2-normalise both inputs along their axes first.

    Shape:
        Inputs: [(N, ..., K, ...), (N, ..., K, ...)] with K on the chosen axes.
        Output: (N, rest of input 1, rest of input 2), or (N, 1) when nothing is left.

    Raises:
        ConfigError: for bad ``axes`` or ``normalize``.
        ShapeError: for a list of other than two inputs, different batch sizes, or sizes that
            differ on the chosen axes.

    Example:
        >>> Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).numpy()
        array([[11.]], dtype=float32)
    """

    _n_inputs = 2
    _constraints = {
        "axes": (_is_dot_axes, "an int or a pair of ints, never 0 (the batch axis)"),
        "normalize": BOOL,
    }

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axes = list(axes) if isinstance(axes, tuple) else axes
        self.normalize = normalize
        check_args(self)

    def _resolved_axes(self, shapes: Sequence[Shape]) -> tuple[int, int]:
        pair = self.axes if isinstance(self.axes, list) else [self.axes, self.axes]
        resolved = []
        for axis, shape in zip(pair, shapes):
            if not -len(shape) < axis < len(shape) or axis % len(shape) == 0:
                first, second = shape_text(shapes[0]), shape_text(shapes[1])
                raise ShapeError(
                    f"{self._who()}: expected axes {self.axes} to be feature axes of the "
                    f"inputs, got shapes {first} and {second}. Use axes in [1, rank - 1] or "
                    "negative ones."
                )
            resolved.append(axis % len(shape))
        return resolved[0], resolved[1]

    def _check_shapes(self, shapes: Sequence[Shape]) -> Shape:
        self._check_count(shapes)
        self._check_batch(shapes)
        a, b = self._resolved_axes(shapes)
        k1, k2 = shapes[0][a], shapes[1][b]
        if k1 is not None and k2 is not None and k1 != k2:
            raise ShapeError(
                f"{self._who()}: expected equal sizes on the dot axes, got {shape_text(shapes[0])} "
                f"(axis {a}: {k1}) and {shape_text(shapes[1])} (axis {b}: {k2}). Choose axes of "
                "equal size."
            )
        rest = [d for k, d in enumerate(shapes[0]) if k not in (0, a)]
        rest += [d for k, d in enumerate(shapes[1]) if k not in (0, b)]
        return tuple(rest) or (1,)

    def call(self, inputs: list[Tensor], training: bool | None = None) -> Tensor:
        out = self._check_shapes([x.shape for x in inputs])
        a, b = self._resolved_axes([x.shape for x in inputs])
        x, y = inputs
        if self.normalize:
            x, y = _l2_normalize(x, a), _l2_normalize(y, b)
        n, k = x.shape[0], x.shape[a]
        # why: bring x to (N, M1, K) and y to (N, K, M2) so one batched matmul does it all.
        x = _move_axis(x, a, x.ndim - 1)
        y = _move_axis(y, b, 1)
        z = ops.matmul(ops.reshape(x, (n, -1, k)), ops.reshape(y, (n, k, -1)))
        return ops.reshape(z, (n, *out))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _insert_axes(x: Tensor, rank: int) -> Tensor:
    """Give ``x`` size-1 axes right after its batch axis until it has ``rank`` axes."""
    return ops.reshape(x, x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:])


def _move_axis(x: Tensor, source: int, destination: int) -> Tensor:
    if source == destination:
        return x
    order = [a for a in range(x.ndim) if a != source]
    order.insert(destination, source)
    return ops.transpose(x, order)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    # why: max(||x||, 1e-7) as Keras (1e-14 on the squared norm), so a zero vector stays 0
    # instead of 0 / 0; sqrt never sees 0, so its gradient stays finite.
    squared = ops.sum(x * x, axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared, 1e-14))


# ---------------------------------------------------------------- functional forms
def add(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Sequence[Any], **kwargs: Any) -> Tensor:
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Sequence[Any], axis: int = -1, **kwargs: Any) -> Tensor:
    """``Concatenate(axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: Sequence[Any], axes: int | Sequence[int] = -1, **kwargs: Any) -> Tensor:
    """``Dot(axes, **kwargs)(inputs)`` (Keras's functional default is ``axes=-1``)."""
    return Dot(axes=axes, **kwargs)(inputs)
