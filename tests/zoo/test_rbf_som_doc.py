"""docs/rbf_som.md: its code blocks run as printed and show what the text says."""

from __future__ import annotations

import pytest

from tests._docs import run_doc


def test_rbf_som_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")

    monkeypatch.chdir(tmp_path)
    namespace = run_doc("rbf_som.md", blocks=4)
    assert namespace["mse"] < 0.01
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[-3.  3.]"
    assert float(lines[-1]) >= 0.9
    assert (tmp_path / "som_u_matrix.png").exists() and (tmp_path / "som_components.png").exists()
