"""Running the code blocks of a page in docs/ (or the README) as a reader would."""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def python_blocks(path: pathlib.Path) -> list[str]:
    """The ```python blocks of a Markdown file, in order."""
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.S)


def run_doc(name: str, blocks: int | None = None) -> dict:
    """Run every python block of ``docs/<name>`` in one namespace, in order; return it.

    ``blocks`` (when given) is how many blocks the page must have, so a block lost in an edit
    fails the test. Figures are drawn with matplotlib's Agg backend and closed afterwards.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        pass
    path = DOCS / name
    code = python_blocks(path)
    if blocks is not None:
        assert len(code) == blocks, f"{name}: {len(code)} python blocks, expected {blocks}"
    namespace: dict = {}
    try:
        for block in code:
            exec(compile(block, str(path), "exec"), namespace)  # noqa: S102 - our own docs
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    return namespace
