"""Every error message in glassnet has a test that matches its text (issue 8).

The audit is static: source and tests are read with ``ast``; nothing is imported or run.
The helpers live in ``tests/_message_audit.py``.

**Messages (source side).** A message site is every call of an exception class (a builtin
exception, or a name ending in ``Error``/``Exception``) with a first argument, wherever it is
built (``raise X(...)``, ``return X(...)`` in a helper, ``err = X(...)``). Its message becomes a
*template*: literal text with *fields* where a value is only known at run time.

- a string literal is all text; an f-string is its literal parts, each ``{...}`` a field;
- ``a + b`` joins templates; ``a if c else b`` gives one template per branch (each needs a
  test; at most 8 per site);
- a name, alone or as an f-string field without conversion or format, is followed to its
  assignments in the enclosing function (one template each);
- a call of a function or method defined in the same module that returns the message is
  followed to its ``return`` expressions;
- a helper that builds the exception from its own parameters
  (``def _bad(who, name, expected, value): return ConfigError(f"... {expected} ...")``) is
  inlined at each call in the same module: each call is a site of its own, reported at the
  call's line, with the literal arguments filled in; conditions on its parameters where the
  call passes constants (``p is None``, ``p != "loss"``, with ``not``/``and``/``or``) are
  decided, in ``a if c else b`` and in the ``if`` statements around the raise (a call that
  cannot reach the raise is no site). A helper only called from other modules stays one site
  with fields;
- anything else (``", ".join(...)``, an imported helper) is a field.

**Patterns (test side).** From every module under ``tests/``: each ``match=`` keyword of any
call (``pytest.raises``, ``pytest.warns``, table entries such as ``ErrorCase(match=...)``),
``<obj>.match("...")`` (``excinfo.match``) and the left side of ``"..." in <expr>``
(``assert "..." in str(err)``, escaped). A string literal is a regex; an f-string's fields are
``.*``; ``re.escape("...")`` is the escaped text. When a module passes a non-literal pattern
(``match=message`` fed by ``parametrize`` or a helper), every string literal of that module
that is not a docstring counts as a pattern, as written and escaped.

**Coverage.** A pattern covers a template when ``re.search(pattern, message)`` can succeed for
some values of the fields, such that

1. at least ``MIN_SHARED`` (12) *consecutive* characters of the template's literal text are
   matched by plain characters of the pattern (or all of its longest literal part, when that is
   shorter): the test spells out the wording, not just a value; and
2. a field may stand for any text except a space between two letters of the pattern: a field
   is a value (a name, number, shape, repr, ``NaN (1 of 2 values)``), not prose, so
   ``must be a float`` cannot hide in ``Got {value}``.
   A field holding a caught exception (``f"...: {exc}"`` with ``except ... as exc`` in the same
   function) is a message itself and may hold any text; the wrapped message is a site of its
   own, covered by a pattern that matches its own wording.

A site is covered when one pattern covers it (identical messages are covered by one test).
A message with no literal text (``ValueError(name)``) cannot be covered.

**Internal raises.** A site with ``# internal: <why>`` on its line or the line above is an
internal invariant or protocol (``__getattr__``'s ``AttributeError(name)``), not a user-facing
message; it is listed by ``test_internal_sites_are_few_and_explained`` and skipped here.

One test per source module, so a module whose messages lack tests fails under its own name,
listing ``file:line: Exception('message with {...} fields')`` for each uncovered site.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests import _message_audit as audit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "glassnet"
MODULES = sorted(p.relative_to(ROOT).as_posix() for p in SRC.rglob("*.py"))


@functools.lru_cache(maxsize=1)
def _sites() -> dict[str, tuple[list[audit.Site], list[audit.Site]]]:
    return {m: audit.message_sites((ROOT / m).read_text(encoding="utf-8"), m) for m in MODULES}


@functools.lru_cache(maxsize=1)
def _index() -> audit.PatternIndex:
    templates = [site.template for sites, _ in _sites().values() for site in sites]
    return audit.PatternIndex(audit.all_test_patterns(ROOT / "tests"), templates)


def _uncovered(sites: list[audit.Site], index: audit.PatternIndex) -> list[audit.Site]:
    return [site for site in sites if index.covering(site.template) is None]


@pytest.mark.parametrize("module", MODULES)
def test_every_error_message_has_a_test(module):
    sites, _internal = _sites()[module]
    missing = _uncovered(sites, _index())
    assert not missing, (
        f"{len(missing)} of {len(sites)} error messages in {module} have no test matching "
        "their text (pytest.raises(..., match=...) through the public API; see the rules in "
        "tests/test_error_messages.py):\n" + "\n".join(str(site) for site in missing)
    )


def test_internal_sites_are_few_and_explained():
    internal = [site for _, sites in _sites().values() for site in sites]
    assert len(internal) <= 12, "\n".join(str(site) for site in internal)
    for site in internal:
        lines = (ROOT / site.path).read_text(encoding="utf-8").splitlines()
        note = " ".join(lines[max(site.line - 2, 0) : site.line]).split(audit.INTERNAL)[-1]
        assert len(note.split()) >= 3, f"{site}: say why after '{audit.INTERNAL}'"


# ---------------------------------------------------------------- the audit audits itself
SYNTHETIC = """
from glassnet.errors import ConfigError, ShapeError


def _bad(who, name, expected, value):
    return ConfigError(f"The '{name}' argument of {who} must be {expected}. Got {value!r}.")


def _range_message(name):
    return f"{name} must lie in the closed interval [0, 1]"


class Dense:
    def __init__(self, units, rate, flag):
        if units < 1:
            raise _bad("Dense", "units", "a positive int", units)
        if not 0 <= rate <= 1:
            raise ValueError(_range_message("rate"))
        message = f"Dense: flag is {flag!r}, expected a boolean switch"
        if flag not in (True, False):
            raise TypeError(message)

    def call(self, x):
        if x.shape[-1] != 4:
            raise ShapeError(f"Dense '{self.name}': expected input of shape (N, 4), got {x.shape}.")
        raise RuntimeError("unreachable: the graph was freed twice")  # internal: invariant

    def __getattr__(self, name):
        raise AttributeError(name)
"""

SYNTHETIC_TESTS = """
import pytest


def test_units(excinfo):
    with pytest.raises(ConfigError, match="The 'units' argument of Dense must be a positive int"):
        Dense(0, 0.5, True)
    with pytest.raises(ShapeError, match=r"expected input of shape \\(N, 4\\), got \\(2, 5\\)"):
        Dense(4, 0.5, True).call(x)
    excinfo.match("must lie in the closed interval")
"""


def _synthetic_sites():
    return audit.message_sites(SYNTHETIC, "synthetic.py")


def test_audit_finds_every_kind_of_message_site():
    sites, internal = _synthetic_sites()
    texts = {(s.line, s.exception, s.text) for s in sites}
    assert texts == {
        (16, "ConfigError", "The 'units' argument of Dense must be a positive int. Got {...}."),
        (18, "ValueError", "{...} must lie in the closed interval [0, 1]"),
        (21, "TypeError", "Dense: flag is {...}, expected a boolean switch"),
        (25, "ShapeError", "Dense '{...}': expected input of shape (N, 4), got {...}."),
        (29, "AttributeError", "{...}"),
    }
    assert [(s.line, s.exception) for s in internal] == [(26, "RuntimeError")]


def test_audit_collects_patterns_from_match_and_in_checks():
    patterns = audit.patterns_in_test(SYNTHETIC_TESTS)
    assert "must lie in the closed interval" in patterns
    assert any(p.startswith("The 'units' argument of Dense") for p in patterns)
    checks = audit.patterns_in_test('def test_x(err):\n    assert "no weights yet" in str(err)\n')
    assert checks == ["no\\ weights\\ yet"]
    table = "class ErrorCase:\n    inputs: tuple\n    error: type\n    match: str\n"
    positions = audit.match_positions(table)
    assert positions == {"ErrorCase": 2}
    entry = 'CASES = [ErrorCase((1,), ValueError, "inner sizes differ")]\n'
    assert audit.patterns_in_test(entry, positions) == ["inner sizes differ"]


def test_audit_reports_exactly_the_uncovered_sites():
    sites, _ = _synthetic_sites()
    index = audit.PatternIndex(audit.patterns_in_test(SYNTHETIC_TESTS), [s.template for s in sites])
    missing = _uncovered(sites, index)
    assert [(s.line, s.exception) for s in missing] == [(21, "TypeError"), (29, "AttributeError")]
    assert str(missing[0]).startswith("synthetic.py:21: TypeError('Dense: flag is {...}")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"expected input of shape \(N, 4\), got \(32, 5\)", True),  # values fill the fields
        (r"Dense 'dense_1': expected input of shape", True),
        (r"expected input .* got", True),
        ("expected in", False),  # fewer than 12 characters of the wording
        (r"expected input of shape \(N, 5\)", False),  # contradicts the literal 4
        ("expected input of rank 2", False),  # other wording
        (r"Dense '(?s:.*)': expected output of shape", False),
        (r"got must be a float in \[0, 1\]", False),  # prose cannot hide in a field
    ],
)
def test_coverage_rule(pattern, expected):
    template = ("Dense '", audit.FIELD, "': expected input of shape (N, 4), got ", audit.FIELD, ".")
    assert audit.covers(pattern, template) is expected


def test_a_caught_message_field_may_hold_prose():
    source = (
        "def load(path):\n"
        "    try:\n"
        "        parse(path)\n"
        "    except ValueError as exc:\n"
        '        raise ModelFileError(f"{path}: cannot rebuild the model: {exc}") from exc\n'
    )
    (site,), _ = audit.message_sites(source)
    assert site.template == (audit.FIELD, ": cannot rebuild the model: ", audit.PROSE)
    assert audit.covers("cannot rebuild the model: units must be positive", site.template)
    value = (audit.FIELD, ": cannot rebuild the model: ", audit.FIELD)
    assert not audit.covers("cannot rebuild the model: units must be positive", value)


def test_coverage_rule_for_short_messages():
    template = (audit.FIELD, ": is encrypted")
    assert audit.covers("is encrypted", template)  # all of the longest literal part
    assert not audit.covers("encrypted", template)
    assert not audit.covers("anything", (audit.FIELD,))  # no literal text: never covered


def test_a_pattern_counts_only_for_the_messages_it_fits_best():
    units = ("The '", audit.FIELD, "' argument of Dense must be a positive int. Got ", audit.FIELD)
    rate = (
        "The '",
        audit.FIELD,
        "' argument of Dense must be a float in [0, 1). Got ",
        audit.FIELD,
    )
    pattern = r"The 'rate' argument of Dense must be a float in \[0, 1\)"
    assert audit.covers(pattern, rate)
    assert not audit.covers(pattern, units)  # 'a float' cannot hide in a field
    prefix = "The 'rate' argument of Dense must be"  # covers both, but fits them equally
    index = audit.PatternIndex([pattern, prefix], [units, rate])
    assert index.covering(rate) == pattern
    assert index.covering(units) == prefix
    longer = ("The 'rate' argument of Dense must be a float in [0, 1). Got ", audit.FIELD)
    index = audit.PatternIndex([prefix], [units, longer])
    assert index.covering(longer) == prefix
    assert index.covering(units) is None  # the prefix fits the message that spells 'rate' better


def test_strings_of_a_module_with_indirect_patterns_count_only_when_they_are_words():
    source = (
        "CASES = [({'negative_slope': -1}, 'negative_slope must be >= 0')]\n"
        "def test_cases(kwargs, message):\n"
        "    with pytest.raises(ConfigError, match=message):\n"
        "        relu(**kwargs)\n"
    )
    patterns = audit.patterns_in_test(source)
    assert "negative_slope must be >= 0" in patterns
    assert "negative_slope" not in patterns


def test_helpers_are_inlined_with_constant_conditions_decided_and_names_followed():
    source = (
        "def _joinable(op, tensors, skip_axis):\n"
        '    where = "" if skip_axis is None else f" except along axis {skip_axis}"\n'
        '    raise ShapeError(f"{op}: expected tensors of one shape{where}, got {tensors}.")\n'
        "\n"
        "def stack(tensors):\n"
        '    _joinable("stack", tensors, None)\n'
        "\n"
        "def concatenate(tensors, axis):\n"
        '    _joinable("concatenate", tensors, axis)\n'
        "\n"
        "def _per_output(values, what):\n"
        '    if len(values) > 1 and what != "loss":\n'
        '        raise ShapeError(f"expected {what} per output, got {values}.")\n'
        "\n"
        "def compile(loss, metrics):\n"
        '    _per_output(loss, "loss")\n'
        '    _per_output(metrics, "metrics")\n'
    )
    sites, _ = audit.message_sites(source)
    assert [(s.line, s.text) for s in sites] == [
        (6, "stack: expected tensors of one shape, got {...}."),
        (9, "concatenate: expected tensors of one shape, got {...}."),
        (9, "concatenate: expected tensors of one shape except along axis {...}, got {...}."),
        (17, "expected metrics per output, got {...}."),  # what != "loss" is False for the loss
    ]
