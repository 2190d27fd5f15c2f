"""Static audit helpers: error-message templates in the source, message patterns in the tests.

Used by ``tests/test_error_messages.py`` (whose docstring states the rules). Nothing here runs
library or test code: both sides are read with ``ast``; patterns are parsed with ``re._parser``.

A message *template* is a tuple of parts: literal strings, ``FIELD`` (a value only known
at run time, such as an f-string field) and ``PROSE`` (a caught exception's message).
``covers(pattern, template)`` decides whether a test pattern can match the message for some
values of its fields.
"""

from __future__ import annotations

import ast
import builtins
import functools
import itertools
import re
import re._compiler as _sre_compile
import re._constants as _c
import re._parser as _sre_parse
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

FIELD = None  # a run-time value inside a message: may stand for any value (not prose)
PROSE = 0  # a caught exception's message inside a message (f"...: {exc}"): any text at all
MIN_SHARED = 12  # consecutive literal characters of a message a pattern must spell out
MAX_VARIANTS = 8  # conditional messages (a if c else b): at most this many templates per site
INTERNAL = "# internal:"  # a raise marked so on its line or the line above is not user-facing

_EXCEPTIONS = {
    name
    for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException) and not issubclass(obj, Warning)
}


@dataclass(frozen=True)
class Site:
    """One exception message in the source: where it is built and its text (template)."""

    path: str
    line: int
    exception: str
    template: tuple

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else "{...}" for p in self.template)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.exception}({self.text!r})"


# ---------------------------------------------------------------- source side: message templates
def _is_exception_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name in _EXCEPTIONS or name.endswith(("Error", "Exception"))


def _decide(test: ast.AST, env: dict | None) -> bool | None:
    """A condition on a helper's parameters where the call passes constants (``p is None``,
    ``p == "loss"``, ``not``, ``and``, ``or`` of those); None when it cannot be decided."""
    if not env:
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _decide(test.operand, env)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_decide(v, env) for v in test.values]
        stop = isinstance(test.op, ast.Or)  # True decides an or, False an and
        if stop in values:
            return stop
        return None if None in values else not stop
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if not (isinstance(left, ast.Name) and isinstance(right, ast.Constant)):
        return None
    if ("value", left.id) not in env:
        return None
    value = env[("value", left.id)]
    compare = {ast.Is: lambda: value is right.value, ast.IsNot: lambda: value is not right.value,
               ast.Eq: lambda: value == right.value, ast.NotEq: lambda: value != right.value}  # fmt: skip
    return compare[type(op)]() if type(op) in compare else None


def _reachable(node: ast.AST, helper: ast.AST, parents: dict, env: dict) -> bool:
    """False when an ``if`` between `helper` and `node` is decided against `node`'s branch."""
    while node in parents and node is not helper:
        parent = parents[node]
        if isinstance(parent, ast.If):
            decided = _decide(parent.test, env)
            if decided is not None and decided != (node in parent.body):
                return False
        node = parent
    return True


def _concat(*alternatives: list[tuple]) -> list[tuple]:
    joined = [sum(parts, ()) for parts in itertools.product(*alternatives)]
    return joined[:MAX_VARIANTS]


class _Resolver:
    """Turns the message expression of an exception call into templates (see module rules)."""

    def __init__(self, tree: ast.Module):
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(node.name, []).append(node)

    def enclosing_function(self, node: ast.AST) -> ast.AST | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def templates(self, expr: ast.AST, depth: int = 0, env: dict | None = None) -> list[tuple]:
        """Templates of a message expression; `env` maps a helper's parameters to the
        templates of the arguments one call passes."""
        env = env or {}
        if depth > 4:
            return [(FIELD,)]
        if isinstance(expr, ast.Name) and expr.id in env:
            return env[expr.id]
        if isinstance(expr, ast.FormattedValue) and isinstance(expr.value, ast.Name):
            if expr.value.id in env and expr.conversion == -1 and expr.format_spec is None:
                return env[expr.value.id]
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return [(expr.value,)]
        if isinstance(expr, ast.JoinedStr):
            parts = [self.templates(v, depth + 1, env) for v in expr.values]
            return _concat(*parts)
        if isinstance(expr, ast.FormattedValue) and isinstance(expr.value, ast.Name):
            plain = expr.conversion == -1 and expr.format_spec is None
            if plain and (assigned := self._assigned(expr.value, depth, env)):
                return assigned
        if isinstance(expr, ast.FormattedValue):
            caught = isinstance(expr.value, ast.Name) and expr.value.id in self.caught(expr)
            return [(PROSE,)] if caught else [(FIELD,)]
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return _concat(
                self.templates(expr.left, depth, env), self.templates(expr.right, depth, env)
            )
        if isinstance(expr, ast.IfExp):
            decided = _decide(expr.test, env)
            if decided is not None:
                return self.templates(expr.body if decided else expr.orelse, depth, env)
            both = self.templates(expr.body, depth, env) + self.templates(expr.orelse, depth, env)
            return both[:MAX_VARIANTS]
        if isinstance(expr, ast.Name):
            return self._assigned(expr, depth, env) or [(FIELD,)]
        if isinstance(expr, ast.Call):
            func = expr.func
            name = func.id if isinstance(func, ast.Name) else None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                name = func.attr if func.value.id in ("self", "cls") else None
            if name in self.functions:
                found = [
                    t
                    for f in self.functions[name]
                    for r in ast.walk(f)
                    if isinstance(r, ast.Return) and r.value is not None
                    for t in self.templates(r.value, depth + 1)
                ]
                if any(any(isinstance(p, str) for p in t) for t in found):
                    return found[:MAX_VARIANTS]
        return [(FIELD,)]

    def uses(self, call: ast.Call) -> list[tuple[int, dict]]:
        """Where the message of `call` is made: its own line, or, when it is built in a helper
        from the helper's parameters and the helper is called in this module, each call."""
        helper = self.enclosing_function(call)
        if helper is None or helper.name.startswith("__"):  # __init__ & co. are no helpers
            return [(call.lineno, {})]
        params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
        used = {n.id for n in ast.walk(call.args[0]) if isinstance(n, ast.Name)}
        if not used & (set(params) - {"self", "cls"}):
            return [(call.lineno, {})]
        found, calls = [], 0
        for node in self.parents:
            if not isinstance(node, ast.Call) or node is call:
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == helper.name:
                names = params
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == helper.name
                and isinstance(func.value, ast.Name)
                and func.value.id in ("self", "cls")
            ):
                names = params[1:]  # self.helper(...)
            else:
                continue
            if any(isinstance(a, ast.Starred) for a in node.args):
                continue
            env = {n: self.templates(a) for n, a in zip(names, node.args)}
            env.update({("value", n): a.value for n, a in zip(names, node.args)
                        if isinstance(a, ast.Constant)})  # fmt: skip
            env.update({k.arg: self.templates(k.value) for k in node.keywords if k.arg})
            calls += 1
            if _reachable(call, helper, self.parents, env):
                found.append((node.lineno, env))
        if not calls:
            return [(call.lineno, {})]
        return sorted(found, key=lambda f: f[0])

    def caught(self, node: ast.AST) -> set[str]:
        """Names bound by ``except ... as name`` in the function around `node`."""
        scope = self.enclosing_function(node)
        if scope is None:
            return set()
        return {h.name for h in ast.walk(scope) if isinstance(h, ast.ExceptHandler) and h.name}

    def _assigned(self, name: ast.Name, depth: int, env: dict | None = None) -> list[tuple]:
        scope = self.enclosing_function(name)
        if scope is None:
            return []
        values = [
            node.value
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
        ]
        return [t for v in values for t in self.templates(v, depth + 1, env)][:MAX_VARIANTS]


def _internal(lines: list[str], lineno: int) -> bool:
    around = lines[max(lineno - 2, 0) : lineno]
    return any(INTERNAL in line for line in around)


def message_sites(source: str, path: str = "<source>") -> tuple[list[Site], list[Site]]:
    """Return (sites, internal_sites): every exception constructed with a message in `source`.

    An exception call whose message has no literal text at all (``ValueError(name)``) is
    a site with template ``(FIELD,)``; it can only be covered by marking it internal.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    resolver = _Resolver(tree)
    sites: list[Site] = []
    internal: list[Site] = []
    for node in ast.walk(tree):
        if not _is_exception_call(node) or not node.args:
            continue
        func = node.func
        exception = func.id if isinstance(func, ast.Name) else func.attr
        seen = set()
        for line, env in resolver.uses(node):
            for template in resolver.templates(node.args[0], env=env):
                template = _merge(template)
                if (line, template) in seen:
                    continue
                seen.add((line, template))
                site = Site(path, line, exception, template)
                (internal if _internal(lines, line) else sites).append(site)
    return sorted(sites, key=lambda s: s.line), sorted(internal, key=lambda s: s.line)


def _merge(template: tuple) -> tuple:
    """Join neighbouring literals and neighbouring fields; drop empty literals."""
    out: list = []
    for part in template:
        if part == "":
            continue
        if out and isinstance(part, str) and isinstance(out[-1], str):
            out[-1] += part
            continue
        if out and not isinstance(part, str) and not isinstance(out[-1], str):
            out[-1] = max(out[-1], part, key=lambda f: f is PROSE)
            continue
        out.append(part)
    return tuple(out)


# ---------------------------------------------------------------- test side: patterns
def _pattern_texts(expr: ast.AST) -> list[str]:
    """Regexes a `match=` value stands for (literal strings, f-strings, re.escape(...))."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "(?s:.*)" for v in expr.values)
        return [text]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return [a + b for a in _pattern_texts(expr.left) for b in _pattern_texts(expr.right)]
    if isinstance(expr, ast.Call) and getattr(expr.func, "attr", "") == "escape" and expr.args:
        return [re.escape(t) for t in _literal_texts(expr.args[0])]
    return []


def _literal_texts(expr: ast.AST) -> list[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        return ["".join(v.value for v in expr.values if isinstance(v, ast.Constant))]
    return []


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def match_positions(source: str) -> dict[str, int]:
    """Classes and functions of a test module that take a ``match`` argument, with its
    position (a dataclass field ``match: str``, or a parameter named ``match``)."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            fields = [
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
            if "match" in fields:
                found[node.name] = fields.index("match")
        elif isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            if "match" in params:
                found[node.name] = params.index("match")
    return found


def patterns_in_test(source: str, positions: dict[str, int] | None = None) -> list[str]:
    """Every message pattern in one test module (rules in tests/test_error_messages.py).

    `positions`: names taking a ``match`` argument (``match_positions`` of every test module),
    so ``ErrorCase(inputs, kwargs, ShapeError, "pattern")`` counts too."""
    tree = ast.parse(source)
    positions = positions or {}
    patterns: list[str] = []
    indirect = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in positions and len(node.args) > positions[name]:
                patterns += _pattern_texts(node.args[positions[name]])
            for kw in node.keywords:
                if kw.arg == "match":
                    found = _pattern_texts(kw.value)
                    patterns += found
                    indirect |= not found
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "match" and len(node.args) == 1:
                if not (isinstance(func.value, ast.Name) and func.value.id == "re"):
                    found = _pattern_texts(node.args[0])
                    patterns += found
                    indirect |= not found
        if isinstance(node, ast.Compare) and any(isinstance(o, ast.In) for o in node.ops):
            patterns += [re.escape(t) for t in _literal_texts(node.left)]
    if indirect:  # match=<variable>: any string of the module may flow into it
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docs and " " in node.value.strip():  # words, not names
                    patterns += [node.value, re.escape(node.value)]
    return patterns


# ---------------------------------------------------------------- matching
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


# ---------------------------------------------------------------- the trees
def source_sites(root: Path, relative_to: Path) -> dict[str, tuple[list[Site], list[Site]]]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(relative_to).as_posix()
        out[rel] = message_sites(path.read_text(encoding="utf-8"), rel)
    return out


def all_test_patterns(tests: Path) -> list[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted(tests.rglob("*.py"))]
    positions = {k: v for source in sources for k, v in match_positions(source).items()}
    found = [p for source in sources for p in patterns_in_test(source, positions)]
    return sorted(set(found))
