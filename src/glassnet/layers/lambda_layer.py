"""``Lambda``: a Python function as a layer (Keras's ``keras.layers.Lambda``).

It works in models and in ``fit`` like any layer (its gradient is that of the glassnet ops
the function uses), but it cannot be saved: glassnet model files hold no code (no pickle, no
marshalled bytecode), so ``get_config`` refuses with a ``ConfigError`` that says what to do
instead: write the function as a small registered layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassnet._constraints import is_int
from glassnet.errors import ConfigError
from glassnet.layers.base import LAYERS, Layer
from glassnet.tensor import Tensor, as_tensor

__all__ = ["Lambda"]


@LAYERS.register("Lambda")
class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    Write the function with glassnet ops (``glassnet.ops``) or Tensor arithmetic, so that
    gradients flow through it; a NumPy result is accepted but carries no gradient.

    Args:
        function: a callable taking the input Tensor and returning a Tensor (or array).
        output_shape: the output shape without the batch axis (a tuple), or a callable from
            the input shape to the output shape; default: found by running the function.
        arguments: optional keyword arguments passed to ``function``.

    Shape:
        Input: any.  Output: what ``function`` returns.  No weights.

    Raises:
        TypeError: when ``function`` is not callable.
        ConfigError: from ``get_config`` (so from ``model.save``): functions are not saved.

    Example:
        >>> from glassnet import ops
        >>> Lambda(lambda x: ops.multiply(x, 2.0))(np.ones((1, 2))).numpy()
        array([[2., 2.]], dtype=float32)
    """

    def __init__(
        self, function: Callable[..., Any], output_shape: Any = None,
        arguments: dict[str, Any] | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda: expected a callable function, got {type(function).__name__}. Pass a "
                "function such as lambda x: ops.multiply(x, 2.0)."
            )
        ok = output_shape is None or callable(output_shape) or (
            isinstance(output_shape, (tuple, list))
            and all(d is None or (is_int(d) and d >= 0) for d in output_shape)
        )  # fmt: skip
        if not ok or not (arguments is None or isinstance(arguments, dict)):
            raise ConfigError(
                f"Lambda: expected output_shape as None, a tuple of sizes or a callable, and "
                f"arguments as None or a dict, got {output_shape!r} and {arguments!r}."
            )
        self.function, self.output_shape = function, output_shape
        self.arguments = dict(arguments or {})

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return as_tensor(self.function(inputs, **self.arguments), like=inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self.output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self.output_shape):
            return tuple(self.output_shape(tuple(input_shape)))
        return (input_shape[0], *self.output_shape)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Lambda:
        raise ConfigError(
            "Lambda cannot be loaded from a config: glassnet model files never hold code, so a "
            "file naming a Lambda layer was not written by glassnet. Rebuild the model in "
            "Python and load its weights with model.load_weights(path)."
        )

    def get_config(self) -> dict[str, Any]:
        name = getattr(self.function, "__name__", "function")
        raise ConfigError(
            f"Lambda '{self.name}' (function {name}) cannot be saved: glassnet model files "
            "never hold code. Write the function as a custom layer (subclass "
            "glassnet.layers.Layer, register it with @LAYERS.register('MyLayer'), give it "
            "call() and get_config()) and use it instead of Lambda, or save the weights alone "
            "with model.save_weights(path)."
        )
