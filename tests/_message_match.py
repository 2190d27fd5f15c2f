"""Static audit helpers, matching side: can a test pattern match an error-message template?

Used through ``tests/_message_audit.py`` by ``tests/test_error_messages.py`` (whose docstring
states the rules). Patterns are parsed with ``re._parser`` and run by a small backtracking
matcher over the template, where a field may stand for any value.
"""

from __future__ import annotations

import functools
import itertools
import re
import re._compiler as _sre_compile
import re._constants as _c
import re._parser as _sre_parse
from difflib import SequenceMatcher

FIELD = None  # a run-time value inside a message: may stand for any value (not prose)
PROSE = 0  # a caught exception's message inside a message (f"...: {exc}"): any text at all
MIN_SHARED = 12  # consecutive literal characters of a message a pattern must spell out


def _valid(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@functools.cache
def _literal_runs(pattern: str) -> tuple[str, ...]:
    """Runs of plain characters in the pattern (in groups and alternatives too)."""
    return tuple(r for r in _runs(_sre_parse.parse(pattern, 0).data) if r)


def _runs(nodes: list) -> list[str]:
    runs, run = [], []
    for op, av in nodes:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        runs.append("".join(run))
        run = []
        if op is _c.SUBPATTERN:
            runs += _runs(av[-1].data)
        elif op is _c.BRANCH:
            runs += [r for alt in av[1] for r in _runs(alt.data)]
    runs.append("".join(run))
    return runs


def _need(template: tuple) -> int:
    """Consecutive literal characters a pattern must spell out: MIN_SHARED, or all of the
    longest literal part when that is shorter."""
    return min(MIN_SHARED, max((len(p) for p in template if isinstance(p, str)), default=0))


def _shares_text(pattern: str, template: tuple, need: int) -> bool:
    """Quick necessary condition: a run of `need` plain pattern characters is in a literal part."""
    literals = [p for p in template if isinstance(p, str)]
    return any(
        run[i : i + need] in lit
        for run in _literal_runs(pattern)
        for i in range(len(run) - need + 1)
        for lit in literals
    )


_CHAR_OPS = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)
_JOIN = "JOIN"  # a pattern's space between two letters: prose, which a value field is not


def _is_word(node: tuple) -> bool:
    return node[0] is _c.LITERAL and chr(node[1]).isalpha()


def _mark_joins(nodes: list) -> list:
    out = list(nodes)
    for i in range(1, len(nodes) - 1):
        if nodes[i] == (_c.LITERAL, 32) and _is_word(nodes[i - 1]) and _is_word(nodes[i + 1]):
            out[i] = (_JOIN, 32)
    return out


_CHAR_MATCHERS: dict = {}


def _char_matcher(node: tuple, flags: int):
    """A test `char -> bool` for one single-character node of a parsed pattern."""
    op, av = node
    key = (op, av if op is _c.LITERAL else id(av), flags)
    if key in _CHAR_MATCHERS:
        return _CHAR_MATCHERS[key][1]
    if op is _c.LITERAL and not flags & _c.SRE_FLAG_IGNORECASE:
        _CHAR_MATCHERS[key] = (av, chr(av).__eq__)
    if key not in _CHAR_MATCHERS:
        sub = _sre_parse.SubPattern(_sre_parse.State(), [node])
        sub.state.flags = flags
        _CHAR_MATCHERS[key] = (av, _sre_compile.compile(sub, flags).fullmatch)  # av kept alive
    return _CHAR_MATCHERS[key][1]


@functools.cache
def _parsed(pattern: str) -> tuple[list, int]:
    parsed = _sre_parse.parse(pattern, 0)
    return _mark_joins(list(parsed.data)), parsed.state.flags


def _can_match(pattern: str, template: tuple, need: int) -> bool:
    """True when `pattern` (re.search) matches the template's text for some field values,
    with `need` consecutive literal characters of the template matched by plain characters
    of the pattern (not by wildcards and not inside a field)."""
    data, flags = _parsed(pattern)
    subject: list = [c for part in template for c in (part if isinstance(part, str) else (part,))]
    end = len(subject)

    def char(op, av, j: int) -> bool:
        # a field's text may end with any character, so a character node may match it
        if j >= end:
            return False
        return not isinstance(subject[j], str) or bool(_char_matcher((op, av), flags)(subject[j]))

    def seq(nodes: list, j: int, run: int, cont) -> bool:
        # `run`: consecutive literal characters matched by plain pattern characters so far;
        # the value -1 means the `need` has been met already.
        if not nodes:
            return cont(j, run)
        (op, av), rest = nodes[0], nodes[1:]
        if j < end and not isinstance(subject[j], str):
            # the field's text may hold what this node matches (not a space between two
            # words: a field is a value, not prose), or the field ends here
            stay = -1 if run < 0 else 0
            if (op is not _JOIN or subject[j] is PROSE) and seq(rest, j, stay, cont):
                return True
            if seq(nodes, j + 1, stay, cont):
                return True
        if op is _JOIN:
            op = _c.LITERAL
        if op in _CHAR_OPS:
            if not char(op, av, j):
                return False
            if run >= 0:
                run = run + 1 if op is _c.LITERAL and isinstance(subject[j], str) else 0
                run = -1 if run >= need else run
            return seq(rest, j + 1, run, cont)
        if op is _c.SUBPATTERN:
            return seq(list(av[-1].data) + rest, j, run, cont)
        if op is _c.BRANCH:
            return any(seq(list(alt.data) + rest, j, run, cont) for alt in av[1])
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            if len(sub.data) == 1 and sub.data[0][0] in _CHAR_OPS:  # x*, .+, [^']*: no recursion
                count = 0
                while count < hi and char(*sub.data[0], j + count):
                    count += 1
                reset = -1 if run < 0 else 0
                return any(
                    seq(rest, j + c, run if c == 0 else reset, cont) for c in range(lo, count + 1)
                )
            return repeat(list(sub.data), lo, hi, j, run, lambda k, r: seq(rest, k, r, cont))
        if op is _c.AT:
            if av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING) and j != 0:
                return False
            if av in (_c.AT_END, _c.AT_END_STRING) and j != end:
                return False
        return seq(rest, j, run, cont)  # anchors passed; lookarounds, group references: free

    def repeat(sub: list, lo: int, hi: int, j: int, run: int, cont) -> bool:
        if lo <= 0 and cont(j, run):
            return True
        if hi == 0:
            return False

        def again(k: int, r: int) -> bool:
            return (k != j or lo > 0) and repeat(sub, lo - 1, hi - 1, k, r, cont)

        return seq(sub, j, run, again)

    first = data[0] if data else None
    if first and first[0] in (_c.MAX_REPEAT, _c.MIN_REPEAT) and first[1][0] == 0:
        if first[1][1] == _c.MAXREPEAT and first[1][2].data == [(_c.ANY, None)]:
            return seq(data, 0, 0, lambda _k, r: r < 0)
    starts = range(end + 1)
    if first and first[0] in _CHAR_OPS:  # skip starts the first character cannot match
        starts = [j for j in starts if j == end or char(first[0], first[1], j)]
    return any(seq(data, j, 0, lambda _k, r: r < 0) for j in starts)


def covers(pattern: str, template: tuple) -> bool:
    """The coverage rule of tests/test_error_messages.py for one pattern and one message."""
    need = _need(template)
    if need == 0 or not _valid(pattern):
        return False
    return _shares_text(pattern, template, need) and _can_match(pattern, template, need)


def _shared(runs: tuple[str, ...], template: tuple) -> int:
    """The longest stretch of plain pattern text that is also literal text of the template."""
    best = 0
    for run in runs:
        for part in template:
            if isinstance(part, str):
                match = SequenceMatcher(None, run, part, autojunk=False)
                best = max(best, match.find_longest_match(0, len(run), 0, len(part)).size)
    return best


class PatternIndex:
    """Which templates the test patterns cover (the rule of tests/test_error_messages.py).

    A pattern counts only for the templates it fits best: of those it ``covers``, the ones
    sharing the longest stretch of literal text with it. So a test of one message does not
    also cover a different message that happens to start the same way.
    """

    def __init__(self, patterns: list[str], templates: list[tuple]):
        self.patterns = [p for p in dict.fromkeys(patterns) if _valid(p)]
        self._found: dict[tuple, str] = {}
        templates = [t for t in dict.fromkeys(templates) if _need(t)]
        grams: dict[int, dict[str, set[int]]] = {}
        fits: dict[int, list[tuple[int, tuple]]] = {}
        for template in templates:
            need = _need(template)
            if need not in grams:
                grams[need] = self._grams(need)
            numbers: set[int] = set()
            for part in template:
                if isinstance(part, str):
                    for i in range(len(part) - need + 1):
                        numbers |= grams[need].get(part[i : i + need], set())
            for number in numbers:
                runs = _literal_runs(self.patterns[number])
                fits.setdefault(number, []).append((_shared(runs, template), template))
        for number, candidates in fits.items():
            self._best(number, candidates)

    def _grams(self, need: int) -> dict[str, set[int]]:
        grams: dict[str, set[int]] = {}
        for number, pattern in enumerate(self.patterns):
            for run in _literal_runs(pattern):
                for i in range(len(run) - need + 1):
                    grams.setdefault(run[i : i + need], set()).add(number)
        return grams

    def _best(self, number: int, candidates: list[tuple[int, tuple]]) -> None:
        """Record the pattern for the best-fitting templates it covers."""
        pattern = self.patterns[number]
        for _score, group in itertools.groupby(
            sorted(candidates, key=lambda c: -c[0]), key=lambda c: c[0]
        ):
            covered = [t for _, t in group if _can_match(pattern, t, _need(t))]
            for template in covered:
                self._found.setdefault(template, pattern)
            if covered:
                return

    def covering(self, template: tuple) -> str | None:
        """A pattern that covers `template` best, or None."""
        return self._found.get(template)
