"""Every error message of the functional graph, compile per output and batch sources."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.data import PyDataset
from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Dense, Input, Layer
from glassnet.models import Model, Sequential
from glassnet.models.functional_config import rebuild


class ReturnsArray(Layer):
    def call(self, inputs, training=None):
        return inputs.data


class Scaled(Layer):
    def call(self, inputs, scale=None, training=None):
        return inputs * scale


def _two_outputs():
    x = Input(shape=(2,), name="x")
    return Model(x, [Dense(1, name="a")(x), Dense(1, name="b")(x)])


def test_graph_errors():
    x = Input(shape=(2,))
    with pytest.raises(
        TypeError, match=r"expected call\(\) to return a Tensor or a list of Tensors"
    ):
        ReturnsArray()(x)
    with pytest.raises(ConfigError, match="the same Input appears twice in inputs"):
        Model([x, x], Dense(1)(x))
    with pytest.raises(ConfigError, match="expected at least one inputs tensor, got none"):
        Model([], Dense(1)(x))
    model = Model(x, Scaled(name="scaled")(x, scale=np.ones(2, np.float32)))
    with pytest.raises(ConfigError, match="layer 'scaled' was called with a ndarray argument"):
        model.get_config()


def test_config_rebuild_errors():
    config = _two_outputs().get_config()
    with pytest.raises(ConfigError, match="missing the 'nodes' entry"):
        rebuild({k: v for k, v in config.items() if k != "nodes"})
    with pytest.raises(ConfigError, match="node 0 calls layer 'nope', which is not in 'layers'"):
        rebuild({**config, "nodes": [{**config["nodes"][0], "layer": "nope"}]})
    bad_ref = {**config["nodes"][0], "args": [{"__tensor__": ["a", 0, 0]}]}
    with pytest.raises(ConfigError, match="points to a call that has not happened before it"):
        rebuild({**config, "nodes": [bad_ref]})
    with pytest.raises(ConfigError, match=r"must be \[layer name, call index, output index\]"):
        rebuild({**config, "nodes": [{**bad_ref, "args": [{"__tensor__": ["x", "0"]}]}]})
    with pytest.raises(ConfigError, match="two layers are named 'a'"):
        rebuild({**config, "layers": config["layers"] + [config["layers"][1]]})


def test_compile_per_output_errors():
    model = _two_outputs()
    with pytest.raises(ConfigError, match="every output's loss is None"):
        model.compile("sgd", loss=[None, None])
    model.compile("sgd", loss=["mse", "mse"])
    x = np.ones((4, 2))
    with pytest.raises(ConfigError, match="no target given for output 'b', which has a loss"):
        model.evaluate(x, {"a": np.ones((4, 1))})
    with pytest.raises(ShapeError, match=r"expected targets for 2 outputs \(a, b\) as a list"):
        model.train_step(x, np.ones((4, 1)))
    with pytest.raises(ConfigError, match="expected metrics as a list"):
        model.compile("sgd", loss="mse", metrics="mae")


class Empty(PyDataset):
    def __len__(self):
        return 0


class OnlyX(PyDataset):
    def __len__(self):
        return 1

    def __getitem__(self, i):
        return (np.ones((4, 2)),)


def test_batch_source_and_loop_errors():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    with pytest.raises(ConfigError, match=r"the dataset Empty has no batches \(len 0\)"):
        model.fit(Empty(), verbose=0)
    with pytest.raises(
        ConfigError, match=r"expected batches with targets \(x, y\), got batches of x"
    ):
        model.fit(OnlyX(), verbose=0)
    with pytest.raises(ConfigError, match=r"expected validation_data as \(x_val, y_val\)"):
        model.fit(np.ones((4, 2)), np.ones(4), validation_data=np.ones(4), verbose=0)
    with pytest.raises(ConfigError, match="evaluate: the data gave no batches"):
        model.evaluate(iter([]))
    with pytest.raises(ConfigError, match="predict: the data gave no batches"):
        model.predict(iter([]))
    with pytest.raises(ConfigError, match="'steps' argument of predict must be a positive int"):
        model.predict(np.ones((4, 2)), steps=0)
