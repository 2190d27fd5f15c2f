"""Static audit helpers: error-message templates in the source, message patterns in the tests.

Used by ``tests/test_error_messages.py`` (whose docstring states the rules). Nothing here runs
library or test code: both sides are read with ``ast``; patterns are parsed with ``re._parser``.

A message *template* is a tuple of parts: literal strings, ``FIELD`` (a value only known
at run time, such as an f-string field) and ``PROSE`` (a caught exception's message).
Whether a test pattern covers a template is decided in ``tests/_message_match.py``
(``covers``, ``PatternIndex``), re-exported here.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from tests._message_match import FIELD, MIN_SHARED, PROSE, PatternIndex, covers

__all__ = ["FIELD", "MIN_SHARED", "PROSE", "PatternIndex", "Site", "covers", "message_sites",
           "patterns_in_test", "match_positions", "all_test_patterns"]  # fmt: skip

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


# ---------------------------------------------------------------- the trees
def all_test_patterns(tests: Path) -> list[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted(tests.rglob("*.py"))]
    positions = {k: v for source in sources for k, v in match_positions(source).items()}
    found = [p for source in sources for p in patterns_in_test(source, positions)]
    return sorted(set(found))
