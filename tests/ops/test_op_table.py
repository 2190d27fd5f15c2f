"""Every op in glassnet.ops, checked by the oracle: finite differences and PyTorch.

Specs are collected from every ``tests/ops/specs_*.py`` module (each defines ``SPECS``).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

pytest.importorskip("torch")

import tests.ops as spec_package  # noqa: E402
from glassnet import ops  # noqa: E402
from tests._oracle import (  # noqa: E402
    Raw,
    check_against_torch,
    check_finite_differences,
    make_inputs,
)


def _all_specs():
    specs = []
    for info in pkgutil.iter_modules(spec_package.__path__):
        if info.name.startswith("specs_"):
            specs.extend(importlib.import_module(f"tests.ops.{info.name}").SPECS)
    return specs


SPECS = _all_specs()
CASES = [(spec, i) for spec in SPECS for i in range(len(spec.cases))]
ERRORS = [(spec, e) for spec in SPECS for e in spec.errors]


def _case_id(item):
    spec, i = item
    return f"{spec.name}-{i}"


def test_op_table_covers_every_op():
    covered = {spec.name for spec in SPECS}
    missing = sorted(set(ops.OPS) - covered)
    assert not missing, f"ops without an oracle entry: {missing}"


@pytest.mark.parametrize("item", [c for c in CASES if c[0].grad], ids=_case_id)
def test_op_gradient_matches_finite_differences(item):
    spec, i = item
    check_finite_differences(spec, spec.cases[i])


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_op_matches_torch(item):
    spec, i = item
    check_against_torch(spec, spec.cases[i])


@pytest.mark.parametrize("item", ERRORS, ids=lambda item: f"{item[0].name}-{item[1].match[:30]}")
def test_op_bad_input_raises_clear_error(item):
    spec, err = item
    values = make_inputs(spec, type("C", (), {"inputs": err.inputs})())
    args = [v.value if isinstance(v, Raw) else v for v in values]
    with pytest.raises(err.error, match=err.match):
        spec.fn(*args, **err.kwargs)
