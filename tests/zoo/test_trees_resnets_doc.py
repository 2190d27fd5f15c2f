"""docs/trees_resnets.md: its code blocks run and print what the page says."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "trees_resnets.md"


def test_trees_resnets_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    try:
        for block in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S):
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    finally:
        plt.close("all")
    out = capsys.readouterr().out.splitlines()
    assert out == ["(2, 5, 3)", "tree_classifier 2418 1.0", "bag_of_words 2402 0.5", "(2, 10)"]
    assert (tmp_path / "gradient_norms.png").stat().st_size > 5000
