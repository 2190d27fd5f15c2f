"""``RBFNetwork``: an RBF layer then a linear read-out, for regression and classification."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.layers import RBF, Dense
from glassnet.layers.base import LAYERS
from glassnet.models.callbacks import History
from glassnet.models.sequential import Sequential

__all__ = ["RBFNetwork"]

_TASKS = {"regression": None, "classification": "softmax"}


@LAYERS.register("RBFNetwork")
class RBFNetwork(Sequential):
    """A radial basis function network: Gaussian kernels, then one Dense layer.

    The hidden layer is an ``RBF`` layer (see it for the kernel and its weights); the output
    is a ``Dense`` layer, linear for regression and softmax for classification. Training
    runs in two stages, the classic recipe: the first ``fit`` places the centres by k-means
    on the training inputs and sets the widths from their spacing (``RBF.adapt``), then
    gradient descent trains the output weights together with the centres and widths.
    Compile it as any model (``mse`` for regression; ``sparse_categorical_crossentropy``
    for classification).

    Args:
        units: number of kernels (default 10).
        outputs: output units: targets for regression, classes for classification.
        task: ``'regression'`` (linear output, default) or ``'classification'`` (softmax).
        sigma: initial width of the kernels before k-means sets them (default 1.0).
        shared_width: one width for all kernels (default False: one each).
        trainable_centers: let gradient descent move the centres (default True).
        input_dim: number of input features, to build the model at once (optional).
        seed: seed of the k-means placement (default 0).
        name: the model's name.

    Shape:
        Input: (N, F).  Output: (N, outputs).

    Raises:
        ConfigError: for an unknown ``task`` or a bad ``units``/``outputs``/``sigma``.

    Example:
        >>> x = np.linspace(-3, 3, 64, dtype=np.float32)[:, None]
        >>> model = RBFNetwork(8)
        >>> model.compile(optimizer="adam", loss="mse")
        >>> history = model.fit(x, np.sin(x), epochs=2, verbose=0)
        >>> model.predict(x, verbose=0).shape
        (64, 1)
    """

    def __init__(
        self,
        units: int = 10,
        outputs: int = 1,
        *,
        task: str = "regression",
        sigma: float = 1.0,
        shared_width: bool = False,
        trainable_centers: bool = True,
        input_dim: int | None = None,
        seed: int = 0,
        layers: list | None = None,
        name: str | None = None,
    ) -> None:
        if task not in _TASKS:
            raise ConfigError(
                f"RBFNetwork: expected task 'regression' or 'classification', got {task!r}."
            )
        if layers is None:
            extra = {} if input_dim is None else {"input_dim": input_dim}
            rbf = RBF(units, sigma=sigma, shared_width=shared_width,
                      trainable_centers=trainable_centers, **extra)  # fmt: skip
            layers = [rbf, Dense(outputs, activation=_TASKS[task])]
        super().__init__(layers, name=name)
        self.task, self.seed = task, int(seed)
        self.adapted = False

    @property
    def rbf(self) -> RBF:
        """The hidden RBF layer."""
        return self.layers[0]

    def fit(self, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> History:
        """``Model.fit``, after placing the centres by k-means on ``x`` on the first call.

        Later calls continue from the trained centres. To redo the placement, call
        ``model.rbf.adapt(x)``. Takes all of ``Model.fit``'s arguments.
        """
        if not self.adapted and isinstance(x, np.ndarray | list):
            self.rbf.adapt(x, seed=self.seed)
            self.adapted = True
        return super().fit(x, y, *args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "task": self.task, "seed": self.seed}
        return {**config, "adapted": self.adapted}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RBFNetwork:
        from glassnet.layers.serialize import deserialize_layer

        layers = [deserialize_layer(c) for c in config["layers"]]
        model = cls(layers=layers, task=config.get("task", "regression"),
                    seed=config.get("seed", 0), name=config.get("name"))  # fmt: skip
        model.adapted = bool(config.get("adapted", False))  # loaded weights stay as they are
        return model
