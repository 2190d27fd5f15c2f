"""``Model``: layers plus the Keras workflow (compile, fit, evaluate, predict).

``fit`` runs one ``train_step(x, y, sample_weight)`` per batch: forward pass in training mode,
loss plus regularization terms, ``loss.backward()``, then the optimizer updates the trainable
weights in place. Subclasses may override ``train_step`` / ``test_step`` for unusual training
(GANs, VAEs) and keep ``fit``, callbacks and ``History``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.errors import ConfigError, StateError
from glassnet.layers.base import Layer
from glassnet.layers.graph import any_symbolic, map_structure
from glassnet.models import data_adapter as da
from glassnet.models._extras import ModelExtras
from glassnet.models.callbacks import Callback, CallbackList, History, ProgbarLogger
from glassnet.models.compile_utils import CompiledLoss, CompiledMetrics, flatten_outputs
from glassnet.models.step_data import call_step, takes_data
from glassnet.tensor import Tensor, no_grad


class Model(ModelExtras, Layer):
    """A trainable stack or graph of layers.

    Three ways to make one, as in Keras: ``Model(inputs, outputs)`` over layers called on
    ``Input`` tensors (a functional model, see ``glassnet.models.functional``), ``Sequential``,
    or a subclass that creates its layers in ``__init__`` and writes ``call``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from glassnet.models.functional import Functional

            return super().__new__(Functional)
        if any_symbolic(args[0] if args else kwargs.get("inputs")):
            # why: Keras's custom-fit guide subclasses Model for train_step and then calls
            # CustomModel(inputs, outputs): the instance becomes a functional model of that class.
            return super().__new__(_functional_twin(cls))
        return super().__new__(cls)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Model:
        if cls is Model and "nodes" in config:
            from glassnet.models.functional import Functional

            return Functional.from_config(config)
        return super().from_config(config)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.optimizer: Any = None
        self.loss: Any = None
        self.compiled_loss: CompiledLoss | None = None
        self.compiled_metrics = CompiledMetrics([])
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
        weights = [w for layer in self.layers for w in layer.trainable_weights]
        if self._weights:
            weights += [w for w, t in zip(self._weights, self._trainable_flags) if t]
        return _unique(weights)

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
        from glassnet import metrics as metrics_module
        from glassnet import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.compiled_loss = CompiledLoss(loss, loss_weights)
        outputs = getattr(self, "outputs", None)
        if outputs is not None:  # why: a functional model's outputs are known: check now
            self.compiled_loss.build(self, len(outputs))
        elif not isinstance(loss, (list, tuple, dict)):
            self.compiled_loss.build(self, 1)
        built = self.compiled_loss.losses
        self.loss = loss if built is None else built[0] if len(built) == 1 else built
        self.loss_weights = loss_weights
        _check_metric_names(metrics_module, metrics)
        if outputs is not None and len(outputs) > 1 and metrics:
            flatten_outputs(f"compile of '{self.name}'", metrics, self.compiled_loss.names,
                            "metrics")  # fmt: skip
        self.compiled_metrics = CompiledMetrics(metrics)
        self.compiled = True

    def _require_compiled(self, who: str) -> None:
        if getattr(self, "loss", None) is None:
            raise StateError(
                f"{who}: expected a compiled model, got '{self.name}' without a loss. "
                "Call model.compile(optimizer=..., loss=...) first."
            )

    # ------------------------------------------------------------------ steps
    def compute_loss(self, y: Any = None, y_pred: Any = None, sample_weight: Any = None, *,
                     x: Any = None, training: bool = True) -> Tensor:  # fmt: skip
        """The compiled loss (weighted over outputs) plus every regularization term.

        Keras 3 calls it with keywords, ``compute_loss(x=x, y=y, y_pred=y_pred,
        sample_weight=sw)``; that works here too (``x`` and ``training`` are accepted and not
        needed by the compiled loss).
        """
        loss, self._output_losses = self.compiled_loss(self, y, y_pred, sample_weight)
        for extra in self.losses:
            loss = loss + extra
        return loss

    @property
    def _targets_optional(self) -> bool:
        """Whether ``fit(x)`` without y is allowed: a Keras 3 style ``train_step(data)``
        decides for itself what the batches hold (a subclass may also set this to True)."""
        return takes_data(self.train_step)

    def train_step(self, x: Any, y: Any, sample_weight: Any = None) -> dict:
        """One optimizer update on one batch; returns the batch's loss (and per-output losses)."""
        y_pred = self(x, training=True)
        loss = self.compute_loss(y, y_pred, sample_weight)
        params = self.trainable_weights
        for p in params:
            p.grad = None
        loss.backward()
        self.optimizer.apply_gradients(zip([p.grad for p in params], params))
        self.compiled_metrics.update(self, self.compiled_loss, y, y_pred, sample_weight)
        return self._step_logs(loss)

    def test_step(self, x: Any, y: Any, sample_weight: Any = None) -> dict:
        """Loss and metric updates for one batch in inference mode, without gradients."""
        with no_grad():
            y_pred = self(x, training=False)
            loss = self.compute_loss(y, y_pred, sample_weight)
        self.compiled_metrics.update(self, self.compiled_loss, y, y_pred, sample_weight)
        return self._step_logs(loss)

    def predict_step(self, x: Any) -> Any:
        """Outputs for one batch in inference mode, as NumPy arrays (same structure)."""
        with no_grad():
            out = self(x, training=False)
        return map_structure(lambda t: t.data if isinstance(t, Tensor) else t, out)

    def _step_logs(self, loss: Tensor) -> dict:
        parts = getattr(self, "_output_losses", {})
        return {"loss": float(loss.data), **{k: float(v.data) for k, v in parts.items()}}

    def _reset_metrics(self) -> None:
        self.compiled_metrics.reset()

    def _metric_results(self) -> dict:
        return self.compiled_metrics.results()

    @property
    def metrics_names(self) -> list[str]:
        """``'loss'``, each output's loss when there are several, then the metrics."""
        losses = self.compiled_loss.names if self.compiled_loss else []
        per_output = [f"{n}_loss" for n in losses] if len(losses) > 1 else []
        return ["loss", *per_output, *self.compiled_metrics.names]

    def _single_output(self) -> bool:
        outputs = getattr(self, "outputs", None)
        return outputs is None or len(outputs) == 1

    def _data_arities(self) -> tuple[int | None, int | None]:
        """How many input and output arrays the data has (None: not known in advance)."""
        inputs, outputs = getattr(self, "inputs", None), getattr(self, "outputs", None)
        return (None if inputs is None else len(inputs), None if outputs is None else len(outputs))

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
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_freq: int = 1,
    ) -> History:
        """Train for ``epochs`` passes over the data; returns a ``History``.

        Keras's arguments and semantics: ``x``/``y`` are arrays (lists or dicts of arrays for
        several inputs/outputs; pandas and lists work too), or ``x`` is a
        ``glassnet.data.PyDataset`` or a generator yielding ``(x, y)`` or
        ``(x, y, sample_weight)`` batches (then ``y`` is None and ``steps_per_epoch`` limits
        an epoch). ``validation_split`` takes the *last* fraction of the data before
        shuffling; ``class_weight`` maps class index to a loss weight.
        """
        from glassnet.models import training_loop

        self._require_compiled("fit")
        return training_loop.fit(self, x, y, batch_size=batch_size, epochs=epochs,
                                 verbose=verbose, callbacks=callbacks,
                                 validation_split=validation_split,
                                 validation_data=validation_data, shuffle=shuffle,
                                 class_weight=class_weight, sample_weight=sample_weight,
                                 initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                                 validation_steps=validation_steps,
                                 validation_freq=validation_freq)  # fmt: skip

    def evaluate(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = 0,
        sample_weight: Any = None, steps: int | None = None, return_dict: bool = False,
    ) -> Any:  # fmt: skip
        """Loss and metrics on ``(x, y)``: a float, a list ``[loss, *metrics]`` or a dict."""
        from glassnet.models import training_loop

        self._require_compiled("evaluate")
        logs = training_loop.evaluate(
            self, x, y, 32 if batch_size is None else batch_size, sample_weight, steps
        )
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = 0,
                steps: int | None = None) -> Any:  # fmt: skip
        """Outputs for ``x`` in inference mode, batch by batch, as NumPy arrays.

        One array for a single-output model; a list (or dict) of arrays for several outputs.
        """
        from glassnet.models import training_loop

        return training_loop.predict(self, x, 32 if batch_size is None else batch_size, steps)

    def predict_on_batch(self, x: Any) -> Any:
        return self.predict_step(self._one_batch("predict_on_batch", x))

    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None,
                       return_dict: bool = False) -> Any:  # fmt: skip
        """One update on one batch; returns the loss (or ``[loss, *metrics]`` / a dict)."""
        self._require_compiled("train_on_batch")
        x, y, sw = self._one_batch("train_on_batch", x, y, sample_weight)
        self._reset_metrics()
        return self._batch_result(call_step(self.train_step, x, y, sw), return_dict)

    def test_on_batch(self, x: Any, y: Any, sample_weight: Any = None,
                      return_dict: bool = False) -> Any:  # fmt: skip
        self._require_compiled("test_on_batch")
        x, y, sw = self._one_batch("test_on_batch", x, y, sample_weight)
        self._reset_metrics()
        return self._batch_result(call_step(self.test_step, x, y, sw), return_dict)

    def _one_batch(self, who: str, x: Any, y: Any = None, sample_weight: Any = None) -> Any:
        inputs, outputs = self._data_arities()
        x = da.to_structure(who, "x", x, inputs)
        if y is None and who.startswith("predict"):
            return x
        if y is not None or not getattr(self, "_targets_optional", False):  # a GAN has no y
            y = da.to_structure(who, "y", y, outputs)
        sw = None if sample_weight is None else da.to_array(who, "sample_weight", sample_weight)
        da.count_samples(who, x=x, y=y, sample_weight=sw)
        return x, y, sw

    def _batch_result(self, logs: dict, return_dict: bool) -> Any:
        logs = {**logs, **self._metric_results()}
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _make_callbacks(self, callbacks: Any, verbose: int, params: dict) -> CallbackList:
        self.history = History()
        items = list(callbacks or [])
        if verbose:
            items.append(ProgbarLogger(verbose))
        return CallbackList([*items, self.history], self, params)


def _check_metric_names(metrics_module: Any, metrics: Any) -> None:
    """Fail at compile (not at the first batch) on a metric name that does not exist."""
    if isinstance(metrics, dict):
        items = list(metrics.values())
    elif isinstance(metrics, (list, tuple)):
        items = list(metrics)
    elif metrics is None:
        return
    else:
        raise ConfigError(
            f"compile: expected metrics as a list (or a dict keyed by output name), got "
            f"{type(metrics).__name__}. Example: metrics=['accuracy']."
        )
    for item in items:
        if isinstance(item, (list, tuple)):
            _check_metric_names(metrics_module, list(item))
        elif isinstance(item, str) and item.lower() not in ("accuracy", "acc"):
            metrics_module.get(item)


def _functional_twin(cls: type) -> type:
    """``cls`` with ``Functional`` mixed in after it (made once per class): the subclass's
    overrides (``train_step``...) come first, ``Functional`` builds the graph."""
    from glassnet.models.functional import Functional
    from glassnet.models.sequential import Sequential

    if issubclass(cls, (Functional, Sequential)):  # a Sequential checks its own arguments
        return cls
    twin = cls.__dict__.get("_functional_twin_class")
    if twin is None:
        twin = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__,
                                                      "__qualname__": cls.__qualname__})  # fmt: skip
        cls._functional_twin_class = twin
    return twin


def _unique(tensors: list[Tensor]) -> list[Tensor]:
    """``tensors`` without repeats (a layer shared by two parts of a model), in order."""
    if len({id(t) for t in tensors}) == len(tensors):
        return tensors  # why: the usual case, found by one set instead of a loop
    seen: set[int] = set()
    out = []
    for t in tensors:
        if id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out
