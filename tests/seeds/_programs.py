"""Read the seed documents' Keras programs and run them on glassnet.

The programs stay in the seed documents (``../shared/seeds`` beside the repository); they are
read at test time and never copied into the repository. A test that needs them is skipped
where that folder is absent.

The one edit to a program is its imports (``to_glassnet``). Beyond that, help is given only
as follows, each stated where it is used:

- ``unwrap`` undoes the line wrapping of a document converted from PDF (seed 003): code
  fences dropped, a comment or an import list that ran onto the next line joined back.
  It changes layout only, never a statement.
- data is supplied where the text says "Assuming X_train and y_train are the training data"
  (``assume``), and a fragment that only shows a line or two gets the smallest context it
  needs to run, written out in its test;
- seed 000's focal loss calls ``tf.log``, a TensorFlow 1 name that TensorFlow 2 lacks too:
  its test respells it ``tf.math.log``.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

SEEDS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds"

# The import mapping, applied line by line (leading indentation kept).
#   import tensorflow as tf              -> from glassnet.keras import tf_compat as tf
#   from tensorflow import keras         -> from glassnet import keras
#   from tensorflow.keras[.X] import ... -> from glassnet.keras[.X] import ...
#   import keras / from keras[.X] ...    -> the same, onto glassnet.keras
# ``tf_compat`` holds the few TensorFlow names that Keras tutorials use (tf.keras,
# tf.reduce_mean, tf.clip_by_value, tf.where ...), each mapped onto glassnet ops.
_IMPORTS = (
    (r"import tensorflow as tf$", "from glassnet.keras import tf_compat as tf"),
    (r"from tensorflow import keras$", "from glassnet import keras"),
    (r"import keras$", "from glassnet import keras"),
    (r"from (?:tensorflow\.)?keras((?:\.\w+)*) import ", r"from glassnet.keras\1 import "),
)


def to_glassnet(code: str) -> str:
    """Change a program's TensorFlow/Keras import lines, and nothing else, to glassnet's."""
    lines = []
    for line in code.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        body = line.strip()
        for pattern, replacement in _IMPORTS:
            if re.match(pattern, body):
                body = re.sub(pattern, replacement, body)
                break
        lines.append(indent + body if body else "")
    return "\n".join(lines) + "\n"


def seed_text(prefix: str) -> str:
    """The text of the seed document whose file name starts with ``prefix`` (or skip)."""
    files = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip("seed documents not found beside the repository")
    return files[0].read_text(encoding="utf-8")


def program(text: str, start: str, end: str | None = None) -> str:
    """The lines of ``text`` from the one ``start`` is on, up to the one ``end`` is on."""
    begin = text.rfind("\n", 0, text.index(start)) + 1
    stop = len(text) if end is None else text.rfind("\n", 0, text.index(end, begin)) + 1
    return text[begin:stop]


def _is_prose(line: str) -> bool:
    """A wrapped line of comment text: not Python, or a lone word such as ``activation``.

    A line that starts a statement continued below (an open bracket, a trailing colon) is
    code: it is parsed with its brackets closed and its block filled in.
    """
    body, stack = line.strip(), []
    for char in body:
        if char in "([{":
            stack.append(")]}"["([{".index(char)])
        elif char in ")]}" and (not stack or stack.pop() != char):
            return True  # why: closes a bracket that the comment above opened
    body += "".join(reversed(stack)) + ("\n    pass" if body.endswith(":") else "")
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return True
    only = tree.body[0] if len(tree.body) == 1 else None
    return isinstance(only, ast.Expr) and isinstance(only.value, ast.Name)


def _code_part(line: str) -> str:
    return line.split("#", 1)[0]


def _balanced(code: str) -> bool:
    return all(code.count(a) == code.count(b) for a, b in ("()", "[]", "{}"))


def unwrap(text: str) -> str:
    """Undo PDF line wrapping: drop code fences, rejoin wrapped comments and import lists.

    A line is joined onto the one before when that one ends in a comment (and closes all its
    brackets) and the line is comment prose, not code; or when the line before is an import
    list that ends with a comma.
    """
    out: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("```"):
            continue
        prev = out[-1] if out else ""
        has_comment = "#" in prev and _balanced(_code_part(prev))
        wrapped_comment = has_comment and line.strip() and not line.lstrip().startswith("#")
        if wrapped_comment and _is_prose(line):
            out[-1] = f"{prev} {line.strip()}"
        elif re.match(r"\s*from \S+ import .*,\s*$", prev):
            out[-1] = f"{prev.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def assume(code: str) -> str:
    """Uncomment the statement the text comments out after "# Assuming ... training data"."""
    lines = code.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip().startswith("# Assuming"):
            nxt = lines[i + 1]
            indent = nxt[: len(nxt) - len(nxt.lstrip())]
            lines[i + 1] = indent + nxt.lstrip()[1:].lstrip()
    return "\n".join(lines) + "\n"


def run(code: str, namespace: dict | None = None) -> dict:
    """Execute ``code`` (imports mapped) in ``namespace``, as one notebook cell."""
    namespace = {} if namespace is None else namespace
    exec(compile(to_glassnet(code), "seed", "exec"), namespace)  # noqa: S102 - our seeds
    return namespace
