"""``Model``: layers plus the Keras workflow (compile, fit, evaluate, predict).

``fit`` runs one ``train_step(x, y, sample_weight)`` per batch: forward pass in training mode,
loss plus regularization terms, ``loss.backward()``, then the optimizer updates the trainable
weights in place. Subclasses may override ``train_step`` / ``test_step`` for unusual training
(GANs, VAEs) and keep ``fit``, callbacks and ``History``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, StateError
from glassnet.layers.base import Layer
from glassnet.models import data_adapter as da
from glassnet.models.callbacks import Callback, CallbackList, History, ProgbarLogger
from glassnet.tensor import Tensor, no_grad


class Model(Layer):
    """A trainable stack or graph of layers. Use ``Sequential`` or subclass and write ``call``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.optimizer: Any = None
        self.loss: Any = None
        self.compiled_metrics: list[Any] = []
        self.stop_training = False
        self.history: History | None = None

    # ------------------------------------------------------------------ structure
    @property
    def layers(self) -> list[Layer]:
        return [v for v in vars(self).values() if isinstance(v, Layer)]

    @property
    def weights(self) -> list[Tensor]:
        return _unique([w for layer in self.layers for w in layer.weights] + self._weights)

    @property
    def trainable_weights(self) -> list[Tensor]:
        if not self.trainable:
            return []
        own = [w for w, t in zip(self._weights, self._trainable_flags) if t]
        return _unique([w for layer in self.layers for w in layer.trainable_weights] + own)

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    @property
    def losses(self) -> list[Tensor]:
        return [loss for layer in self.layers for loss in layer.losses] + super().losses

    def count_params(self) -> int:
        if not self.built:
            raise StateError(
                f"{self.name}: expected a built model, got an unbuilt one. Give the first layer "
                "an input shape, or call the model on data first."
            )
        return int(sum(w.size for w in self.weights))

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by position."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = ", ".join(layer.name for layer in self.layers)
        raise ConfigError(f"{self.name}: no layer named {name!r}. Layers: {names}.")

    # ------------------------------------------------------------------ compile
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Sequence[Any] | None = None,
        loss_weights: Any = None,
    ) -> None:
        """Choose the optimizer, the loss and the metrics to report (Keras names accepted)."""
        from glassnet import losses as losses_module
        from glassnet import metrics as metrics_module
        from glassnet import optimizers

        if loss is None:
            raise ConfigError(
                f"compile: expected a loss for '{self.name}', got None. Pass e.g. loss='mse'."
            )
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses_module.get(loss)
        self.loss_weights = loss_weights
        self.compiled_metrics = [metrics_module.resolve(m, loss) for m in (metrics or [])]
        self.compiled = True

    def _require_compiled(self, who: str) -> None:
        if getattr(self, "loss", None) is None:
            raise StateError(
                f"{who}: expected a compiled model, got '{self.name}' without a loss. "
                "Call model.compile(optimizer=..., loss=...) first."
            )

    # ------------------------------------------------------------------ steps
    def compute_loss(self, y: Tensor, y_pred: Tensor, sample_weight: Any = None) -> Tensor:
        loss = self.loss(y, y_pred, sample_weight=sample_weight)
        for extra in self.losses:
            loss = loss + extra
        return loss

    def train_step(self, x: np.ndarray, y: np.ndarray, sample_weight: Any = None) -> dict:
        """One optimizer update on one batch; returns the batch's loss."""
        y_pred = self(x, training=True)
        loss = self.compute_loss(Tensor(y), y_pred, sample_weight)
        params = self.trainable_weights
        for p in params:
            p.grad = None
        loss.backward()
        self.optimizer.apply_gradients(zip([p.grad for p in params], params))
        self._update_metrics(y, y_pred.data, sample_weight)
        return {"loss": float(loss.data)}

    def test_step(self, x: np.ndarray, y: np.ndarray, sample_weight: Any = None) -> dict:
        with no_grad():
            y_pred = self(x, training=False)
            loss = self.compute_loss(Tensor(y), y_pred, sample_weight)
        self._update_metrics(y, y_pred.data, sample_weight)
        return {"loss": float(loss.data)}

    def _update_metrics(self, y: np.ndarray, y_pred: np.ndarray, sample_weight: Any) -> None:
        for metric in self.compiled_metrics:
            metric.update_state(y, y_pred, sample_weight=sample_weight)

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Sequence[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
    ) -> History:
        """Train for ``epochs`` passes over the data; returns a ``History``.

        Keras's arguments and semantics: ``validation_split`` takes the *last* fraction of the
        data before shuffling; ``class_weight`` maps class index to a loss weight.
        """
        from glassnet.models import training_loop

        self._require_compiled("fit")
        return training_loop.fit(self, x, y, batch_size=batch_size, epochs=epochs,
                                 verbose=verbose, callbacks=callbacks,
                                 validation_split=validation_split,
                                 validation_data=validation_data, shuffle=shuffle,
                                 class_weight=class_weight, sample_weight=sample_weight,
                                 initial_epoch=initial_epoch)  # fmt: skip

    def evaluate(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = 0,
        sample_weight: Any = None, return_dict: bool = False,
    ) -> Any:  # fmt: skip
        """Loss and metrics on ``(x, y)``: a float, a list ``[loss, *metrics]`` or a dict."""
        from glassnet.models import training_loop

        self._require_compiled("evaluate")
        logs = training_loop.evaluate(
            self, x, y, 32 if batch_size is None else batch_size, sample_weight
        )
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = 0) -> np.ndarray:
        """Outputs for ``x`` in inference mode, batch by batch, as a NumPy array."""
        x = da.to_array("predict", "x", x)
        size = da.check_batch_size("predict", 32 if batch_size is None else batch_size)
        with no_grad():
            parts = [
                self(x[idx], training=False).data for idx in da.batches(len(x), size, False, None)
            ]
        return np.concatenate(parts)

    def predict_on_batch(self, x: Any) -> np.ndarray:
        with no_grad():
            return self(da.to_array("predict_on_batch", "x", x), training=False).data

    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None) -> float:
        self._require_compiled("train_on_batch")
        x, y = da.to_array("train_on_batch", "x", x), da.to_array("train_on_batch", "y", y)
        da.check_lengths("train_on_batch", x=x, y=y)
        return self.train_step(x, y, sample_weight)["loss"]

    def test_on_batch(self, x: Any, y: Any, sample_weight: Any = None) -> float:
        self._require_compiled("test_on_batch")
        x, y = da.to_array("test_on_batch", "x", x), da.to_array("test_on_batch", "y", y)
        return self.test_step(x, y, sample_weight)["loss"]

    def summary(self, print_fn: Any = print) -> None:
        """Print a Keras-style table of layers, output shapes and parameter counts."""
        from glassnet.models.summary import summary_lines

        for line in summary_lines(self):
            print_fn(line)

    # ------------------------------------------------------------------ saving
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

    def _make_callbacks(self, callbacks: Any, verbose: int, params: dict) -> CallbackList:
        self.history = History()
        items = list(callbacks or [])
        if verbose:
            items.append(ProgbarLogger(verbose))
        return CallbackList([*items, self.history], self, params)


def _unique(tensors: list[Tensor]) -> list[Tensor]:
    seen: set[int] = set()
    out = []
    for t in tensors:
        if id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out
