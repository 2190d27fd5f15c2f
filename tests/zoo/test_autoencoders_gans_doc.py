"""docs/autoencoders_gans.md: its code blocks run as printed and show what the text says."""

from __future__ import annotations

import pathlib
import re

import pytest

from tests._docs import run_doc

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "autoencoders_gans.md"


def test_autoencoders_gans_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pytest.importorskip("sklearn")

    monkeypatch.chdir(tmp_path)
    text = DOC.read_text()
    namespace = run_doc("autoencoders_gans.md", blocks=6)
    assert namespace["after"] <= 0.5 * namespace["before"]
    assert namespace["auc"] >= 0.75
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "['kl_loss', 'loss', 'reconstruction_loss']"
    assert out[3] == out[5] == "['d_loss', 'g_loss']"
    assert int(out[4]) >= 7  # modes of the ring covered
    assert (tmp_path / "latent_space.png").stat().st_size > 10_000
    for image in re.findall(r"\]\((images/[^)]+)\)", text):
        assert (DOC.parent / image).exists(), image
