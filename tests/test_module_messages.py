"""Error messages of glassnet's top-level modules (the package, anomaly mode, demos, registry,
initializers, regularizers, keras.utils, train_csv) that their other tests do not match."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import initializers, ops, regularizers
from glassnet.demos import run_demo
from glassnet.errors import AnomalyError, ConfigError, ShapeError
from glassnet.keras.utils import to_categorical
from glassnet.train_csv import read_table, train_csv


class NoGenerate(initializers.Initializer):
    """An initializer that forgot its _generate."""


class NoCall(regularizers.Regularizer):
    """A regularizer that forgot its __call__."""


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: glassnet.no_such_name, AttributeError,
         r"module 'glassnet' has no attribute 'no_such_name'"),
        (lambda: run_demo("nope"), ValueError,
         r"glassnet demo: unknown demo 'nope'\. Known: moons, circles, "),
        (lambda: glassnet.activations.get("zzzzqqq"), ConfigError,
         r"^Unknown activation 'zzzzqqq'\. Known: elu, .*, tanh\.$"),
        (lambda: initializers.GlorotUniform()((2, 2), dtype="int32"), ConfigError,
         r"GlorotUniform: expected a floating dtype \('float32' or 'float64'\), got 'int32'\. "
         r"Leave dtype=None for glassnet's default \(float32\)\."),
        (lambda: initializers.Zeros()((2, 2), dtype="str"), ConfigError,
         r"Zeros: expected a numeric dtype, got 'str'\. Leave dtype=None for glassnet's default"),
        (lambda: NoGenerate()((2, 2)), NotImplementedError, r"^NoGenerate does not define _generate\.$"),
        (lambda: NoCall()(np.ones(2)), NotImplementedError, r"^NoCall does not define __call__\.$"),
        (lambda: to_categorical([0.5]), ShapeError,
         r"to_categorical: expected integer class labels, got fractional values\."),
        (lambda: to_categorical([-1]), ShapeError, r"to_categorical: expected labels >= 0, got -1\."),
    ],
)  # fmt: skip
def test_module_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_anomaly_mode_names_a_non_finite_incoming_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with glassnet.detect_anomaly():
        y = ops.multiply(x, 2.0)
        with pytest.raises(
            AnomalyError,
            match=r"anomaly mode: the backward pass of op 'multiply' gave its input 0 a gradient "
            r"holding NaN \(1 of 2 values\), from a gradient with NaN \(1 of 2 values\)\. "
            r"Typical causes",
        ):
            y.backward(np.array([np.nan, 1.0], np.float32))


def _csv(tmp_path, text: str):
    path = tmp_path / "table.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"table.csv is empty: expected a header row of column names, then data\."),
        ("a,a\n1,2\n", r"table.csv: expected distinct column names in the first row, got "
                       r"\['a', 'a'\]\."),
        ("a,b\n1,2\n3\n", r"table.csv, row 3: expected 2 values \(one per column\), got 1\."),
        ("a,b\n", r"table.csv: expected data rows after the header, got none\."),
    ],
)  # fmt: skip
def test_read_table_errors(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        read_table(_csv(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a,b\n" + "x,1\n" * 12, r"table.csv: expected at least one numeric column besides 'b'\."),
        ("a,b\n" + "1,x\n" * 12, r"column 'b' has one value only \(x\): nothing to classify\."),
    ],
)
def test_train_csv_errors(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        train_csv(_csv(tmp_path, text), "b", print_fn=lambda *args: None)
