"""The README's example must run as printed and learn what it says it learns."""

from __future__ import annotations

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs_and_learns(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "README has no python example"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["loss"].item() < 0.1
    assert capsys.readouterr().out.startswith("loss 0.0")


def test_readme_keras_example_runs_and_reaches_the_printed_accuracy(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    namespace: dict = {}
    exec(compile(blocks[1], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["accuracy"] >= 0.95
    assert capsys.readouterr().out.startswith("test accuracy 0.9")


def test_readme_functional_example_saves_reloads_and_learns(capsys, tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    monkeypatch.chdir(tmp_path)  # the example writes moons.keras
    namespace: dict = {}
    exec(compile(blocks[2], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["same"] and namespace["accuracy"] >= 0.95
    assert (tmp_path / "moons.keras").exists()
    out = capsys.readouterr().out
    assert out.startswith("reloaded: identical predictions True, test accuracy 0.9")


def test_readme_gives_the_two_commands():
    text = README.read_text()
    assert "python -m pip install -e . && glassnet demo" in text
    assert "python -m pip install -e '.[test]' && python -m pytest" in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert "python -m pip install" in ci and "python -m pytest" in ci
