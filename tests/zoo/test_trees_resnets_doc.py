"""docs/trees_resnets.md: its code blocks run and print what the page says."""

from __future__ import annotations

import pytest

from tests._docs import run_doc


def test_trees_resnets_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")

    monkeypatch.chdir(tmp_path)
    run_doc("trees_resnets.md")
    out = capsys.readouterr().out.splitlines()
    assert out == ["(2, 5, 3)", "tree_classifier 2418 1.0", "bag_of_words 2402 0.5", "(2, 10)"]
    assert (tmp_path / "gradient_norms.png").stat().st_size > 5000
