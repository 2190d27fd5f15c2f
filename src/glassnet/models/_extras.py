"""``Model``'s conveniences outside the training loop: ``summary``, files and gradient checks.

``Model`` inherits this mixin. Keras puts ``save`` and ``load_weights`` on the model, but files
(``glassnet.io``) and checks (``glassnet.inspect``) sit below models in DESIGN.md's layers, so
these methods are thin delegations that import on call: no module of ``models`` imports them
at load time.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ModelExtras"]


class ModelExtras:
    """The summary, file and gradient-check methods of ``Model`` (see the module docstring)."""

    def summary(self, print_fn: Any = print) -> None:
        """Print a Keras-style table of layers, output shapes and parameter counts."""
        from glassnet.models.summary import summary_lines

        for line in summary_lines(self):
            print_fn(line)

    def save(self, filepath: Any, overwrite: bool = True) -> None:
        """Write config, weights and optimizer state to ``filepath`` (see ``glassnet.io``)."""
        from glassnet import io

        io.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Write the weights alone to a safetensors file."""
        from glassnet import io

        io.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any) -> None:
        """Set the weights from a file written by ``save_weights`` (or ``save``)."""
        from glassnet import io

        io.load_weights(self, filepath)

    def check_gradients(self, x: Any, y: Any, **kwargs: Any) -> Any:
        """Check the loss gradient of every weight against finite differences, in float64.

        See ``glassnet.inspect.check_gradients`` for the options and the report it returns.
        """
        from glassnet.inspect.model_gradcheck import check_gradients

        return check_gradients(self, x, y, **kwargs)
