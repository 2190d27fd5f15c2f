"""docs/rbf_som.md: its code blocks run as printed and show what the text says."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rbf_som.md"


def test_rbf_som_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 4
    namespace: dict = {}
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    finally:
        plt.close("all")
    assert namespace["mse"] < 0.01
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[-3.  3.]"
    assert float(lines[-1]) >= 0.9
    assert (tmp_path / "som_u_matrix.png").exists() and (tmp_path / "som_components.png").exists()
