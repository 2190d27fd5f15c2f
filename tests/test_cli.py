"""The glassnet command: demo trains and reports; help lists the subcommands."""

from __future__ import annotations

import subprocess
import sys

from glassnet.cli import main
from glassnet.demos import moons_demo, two_moons


def test_two_moons_shapes_and_balance():
    x, y = two_moons(200, seed=1)
    assert x.shape == (200, 2) and x.dtype.name == "float32"
    assert set(y.tolist()) == {0, 1} and y.sum() == 100


def test_moons_demo_learns_and_reports():
    lines = []
    result = moons_demo(epochs=400, print_fn=lines.append)
    assert result["test_accuracy"] >= 0.9
    assert result["loss"] < 0.2
    text = "\n".join(lines)
    assert "accuracy: train" in text and "What it learned" in text


def test_cli_demo_runs_as_a_command():
    out = subprocess.run(
        [sys.executable, "-m", "glassnet", "demo", "--epochs", "50"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "held-out test" in out.stdout


def test_cli_help_lists_demo(capsys):
    assert main([]) == 0
    assert "demo" in capsys.readouterr().out
