"""docs/timeseries.md: its code blocks run as printed, and print what the comments say."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "timeseries.md"


def test_timeseries_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    text = DOC.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 5
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    plt.close("all")
    printed = capsys.readouterr().out.splitlines()
    # Each print's line matches the comment written beside it in the doc.
    assert printed[0] == "2020-01-01 2022-09-26 (1000,) float32"
    assert printed[1] == "(931, 60, 1) (931, 10)"
    assert printed[2].startswith("MAE model ") and printed[2].endswith("naive 4.43")
    assert printed[3] == "24 (32, 60, 1) (32,)"
    assert printed[4].startswith("(60,) ")
    assert (tmp_path / "importance.png").stat().st_size > 5000
    assert len(namespace["history"].history["loss"]) == 1
