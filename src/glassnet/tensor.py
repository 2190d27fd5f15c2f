"""Tensor, the autograd graph, ``backward()`` and ``no_grad()``.

A ``Tensor`` wraps one ndarray (``.data``). When an op combines tensors of which at least one
requires a gradient, it records its parents and a ``backward`` closure on the result
(``Tensor.from_op``). ``loss.backward()`` then walks that graph once, in reverse topological
order, calling each closure with the upstream gradient dL/d(output) and handing each parent its
share. Three rules keep that walk simple and correct:

- **Broadcasting is undone in exactly one place** (``_unbroadcast``): an op's backward returns
  gradients in the shape it naturally produces, and the walk sums them down to the parent's shape.
- **The walk is iterative**, so a graph thousands of nodes deep does not hit Python's recursion
  limit, and **deterministic**: every op result gets the next number of one counter when it is
  made (``_seq``; its parents always exist before it, so they have smaller numbers), and the
  walk always takes the waiting node with the largest number next (a heap, as PyTorch's engine
  orders nodes by sequence number). So a node runs only after every node that feeds it a
  gradient, and the walk visits only nodes that receive one.
- **The graph is freed after ``backward()``** (closures dropped, saved arrays released) unless
  ``retain_graph=True``; a second walk through a freed graph is a ``StateError``.

Gradients accumulate in ``.grad`` of leaf tensors (those created by the user, not by an op), as
in PyTorch: call ``backward()`` twice and the gradients add up; set ``.grad = None`` to reset.

Operators and methods (``x + y``, ``x @ w``, ``x.sum()``) are attached to ``Tensor`` by
``glassnet.ops``, next to the ops they call: this layer knows no particular op.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ShapeError, StateError

__all__ = ["Tensor", "enable_grad", "is_grad_enabled", "no_grad", "tensor"]

BackwardFn = Callable[[np.ndarray], Sequence["np.ndarray | None"]]

_grad_enabled = True
#: Numbers op results in the order they are made: the backward walk's order (see above).
_sequence = itertools.count(1)
#: Set by ``glassnet.anomaly`` while anomaly mode is on: checks an op's output, wraps its backward.
_anomaly_hook: Callable[[np.ndarray, tuple, BackwardFn, str], BackwardFn] | None = None


def is_grad_enabled() -> bool:
    """Return True when ops record the graph (the default), False inside ``no_grad()``."""
    return _grad_enabled


class _GradMode(contextlib.ContextDecorator):
    """Context manager and decorator that switches graph recording on or off."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = self._enabled

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._previous.pop()


def no_grad() -> _GradMode:
    """Turn graph recording off inside a ``with`` block or a decorated function.

    Results computed under ``no_grad()`` never require a gradient, which saves the memory
    of the graph during inference and parameter updates.

    Example:
        >>> w = tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Turn graph recording back on inside a ``no_grad()`` block."""
    return _GradMode(True)


class Tensor:
    """An n-dimensional array that can record how it was computed and carry a gradient.

    Args:
        data: an ndarray (used as is, not copied) or anything ``numpy.asarray`` accepts.
        requires_grad: record ops on this tensor so ``backward()`` can reach it.
        name: an optional label shown in ``repr`` and in error messages.

    Use ``glassnet.tensor(...)`` to build one from user data (it copies and applies the
    default dtype); ``Tensor(array)`` wraps an array without copying.
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "name",
        "_parents",
        "_backward",
        "_op",
        "_retain",
        "_seq",
    )

    # why: makes `ndarray + Tensor` call Tensor.__radd__ instead of NumPy looping over elements.
    __array_ufunc__ = None

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None) -> None:
        array = data if isinstance(data, np.ndarray) else np.asarray(data)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"tensor: only floating-point tensors can require gradients, got dtype "
                f"{array.dtype}. Pass dtype='float32' (or float data) to differentiate it."
            )
        self.data = array
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._parents: tuple[Tensor, ...] | None = ()
        self._backward: BackwardFn | None = None
        self._op = "leaf"
        self._retain = False
        self._seq = 0

    @staticmethod
    def from_op(
        data: np.ndarray, parents: tuple[Tensor, ...], backward: BackwardFn, op: str
    ) -> Tensor:
        """Wrap an op's output, recording ``parents`` and ``backward`` if a gradient is needed.

        ``backward(grad)`` receives dL/d(output) and returns one gradient per parent (``None``
        where there is none), each in the shape the op naturally produces.
        """
        if _anomaly_hook is not None:  # why: anomaly mode off costs this one check
            backward = _anomaly_hook(data, parents, backward, op)
        out = Tensor.__new__(Tensor)
        out.data = data
        out.grad = None
        out.name = None
        out._op = op
        out._retain = False
        out.requires_grad = False
        out._parents = ()
        out._backward = None
        out._seq = next(_sequence)
        if _grad_enabled:
            for p in parents:  # why: a plain loop is cheaper than any() on this hot path
                if p.requires_grad:
                    out.requires_grad = True
                    out._parents = parents
                    out._backward = backward
                    break
        return out

    # ------------------------------------------------------------------ properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user rather than by an op."""
        return self._op == "leaf"

    def numpy(self) -> np.ndarray:
        """Return the underlying ndarray (shared memory, not a copy)."""
        return self.data

    def item(self) -> float | int | bool:
        """Return the value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ShapeError(
                f"item: expected a tensor with one element, got shape {self.shape}. "
                "Reduce it first (for example with .sum() or .mean())."
            )
        return self.data.item()

    def detach(self) -> Tensor:
        """Return a tensor sharing this data but cut off from the graph."""
        return Tensor(self.data)

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this non-leaf tensor after ``backward()`` (leaves always keep it)."""
        self._retain = True
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (sets ``.grad`` to None)."""
        self.grad = None

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor. Use .item() to read its value.")
        return self.data.shape[0]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __bool__(self) -> bool:
        return bool(self.data)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(", precision=4)
        extras = [f"dtype={self.dtype}"] if self.dtype != backend.floatx() else []
        if self.requires_grad:
            extras.append("requires_grad=True" if self.is_leaf else f"op={self._op}")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"tensor({body}{''.join(', ' + e for e in extras)})"

    # ------------------------------------------------------------------ autograd
    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires one.

        Args:
            grad: dL/d(self). May be omitted only for a one-element tensor (a loss).
            retain_graph: keep the graph so ``backward()`` can run through it again.

        Raises:
            StateError: if this tensor does not require a gradient, or the graph was freed.
            ShapeError: if ``grad`` does not have this tensor's shape.
        """
        if not self.requires_grad:
            raise StateError(
                "backward: expected a tensor that requires grad, got one computed from no "
                "tensor with requires_grad=True (or under no_grad()). Create the inputs you "
                "differentiate with glassnet.tensor(..., requires_grad=True)."
            )
        seed = self._seed_grad(grad)
        grads: dict[Tensor, np.ndarray] = {self: seed}  # keyed by identity (object.__hash__)
        taken = {id(seed)}  # arrays that a .grad already holds (or the caller's seed)
        waiting = [(-self._seq, id(self), self)]  # a heap: the newest node comes out first
        pop, push = heapq.heappop, heapq.heappush
        while waiting:
            node = pop(waiting)[2]
            node_grad = grads.pop(node)
            backward_fn = node._backward
            if backward_fn is None:
                if node._parents is None:
                    raise _freed_graph_error(node)
                node._accumulate(node_grad, taken)  # the root itself is a leaf
                continue
            if node._retain:
                node._accumulate(node_grad, taken)
            for parent, parent_grad in zip(node._parents, backward_fn(node_grad)):
                if parent_grad is None or not parent.requires_grad:
                    continue
                data = parent.data
                if parent_grad.shape != data.shape or parent_grad.dtype != data.dtype:
                    parent_grad = _unbroadcast(parent_grad, data)
                if parent._backward is None and parent._parents is not None:
                    parent._accumulate(parent_grad, taken)  # a leaf: nothing to pass on
                elif parent in grads:
                    grads[parent] = grads[parent] + parent_grad
                else:
                    grads[parent] = parent_grad
                    push(waiting, (-parent._seq, id(parent), parent))
            if not retain_graph:
                node._backward = None
                node._parents = None

    def _seed_grad(self, grad: Any) -> np.ndarray:
        if grad is None:
            if self.data.size != 1:
                raise ShapeError(
                    f"backward: expected a one-element output to start from, got shape "
                    f"{self.shape}. Reduce it to a scalar loss first, or pass grad= with "
                    f"shape {self.shape}."
                )
            # why: np.array is one C call; np.ones and np.ones_like are Python wrappers
            return np.array(1, dtype=self.data.dtype).reshape(self.data.shape)
        seed = grad.data if isinstance(grad, Tensor) else np.asarray(grad, dtype=self.dtype)
        if seed.shape != self.shape:
            raise ShapeError(
                f"backward: expected grad of shape {self.shape}, got {seed.shape}. "
                "The gradient passed in must match the tensor it starts from."
            )
        return seed

    def _accumulate(self, grad: np.ndarray, taken: set[int]) -> None:
        """Add ``grad`` to ``.grad``; a .grad never aliases another tensor's gradient, a view
        or the caller's seed. A fresh array that nothing else holds is kept as it is: copying
        every weight's gradient each step cost 4-8% of an MLP's training time."""
        if self.grad is not None:
            self.grad = self.grad + grad
        elif grad.base is None and id(grad) not in taken:  # the walk matched its dtype already
            taken.add(id(grad))
            self.grad = grad
        else:
            self.grad = np.array(grad, dtype=self.data.dtype, copy=True)


def next_sequence_number() -> int:
    """The next number of the counter that orders op results (for code that copies a node)."""
    return next(_sequence)


def _freed_graph_error(node: Tensor) -> StateError:
    return StateError(
        f"backward: expected a live graph, got one whose '{node._op}' step was freed by an "
        "earlier backward(). Pass retain_graph=True to the first backward() to walk the graph "
        "twice, or recompute the forward pass."
    )


def _topological_order(root: Tensor) -> list[Tensor]:
    """Nodes that need a gradient, each after all of its parents (iterative post-order DFS)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        if node._parents is None:
            raise _freed_graph_error(node)
        stack.append((node, True))
        for parent in reversed(node._parents):
            if parent.requires_grad and id(parent) not in visited:
                stack.append((parent, False))
    return order


def _unbroadcast(grad: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Sum ``grad`` down to the shape of ``like``: the one place broadcasting is undone.

    Math:
        if y = broadcast(x), then dL/dx = sum of dL/dy over every axis that was broadcast.
    """
    grad = np.asarray(grad)
    shape = like.shape
    if grad.shape != shape:
        extra = grad.ndim - len(shape)
        if extra == 1 and grad.ndim == 2:
            # why: for a bias gradient, ones @ g is ~6x faster than g.sum(axis=0) on narrow arrays.
            grad = np.ones(grad.shape[0], dtype=grad.dtype) @ grad
        elif extra > 0:
            grad = grad.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        if axes:
            grad = grad.sum(axis=axes, keepdims=True)
        if grad.shape != shape:
            grad = np.broadcast_to(grad, shape)
    if grad.dtype != like.dtype:
        grad = grad.astype(like.dtype)
    return grad


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Create a tensor from data, copying it.

    Python floats and lists of floats become the default dtype (float32); NumPy arrays keep
    their dtype, as ``torch.tensor`` does; integers and booleans stay integers and booleans.

    Args:
        data: a number, nested list, ndarray or Tensor.
        requires_grad: let ``backward()`` compute a gradient for this tensor.
        dtype: force a dtype, for example ``'float64'`` for gradient checks.

    Raises:
        TypeError: for non-numeric data (strings, objects, complex numbers), or
            ``requires_grad=True`` on an integer tensor.

    Example:
        >>> x = tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        array([2., 4., 6.], dtype=float32)
    """
    if isinstance(data, Tensor):
        data = data.data
    keeps_dtype = isinstance(data, (np.ndarray, np.generic))
    try:
        array = np.array(data, dtype=dtype, copy=True)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"tensor: expected numbers or an array of numbers, got {type(data).__name__} "
            f"({err}). Convert the data to a numeric NumPy array first."
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"tensor: expected a numeric dtype (bool, int or float), got {array.dtype}. "
            "Convert strings or objects to numbers first (for example with LabelEncoder)."
        )
    if dtype is None and not keeps_dtype and array.dtype.kind == "f":
        array = array.astype(backend.floatx())
    return Tensor(array, requires_grad=requires_grad)


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """Return ``value`` as a Tensor; wrap constants in the dtype of ``like`` when it is float.

    Used by ops so that ``x * 2`` or ``x + numpy_float64_array`` stays in x's dtype (no silent
    up-casting to float64).
    """
    if isinstance(value, Tensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"expected a Tensor, number or numeric array, got {type(value).__name__} of dtype "
            f"{array.dtype}. Convert it to numbers first."
        )
    if like is not None and like.data.dtype.kind == "f" and array.dtype != like.data.dtype:
        array = array.astype(like.data.dtype)
    elif like is None and array.dtype == np.float64 and not isinstance(value, np.ndarray):
        array = array.astype(backend.floatx())
    return Tensor(array)


def iter_graph(root: Tensor) -> Iterator[Tensor]:
    """Yield the nodes of ``root``'s live graph, inputs first (for inspection tools)."""
    yield from _topological_order(root)
