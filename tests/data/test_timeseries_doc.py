"""docs/timeseries.md: its code blocks run as printed, and print what the comments say."""

from __future__ import annotations

import pytest

from tests._docs import run_doc


def test_timeseries_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")

    monkeypatch.chdir(tmp_path)
    namespace = run_doc("timeseries.md", blocks=5)
    printed = capsys.readouterr().out.splitlines()
    # Each print's line matches the comment written beside it in the doc.
    assert printed[0] == "2020-01-01 2022-09-26 (1000,) float32"
    assert printed[1] == "(931, 60, 1) (931, 10)"
    assert printed[2].startswith("MAE model ") and printed[2].endswith("naive 4.43")
    assert printed[3] == "24 (32, 60, 1) (32,)"
    assert printed[4].startswith("(60,) ")
    assert (tmp_path / "importance.png").stat().st_size > 5000
    assert len(namespace["history"].history["loss"]) == 1
