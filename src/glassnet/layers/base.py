"""``Layer``: the contract every glassnet layer follows (Keras's, in miniature).

A layer creates its weights in ``build(input_shape)`` the first time it is called, through
``add_weight``, and computes its output in ``call(inputs, training=None)`` from glassnet ops, so
its gradient comes from theirs. ``__call__`` does the bookkeeping around ``call``: it converts
the input, builds the layer once, checks the input against ``input_spec`` and collects
activity-regularization losses.

Weights are leaf ``Tensor``s with ``requires_grad=True``; optimizers update their ``.data`` in
place. ``get_config()`` returns the constructor arguments, so ``type(layer).from_config(config)``
makes an identical, unbuilt layer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.errors import ConfigError, ShapeError, StateError
from glassnet.layers import _checks
from glassnet.layers._budget import spend_weight_budget
from glassnet.layers.graph import any_symbolic, symbolic_call
from glassnet.registry import Registry
from glassnet.tensor import Tensor, no_grad

__all__ = ["LAYERS", "InputSpec", "Layer"]

LAYERS = Registry("layer")

_name_counts: dict[str, int] = {}

# One list per first call now running: (layer, its attributes before build) for every layer
# built inside it, so that a first call that raises leaves no layer built for its bad input.
_BUILDS: list[list[tuple[Layer, dict[str, Any]]]] = []


def _snapshot(layer: Layer) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in vars(layer).items()}


@contextlib.contextmanager
def _undo_builds_on_error() -> Iterator[None]:
    """Around a layer's first call: if it raises, every layer built inside it (the layer, its
    cells and wrapped layers, a Sequential's layers) goes back to its state before build."""
    built: list[tuple[Layer, dict[str, Any]]] = []
    _BUILDS.append(built)
    try:
        yield
    except BaseException:
        for layer, before in reversed(built):
            layer.__dict__.clear()
            layer.__dict__.update(before)
        raise
    else:
        if len(_BUILDS) > 1:  # an enclosing first call undoes these too if it fails later
            _BUILDS[-2].extend(built)
    finally:
        _BUILDS.pop()


def _snake(name: str) -> str:
    """Keras's ``to_snake_case``: 'Conv2D' -> 'conv2d', 'Conv2DTranspose' -> 'conv2d_transpose'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix: str) -> str:
    """Keras-style automatic names: 'dense', then 'dense_1', 'dense_2', ..."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def shape_text(shape: Sequence[int | None]) -> str:
    """A shape with the batch axis written as N, the way errors and summaries show it."""
    dims = ["N" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _who(layer: Layer) -> str:
    """How error messages name a layer; built only when an error is raised (hot path)."""
    return f"{type(layer).__name__} '{layer.name}'"


@dataclasses.dataclass
class InputSpec:
    """What a layer accepts: an exact rank, a minimum rank, and fixed sizes on some axes."""

    ndim: int | None = None
    min_ndim: int | None = None
    axes: dict[int, int] = dataclasses.field(default_factory=dict)

    def check(self, layer: Layer, shape: tuple[int, ...]) -> None:
        if self.ndim is not None and len(shape) != self.ndim:
            raise ShapeError(
                f"{_who(layer)}: expected input of rank {self.ndim}, got shape {shape} (rank "
                f"{len(shape)}). Reshape the input, or add a Flatten/Reshape layer before it."
            )
        if self.min_ndim is not None and len(shape) < self.min_ndim:
            raise ShapeError(
                f"{_who(layer)}: expected input of rank >= {self.min_ndim}, got shape {shape}. "
                "Add a batch axis (x[None]) or reshape the input."
            )
        for axis, size in self.axes.items():
            if shape[axis] != size:
                wanted = ["N", *(["..."] if len(shape) > 2 else []), str(size)]
                raise ShapeError(
                    f"{_who(layer)}: expected input of shape ({', '.join(wanted)}), got {shape}. The "
                    f"layer was built for {size} features on axis {axis} and got "
                    f"{shape[axis]}; pass data with {size} features or rebuild this layer."
                )


class Layer:
    """Base class of all layers.

    Args:
        name: the layer's name (default: snake_case class name, made unique).
        trainable: whether ``fit`` updates this layer's weights.
        dtype: the dtype of the weights and computation (default ``glassnet.floatx()``).
        input_shape: shape of one sample, without the batch axis (first layer of a
            ``Sequential`` only).
        input_dim: shorthand for ``input_shape=(input_dim,)``.

    Subclasses override ``build(input_shape)`` (create weights with ``add_weight``),
    ``call(inputs, training=None)``, and ``get_config()`` (adding their own arguments).

    A layer that sets the class attribute ``_multi_input = True`` (the merging layers) is
    called on a list of tensors: ``build`` then receives a list of shapes, ``call`` a list of
    Tensors, and ``compute_output_shape`` a list of shapes.
    """

    _multi_input: bool = False
    _integer_input: bool = False  # True: integer inputs are ids, kept as integers
    _dtypes: tuple[str, ...] = ("float32", "float64")  # the dtypes it computes in

    def __init__(
        self,
        *,
        name: str | None = None,
        trainable: bool = True,
        dtype: Any = None,
        input_shape: Sequence[int | None] | None = None,
        input_dim: int | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        **unknown: Any,
    ) -> None:
        if unknown:
            raise ConfigError(
                f"{type(self).__name__}: unexpected argument(s) {', '.join(sorted(unknown))}. "
                "Check the spelling against the layer's documented arguments."
            )
        who = type(self).__name__
        _checks.check_base_args(who, name, trainable)
        self.name = name or unique_name(_snake(who))
        self.trainable = bool(trainable)
        self.dtype = _checks.layer_dtype(who, dtype, self._dtypes) or backend.floatx()
        self.built = False
        self.input_spec: InputSpec | None = None
        self._weights: list[Tensor] = []
        self._trainable_flags: list[bool] = []
        self._regularizers: list[tuple[Tensor, Any]] = []
        self._activity_losses: list[Tensor] = []
        self._inbound_nodes: list[Any] = []  # graph nodes of calls on KerasTensors
        self.batch_input_shape = _checks.batch_shape(who, input_shape, input_dim, batch_input_shape)

    # ------------------------------------------------------------------ contract
    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the layer's weights for inputs of ``input_shape`` (batch axis first)."""
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        """The forward pass, written with glassnet ops."""
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        """Output shape for ``input_shape``; the default runs ``call`` on a batch of zeros."""
        if self._multi_input:
            probes = [np.zeros(_probe(s), dtype=self.dtype) for s in input_shape]
            with no_grad():
                out = self(probes)
            return (input_shape[0][0],) + out.shape[1:]
        with no_grad():
            out = self(np.zeros(_probe(input_shape), dtype=self.dtype))
        return (input_shape[0],) + out.shape[1:]

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, JSON-ready. Subclasses extend it with their own."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self.dtype != backend.floatx():
            config["dtype"] = self.dtype.name
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs: Any, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Run the layer on arrays/Tensors, or record a graph node when given KerasTensors.

        Extra positional and keyword arguments go to ``call`` unchanged (e.g. ``mask=``).
        """
        kind = type(inputs)
        if (kind is Tensor or kind is np.ndarray) and self.built and not args and not kwargs:
            # why: the path of every layer in every training step: a built layer, one Tensor
            # or array of its dtype (a list means several inputs, a Tensor subclass may carry
            # a mask: the general path).
            data = inputs.data if kind is Tensor else inputs
            if data.dtype == self.dtype and data.shape and not self._multi_input:
                if self.input_spec is not None:
                    self.input_spec.check(self, data.shape)
                return self.call(inputs if kind is Tensor else Tensor(data), training=training)
        plain = not args and not kwargs and isinstance(inputs, (Tensor, np.ndarray))
        if not plain and (any_symbolic(inputs) or any_symbolic(args) or any_symbolic(kwargs)):
            if training is not None:
                kwargs["training"] = training
            return symbolic_call(self, (inputs, *args), kwargs)
        if self._multi_input:
            return self._call_on_list(inputs, training, args, kwargs)
        x = self._as_input(inputs)
        if self.built:
            if self.input_spec is not None:
                self.input_spec.check(self, x.data.shape)
            return self.call(x, *args, training=training, **kwargs)
        if len(x.shape) == 1 and self.input_spec is not None:
            # why: a rank-1 input (N,) would reach build() as (None,): no feature axis at all.
            self.input_spec.check(self, x.shape)
        with _undo_builds_on_error():
            self._build_once(x.shape)
            if self.input_spec is not None:
                self.input_spec.check(self, x.shape)
            return self.call(x, *args, training=training, **kwargs)

    def _call_on_list(self, inputs: Any, training: bool | None, args: tuple, kwargs: dict) -> Any:
        """``__call__`` of a multi-input layer: convert each input, build on their shapes."""
        if not isinstance(inputs, (list, tuple)) or len(inputs) == 0:
            got = "an empty list" if isinstance(inputs, (list, tuple)) else type(inputs).__name__
            raise TypeError(
                f"{type(self).__name__} '{self.name}': expected a non-empty list of tensors, "
                f"got {got}. Call it as layer([a, b])."
            )
        xs = [self._as_input(x) for x in inputs]
        if self.built:
            return self.call(xs, *args, training=training, **kwargs)
        with _undo_builds_on_error():
            self._build_once([x.shape for x in xs])
            return self.call(xs, *args, training=training, **kwargs)

    def _build_once(self, shape: tuple[int, ...] | list[tuple[int, ...]]) -> None:
        if _BUILDS:  # inside a first call: remember the layer as it was, to undo the build
            _BUILDS[-1].append((self, _snapshot(self)))
        if self._multi_input:  # one shape per input
            self._build_input_shape: Any = [(None,) + tuple(s[1:]) for s in shape]
        else:
            self._build_input_shape = (None,) + tuple(shape[1:])
        self.build(self._build_input_shape)  # recorded: save_model needs it to rebuild
        self.built = True

    def _as_input(self, inputs: Any) -> Tensor:
        """``inputs`` as a Tensor with a batch axis, in the layer's dtype.

        Floats and bools become ``self.dtype``; so do integers, unless the layer reads ids
        (``_integer_input``, e.g. Embedding): NumPy would turn int64 @ float32 into float64.
        """
        if isinstance(inputs, Tensor):
            x = inputs
            dtype = x.data.dtype
            if dtype == self.dtype:
                pass  # why: the common case, checked first (this runs on every call)
            elif dtype.kind in "iub" and not (self._integer_input and dtype.kind in "iu"):
                x = Tensor(x.data.astype(self.dtype))  # integers carry no gradient
            elif dtype.kind == "f":
                # why: multiplying by a 1 of the layer's dtype casts and keeps the graph.
                x = ops.multiply(Tensor(np.ones((), self.dtype)), x)
        else:
            try:
                array = np.asarray(inputs)
            except (ValueError, TypeError) as err:
                raise TypeError(
                    f"{_who(self)}: could not turn the input into an array ({err}). Pass one NumPy "
                    "array with the same number of values in every row."
                ) from None
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"{_who(self)}: expected numeric input, got dtype {array.dtype}. Convert the data "
                    "to numbers first."
                )
            if array.dtype.kind in "fb" or not self._integer_input:
                array = array.astype(self.dtype, copy=False)
            x = Tensor(array)
        if not x.data.shape:
            raise ShapeError(
                f"{_who(self)}: expected input with a batch axis (N, ...), got a scalar. Pass an "
                "array of samples, for example np.array([[value]])."
            )
        return x

    # ------------------------------------------------------------------ weights
    def add_weight(
        self,
        name: str,
        shape: Sequence[int],
        initializer: Any = "glorot_uniform",
        regularizer: Any = None,
        trainable: bool = True,
    ) -> Tensor:
        """Create a weight, initialise it, and register it (and its regularizer) on the layer."""
        from glassnet import initializers, regularizers

        # As Keras's add_weight: an initializer of None means the default, glorot_uniform.
        init = initializers.get("glorot_uniform" if initializer is None else initializer)
        spend_weight_budget(self, name, shape)  # a no-op unless a model file is being loaded
        value = np.asarray(init(tuple(shape), dtype=self.dtype), dtype=self.dtype)
        weight = Tensor(value, requires_grad=True, name=f"{self.name}/{name}")
        self._weights.append(weight)
        self._trainable_flags.append(bool(trainable))
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularizers.append((weight, reg))
        return weight

    @property
    def weights(self) -> list[Tensor]:
        return list(self._weights)

    @property
    def trainable_weights(self) -> list[Tensor]:
        if not self.trainable:
            return []
        if all(self._trainable_flags):  # why: the usual case, without a Python-level loop
            return list(self._weights)
        return [w for w, t in zip(self._weights, self._trainable_flags) if t]

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self._weights if id(w) not in trainable]

    @property
    def losses(self) -> list[Tensor]:
        """Regularization terms: weight penalties and the last call's activity penalties."""
        if not self._regularizers and not self._activity_losses:
            return []  # why: the common case, asked once per layer every training step
        return [reg(w) for w, reg in self._regularizers] + list(self._activity_losses)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights as NumPy arrays, in creation order."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from arrays (same order and shapes as ``get_weights``)."""
        if not self.built:
            raise StateError(
                f"{type(self).__name__} '{self.name}': expected a built layer, got one with no "
                "weights yet. Call it on data (or build(input_shape)) before set_weights."
            )
        own = self.weights
        if not isinstance(weights, (list, tuple)):
            raise TypeError(
                f"{type(self).__name__} '{self.name}': expected a list of {len(own)} arrays, "
                f"got {type(weights).__name__}. Pass the list get_weights() returns."
            )
        if len(weights) != len(own):
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': expected {len(own)} arrays, "
                f"got {len(weights)}."
            )
        for w, new in zip(own, weights):
            new = np.asarray(new)
            if new.shape != w.shape:
                raise ShapeError(
                    f"{type(self).__name__} '{self.name}': expected weight '{w.name}' of shape "
                    f"{w.shape}, got {new.shape}."
                )
            w.data[...] = new

    def count_params(self) -> int:
        return int(sum(w.size for w in self._weights))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


def _probe(shape: Sequence[int | None]) -> tuple[int, ...]:
    """A concrete shape for a shape-inference probe: unknown sizes (None) become 2."""
    return tuple(2 if d is None else d for d in shape)
