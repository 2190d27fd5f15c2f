"""docs/plots.md: its code blocks run as printed; the printed numbers agree with the page."""

from __future__ import annotations

import pathlib
import re

import pytest
from tests._docs import run_doc

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "plots.md"
FILES = ("history.png", "boundaries.png", "confusion.png", "roc.png", "layers.png",
         "activations.png", "residuals.png")  # fmt: skip


def _accuracy_and_auc(text: str) -> tuple[float, float]:
    accuracy = float(re.search(r"^ +accuracy +([\d.]+)", text, re.M).group(1))
    auc = float(re.search(r"ROC AUC: ([\d.]+)", text).group(1))
    return accuracy, auc


def test_plots_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")
    pytest.importorskip("glassnet.inspect.statistics")

    monkeypatch.chdir(tmp_path)
    text = DOC.read_text()
    run_doc("plots.md", blocks=9)
    out = capsys.readouterr().out
    printed = re.search(r"```text\n(.*?)```", text, re.S).group(1)
    assert out.startswith(printed.splitlines()[0])  # the report's header line
    for line in ("upper", "lower", "macro avg", "weighted avg"):
        assert re.search(rf"^ *{line} ", out, re.M), line
    accuracy, auc = _accuracy_and_auc(out)
    page_accuracy, page_auc = _accuracy_and_auc(printed)
    assert accuracy == pytest.approx(page_accuracy, abs=0.03) and accuracy >= 0.88
    assert auc == pytest.approx(page_auc, abs=0.02)
    r2 = float(re.search(r"^ +R2 +([-\d.]+)", out, re.M).group(1))
    assert r2 > 0.9
    for name in FILES:
        assert (tmp_path / name).stat().st_size > 10000, name
